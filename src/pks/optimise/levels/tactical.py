"""Tactical level: the binding production plan of the budget year per unit × care type × week."""

from __future__ import annotations

import time
from collections.abc import Mapping

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import weeks_in_year
from pks.optimise import constraints as c
from pks.optimise.handoff import TacticalHandoff, tactical_inputs_from_strategic
from pks.optimise.inputs import ModelInputs, demand_for, prepare, weekly_grid, year_grid
from pks.optimise.levels import BuiltLevel, build_from_pieces
from pks.optimise.linear import LinearModel

PIECES = (c.PRODUCTION, c.WAITING_LIST, c.PRIORITY, c.GUARANTEE, c.STAFF_CAPACITY, c.BEDS,
          c.THEATRE, c.LEVELLING, c.WORKING_TIME, c.FRAMES)


def tactical_inputs(data: PlanningData, cfg: ScenarioConfig,
                    demand: pd.DataFrame | None = None,
                    handoff: TacticalHandoff | None = None) -> ModelInputs:
    """Inputs of the tactical model: every ISO week of the budget year (or its quarters)."""
    y = cfg.data.budget_year
    grid = weekly_grid(f"{y}-W01", weeks_in_year(y)) if cfg.build.time_grid in (None, "week") \
        else year_grid([y], cfg.build.time_grid)
    weeks = [w for ws in grid.weeks for w in ws]
    d = demand if demand is not None else demand_for(data, cfg, weeks)
    return prepare(data, d, grid, level="tactical", budget_year=y,
                   target_set=cfg.data.target_set, build=cfg.build,
                   fte=None if handoff is None else handoff.fte,
                   unit_budgets=None if handoff is None else handoff.unit_budgets)


def build_tactical(inputs: ModelInputs, cfg: ScenarioConfig) -> LinearModel:
    """The tactical LP from prepared inputs."""
    return build_from_pieces(inputs, cfg.build, PIECES, "tactical")


def build_level(data: PlanningData, cfg: ScenarioConfig,
                upper: Mapping[str, pd.DataFrame] | None = None,
                demand: pd.DataFrame | None = None) -> BuiltLevel:
    """Tactical inputs (with the strategic plan's hand-off when ``upper`` is given) and model."""
    t0 = time.perf_counter()
    h = tactical_inputs_from_strategic(upper, data, cfg.data.budget_year) \
        if upper is not None else None
    inputs = tactical_inputs(data, cfg, demand, h)
    t1 = time.perf_counter()
    m = build_tactical(inputs, cfg)
    return BuiltLevel(m, data, handoff=h,
                      timings={"handoff": t1 - t0, "build": time.perf_counter() - t1})
