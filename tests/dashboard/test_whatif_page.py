"""The what-if page: a kept tactical model answers the form with a difference table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pks.dashboard.access import LOCAL_USER
from pks.dashboard.data import DataService, WhatIfService
from pks.dashboard.pages.whatif import do_whatif
from pks.optimise.solve import solve
from pks.optimise.whatif import WhatIf, plan_difference
from tests.browser import Served, free_port, launch_browser, require_chromium

from .conftest import make_settings


@pytest.mark.solver
def test_form_answer_is_warm_and_equals_a_cold_solve(svc: DataService, units):
    wis = WhatIfService(svc)
    cat = str(svc.snapshot().data.staff_categories["staff_category"].iloc[0])
    w = WhatIf("fte", units[0], 2.0, cat)
    ans = wis.ask(LOCAL_USER, "base", w)
    _, kept = wis.kept("base")
    assert ans.result.ok and ans.changed_values > 0
    cold = solve(kept.edited_model(w))
    assert ans.result.objective_sek == pytest.approx(cold.objective_sek, rel=1e-6)
    # the difference is taken from the stored plan
    ref = svc.plan_ref("base", "tactical")
    exp = plan_difference(svc.run_tables(str(ref.run_id)), ans.result.tables)
    assert ans.difference.equals(exp)
    div = do_whatif(svc, wis, LOCAL_USER, "base", "demand", units[0], None, 10, "sv")
    assert div.id == "whatif-answer"
    assert "tbl-whatif-diff" in str(div)


def test_form_lists_every_missing_field(svc: DataService):
    div = do_whatif(svc, WhatIfService(svc), LOCAL_USER, "base", None, None, None, None, "en")
    assert div.id == "whatif-err" and len(div.children) == 3


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch_browser()


@pytest.mark.e2e
@pytest.mark.solver
def test_browser_whatif_form_returns_a_difference_table(browser, seeded_db: Path,
                                                         repo_root: Path, tmp_path: Path):
    import shutil

    require_chromium()
    db = tmp_path / "pks.db"
    shutil.copy(seeded_db, db)
    served = Served(make_settings(db, repo_root, tmp_path, port=free_port()))
    try:
        svc = served.app.server.config["PKS_DATA_SERVICE"]
        unit = svc.snapshot().unit_ids[0]
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        pg = ctx.new_page()
        pg.goto(f"{served.url}/vad-om?node={unit}")
        pg.wait_for_selector("#whatif-value")
        pg.fill("#whatif-value", "2")
        pg.click("#whatif-run")
        pg.wait_for_selector("#tbl-whatif-diff tbody tr", timeout=60_000)
        assert pg.locator("#tbl-whatif-diff tbody tr").count() >= 1
        ctx.close()
    finally:
        served.close()
