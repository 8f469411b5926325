"""Browser tests of the governance pages in headless Chromium (served on 127.0.0.1).

Same approach as ``tests/dashboard/test_e2e.py``: skipped locally without Chromium, failed
in CI. Screenshots (Swedish and English) go to ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pks.dashboard.access import Principal, UserRecord, hash_password, write_users
from pks.dashboard.settings import DashboardSettings
from tests.browser import SHOTS, Served, free_port, launch_browser, require_chromium

pytestmark = pytest.mark.e2e

PASSWORD = "pw-gov-1234"





@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_browser()


@pytest.fixture
def served(db_path: Path, repo_root: Path, tmp_path: Path, unit: str, area: str
           ) -> Iterator[Served]:
    require_chromium()
    users = tmp_path / "users.yaml"
    write_users(users, {name: UserRecord(p, hash_password(PASSWORD)) for name, p in {
        "ulla": Principal("ulla", "first_line_manager", (unit,)),
        "anders": Principal("anders", "first_line_manager", (area,)),
        "stina": Principal("stina", "strategist"),
        "per": Principal("per", "planner")}.items()})
    s = DashboardSettings(db_url=f"sqlite:///{db_path}",
                          model_dir=str(repo_root / "models" / "demo_region"),
                          cache_dir=str(tmp_path / "cache"), cache_ttl_s=0.0,
                          port=free_port(), require_login=True, users_file=str(users))
    app = Served(s)
    yield app
    app.close()


def _shot(pg: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _settle(pg: Any) -> None:
    pg.wait_for_load_state("networkidle")
    pg.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _login(browser: Any, served: Served, user: str, path: str) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(f"{served.url}{path}")
    pg.wait_for_selector("#login-button")
    pg.fill("#username", user)
    pg.fill("#password", PASSWORD)
    pg.click("#login-button")
    pg.wait_for_selector("#gov-calendar, #gov-m-form", timeout=30_000)
    _settle(pg)
    return ctx, pg, errors


def _click_and_wait(pg: Any, button: str, result: str) -> str:
    pg.click(button)
    pg.wait_for_selector(result, timeout=20_000)
    _settle(pg)
    return str(pg.locator(result).inner_text())


def test_propose_agree_flow_with_server_side_refusal(browser: Any, served: Served,
                                                     unit: str, plan_id: str) -> None:
    from pks.data.store import Store
    from pks.governance.agreements import history

    # the unit manager proposes the unit plan and cannot agree it herself
    ctx, pg, errors = _login(browser, served, "ulla", f"/styrning?node={unit}")
    assert "Område" not in pg.locator("#gov-agree-node").inner_text()
    pg.fill("#gov-agree-comment", "Plan enligt dialog")
    _click_and_wait(pg, "#gov-propose", "#gov-agree-ok")
    text = _click_and_wait(pg, "#gov-agree", "#gov-denied")
    assert "Nekad" in text
    assert errors == []
    ctx.close()
    # a planner sees the button too and is refused on the server
    ctx, pg, errors = _login(browser, served, "per", f"/styrning?node={unit}")
    assert "Nekad" in _click_and_wait(pg, "#gov-agree", "#gov-denied")
    ctx.close()
    store = Store.open(served.app.server.config["PKS_DATA_SERVICE"].settings.db_url)
    assert list(history(store, plan_id)["status"]) == ["proposed"]
    # the area head agrees it
    ctx, pg, errors = _login(browser, served, "anders", f"/styrning?node={unit}")
    _click_and_wait(pg, "#gov-agree", "#gov-agree-ok")
    _shot(pg, "governance_area_head_sv")
    assert errors == []
    ctx.close()
    assert list(history(store, plan_id)["status"]) == ["proposed", "agreed"]
    # the strategist sees it as agreed, with the unagreed nodes flagged
    for lang in ("sv", "en"):
        ctx, pg, errors = _login(browser, served, "stina", f"/styrning?lang={lang}")
        table = pg.locator("#tbl-gov-agreements").inner_text()
        assert ("överenskommen" if lang == "sv" else "agreed") in table
        assert "anders" in table
        flag = pg.locator("#gov-unagreed").inner_text()
        assert ("inte överenskomna" if lang == "sv" else "not agreed") in flag
        cal = pg.locator("#gov-cal-current").inner_text()
        assert ("Verksamhetsområdesplaner" if lang == "sv" else "Area (VO) plans") in cal
        _shot(pg, f"governance_strategist_{lang}")
        assert errors == []
        ctx.close()


def test_deficit_warning_cleared_by_a_measure(browser: Any, served: Served) -> None:
    ctx, pg, errors = _login(browser, served, "stina", "/atgardsplaner")
    warn = pg.locator("#tbl-gov-warnings").inner_text()
    assert "Underskott mot budget" in warn
    _shot(pg, "measures_before_sv")
    before = pg.locator("#tbl-gov-warnings tbody tr").count()
    # the first warned node: choose it in the form and save a measure
    first = pg.locator("#tbl-gov-warnings tbody tr").first.locator("td").first.inner_text()
    pg.locator("#gov-m-node").click()
    pg.locator("[role=option]", has_text=first).first.click()
    pg.fill("#gov-m-title", "Minska hyrpersonalberoendet")
    pg.fill("#gov-m-owner", "Divisionsledningen")
    pg.fill("#gov-m-mnkr", "-2,5".replace(",", "."))
    _click_and_wait(pg, "#gov-m-save", "#gov-m-ok")
    after = pg.locator("#tbl-gov-warnings tbody tr").count()
    assert after == before - 1
    assert "Minska hyrpersonalberoendet" in pg.locator("#tbl-gov-measures").inner_text()
    assert "Uppföljning år 2027" in pg.locator("#gov-m-list").inner_text()
    _shot(pg, "measures_after_sv")
    assert errors == []
    ctx.close()
    ctx, pg, errors = _login(browser, served, "stina", "/atgardsplaner?lang=en")
    assert "Minska hyrpersonalberoendet" in pg.locator("#tbl-gov-measures").inner_text()
    _shot(pg, "measures_en")
    assert errors == []
    ctx.close()
