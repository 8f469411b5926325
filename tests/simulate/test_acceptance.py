"""Acceptance: an under-staffed plan is flagged for exactly the right units; the CLI end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pks.config.simulate import SimulateConfig
from pks.demo import generate_region, sized_spec
from pks.simulate.runner import simulate_plan

from .builders import cut_capacity, forecast_for, plan_from_data


def balanced(data):
    """The generated region with waiting lists in balance: 3 weeks of demand, none overdue."""
    out = {}
    for name in ("demand_history", "actuals_production"):
        f = getattr(data, name).copy()
        f["waiting_list_cases"] = np.round(3 * f["referrals_cases"].astype(float))
        f["waiting_over_guarantee_cases"] = 0.0
        out[name] = f
    return data.replace(**out)


@pytest.fixture(scope="module")
def region():
    data = balanced(generate_region(sized_spec(6, 3), seed=1))
    plan = plan_from_data(data, 2027, margin=1.1)
    return data, plan, forecast_for(plan["plan_production"], 0.05)


def _failing(verdicts, target):
    v = verdicts[(verdicts["target"] == target) & (verdicts["node_type"] == "unit")]
    return set(v.loc[~v["met"], "node_id"])


def test_understaffed_plan_fails_the_guarantee_for_exactly_those_units(region):
    data, plan, fc = region
    cfg = SimulateConfig(patient_records="none")
    units = sorted(data.care_types["unit_id"].unique())
    base = simulate_plan(plan, data, fc, cfg, replications=8).verdicts
    assert _failing(base, "guarantee") == set()
    cut = [units[1], units[4]]
    lean = simulate_plan(cut_capacity(plan, cut, "first_visit", 0.6), data, fc, cfg,
                         replications=8).verdicts
    assert _failing(lean, "guarantee") == set(cut)
    g = lean[(lean["target"] == "guarantee") & lean["node_id"].isin(cut)]
    assert (g["probability"] == 0).all() and (g["ci_high"] < 0.5).all()
    # roll-up: the region and the areas holding the cut units fail, every row has a CI
    region_row = lean[(lean["node_type"] == "region") & (lean["target"] == "guarantee")]
    assert len(region_row) == 1
    assert (lean["ci_low"] <= lean["probability"]).all()
    assert (lean["probability"] <= lean["ci_high"]).all()
    assert set(lean["node_type"]) >= {"unit", "area", "division", "region"}


def test_roll_up_pools_units(region):
    """A node's KPI is computed from the summed numerators and denominators of its units."""
    data, plan, fc = region
    cfg = SimulateConfig(patient_records="none", kpi_detail="replication")
    res = simulate_plan(plan, data, fc, cfg,
                        replications=3)
    long = res.tables["sim_node_kpis"]
    kp = res.tables["sim_kpis"]
    rep0 = kp[kp["replication"] == 0]
    lines = rep0.groupby(["unit_id", "care_type"]).tail(1)
    region_list = long[(long["replication"] == 0) & (long["target"] == "waiting_list")
                       & (long["node_id"] == "REG")]["value"].iloc[0]
    guaranteed = data.care_types.loc[data.care_types["acute"].astype(str).str.lower() == "false"]
    keys = set(zip(guaranteed["unit_id"], guaranteed["care_type"], strict=True))
    expected = sum(r.waiting_list_cases for r in lines.itertuples()
                   if (r.unit_id, r.care_type) in keys)
    assert region_list == pytest.approx(expected)


# ---------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def store_with_plan(tmp_path_factory, region):
    from pks.data.store import Store

    data, plan, _ = region
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'pks.db'}"
    store = Store.open(url)
    store.write_inputs(data, "test")
    short = {k: v[v["week"] <= "2027-W13"].reset_index(drop=True) for k, v in plan.items()}
    plan_id = store.save_run("plan", short, scenario="base", level="tactical")
    other_id = store.save_run("plan", short, scenario="region_growth", level="tactical")
    store.close()
    return url, plan_id, other_id


def _runs(url):
    from pks.data.store import Store

    with Store.open(url) as s:
        return len(s.runs())


def _invoke(args):
    from pks.cli import app

    return CliRunner().invoke(app, ["simulate", *args, "--model", "models/demo_region",
                                    "--no-progress"])


def test_cli_simulates_and_stores_next_to_the_plan(store_with_plan, tmp_path):
    from pks.data.store import Store

    url, plan_id, _ = store_with_plan
    out = tmp_path / "out"
    r = _invoke(["--plan", plan_id, "--replications", "3", "--db", url, "--lang", "en",
                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "Probability of meeting the targets" in r.output
    assert "Benchmarkregion" in r.output
    with Store.open(url) as s:
        sims = s.runs(kind="simulation")
        info = s.run(sims["run_id"].iloc[0])
        assert info.parent_run_id == plan_id and info.scenario == "base"
        v = s.load_run_tables(info.run_id, ["sim_verdicts"])["sim_verdicts"]
    assert {"node_id", "target", "probability", "ci_low", "ci_high", "met"} <= set(v.columns)
    assert (out / "sim_verdicts.csv").exists()
    r_sv = _invoke(["--plan", "latest", "-n", "2", "--db", url, "--lang", "sv"])
    assert r_sv.exit_code == 0, r_sv.output
    assert "Sannolikhet att nå målen" in r_sv.output


@pytest.mark.parametrize("args, message", [
    (["--plan", "no-such-run", "-n", "2"], "does not exist"),
    (["--plan", "OTHER", "-n", "2"], "region_growth"),
    (["--plan", "PLAN", "-n", "0"], "at least 1"),
    (["--plan", "PLAN", "-n", "2", "--no-show-rate", "-0.1"], "no_show_rate"),
    (["--plan", "PLAN", "-n", "2", "--cancellation-rate", "-1"], "cancellation_rate"),
    (["--plan", "PLAN", "-n", "2", "--cut", "NOPE=0.5"], "not in the plan"),
    (["--plan", "PLAN", "-n", "2", "--cut", "REG-RS-D00-A000-U0001=-1"], "must be >= 0"),
])
def test_cli_bad_input_exits_1_and_writes_nothing(store_with_plan, args, message):
    url, plan_id, other_id = store_with_plan
    args = [{"PLAN": plan_id, "OTHER": other_id}.get(a, a) for a in args]
    before = _runs(url)
    r = _invoke([*args, "--db", url, "--lang", "en"])
    assert r.exit_code == 1, r.output
    assert message in r.output
    assert _runs(url) == before


def test_library_entry_point(store_with_plan):
    from pks.config.loader import load_scenario
    from pks.data.store import Store
    from pks.simulate.store_io import run_and_store

    url, plan_id, _ = store_with_plan
    cfg = load_scenario("models/demo_region", "base")
    with Store.open(url) as s:
        run_id = run_and_store(s, plan_id, cfg, replications=2).run_id
        info = s.run(run_id)
        assert info.kind == "simulation" and info.parent_run_id == plan_id
        v = s.load_run_tables(run_id, ["sim_verdicts"])["sim_verdicts"]
    assert isinstance(v, pd.DataFrame) and len(v) > 0
