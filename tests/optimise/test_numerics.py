"""Issue 13 #8: the model stays well scaled whatever the input, and HiGHS's numerical
trouble reaches the user instead of a silent "optimal"."""

from __future__ import annotations

import numpy as np
import pytest

from pks.optimise.highs_run import coefficient_warnings, cost_scale
from pks.optimise.levels.tactical import build_tactical
from pks.optimise.solve import solve
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

pytestmark = pytest.mark.solver


@pytest.mark.slow
@pytest.mark.parametrize("objective", ["lexicographic", "weighted"])
def test_demand_times_100_keeps_the_objective_sane(objective):
    """A generated region with demand ×100: optimal, no numerical warning, and every
    objective stage far below 1e18 (it reached ~2e18 with penalty prices)."""
    from pks.config.schema import ScenarioConfig
    from pks.data.weeks import weeks_of_year
    from pks.demo import generate_region, sized_spec
    from pks.optimise.inputs import demand_from_history
    from pks.optimise.levels.tactical import tactical_inputs

    data = generate_region(sized_spec(4, 3), 2)
    cfg = ScenarioConfig.model_validate({"data": {"budget_year": 2026},
                                         "build": {"objective": objective}})
    d = demand_from_history(data, weeks_of_year(2026))
    d["demand_cases"] *= 100.0
    r = solve(build_tactical(tactical_inputs(data, cfg, demand=d), cfg))
    assert r.ok
    assert not r.warnings
    assert all(abs(v) < 1e13 for v in r.objectives.values()), r.objectives
    assert abs(r.objective_sek) < 1e13


def test_cost_scale_keeps_sane_stages_exact_and_scales_huge_ones():
    assert cost_scale(np.array([0.0, 3.0, -40_000.0])) == 1.0
    assert cost_scale(np.zeros(3)) == 1.0
    s = cost_scale(np.array([1.0, 3e12]))
    assert s == 2.0 ** 41  # log2(3e12) = 41.45 → nearest power of two 2^41
    assert 0.5 < 3e12 / s < 2.0


def test_bad_coefficient_ranges_are_warned_about():
    import scipy.sparse as sp

    a = sp.csc_matrix(np.array([[1e-6, 1e6], [1.0, 0.0]]))
    w = coefficient_warnings(a, np.zeros(2), np.full(2, np.inf), np.zeros(2),
                             np.array([1e12, np.inf]))
    assert any("matrix coefficients span" in x for x in w)
    assert any("bounds reach" in x for x in w)
    assert coefficient_warnings(sp.csc_matrix(np.eye(2)), np.zeros(2), np.ones(2),
                                np.zeros(2), np.ones(2)) == []


def test_warnings_reach_the_result_and_the_explanation():
    """A staff need of 1e-9 hours a case next to 1e6 cases: the matrix spans 1e15, which
    the result carries and the explanation prints (in both languages)."""
    from pks.optimise.explain import explain

    cfg = tiny_cfg()
    data = tiny_data(fte=8, h_per_case=1e-9, demand=10.0, cost_per_fte=5200.0,
                     ot_limit=1e7)
    r = solve(build_tactical(tiny_inputs(data, cfg), cfg))
    assert r.ok
    assert any("matrix coefficients span" in w for w in r.warnings)
    lines = explain(r.tables, "tactical", data.org_nodes, lang="en", warnings=r.warnings)
    assert any(s.startswith("Solver warning (numerics): matrix coefficients span")
               for s in lines)
    sv = explain(r.tables, "tactical", data.org_nodes, lang="sv", warnings=r.warnings)
    assert any(s.startswith("Varning från lösaren (numerik)") for s in sv)


def test_a_clean_tiny_model_has_no_warnings():
    cfg = tiny_cfg()
    r = solve(build_tactical(tiny_inputs(tiny_data(fte=8, cost_per_fte=5200.0), cfg), cfg))
    assert r.ok and r.warnings == ()
