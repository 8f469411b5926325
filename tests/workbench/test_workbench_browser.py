"""The strategist's workbench in a real headless Chromium (tests/browser.py plumbing).

A strategist builds a scenario with 30 % less agency and a 2 % frame cut in the form, runs
forecast, strategic plan and simulation for it and the base as a background job, and sees
both side by side in the table of differences with simulated care-guarantee probabilities.
Screenshots of the strategic page at region, division and unit level in Swedish and
English go to ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pks.config.loader import load_scenario
from tests.browser import SHOTS, Served, free_port, launch_browser, require_chromium
from tests.dashboard.conftest import make_settings
from tests.dashboard.seed import seed_store

pytestmark = pytest.mark.e2e
RUN_TIMEOUT_MS = 600_000
LABEL = "30 % mindre hyrpersonal, ram −2 %"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_browser()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[Served]:
    require_chromium()
    root = tmp_path_factory.mktemp("wb")
    model = root / "models" / "demo_region"
    shutil.copytree(repo_root / "models" / "demo_region", model)
    (root / "data").symlink_to(repo_root / "data")  # instance_dir is relative to the root
    store, _ = seed_store(f"sqlite:///{root / 'pks.db'}", 6)
    store.close()
    s = make_settings(root / "pks.db", repo_root, root, port=free_port(), job_replications=3)
    s = dataclasses.replace(s, model_dir=str(model))
    app = Served(s)
    app.model_dir = model  # type: ignore[attr-defined]
    yield app
    app.close()


def _settle(pg: Any) -> None:
    pg.wait_for_load_state("networkidle")
    pg.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _shot(pg: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_strategist_builds_runs_and_compares_a_scenario(browser: Any, served: Served):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(served.url + "/strategisk")
    pg.wait_for_selector("#wb-name", timeout=30_000)
    _settle(pg)
    # a bad form: every bad field says what is wrong, nothing is saved
    pg.fill("#wb-name", "Mindre hyr!")
    pg.fill("#wb-agency-change-pct", "-130")
    pg.click("#wb-save")
    pg.wait_for_selector("#wb-name-err:has-text('små bokstäver')", timeout=20_000)
    assert "utanför" in pg.inner_text("#wb-agency-change-pct-err")
    assert "ett namn som visas" in pg.inner_text("#wb-label-err")
    # the scenario of the acceptance: 30 % less agency, frames −2 %
    pg.fill("#wb-name", "mindre_hyr")
    pg.fill("#wb-label", LABEL)
    pg.fill("#wb-agency-change-pct", "-30")
    pg.fill("#wb-frame-change-pct", "-2")
    pg.click("#wb-save")
    pg.wait_for_selector("#wb-msg:has-text('sparat')", timeout=20_000)
    assert pg.inner_text("#wb-name-err") == ""
    cfg = load_scenario(served.model_dir, "mindre_hyr")  # type: ignore[attr-defined]
    assert {e.table: dict(e.scale) for e in cfg.data_edits} == {
        "staffing": {"agency_h_per_week_max": pytest.approx(0.7)},
        "budget_frames": {"frame_sek": pytest.approx(0.98)}}
    pg.click("#wb-run")
    pg.wait_for_selector("#wb-diff table", timeout=RUN_TIMEOUT_MS)
    _settle(pg)
    table = pg.inner_text("#wb-diff")
    assert "Bas" in table and LABEL in table and "mindre_hyr" not in table
    row = pg.locator("#wb-diff tr", has_text="Sannolikhet vårdgaranti").inner_text()
    cells = row.split("\t")[1:]
    assert len(cells) == 3 and "–" not in cells[:2]  # both scenarios simulated
    for c in cells[:2]:
        assert 0 <= float(c.replace(",", ".").replace("\u00a0", "")) <= 100
    # each scenario's financial-target verdicts from its own strategic plan's cost
    row = pg.locator("#wb-diff tr", has_text="Finansiellt mål: Verksamhetens resultat")
    cells = row.inner_text().split("\t")[1:]
    assert len(cells) == 3 and all("uppfyllt" in c and "mål" in c for c in cells[:2])
    assert "procentenheter" in cells[2]
    assert pg.locator("#wb-verdict-note").count() == 0
    _shot(pg, "workbench_sv")
    assert errors == []
    ctx.close()


def test_strategic_page_screenshots_three_levels_two_languages(browser: Any, served: Served):
    from tests.dashboard.seed import region

    nodes = region(6).org_nodes
    pick = {lvl: str(nodes.loc[nodes["node_type"] == lvl, "node_id"].iloc[0])
            for lvl in ("region", "division", "unit")}
    for lang, locale in (("sv", "sv-SE"), ("en", "en-GB")):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
        pg = ctx.new_page()
        for lvl, node in pick.items():
            pg.goto(f"{served.url}/strategisk?lang={lang}&node={node}")
            pg.wait_for_selector("#wb-name", timeout=30_000)
            _settle(pg)
            _shot(pg, f"strategic_{lvl}_{lang}")
            assert (SHOTS / f"strategic_{lvl}_{lang}.png").stat().st_size > 0
        ctx.close()
