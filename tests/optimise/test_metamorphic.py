"""Metamorphic properties of the tactical model (R-10, R-11, R-25)."""

from __future__ import annotations

import pytest

from pks.optimise.levels.tactical import build_tactical
from pks.optimise.solve import solve
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

pytestmark = pytest.mark.solver

WEEKS = 6
DEMAND = [10, 14, 8, 12, 16, 6]


def solve_case(cfg_kw: dict | None = None, **kw: object):
    base = dict(weeks=WEEKS, demand_by_week=DEMAND, cost_per_fte=5200.0,
                classes=((1, 0.3, 7), (2, 0.3, 30), (3, 0.4, 90)), ot_limit=20.0,
                var_cost=500.0, units=(("U1", "D1"), ("U2", "D1")))
    base.update(kw)
    cfg = tiny_cfg(**(cfg_kw or {}))
    data = tiny_data(**base)
    r = solve(build_tactical(tiny_inputs(data, cfg, weeks=WEEKS), cfg))
    assert r.ok
    return r


def unmet(r) -> float:
    return float(r.tables["plan_production"]["unmet_cases"].sum())


@pytest.mark.parametrize("acute", [False, True])
def test_more_fte_never_increases_unmet_demand(acute):
    values = [unmet(solve_case(fte=f, acute=acute)) for f in (2, 4, 6, 8, 10, 12, 14)]
    assert all(b <= a + 1e-7 for a, b in zip(values, values[1:], strict=False))
    assert values[0] > values[-1]  # the property is not vacuous


def test_tighter_frame_never_shrinks_the_frame_gap():
    gaps = []
    for frame in (60_000, 50_000, 40_000, 30_000, 20_000, 10_000):
        r = solve_case(fte=12, acute=True, frames=(("D1", 2026, float(frame)),))
        c = r.tables["plan_cost"]
        gaps.append(float(c.loc[c.kind == "frame", "frame_gap_sek"].sum()))
    assert all(b >= a - 1e-6 for a, b in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] > gaps[0]


def test_larger_levelling_weight_never_increases_production_variance():
    variances = []
    for w in (0.0, 5.0, 20.0, 100.0, 1000.0):
        r = solve_case({"levelling_penalty_sek": w, "levelling_max_change_pu": 10.0}, fte=12)
        p = r.tables["plan_production"].groupby(["unit_id", "week"])["production_cases"].sum()
        variances.append(float(p.groupby(level=0).var(ddof=0).sum()))
    assert all(b <= a + 1e-7 for a, b in zip(variances, variances[1:], strict=False))
    assert variances[-1] < variances[0]


def test_capacity_cut_lands_on_lower_priorities_first():
    for fte in (10, 8, 6):
        r = solve_case(fte=fte)
        p = r.tables["plan_production"]
        by_class = p.groupby("priority_class")[["unmet_cases", "waiting_list_cases"]].sum()
        # class 1 is never worse off than a lower class relative to its demand
        share = p.groupby("priority_class")["production_cases"].sum() / \
            p.groupby("priority_class")["demand_cases"].sum()
        assert share.loc[1] >= share.loc[2] - 1e-9 >= share.loc[3] - 2e-9
        if by_class.loc[1, "unmet_cases"] > 1e-9:
            assert by_class.loc[3, "unmet_cases"] > 0
    cut = solve_case(fte=6).tables["plan_production"]
    assert cut[cut.priority_class == 1]["unmet_cases"].sum() == pytest.approx(0.0, abs=1e-9)
    assert cut[cut.priority_class == 3]["waiting_list_cases"].sum() > 0
