"""Hand-solvable instances, one per constraint family, with the arithmetic written out.

Unless stated: 1 unit × 1 care type × 3 weeks; 52 contracted hours per FTE and year, so
one FTE brings 1 hour a week; 5 200 SEK per FTE-year, so an FTE-week costs 100 SEK and an
hour 100 SEK; 1 staff hour per case; holding cost 4 SEK per case-week (class 1) and 3
(class 2).

The default objective is lexicographic (docs/objective.md): first the SEK above binding
frames that no plan can avoid, then care not given in priority-weighted case-weeks
(class 1 past its acceptable wait 8, class 2 4; an acute case not produced 20; a case-week
over the guarantee queue 1), then real cost in SEK (with the holding, levelling and
deviation tie-breakers). ``objective_sek`` is the last stage's value;
``objectives[CARE]`` the care stage's.

Every case runs through both solve routes (``direct`` and ``pyomo``): the same exact
objective must come out of the arrays handed to HiGHS and of the named Pyomo model.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pks.config.optimise import SolveConfig
from pks.optimise.highs_run import SolveStatus
from pks.optimise.levels.tactical import build_tactical
from pks.optimise.linear import STAGE_CARE as CARE
from pks.optimise.linear import STAGE_FRAME as FRAME
from pks.optimise.solve import solve as solve_with
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

pytestmark = pytest.mark.solver

BASE = {"cost_per_fte": 5200.0}
ROUTE = {"name": "direct"}


@pytest.fixture(params=["direct", "pyomo"], autouse=True)
def route(request: pytest.FixtureRequest) -> str:
    """Run every test of this module through both solve routes."""
    ROUTE["name"] = request.param
    return request.param


def solve(model):
    return solve_with(model, SolveConfig(route=ROUTE["name"]))


def run(cfg_kw: dict | None = None, **data_kw: object):
    cfg = tiny_cfg(**(cfg_kw or {}))
    data = tiny_data(**{**BASE, **data_kw})
    m = build_tactical(tiny_inputs(data, cfg), cfg)
    return m, solve(m)


def col(r, table: str, name: str) -> np.ndarray:
    return r.tables[table][name].to_numpy()


def test_waiting_list_balance_and_holding_cost():
    # 8 FTE → 8 cases/week against demand 10: list 2, 4, 6.
    # staff 8 × 100 × 3 = 2 400; holding 4 × (2 + 4 + 6) = 48.
    _, r = run(fte=8)
    assert r.status is SolveStatus.OPTIMAL
    assert r.objective_sek == pytest.approx(2448.0, rel=1e-9)
    np.testing.assert_allclose(col(r, "plan_production", "production_cases"), [8, 8, 8])
    np.testing.assert_allclose(col(r, "plan_production", "waiting_list_cases"), [2, 4, 6])


def test_priority_classes_serve_urgent_first():
    # classes 1 and 2 each get 5 cases/week; capacity 6: class 1 served fully,
    # class 2 gets 1/week → list 4, 8, 12 at 3 SEK: 72; staff 6 × 100 × 3 = 1 800.
    _, r = run(fte=6, classes=((1, 0.5, 7), (2, 0.5, 365)))
    assert r.objective_sek == pytest.approx(1872.0, rel=1e-9)
    p = r.tables["plan_production"]
    np.testing.assert_allclose(p[p.priority_class == 1].waiting_list_cases, [0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(p[p.priority_class == 2].waiting_list_cases, [4, 8, 12])


def test_max_wait_slack_priced_by_class():
    # capacity 3 for class-1 demand 5 (max wait 1 week → list ≤ 5): list 2, 4, 6, one case
    # over in week 3 = one class-1 case-week, weight 8; class 2 (5/week, nothing served)
    # lists 5, 10, 15 at 3 SEK. staff 3 × 100 × 3 = 900; holding 4 × 12 + 3 × 30 = 138.
    _, r = run(fte=3, classes=((1, 0.5, 7), (2, 0.5, 365)))
    assert r.objectives[CARE] == pytest.approx(8.0, rel=1e-9)
    assert r.objective_sek == pytest.approx(900 + 138, rel=1e-9)
    p = r.tables["plan_production"]
    np.testing.assert_allclose(p[p.priority_class == 1].unmet_cases, [0, 0, 1], atol=1e-9)


def test_acute_unmet_priced():
    # acute demand 10, capacity 8: 2 unmet cases a week, weight 20 each: 6 × 20 = 120.
    _, r = run(fte=8, acute=True)
    assert r.objectives[CARE] == pytest.approx(6 * 20.0, rel=1e-9)
    assert r.objective_sek == pytest.approx(2400, rel=1e-9)
    np.testing.assert_allclose(col(r, "plan_production", "unmet_cases"), [2, 2, 2])


def test_overtime_covers_gap_at_overtime_price():
    # 52 h overtime per FTE-year × 8 FTE × 3/52 = 24 h allowed; 2 h/week needed at 150 SEK.
    _, r = run(fte=8, acute=True, ot_limit=52.0)
    assert r.objective_sek == pytest.approx(2400 + 6 * 150, rel=1e-9)
    np.testing.assert_allclose(col(r, "plan_staff", "overtime_h"), [2, 2, 2])


def test_annual_overtime_limit_binds():
    # limit 6.5 h/FTE-year × 8 FTE × 3/52 = 3 h over the horizon; levelling spreads it
    # 1 h a week; 3 acute cases unmet (care 3 × 20). Real cost 2 400 + 3 × 150.
    _, r = run(fte=8, acute=True, ot_limit=6.5)
    assert r.objectives[CARE] == pytest.approx(60.0, rel=1e-9)
    assert r.objective_sek == pytest.approx(2400 + 450, rel=1e-9)
    assert col(r, "plan_staff", "overtime_h").sum() == pytest.approx(3.0)


def test_agency_hours_and_share_target():
    # agency at 2 × 100 SEK/h covers 2 h/week: 1 200. With a 10 % share target the own
    # staff cost 2 400 allows 240 SEK; the excess 960 costs 0.5 × 960 = 480 more.
    _, r = run(fte=8, acute=True, ag_max=5.0)
    assert r.objective_sek == pytest.approx(3600.0, rel=1e-9)
    _, r2 = run(fte=8, acute=True, ag_max=5.0, agency_share=0.1)
    assert r2.objective_sek == pytest.approx(4080.0, rel=1e-9)
    assert col(r2, "plan_staff", "agency_h").sum() == pytest.approx(6.0)


def test_guarantee_queue_size_bought_externally():
    # 90-day guarantee, 90 % within: mean wait 90/7/ln 10 weeks; Q = 10 × that = 55.84.
    # list starts at 100; capacity = demand = 10; 100 − Q bought at 1 000 SEK in week 1;
    # then list = Q each week at 4 SEK.
    q = 10 * 90 / 7 / math.log(10)
    _, r = run(fte=10, guarantee_stage="treatment", initial_list=100.0, ext_price=1000.0,
               ext_max=50.0)
    assert r.objective_sek == pytest.approx(3000 + 1000 * (100 - q) + 4 * 3 * q, rel=1e-9)
    np.testing.assert_allclose(col(r, "plan_production", "waiting_list_cases"), [q, q, q])


def test_guarantee_breach_priced_when_nothing_to_buy():
    q = 10 * 90 / 7 / math.log(10)
    _, r = run(fte=10, guarantee_stage="treatment", initial_list=100.0)
    # list stays 100: breach 100 − q case-weeks each week (weight 1), holding 4 × 100 × 3.
    assert r.objectives[CARE] == pytest.approx(3 * (100 - q), rel=1e-9)
    assert r.objective_sek == pytest.approx(3000 + 1200, rel=1e-9)
    np.testing.assert_allclose(r.tables["plan_guarantee"]["guarantee_breach_cases"],
                               [100 - q] * 3)


def test_beds_limit_inpatient_production():
    # 2 beds × 7 days × occupancy 1.0 = 14 bed-days; 2 days per case → 7 cases/week.
    _, r = run(fte=10, los=2.0, beds=2.0)
    assert r.objective_sek == pytest.approx(3000 + 4 * (3 + 6 + 9), rel=1e-9)
    np.testing.assert_allclose(r.tables["plan_beds"]["bed_days_required"], [14, 14, 14])


def test_theatre_hours_limit_production():
    # 12 theatre hours / 2 h per case = 6 cases a week: list 4, 8, 12.
    _, r = run(fte=10, theatre_h_case=2.0, theatre_h=12.0)
    assert r.objective_sek == pytest.approx(3000 + 4 * 24, rel=1e-9)


def test_levelling_bound_and_penalty():
    # capacity 10, 5, 10 (half the week-2 hours on vacation), max change 0.1 × 10 = 1,
    # levelling penalty 5 per case. Holding = 4 × (L1 + L2 + L3) = 4 × (60 − 3a − 2b − c)
    # for x = (a, b, c), b ≤ 5: a case more in week 1 saves 12 > 5 → a = 5 + 1 (bound);
    # a case more in week 3 saves 4 < 5 → c = 5. x = 6, 5, 5: holding 4 × 27 = 108,
    # levelling 5 × 1.
    from pks.optimise.inputs import prepare, weekly_grid
    from tests.optimise.tiny import tiny_demand

    data = tiny_data(fte=10, **BASE)
    av = data.staff_availability.copy()
    av.loc[av.week == "2026-W02", "vacation_pu"] = 0.5
    data = data.replace(staff_availability=av)
    cfg = tiny_cfg(levelling_max_change_pu=0.1, levelling_penalty_sek=5.0)
    inp = prepare(data, tiny_demand(data), weekly_grid("2026-W01", 3), level="tactical",
                  budget_year=2026, target_set="t", build=cfg.build)
    r = solve(build_tactical(inp, cfg))
    assert r.objective_sek == pytest.approx(3000 + 108 + 5, rel=1e-9)
    np.testing.assert_allclose(col(r, "plan_production", "production_cases"), [6, 5, 5])


def test_binding_frame_leaves_acute_care_unmet_instead_of_overrunning():
    # acute, 1 000 SEK variable cost a case; staff 3 000 fixed; frame 23 000 funds 20 of
    # the 30 cases: no overrun, 10 acute cases not given (care 10 × 20 = 200), real cost
    # 3 000 + 20 000 = the frame.
    _, r = run(fte=10, acute=True, var_cost=1000.0, frames=(("D1", 2026, 23_000.0),))
    assert FRAME not in r.objectives or r.objectives[FRAME] == pytest.approx(0.0, abs=1e-6)
    assert r.objectives[CARE] == pytest.approx(200.0, rel=1e-9)
    assert r.objective_sek == pytest.approx(23_000, rel=1e-9)
    c = r.tables["plan_cost"]
    row = c[(c.node_id == "D1") & (c.kind == "frame")].iloc[0]
    assert row.net_cost_sek == pytest.approx(23_000)
    assert row.frame_gap_sek == pytest.approx(0.0, abs=1e-6)


def test_soft_frame_overrun_priced_for_acute_care():
    # frames soft at 1 SEK extra per krona: care comes first, all 30 cases produced; net
    # cost 3 000 + 30 000; frame 23 000 → gap 10 000 costing 10 000 more.
    _, r = run({"frames": "soft"}, fte=10, acute=True, var_cost=1000.0,
               frames=(("D1", 2026, 23_000.0),))
    assert r.objectives[CARE] == pytest.approx(0.0, abs=1e-6)
    assert r.objective_sek == pytest.approx(33_000 + 10_000, rel=1e-9)
    c = r.tables["plan_cost"]
    row = c[(c.node_id == "D1") & (c.kind == "frame")].iloc[0]
    assert row.net_cost_sek == pytest.approx(33_000)
    assert row.frame_gap_sek == pytest.approx(10_000)


def test_unavoidable_overrun_minimised_first():
    # frame 2 000 below the contracted staff cost 3 000: 1 000 SEK overrun whatever the
    # plan; nothing more is spent above it, so all 30 acute cases go unmet (care 600).
    _, r = run(fte=10, acute=True, var_cost=1000.0, frames=(("D1", 2026, 2_000.0),))
    assert r.objectives[FRAME] == pytest.approx(1_000.0, rel=1e-6)
    assert r.objectives[CARE] == pytest.approx(600.0, rel=1e-6)
    assert r.objective_sek == pytest.approx(3_000, rel=1e-6)


def test_weighted_objective_trades_care_against_money():
    # weighted, 2 400 SEK per weight-1 case-week, soft frames (no frame stage): an acute
    # case (weight 20 = 48 000 SEK) is worth its 1 000 SEK; all 30 produced, cost 33 000.
    # At a value of 40 SEK (an acute case worth 800 SEK < 1 000) none is produced:
    # 3 000 + 30 × 20 × 40 = 27 000.
    _, r = run({"objective": "weighted", "frames": "soft", "frame_overrun_price_pu": 0.0},
               fte=10, acute=True, var_cost=1000.0)
    assert r.objective_sek == pytest.approx(33_000, rel=1e-9)
    _, r2 = run({"objective": "weighted", "care_value_sek_per_case_week": 40.0},
                fte=10, acute=True, var_cost=1000.0)
    assert r2.objective_sek == pytest.approx(27_000, rel=1e-9)
    assert col(r2, "plan_production", "production_cases").sum() == pytest.approx(0.0, abs=1e-6)


def test_frame_cuts_elective_production_instead_of_overrunning():
    # elective, max wait 1 week (list ≤ 10): at least 20 of the 30 cases must be produced;
    # a case costs 1 000 (+ 1 000 above the frame) and saves only 4 SEK per week of
    # waiting, so production is exactly 20 cases (net cost 3 000 + 20 000 = the frame)
    # spread evenly (levelling): lists 10/3, 20/3, 10 → holding 4 × 20 = 80.
    _, r = run(fte=10, var_cost=1000.0, frames=(("D1", 2026, 23_000.0),),
               classes=((1, 1.0, 7),))
    assert r.objective_sek == pytest.approx(3000 + 20_000 + 80, rel=1e-9)
    assert col(r, "plan_production", "production_cases").sum() == pytest.approx(20.0)


def test_strict_mode_is_infeasible_when_frame_too_tight():
    _, r = run({"strict": True}, fte=10, acute=True, var_cost=1000.0,
               frames=(("D1", 2026, 23_000.0),))
    assert r.status in (SolveStatus.INFEASIBLE, SolveStatus.INFEASIBLE_OR_UNBOUNDED)
    assert not r.tables


def test_strict_mode_feasible_equals_slack_mode():
    a = run({"strict": True}, fte=12, acute=True)[1]
    b = run(fte=12, acute=True)[1]
    # the care stage holds zero care not given within HiGHS's feasibility tolerance (1e-7
    # of a weighted case-week), which may save a few nano-kronor
    assert a.objective_sek == pytest.approx(b.objective_sek, rel=1e-9)
    assert a.counts["n_vars"] < b.counts["n_vars"]


def test_fte_trajectory_with_recruitment_limit():
    # Strategic, years 2026 (53 ISO weeks) and 2027 (52); acute demand 10 a week, 1 h a
    # case, an FTE brings 1 h a week. 8 FTE today, at most 1 recruited per year (scaled by
    # weeks/52), no attrition. 2026: f = 8 + 53/52, producing 53 f cases, the rest of 530
    # unmet (weight 20 each); 2027: f = 10 covers 520 cases. FTE cost 5 200 × weeks/52
    # each; levelling 50 per case of change between the years.
    from pks.config.schema import ScenarioConfig
    from pks.optimise.inputs import prepare, year_grid
    from pks.optimise.levels.strategic import build_strategic

    data = tiny_data(fte=8, acute=True, **BASE).replace(
        staffing=tiny_data(fte=8, **BASE).staffing.assign(recruitment_fte_per_year_max=1.0))
    cfg = ScenarioConfig.model_validate({"data": {"target_set": "t", "budget_year": 2026,
                                                  "plan_years": 1}})
    grid = year_grid([2026, 2027])
    weeks = [w for ws in grid.weeks for w in ws]
    import pandas as pd

    demand = pd.DataFrame({"unit_id": "U1", "care_type": "op", "week": weeks,
                           "demand_cases": 10.0})
    inp = prepare(data, demand, grid, level="strategic",
                  budget_year=2026, target_set="t", build=cfg.build, fte_variable=True)
    r = solve(build_strategic(inp, cfg))
    f26 = 8 + 53 / 52
    x26 = 53 * f26
    expected = f26 * 5200 * 53 / 52 + 10 * 5200 + 50 * (520 - x26)
    assert r.objectives[CARE] == pytest.approx((530 - x26) * 20, rel=1e-9)
    assert r.objective_sek == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(r.tables["plan_fte"]["fte"], [f26, 10.0])


def test_operative_transfers_and_plan_deviation():
    # Two units of one area, acute demand 10 a week each; U1 has 12 FTE, U2 8: U1 lends
    # 2 h a week at 150 SEK/h. The tactical plan asked U1 for 9 cases a week: producing
    # 10 deviates by 1 case a week at 2 000 SEK. Staff (12 + 8) × 100 × 3.
    import pandas as pd

    from pks.optimise.handoff import OperativeHandoff
    from pks.optimise.levels.operative import build_operative, operative_inputs

    data = tiny_data(units=(("U1", "D1"), ("U2", "D1")), fte=10, acute=True, **BASE)
    data = data.replace(staffing=data.staffing.assign(
        staffing_target_fte=[12.0, 8.0]))
    cfg = tiny_cfg(operative_weeks=3)
    cfg = cfg.model_copy(update={"data": cfg.data.model_copy(update={"as_of_week": "2025-W52"})})
    plan = pd.DataFrame({"unit_id": "U1", "care_type": "op",
                         "week": ["2026-W01", "2026-W02", "2026-W03"], "production_cases": 9.0})
    plan = pd.concat([plan, plan.assign(unit_id="U2", production_cases=10.0)])
    from tests.optimise.tiny import tiny_demand

    inp = operative_inputs(data, cfg, OperativeHandoff(plan), tiny_demand(data))
    r = solve(build_operative(inp, cfg))
    assert r.objective_sek == pytest.approx(20 * 100 * 3 + 2 * 150 * 3 + 1 * 2000 * 3,
                                            rel=1e-9)
    tr = r.tables["plan_transfers"]
    assert set(tr["from_unit"]) == {"U1"} and tr["transfer_h"].sum() == pytest.approx(6.0)
