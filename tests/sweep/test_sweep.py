"""pks sweep: spec parsing, bad specs, local = Dask, resumability, comparison table."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from pks.cli import app
from pks.data.io import read_csv_folder
from pks.data.store import Store
from pks.data.weeks import weeks_of_year
from pks.simulate.executor import DaskExecutor, LocalExecutor
from pks.sweep.run import PLAN_COST_KEY, PLAN_COST_TABLE, RESULT_TABLE, weekly_plan
from pks.sweep.spec import SweepSpecError, grid_scenarios, resolve
from pks.sweep.store_io import SWEEP_RUN_KIND, run_sweep, sweep_comparison

MODEL = "models/demo_region"
GRID = ["frame_level=1.0,0.8"]


def test_grid_is_every_combination_with_named_levers():
    sc = grid_scenarios(["population=scb,region", "efficiency=0.01"])
    assert [s.name for s in sc] == ["population=scb+efficiency=0.01",
                                    "population=region+efficiency=0.01"]
    assert sc[1].overrides == {
        "data": {"population_scenario": "region"},
        "data_edits": [{"table": "budget_frames", "set": {"efficiency_pu": 0.01}}]}
    cfgs = resolve(MODEL, "base", sc)
    assert cfgs[1].data.population_scenario == "region"
    assert cfgs[1].data_edits[-1].set == {"efficiency_pu": 0.01}


def test_bad_specs_list_every_problem():
    with pytest.raises(SweepSpecError) as e:
        grid_scenarios(["nonsense", "colour=red", "frame_level=0.9"])
    assert len(e.value.problems) == 2
    with pytest.raises(SweepSpecError) as e:
        resolve(MODEL, "base", grid_scenarios(["simulate.replications=0,5",
                                               "simulate.alpha=2"]))
    assert len(e.value.problems) == 3  # both scenarios have alpha=2; one also replications=0


def test_cli_bad_spec_exits_1_and_writes_nothing(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("scenarios:\n  a: 3\n  b: {simulate: {replications: 0}}\n")
    db = tmp_path / "s.db"
    r = CliRunner().invoke(app, ["sweep", str(spec), "--db", f"sqlite:///{db}",
                                 "--lang", "en"])
    assert r.exit_code == 1
    assert "'a': overrides must be a mapping" in r.output
    r = CliRunner().invoke(app, ["sweep", "--grid", "simulate.replications=0",
                                 "--grid", "bogus=1", "--db", f"sqlite:///{db}"])
    assert r.exit_code == 1 and "bogus" in r.output
    assert not db.exists()


def test_weekly_plan_spreads_yearly_flows_evenly():
    weeks = weeks_of_year(2027)
    tables = {
        "plan_production": pd.DataFrame({"unit_id": ["U"], "care_type": ["c"], "week": [2027],
                                         "year": [2027], "demand_cases": [520.0],
                                         "production_cases": [104.0],
                                         "external_cases": [0.0], "unmet_cases": [0.0]}),
        "plan_staff": pd.DataFrame({"unit_id": ["U"], "staff_category": ["k"], "week": [2027],
                                    "year": [2027], "available_h": [5200.0], "own_h": [0.0],
                                    "overtime_h": [0.0], "agency_h": [0.0],
                                    "required_h": [2600.0]}),
        "plan_beds": pd.DataFrame({"unit_id": ["U"], "week": [2027], "year": [2027],
                                   "staffed_beds": [7.0]}),
    }
    w = weekly_plan(tables, 2027)
    assert list(w["plan_production"]["week"]) == weeks
    assert w["plan_production"]["production_cases"].sum() == pytest.approx(104.0)
    assert w["plan_production"]["demand_cases"].iloc[0] == pytest.approx(520.0 / len(weeks))
    assert w["plan_staff"]["required_h"].sum() == pytest.approx(2600.0)
    assert (w["plan_beds"]["staffed_beds"] == 7.0).all()


@pytest.fixture(scope="module")
def data():
    cfg = resolve(MODEL, "base", grid_scenarios(GRID))[0]
    return read_csv_folder(cfg.data.instance_dir)


def test_sweep_local_equals_dask_and_resumes(tmp_path, data):
    from dask.distributed import Client, LocalCluster

    sc = grid_scenarios(GRID)
    local = Store.open(f"sqlite:///{tmp_path / 'local.db'}")
    sid, n = run_sweep(local, data, MODEL, "base", sc, replications=2,
                       executor=LocalExecutor())
    assert n == 2
    seen: list[tuple[int, int]] = []
    sid2, n2 = run_sweep(local, data, MODEL, "base", sc, replications=2,
                         progress=lambda d, t: seen.append((d, t)))
    assert (sid2, n2) == (sid, 0) and seen == [(2, 2)]  # second run does no work
    a = sweep_comparison(local, sid)
    assert list(a["scenario"]) == ["frame_level=0.8", "frame_level=1.0"]
    assert (a["status"] == "optimal").all()
    assert {"cost_mnkr", "agency_share_pu", "unmet_cases",
            "guarantee_probability_pu"} <= set(a.columns)
    assert any(c.startswith("fte_") for c in a.columns)
    # tighter frames never raise the planned net cost
    assert a.loc[0, "cost_mnkr"] <= a.loc[1, "cost_mnkr"] + 1e-6
    # each scenario's strategic plan_cost is kept with its row: its units' cost is the row's
    for r in local.runs(kind=SWEEP_RUN_KIND)["run_id"]:
        t = local.load_run_tables(r, [RESULT_TABLE, PLAN_COST_TABLE])
        row, pc = t[RESULT_TABLE].iloc[0], t[PLAN_COST_TABLE]
        assert {"node_id", "kind", "year", "net_cost_sek"} <= set(pc.columns)
        units = pc[(pc["kind"] == "unit") & (pc["year"].astype(int) == int(row["year"]))]
        assert units["net_cost_sek"].sum() / 1e6 == pytest.approx(row["cost_mnkr"])
        assert PLAN_COST_KEY not in t[RESULT_TABLE].columns
    remote = Store.open(f"sqlite:///{tmp_path / 'dask.db'}")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:
        with Client(cluster) as client:
            ex = DaskExecutor(client=client)
            run_sweep(remote, data, MODEL, "base", sc, replications=2, executor=ex)
            ex.close()
    b = sweep_comparison(remote, sid)
    pd.testing.assert_frame_equal(a, b)


def test_workbench_reruns_a_result_stored_without_its_plan_cost(tmp_path, data):
    """A scenario stored before plan costs were kept is run again; a complete one is not."""
    from pks.sweep.compare import run_scenarios, scenario_sweep_id, stored_plan_costs

    store = Store.open(f"sqlite:///{tmp_path / 'wb.db'}")
    old = pd.DataFrame([{"scenario": "base", "year": 2027, "cost_mnkr": 1.0,
                         "status": "optimal"}])
    store.save_run(SWEEP_RUN_KIND, {RESULT_TABLE: old}, level="strategic",
                   scenario=f"sweep:{scenario_sweep_id('base', 2)}:base")
    assert stored_plan_costs(store, ["base"], 2) == {}
    rows = run_scenarios(store, data, MODEL, ["base"], 2)
    assert rows.loc[0, "cost_mnkr"] > 1.0 and set(stored_plan_costs(store, ["base"], 2)) == {
        "base"}
    n = len(store.runs(kind=SWEEP_RUN_KIND))
    run_scenarios(store, data, MODEL, ["base"], 2)
    assert len(store.runs(kind=SWEEP_RUN_KIND)) == n  # complete now: nothing run again
    store.close()
