"""The follow-up page in headless Chromium: sv and en at region, division and unit level.

Screenshots go to ``tests/artifacts/screenshots/`` (``followup_<lang>_<level>.png``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pks.i18n import t
from pks.types import Language
from tests.browser import SHOTS, Served, free_port, launch_browser, require_chromium
from tests.dashboard.conftest import make_settings
from tests.dashboard.seed import region

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_browser()


@pytest.fixture(scope="module")
def app(seeded_db: Path, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Served]:
    require_chromium()
    db = tmp_path_factory.mktemp("fu-e2e") / "pks.db"
    shutil.copy(seeded_db, db)
    s = make_settings(db, repo_root, tmp_path_factory.mktemp("fu-cache"), port=free_port())
    served = Served(s)
    yield served
    served.close()


def _levels() -> dict[str, str]:
    nodes = region(6).org_nodes
    div = str(nodes.loc[nodes["node_type"] == "division", "node_id"].iloc[0])
    unit = str(nodes.loc[nodes["node_type"] == "unit", "node_id"].iloc[0])
    root = str(nodes.loc[nodes["parent_id"].isna(), "node_id"].iloc[0])
    return {"region": root, "division": div, "unit": unit}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_followup_page_at_three_levels(browser: Any, app: Served, lang: Language) -> None:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000},
                              locale="sv-SE" if lang == "sv" else "en-GB")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    for level, node in _levels().items():
        pg.goto(f"{app.url}/uppfoljning?lang={lang}&node={node}")
        pg.wait_for_selector("#tbl-fu-scorecard table", timeout=30_000)
        pg.wait_for_selector("#tbl-fu-sex table", timeout=30_000)
        pg.wait_for_selector("#tbl-fu-kpp", timeout=30_000)
        pg.wait_for_load_state("networkidle")
        pg.wait_for_function(
            "() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
        body = pg.locator("main").inner_text()
        assert t("scorecard.title", lang) in body
        for p in ("medborgare", "verksamhet", "medarbetare", "ekonomi"):
            assert t(f"scorecard.perspective.{p}", lang) in body
        assert t("scorecard.sex.female", lang) in body
        assert t("scorecard.sex.male", lang) in body
        assert pg.locator("#breadcrumb .crumb-current").count() == 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"followup_{lang}_{level}.png"), full_page=True)
    ctx.close()
    assert errors == []
