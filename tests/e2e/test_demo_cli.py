"""The README's main job, end to end, in a real subprocess on the demo region; then every
dashboard page on the store it produced, in headless Chromium (no console errors;
screenshots in ``tests/artifacts/screenshots/demo_*.png``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pks.data.store import Store

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("PKS_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PAGES = (("/operativ", "#kpi-production"), ("/taktisk", "#tbl-tac-dev"),
         ("/strategisk", "#tbl-cov"), ("/rapportering", "#upload-actuals"))


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, repo_root) -> tuple[str, str]:
    """Run ``pks demo --no-serve`` once; the database URL and what it printed."""
    db = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "pks.cli.main", "demo", "--no-serve", "-n", "3", "--db", db,
         "--lang", "en"],
        cwd=repo_root, env=dict(os.environ), capture_output=True, text=True, timeout=1500,
        check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    return db, proc.stdout


def test_pks_demo_runs_the_whole_chain(demo_run):
    demo_db, out = demo_run
    # the summary of the region (issue 2 acceptance)
    for division in ("Division Närsjukvård", "Division Opererande specialiteter",
                     "Division Psykiatri"):
        assert division in out
    assert "2023-W01" in out and "2025-W52" in out
    # every level was planned and explained; the simulation printed verdicts
    assert out.count("optimal") >= 4  # three base levels + the compared strategic plan
    with Store.open(demo_db) as store:
        runs = store.runs()
        plans = runs[runs["kind"] == "plan"]
        assert set(plans["level"]) == {"strategic", "tactical", "operative"}
        assert set(plans["scenario"]) == {"base", "industrial_growth"}
        adopted = plans[plans["status"] == "adopted"]
        assert list(adopted["level"]) == ["tactical"]
        sims = runs[runs["kind"] == "simulation"]
        assert list(sims["parent_run_id"]) == list(adopted["run_id"])
        verdicts = store.load_run_tables(sims["run_id"].iloc[0], ["sim_verdicts"])["sim_verdicts"]
        assert {"region", "division", "unit"} <= set(verdicts["node_type"])
        assert verdicts["probability"].between(0, 1).all()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.e2e
def test_every_dashboard_page_renders_the_demo_region(demo_run, repo_root, tmp_path):
    demo_db, _ = demo_run
    if not Path(CHROMIUM).exists():
        msg = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + " (CI=true: browser tests must run)")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from pks.dashboard.app import create_app
    from pks.dashboard.settings import DashboardSettings

    settings = DashboardSettings(db_url=demo_db, model_dir=str(repo_root / "models" /
                                                              "demo_region"),
                                 cache_dir=str(tmp_path / "cache"), port=_free_port())
    app = create_app(settings)
    server = make_server("127.0.0.1", settings.port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            SHOTS.mkdir(parents=True, exist_ok=True)
            for path, ready in PAGES:
                page.goto(f"http://127.0.0.1:{settings.port}{path}")
                page.wait_for_selector(ready, timeout=60_000)
                page.wait_for_load_state("networkidle")
                page.wait_for_function(
                    "() => !document.querySelector('[data-dash-is-loading=\"true\"]')",
                    timeout=60_000)
                page.screenshot(path=str(SHOTS / f"demo{path.replace('/', '_')}.png"),
                                full_page=True)
            # the adopted plan of the demo is shown, not the "no plan" notice
            page.goto(f"http://127.0.0.1:{settings.port}/taktisk")
            page.wait_for_selector("#tbl-tac-dev tbody tr", timeout=60_000)
            assert page.locator("#tbl-tac-dev tbody tr").count() > 1
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert errors == []
