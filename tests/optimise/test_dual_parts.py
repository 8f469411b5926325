"""Shadow prices split into real cost and care not given (``dual_parts``).

Checked two ways that do not use the split itself: the parts of the cost vector sum to
HiGHS's own row duals, and each part predicts what a re-solve after a small step (a hundredth
of an FTE more, one per cent more demand) actually changes.
"""

from __future__ import annotations

import highspy
import numpy as np
import pytest

from pks.config.optimise import SolveConfig
from pks.optimise.extract import DUAL_PARTS, dual_part_weights
from pks.optimise.highs_run import dual_parts
from pks.optimise.levels.tactical import build_tactical
from pks.optimise.solve import solve
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

pytestmark = pytest.mark.solver

SHORT = {"cost_per_fte": 5200.0, "fte": 3.0, "var_cost": 1000.0, "ext_price": 2500.0,
         "ext_max": 2.0, "classes": ((1, 0.5, 7), (2, 0.5, 365)), "ot_limit": 26.0,
         "guarantee_stage": "treatment", "initial_list": 20.0}
"""Short of staff: 3 own hours a week against 10 cases; overtime within 26 h per FTE and
year (6 h over the 4 weeks, binding); 2 cases a week can be bought. One more FTE brings
hours and overtime allowance."""


def build(objective: str = "weighted", **kw: object):
    """The SHORT instance; ``weighted`` (one objective stage) unless asked otherwise, so
    one basis carries every part and a re-solve checks them all."""
    cfg = tiny_cfg(objective=objective)
    return build_tactical(tiny_inputs(tiny_data(**{**SHORT, **kw}), cfg, weeks=4), cfg)


def test_parts_of_the_cost_vector_sum_to_the_row_duals():
    m = build()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    h.passModel(m.to_highs_lp())
    h.run()
    y = np.asarray(h.getSolution().row_dual)
    c = m.objective  # the single stage of the weighted objective
    weights = {}
    for name, b in m.var_blocks.items():
        w = np.zeros(m.n_vars)
        w[b.start:b.start + b.size] = c[b.start:b.start + b.size]
        weights[name] = w
    parts = dual_parts(h, weights)
    assert set(parts) == set(m.var_blocks)
    np.testing.assert_allclose(sum(parts.values()), y, atol=1e-6 * max(1.0, np.abs(y).max()))
    assert np.abs(y).max() > 0  # the case binds somewhere


def _quantities(m, x) -> dict[str, float]:
    return {k: float(w @ x) for k, w in dual_part_weights(m).items()}


@pytest.mark.parametrize("route", ["direct", "pyomo"])
def test_fte_parts_predict_a_re_solve_with_a_hundredth_of_an_fte_more(route):
    cfg = SolveConfig(method="simplex", route=route)
    m0, m1 = build(), build(fte=3.01)  # small: 0.1 already changes the basis
    r0, r1 = solve(m0, cfg), solve(m1, cfg)
    sp = r0.tables["plan_shadow_prices"]
    row = sp[sp["kind"] == "fte"].iloc[0]
    q0, q1 = _quantities(m0, r0.x), _quantities(m1, r1.x)
    moved = 0
    for part in DUAL_PARTS:
        assert q1[part] - q0[part] == pytest.approx(0.01 * row[part], abs=1e-6), part
        moved += abs(row[part]) > 1e-6
    assert moved >= 2  # the step changes real cost and care not given
    # the value itself: the objective without the FTE's own salary (in the constant)
    d_obj = (r1.objective_sek - m1.offset) - (r0.objective_sek - m0.offset)
    assert d_obj == pytest.approx(-0.01 * row["value_sek"], rel=1e-6)


def test_case_parts_predict_a_re_solve_with_one_per_cent_more_cases_arriving():
    """One per cent more cases join the list each week (the balance rows' bounds only:
    targets derived from the forecast stay as they are)."""
    m = build()
    r0 = solve(m, SolveConfig(method="simplex"))
    b = m.con_blocks["c_waiting_list_balance"]
    demand = m.meta["inputs"].demand.ravel()  # cases per class and week, in row order
    rows = np.arange(b.start, b.start + b.size)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(m.to_highs_lp())
    h.changeRowsBounds(len(rows), rows.astype(np.int32), m.row_lo[rows] + 0.01 * demand,
                       m.row_hi[rows] + 0.01 * demand)
    h.run()
    x1 = np.asarray(h.getSolution().col_value)
    sp = r0.tables["plan_shadow_prices"]
    row = sp[sp["kind"] == "case"].iloc[0]
    extra_cases = 0.01 * demand.sum()
    q0, q1 = _quantities(m, r0.x), _quantities(m, x1)
    for part in DUAL_PARTS:
        assert q1[part] - q0[part] == pytest.approx(extra_cases * row[part], abs=1e-6), part
    assert h.getInfo().objective_function_value - r0.objective_sek == pytest.approx(
        extra_cases * row["value_sek"], rel=1e-6)
    assert abs(row["over_max_wait_case_weeks"]) > 0.01  # the extra cases wait too long


def test_decomposed_solves_leave_the_parts_empty():
    r = solve(build(), SolveConfig(decompose=True))
    sp = r.tables["plan_shadow_prices"]
    assert sp[list(DUAL_PARTS)].isna().all().all()


def test_lexicographic_care_parts_predict_the_care_stage_of_a_re_solve():
    """Lexicographic: the care parts come from the care stage's basis, so they predict how
    much less care goes ungiven with a hundredth of an FTE more; the FTE's value in SEK
    (last stage) is what it saves with care held, never a valuation of care."""
    from pks.optimise.linear import STAGE_CARE

    cfg = SolveConfig(method="simplex")
    m0, m1 = build("lexicographic"), build("lexicographic", fte=3.01)
    r0, r1 = solve(m0, cfg), solve(m1, cfg)
    row = r0.tables["plan_shadow_prices"].query("kind == 'fte'").iloc[0]
    q0, q1 = _quantities(m0, r0.x), _quantities(m1, r1.x)
    care_w = m0.meta["inputs"]  # noqa: F841 (the instance's weights are the defaults)
    d_care = r1.objectives[STAGE_CARE] - r0.objectives[STAGE_CARE]
    # class-1 weight 8, class 2 weight 4, guarantee 1: the care stage is their weighted sum
    assert row["over_max_wait_case_weeks"] < 0  # one more FTE: fewer case-weeks too long
    pred = 0.0
    for part in ("over_max_wait_case_weeks", "guarantee_breach_case_weeks"):
        pred += q1[part] - q0[part]
        assert q1[part] - q0[part] == pytest.approx(0.01 * row[part], abs=1e-6), part
    assert d_care < 0 and pred < 0
    # the money value is bounded by what the FTE's hours replace: an own hour is 100 SEK,
    # overtime 150, agency 200, purchase 2 500 a case; 52 h a year → at most 130 000 SEK
    assert abs(row["value_sek"]) <= 52 * 2500
