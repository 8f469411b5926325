"""Operative re-plan warm-started from the previous plan's stored basis."""

from __future__ import annotations

import pytest

from pks.config.schema import ScenarioConfig
from pks.optimise.inputs import demand_from_history
from pks.optimise.rolling import BASIS_TABLE, replan_operative
from pks.optimise.run import horizon_weeks, plan_level, plan_levels
from pks.optimise.solve import Basis
from tests.optimise.tiny import tiny_data

pytestmark = pytest.mark.solver


def cfg(as_of: str = "2026-W10") -> ScenarioConfig:
    return ScenarioConfig.model_validate({
        "data": {"target_set": "t", "budget_year": 2026, "as_of_week": as_of},
        "build": {"operative_weeks": 4}, "solve": {"method": "simplex"}})


@pytest.fixture(scope="module")
def setup():
    d = tiny_data(units=(("U1", "D1"), ("U2", "D1")), weeks=20, fte=6, demand=10.0,
                  cost_per_fte=5200.0, initial_list=40.0)
    c = cfg()
    dem = demand_from_history(d, horizon_weeks(c))
    runs = plan_levels(d, c, levels=("strategic", "tactical"), demand=dem)
    return d, dem, runs["tactical"].tables


def test_cold_replan_equals_plan_level(setup):
    d, dem, tac = setup
    run, warm = replan_operative(d, cfg(), tac, dem)
    ref = plan_level(d, cfg(), "operative", tac, dem)
    assert not warm and run.result.ok
    assert run.result.objective_sek == pytest.approx(ref.result.objective_sek, rel=1e-9)
    assert set(run.tables) - {BASIS_TABLE} == set(ref.tables)
    assert list(run.explanation("sv")) == list(ref.explanation("sv"))


def test_next_week_warm_from_stored_basis_equals_cold(setup):
    d, dem, tac = setup
    first, _ = replan_operative(d, cfg(), tac, dem)
    basis = Basis.from_table(first.tables[BASIS_TABLE].copy())
    nxt = cfg("2026-W11")
    warm_run, warm = replan_operative(d, nxt, tac, dem, basis)
    cold_run, cold = replan_operative(d, nxt, tac, dem)
    assert warm and not cold
    assert warm_run.result.objective_sek == pytest.approx(cold_run.result.objective_sek,
                                                          rel=1e-6)
    assert warm_run.result.iterations <= cold_run.result.iterations


def test_basis_of_another_size_is_ignored(setup):
    d, dem, tac = setup
    import numpy as np

    run, warm = replan_operative(d, cfg(), tac, dem,
                                 Basis(np.zeros(3, np.int8), np.zeros(2, np.int8)))
    assert not warm and run.result.ok
