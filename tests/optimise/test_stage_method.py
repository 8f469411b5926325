"""Later objective stages continue by primal simplex from the previous stage's optimum."""

from __future__ import annotations

import pytest

from pks.optimise import highs_run
from pks.optimise.solve import solve
from tests.optimise.test_decompose import model

pytestmark = pytest.mark.solver


def test_primal_later_stages_reach_the_dual_simplex_optimum(monkeypatch):
    m = model()
    assert len(m.stages()) == 3  # binding frames: overrun, care, cost
    seen: list[int] = []
    run = highs_run._run_highs

    def spy(h, cfg):
        seen.append(int(h.getOptionValue("simplex_strategy")[1]))
        return run(h, cfg)

    monkeypatch.setattr(highs_run, "_run_highs", spy)
    primal = solve(m)
    assert seen == [highs_run.SIMPLEX_STRATEGY_DUAL] + [highs_run.SIMPLEX_STRATEGY_PRIMAL] * 2
    monkeypatch.setattr(highs_run, "SIMPLEX_STRATEGY_PRIMAL", highs_run.SIMPLEX_STRATEGY_DUAL)
    dual = solve(m)
    assert primal.ok and dual.ok
    for stage, value in dual.objectives.items():
        assert primal.objectives[stage] == pytest.approx(value, rel=1e-9, abs=1e-6), stage
