"""Tactical what-ifs on a kept model: warm optimum = cold solve of the edited model."""

from __future__ import annotations

import pytest

from pks.config.optimise import SolveConfig
from pks.optimise.inputs import demand_from_history
from pks.optimise.run import horizon_weeks, plan_levels
from pks.optimise.solve import solve
from pks.optimise.whatif import KeptTactical, WhatIf, plan_difference
from tests.optimise.test_levels import cfg, data

pytestmark = pytest.mark.solver


@pytest.fixture(scope="module")
def kept():
    d, c = data(), cfg()
    dem = demand_from_history(d, horizon_weeks(c))
    runs = plan_levels(d, c, levels=("strategic",), demand=dem)
    return KeptTactical(d, c, runs["strategic"].tables, dem)


WHATIFS = [WhatIf("fte", "U1", 5.0, "ssk"), WhatIf("frame", "D2", 60_000.0),
           WhatIf("demand", "U2", 30.0, "op"), WhatIf("demand", "U3", -20.0)]


@pytest.mark.parametrize("w", WHATIFS, ids=lambda w: f"{w.kind}-{w.target}")
def test_warm_whatif_equals_cold_solve(kept, w):
    ans = kept.ask(w)
    assert ans.result.ok and ans.changed_values > 0
    cold = solve(kept.edited_model(w), SolveConfig(method="simplex"))
    assert ans.result.objective_sek == pytest.approx(cold.objective_sek, rel=1e-6)
    assert ans.result.objective_sek != pytest.approx(kept.base.objective_sek, rel=1e-9)
    assert ans.result.iterations < cold.iterations  # started from the kept basis


def test_difference_in_planner_units(kept):
    base = kept.base.tables
    assert (plan_difference(base, base).drop(columns="unit_id") == 0).all().all()
    ans = kept.ask(WhatIf("fte", "U1", 5.0, "ssk"))
    d = ans.difference.set_index("unit_id")
    # the FTE column is the hand-set staffing: 9 → 5 on U1, unchanged elsewhere
    assert d.at["U1", "fte"] == pytest.approx(5.0 - 9.0)
    assert d.at["U3", "fte"] == pytest.approx(0.0)
    # fewer hands produce fewer cases on U1
    assert d.at["U1", "production_cases"] < 0


def test_bad_whatif_lists_every_problem(kept):
    with pytest.raises(ValueError) as e:
        kept.ask(WhatIf("fte", "NOPE", -1.0, "ssk"))
    assert "NOPE" in str(e.value) and "≥ 0" in str(e.value)


def test_every_stage_restarts_from_its_own_basis(kept):
    """Asking the same what-if twice: each objective stage starts at its optimum (0 pivots).

    Only the first stage's basis kept would leave the later stages to walk again from the
    first stage's optimum.
    """
    w = WhatIf("demand", "U1", 15.0)
    first = kept.ask(w)
    again = kept.ask(w)
    assert len(first.result.objectives) > 1 and first.result.iterations > 0
    assert again.result.iterations == 0
    assert again.result.objective_sek == pytest.approx(first.result.objective_sek, rel=1e-9)
