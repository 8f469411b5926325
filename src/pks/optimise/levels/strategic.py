"""Strategic level: budget year + plan years (+ outlook) by year or quarter, FTE as decision."""

from __future__ import annotations

import time
from collections.abc import Mapping

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import weeks_of_year
from pks.optimise import constraints as c
from pks.optimise.inputs import ModelInputs, demand_for, prepare, year_grid
from pks.optimise.levels import BuiltLevel, build_from_pieces
from pks.optimise.linear import LinearModel

PIECES = (c.PRODUCTION, c.WAITING_LIST, c.PRIORITY, c.GUARANTEE, c.FTE, c.STAFF_CAPACITY,
          c.BEDS, c.THEATRE, c.LEVELLING, c.WORKING_TIME, c.FRAMES)


def strategic_years(cfg: ScenarioConfig) -> list[int]:
    """Budget year, plan years and the outlook years."""
    return [*cfg.data.years,
            *[cfg.data.years[-1] + i + 1 for i in range(cfg.build.strategic_outlook_years)]]


def strategic_inputs(data: PlanningData, cfg: ScenarioConfig,
                     demand: pd.DataFrame | None = None) -> ModelInputs:
    """Inputs of the strategic model over the budget year, plan years and outlook."""
    years = strategic_years(cfg)
    by = cfg.build.time_grid if cfg.build.time_grid in ("year", "quarter") else "year"
    grid = year_grid(years, by)
    weeks = [w for ws in grid.weeks for w in ws]
    d = demand if demand is not None else demand_for(data, cfg, weeks)
    return prepare(data, d, grid, level="strategic", budget_year=cfg.data.budget_year,
                   target_set=cfg.data.target_set, build=cfg.build, fte_variable=True)


def build_strategic(inputs: ModelInputs, cfg: ScenarioConfig) -> LinearModel:
    """The strategic LP from prepared inputs."""
    return build_from_pieces(inputs, cfg.build, PIECES, "strategic")


def build_level(data: PlanningData, cfg: ScenarioConfig,
                upper: Mapping[str, pd.DataFrame] | None = None,
                demand: pd.DataFrame | None = None) -> BuiltLevel:
    """Strategic inputs and model (no level above; ``upper`` is ignored).

    Units are pooled per area or division unless ``build.strategic_by`` is ``unit``
    (:mod:`pks.optimise.aggregate`).
    """
    t0 = time.perf_counter()
    pooled = None
    if cfg.build.strategic_by != "unit":
        from pks.optimise.aggregate import pool

        weeks = [w for y in strategic_years(cfg) for w in weeks_of_year(y)]
        pooled = pool(data, demand if demand is not None else demand_for(data, cfg, weeks),
                      cfg.build.strategic_by)
        data, demand = pooled.data, pooled.demand
    inputs = strategic_inputs(data, cfg, demand)
    t1 = time.perf_counter()
    m = build_strategic(inputs, cfg)
    return BuiltLevel(m, data, pooled=pooled,
                      timings={"handoff": t1 - t0, "build": time.perf_counter() - t1})
