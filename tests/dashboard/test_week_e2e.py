"""A manager's week in headless Chromium: download the actuals template, fill a week for
the unit, upload it, see the deviation; then screenshots of the operative, tactical and
report pages at region, division and unit level in Swedish and English
(``tests/artifacts/screenshots/week_*.png``)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from pks.dashboard import actuals_template as tpl
from pks.data.schema import SCHEMAS
from tests.browser import SHOTS, Served, free_port, launch_browser, require_chromium

from .conftest import make_settings
from .seed import AS_OF

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch_browser()


@pytest.fixture(scope="module")
def week_app(seeded_db: Path, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Served]:
    require_chromium()
    db = tmp_path_factory.mktemp("week") / "pks.db"
    shutil.copy(seeded_db, db)
    served = Served(make_settings(db, repo_root, tmp_path_factory.mktemp("week-cache"),
                                  port=free_port()))
    yield served
    served.close()


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE",
                              accept_downloads=True)
    pg = ctx.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def _settle(pg) -> None:  # noqa: ANN001
    pg.wait_for_load_state("networkidle")
    pg.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _shot(pg, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"week_{name}.png"), full_page=True)


def test_manager_fills_the_template_and_sees_the_deviation(page, week_app: Served,
                                                           tmp_path: Path):
    pg = page
    svc = week_app.app.server.config["PKS_DATA_SERVICE"]
    unit = svc.snapshot().unit_ids[1]
    pg.goto(f"{week_app.url}/operativ?node={unit}&week={AS_OF}")
    pg.wait_for_selector("#kpi-production")
    _settle(pg)
    before = pg.locator("#kpi-production .kpi-value").inner_text()

    pg.goto(week_app.url + "/rapportering")
    pg.wait_for_selector("#actuals-template-buttons")
    _settle(pg)
    pg.locator("#actuals-template summary").click()
    _shot(pg, "report_template_help")
    button = pg.locator("#actuals-template-buttons button", has_text="actuals_production")
    with pg.expect_download() as dl:
        button.click()
    download = dl.value
    assert download.suggested_filename.startswith("actuals_production_")
    raw = Path(download.path()).read_text(encoding="utf-8")
    template = pd.read_csv(io.StringIO(raw), sep=";", decimal=",", dtype=str)
    assert list(template.columns) == [tpl.column_label(s, "sv")
                                      for s in SCHEMAS["actuals_production"].columns]

    # the manager fills the week for the unit: half the production they had reported
    ap = svc.snapshot().data.actuals_production
    rows = ap[(ap["unit_id"] == unit) & (ap["week"] == AS_OF)].copy()
    rows["production_cases"] = rows["production_cases"] * 0.5
    labels = dict(zip(SCHEMAS["actuals_production"].column_names, template.columns,
                      strict=True))
    filled = rows[list(labels)].rename(columns=labels)
    path = tmp_path / download.suggested_filename
    path.write_text(filled.to_csv(index=False, sep=";", decimal=","), encoding="utf-8")
    pg.locator("#upload-actuals input[type=file]").set_input_files(str(path))
    pg.wait_for_selector("#upload-ok", timeout=30_000)
    _shot(pg, "report_upload_ok")

    pg.goto(f"{week_app.url}/operativ?node={unit}&week={AS_OF}")
    pg.wait_for_selector("#kpi-production")
    _settle(pg)
    after = pg.locator("#kpi-production .kpi-value").inner_text()
    assert after != before and after.startswith("\u2212")
    _shot(pg, "operative_unit_after_upload")
    assert pg.errors == []


def test_screenshots_of_every_page_at_three_levels_in_both_languages(page, week_app: Served):
    pg = page
    svc = week_app.app.server.config["PKS_DATA_SERVICE"]
    tree = svc.tree()
    nodes = tree.nodes
    division = next(n for n in tree.descendants(tree.root)
                    if str(nodes.loc[n, "node_type"]) == "division")
    levels = {"region": tree.root, "division": division, "unit": svc.snapshot().unit_ids[0]}
    pages = (("/operativ", "#kpi-production"), ("/taktisk", "#tbl-tac-dev"),
             ("/rapportering", "#upload-actuals"))
    for lang in ("sv", "en"):
        for level, node in levels.items():
            for path, ready in pages:
                pg.goto(f"{week_app.url}{path}?node={node}&lang={lang}")
                pg.wait_for_selector(ready, timeout=30_000)
                _settle(pg)
                _shot(pg, f"{path.strip('/')}_{level}_{lang}")
                if path == "/operativ":
                    text = pg.locator("#tbl-op-dev").inner_text() if pg.locator(
                        "#tbl-op-dev").count() else ""
                    assert "\u2003" not in text
    assert pg.errors == []
