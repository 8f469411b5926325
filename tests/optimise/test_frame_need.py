"""What binding frames hold back (plan_frame_need) and its financing proposal."""

from __future__ import annotations

import pytest

from pks.optimise.explain import explain, reallocation_proposal
from pks.optimise.frame_need import frame_need, need_as_gaps
from pks.optimise.levels.tactical import build_tactical
from pks.optimise.solve import solve
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

pytestmark = pytest.mark.solver


def _tables(**build: object):
    cfg = tiny_cfg(**build)
    data = tiny_data(fte=10, acute=True, var_cost=1000.0, cost_per_fte=5200.0,
                     frames=(("D1", 2026, 23_000.0),))
    return data, solve(build_tactical(tiny_inputs(data, cfg), cfg)).tables


def test_need_is_the_money_that_gives_the_care_the_frame_holds_back():
    # binding frame 23 000 funds 20 of 30 acute cases (1 000 SEK each, staff 3 000);
    # care first with free frames: all 30, net 33 000 → need 10 000 SEK for 10 cases.
    data, plan = _tables()
    _, free = _tables(frames="soft", frame_overrun_price_pu=0.0)
    need = frame_need(plan, free, data.org_nodes)
    assert need[["node_id", "year"]].values.tolist() == [["D1", 2026]]
    row = need.iloc[0]
    assert row.funding_need_sek == pytest.approx(10_000.0, rel=1e-6)
    assert row.cases_given == pytest.approx(10.0, rel=1e-6)
    prop = reallocation_proposal(need_as_gaps(plan["plan_cost"], need), data.org_nodes)
    # no other frame has headroom: the whole need goes to the council (step 6)
    assert prop.loc[prop.amount_sek > 0, "amount_sek"].sum() == pytest.approx(10_000.0)
    lines = explain({**plan, "plan_frame_need": need}, "tactical", data.org_nodes, lang="en")
    assert any(s.startswith("The frames do not fund all care: 0.0 MSEK more would give 10 "
                            "more cases") for s in lines)


def test_no_need_when_the_frame_funds_all_care():
    data, plan = _tables()
    assert frame_need(plan, plan, data.org_nodes).empty
