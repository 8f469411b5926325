"""Operative ramp limit and whole cases (issue 10, Build 5 operative half)."""

from __future__ import annotations

import numpy as np
import pytest

from pks.optimise.levels.operative import build_operative, operative_inputs
from pks.optimise.linear import STAGE_CARE
from pks.optimise.solve import solve
from pks.optimise.whole import largest_remainder, whole_cases
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_demand

pytestmark = pytest.mark.solver


def _run(**build: object):
    # acute demand 10 a week in W01–W03 (produced: the recent actuals), 20 from W04;
    # 30 FTE (30 h a week, 1 h a case) so capacity is no limit.
    data = tiny_data(weeks=6, fte=30.0, acute=True, cost_per_fte=5200.0,
                     demand_by_week=[10, 10, 10, 20, 20, 20])
    cfg = tiny_cfg(operative_weeks=3, ramp_weeks=3, **build)
    cfg = cfg.model_copy(update={"data": cfg.data.model_copy(update={"as_of_week": "2026-W03"})})
    inp = operative_inputs(data, cfg, None, tiny_demand(data))
    return inp, solve(build_operative(inp, cfg))


def test_production_ramps_up_within_the_limit():
    # recent mean 10; ±15 % = 1.5 cases a week: 11.5, 13, 14.5; the rest of the 20 acute
    # cases a week is not given: 8.5 + 7 + 5.5 = 21 cases, weight 20 each = 420.
    inp, r = _run()
    assert inp.recent_production.tolist() == [10.0]
    x = r.tables["plan_production"]["production_cases"].to_numpy()
    np.testing.assert_allclose(x, [11.5, 13.0, 14.5], atol=1e-6)
    assert r.objectives[STAGE_CARE] == pytest.approx(420.0, rel=1e-6)
    change = np.diff(np.concatenate([[10.0], x]))
    assert np.all(np.abs(change) <= 0.15 * 10.0 + 1e-6)


def test_without_a_ramp_limit_all_is_produced():
    _, r = _run(ramp_limit_pu=None)
    np.testing.assert_allclose(r.tables["plan_production"]["production_cases"], [20.0] * 3,
                               atol=1e-6)


def test_largest_remainder_keeps_totals():
    v = np.array([82.4, 10.3, 7.3])  # floors 82 + 10 + 7 = 99; the missing case to .4
    w = largest_remainder(v)
    assert w.tolist() == [83, 10, 7] and w.sum() == 100
    assert largest_remainder(np.array([0.5, 0.5, 0.5, 0.5])).sum() == 2


def test_whole_cases_per_group():
    import pandas as pd

    df = pd.DataFrame({"g": ["a", "a", "b"], "v": [1.6, 1.6, 2.2]})
    assert whole_cases(df, "v", ["g"]).tolist() == [2, 1, 2]
