"""Three levels with hand-offs on a tiny region; hand-off and configuration errors."""

from __future__ import annotations

import pandas as pd
import pytest

from pks.config.optimise import SolveConfig
from pks.config.schema import ScenarioConfig
from pks.data.weeks import add_weeks
from pks.optimise.handoff import (
    HandoffError,
    operative_inputs_from_tactical,
    tactical_inputs_from_strategic,
)
from pks.optimise.inputs import InputError, demand_from_history
from pks.optimise.levels.operative import build_operative, operative_inputs, roll_forward
from pks.optimise.run import build_level, horizon_weeks, plan_levels
from pks.optimise.solve import Resolver, solve
from tests.optimise.tiny import tiny_data

pytestmark = pytest.mark.solver


def cfg(**build: object) -> ScenarioConfig:
    return ScenarioConfig.model_validate({
        "data": {"target_set": "t", "budget_year": 2026, "as_of_week": "2026-W10"},
        "build": {"operative_weeks": 4, **build}})


def data():
    return tiny_data(units=(("U1", "D1"), ("U2", "D1"), ("U3", "D2")), weeks=20, fte=9,
                     demand=10.0, cost_per_fte=5200.0, ot_limit=50.0, var_cost=100.0,
                     guarantee_stage="treatment", initial_list=40.0,
                     frames=(("D1", 2026, 200_000.0), ("D2", 2026, 90_000.0),
                             ("D1", 2027, 200_000.0), ("D2", 2027, 90_000.0)))


@pytest.fixture(scope="module")
def levels():
    d = data()
    c = cfg()
    return d, c, plan_levels(d, c, demand=demand_from_history(d, horizon_weeks(c)))


def test_three_levels_run_with_handoffs(levels):
    d, c, runs = levels
    assert list(runs) == ["strategic", "tactical", "operative"]
    assert all(r.result.ok for r in runs.values())
    assert set(runs["strategic"].tables["plan_fte"]["year"]) == {2026, 2027, 2028}
    gaps = runs["tactical"].tables["plan_gaps"]
    assert set(gaps.columns) >= {"unit_id", "care_type", "strategic_cases", "tactical_cases",
                                 "gap_cases"}
    op = runs["operative"].tables["plan_production"]
    assert sorted(op["week"].unique()) == [add_weeks("2026-W10", i + 1) for i in range(4)]
    # tactical respects the strategic FTE of the budget year (capacity ceiling)
    fte_s = runs["strategic"].tables["plan_fte"]
    fte_s = fte_s[fte_s.year == 2026].set_index(["unit_id", "staff_category"])["fte"]
    fte_t = runs["tactical"].tables["plan_staff"].groupby(["unit_id", "staff_category"])[
        "fte"].first()
    pd.testing.assert_series_equal(fte_s.sort_index(), fte_t.sort_index(), check_names=False)
    for r in runs.values():
        ex = r.tables["plan_explanation"]
        assert len(ex) > 3 and ex["sv"].iloc[0] != ex["en"].iloc[0]


def test_handoff_with_unknown_unit_raises_before_solve(levels):
    d, c, runs = levels
    t = dict(runs["strategic"].tables)
    t["plan_fte"] = pd.concat([t["plan_fte"], t["plan_fte"].head(1).assign(unit_id="NOPE")])
    with pytest.raises(HandoffError, match="NOPE"):
        tactical_inputs_from_strategic(t, d, 2026)
    with pytest.raises(HandoffError, match="budget year 2030"):
        tactical_inputs_from_strategic(runs["strategic"].tables, d, 2030)


def test_operative_handoff_must_cover_the_window(levels):
    d, c, runs = levels
    with pytest.raises(HandoffError, match="does not cover"):
        operative_inputs_from_tactical(runs["tactical"].tables, d, ["2027-W05"])


def test_frame_for_unknown_node_is_a_clear_error():
    d = data()
    bf = pd.concat([d.budget_frames, pd.DataFrame([{"node_id": "GHOST", "year": 2026,
                                                    "frame_sek": 1.0, "efficiency_pu": 0.0}])])
    with pytest.raises(InputError, match="GHOST"):
        build_level(d.replace(budget_frames=bf), cfg(), "tactical",
                    demand=demand_from_history(d, horizon_weeks(cfg())))


def test_negative_limit_is_a_clear_error():
    d = data()
    st = d.staffing.assign(agency_h_per_week_max=-5.0)
    with pytest.raises(InputError, match="negative limit"):
        build_level(d.replace(staffing=st), cfg(), "tactical",
                    demand=demand_from_history(d, horizon_weeks(cfg())))
    with pytest.raises(ValueError):
        cfg(overtime_h_per_fte_year_max=-1.0)


def test_problems_of_every_group_in_one_error():
    """Frames, staff and the units' org nodes are checked together: one InputError."""
    d = data()
    bf = pd.concat([d.budget_frames, pd.DataFrame([{"node_id": "GHOST", "year": 2026,
                                                    "frame_sek": -1.0, "efficiency_pu": 0.0}])])
    ct = pd.concat([d.care_types, d.care_types.head(1).assign(unit_id="NOWHERE")])
    st = d.staffing.assign(agency_h_per_week_max=-5.0)
    with pytest.raises(InputError) as e:
        build_level(d.replace(budget_frames=bf, staffing=st, care_types=ct), cfg(),
                    "tactical", demand=demand_from_history(d, horizon_weeks(cfg())))
    text = "\n".join(e.value.problems)
    for part in ("unit 'NOWHERE' is not an org node", "negative limit",
                 "frame for unknown node 'GHOST'", "negative frame for GHOST"):
        assert part in text


def test_resolver_update_equals_fresh_solve():
    d = data()
    c = cfg()
    dem = demand_from_history(d, horizon_weeks(c))
    m1 = build_operative(operative_inputs(d, c, demand=dem), c)
    res = Resolver(m1)
    r1 = res.solve()
    assert r1.objective_sek == pytest.approx(solve(m1).objective_sek, rel=1e-9)
    dem2 = dem.assign(demand_cases=dem["demand_cases"] * 1.3)
    m2 = build_operative(operative_inputs(d, c, demand=dem2), c)
    changed = res.update(m2)
    assert changed > 0
    r2 = res.solve()
    cold = solve(m2, SolveConfig(method="simplex"))
    assert r2.objective_sek == pytest.approx(cold.objective_sek, rel=1e-9)
    assert r2.iterations < cold.iterations  # warm start from the previous basis
    assert r2.objective_sek > r1.objective_sek


def test_roll_forward_reuses_model_and_matches_fresh_solves():
    d = tiny_data(units=(("U1", "D1"), ("U2", "D1")), weeks=20, fte=6, demand=10.0,
                  cost_per_fte=5200.0, initial_list=40.0)
    c = cfg()
    dem = demand_from_history(d, horizon_weeks(c))
    runs = plan_levels(d, c, levels=("tactical",), demand=dem)
    steps = roll_forward(d, c, runs["tactical"].tables, steps=3, demand=dem)
    assert len(steps) == 3 and all(s.ok for s in steps)
    weeks0 = sorted(steps[0].tables["plan_production"]["week"].unique())
    weeks2 = sorted(steps[2].tables["plan_production"]["week"].unique())
    assert weeks2[0] == add_weeks(weeks0[0], 2)
    # step 1 starts from the list step 0 leaves after its first week
    p0 = steps[0].tables["plan_production"]
    l0 = p0[p0.week == weeks0[0]].groupby("unit_id")["waiting_list_cases"].sum()
    h = operative_inputs_from_tactical(runs["tactical"].tables, d,
                                       [add_weeks("2026-W11", k + 1) for k in range(4)])
    extra = p0[p0.week == weeks0[0]].groupby(["unit_id", "care_type", "week"],
                                             as_index=False)["waiting_list_cases"].sum()
    fresh = solve(build_operative(operative_inputs(d, c, h, dem, as_of_week="2026-W11",
                                                   extra_lists=extra), c))
    assert steps[1].objective_sek == pytest.approx(fresh.objective_sek, rel=1e-9)
    assert l0.sum() > 0  # capacity 6 < demand 10: lists carry over between steps


def test_run_levels_stores_three_linked_draft_plans(tmp_path):
    from pks.data.store import Store
    from pks.optimise.run import run_levels

    d = data()
    c = cfg()
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as store:
        ids = run_levels(d, c, store, demand=demand_from_history(d, horizon_weeks(c)))
        assert list(ids) == ["strategic", "tactical", "operative"]
        assert store.run(ids["tactical"]).parent_run_id == ids["strategic"]
        assert store.run(ids["operative"]).parent_run_id == ids["tactical"]
        assert all(store.run(i).status == "draft" for i in ids.values())
        t = store.load_run_tables(ids["tactical"], ["plan_production", "plan_explanation"])
        assert len(t["plan_production"]) > 0 and len(t["plan_explanation"]) > 3


def test_strategic_by_quarter():
    d = data()
    c = cfg(time_grid="quarter")
    m, _ = build_level(d, c, "strategic", demand=demand_from_history(d, horizon_weeks(c)))
    r = solve(m)
    assert r.ok
    assert r.tables["plan_production"]["week"].nunique() == 12  # 3 years × 4 quarters
    assert sorted(r.tables["plan_fte"]["year"].unique()) == [2026, 2027, 2028]
