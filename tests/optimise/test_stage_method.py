"""How the objective stages run: a stage that can be 0 is held by bounds, later stages by primal
simplex from the previous stage's optimum."""

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
    # overrun 0 is reachable: held by fixing the frame gaps, not solved; care by dual
    # simplex from scratch, cost by primal from the care optimum
    assert seen == [highs_run.SIMPLEX_STRATEGY_DUAL, highs_run.SIMPLEX_STRATEGY_PRIMAL]
    monkeypatch.setattr(highs_run, "SIMPLEX_STRATEGY_PRIMAL", highs_run.SIMPLEX_STRATEGY_DUAL)
    dual = solve(m)
    assert primal.ok and dual.ok
    for stage, value in dual.objectives.items():
        assert primal.objectives[stage] == pytest.approx(value, rel=1e-9, abs=1e-6), stage


def _stage_values(m, monkeypatch, skip: bool) -> dict[str, float]:
    if not skip:
        monkeypatch.setattr(highs_run, "zero_bound_columns", lambda h, c: None)
    r = solve(m)
    monkeypatch.undo()
    assert r.ok
    return dict(r.objectives)


@pytest.mark.parametrize("frames, overrun", [
    ((("D1", 2026, 30_000.0), ("D2", 2026, 30_000.0)), False),
    ((("D1", 2026, 100.0), ("D2", 2026, 30_000.0)), True),  # D1 cannot keep its frame
])
def test_holding_a_zero_stage_by_bounds_keeps_every_stage_value(monkeypatch, frames, overrun):
    """Skipped (frames kept) or redone after the care stage finds no point with zero gaps
    (a frame overrun): the same stage values as solving every stage."""
    m = model(frames=frames)
    skipped = _stage_values(m, monkeypatch, skip=True)
    solved = _stage_values(m, monkeypatch, skip=False)
    assert (skipped["frame_overrun_sek"] > 0) is overrun
    for stage, value in solved.items():
        assert skipped[stage] == pytest.approx(value, rel=1e-9, abs=1e-6), stage


def test_the_fixed_columns_get_their_bounds_back(monkeypatch):
    """A kept model solved twice: the frame gaps fixed for the overrun stage are free again
    (an overrun found on the second solve after a frame cut)."""
    from pks.optimise.solve import Resolver

    m = model()
    kept = Resolver(m)
    assert kept.solve().objectives["frame_overrun_sek"] == 0.0
    tight = model(frames=(("D1", 2026, 100.0), ("D2", 2026, 30_000.0)))
    kept.update(tight)
    again = kept.solve()
    assert again.objectives["frame_overrun_sek"] > 0
    assert again.objective_sek == pytest.approx(solve(tight).objective_sek, rel=1e-9)
