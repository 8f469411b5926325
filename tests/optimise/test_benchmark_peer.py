"""The linopy peer of the benchmark is the same model: equal objective on a small region."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.solver, pytest.mark.slow]

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "optimise"))


def test_linopy_peer_objective_equals_ours():
    from linopy_peer import solve_linopy

    from pks.config.schema import ScenarioConfig
    from pks.data.weeks import weeks_of_year
    from pks.demo import generate_region, sized_spec
    from pks.optimise.inputs import demand_from_history
    from pks.optimise.levels.tactical import build_tactical, tactical_inputs
    from pks.optimise.solve import solve

    data = generate_region(sized_spec(4, 3), 2)
    # the weighted objective with soft frames: one objective, as the peer writes it
    cfg = ScenarioConfig.model_validate({"data": {"budget_year": 2026},
                                         "build": {"objective": "weighted", "frames": "soft"}})
    inp = tactical_inputs(data, cfg, demand=demand_from_history(data, weeks_of_year(2026)))
    ours = solve(build_tactical(inp, cfg))
    peer, _ = solve_linopy(inp, cfg.build)
    assert peer == pytest.approx(ours.objective_sek, rel=1e-6)
