"""The re-solves behind the level gap report: plans B, C and D of :mod:`pks.optimise.level_gaps`.

Given the upper plan as made (A) and the lower plan as made (E), the chain re-solves
with one factor switched at a time: B the upper level per unit (only when the strategic
level pooled; otherwise B = A), C the lower level without a hand-off, D the lower level
with A handed off on the upper plan's data (when that is the lower plan's own data and
the lower plan was made in the same run, D = E and is not solved again).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import add_weeks, weeks_of_year
from pks.optimise.level_gaps import Period, attribute, unit_metrics
from pks.optimise.run import plan_level
from pks.types import Level

PAIRS: dict[str, tuple[Level, Level]] = {"strategic-tactical": ("strategic", "tactical"),
                                         "tactical-operative": ("tactical", "operative")}
"""The compared level pairs, upper first."""


@dataclass(frozen=True)
class LevelGaps:
    """The gap table of one level pair and the period it compares."""

    pair: str
    period: Period
    gaps: pd.DataFrame


class ChainSolveError(RuntimeError):
    """A re-solve of the gap chain found no plan."""


def common_period(cfg: ScenarioConfig, pair: str) -> Period:
    """The budget year's weeks (strategic–tactical) or the operative window."""
    year = cfg.data.budget_year
    if pair == "strategic-tactical":
        return Period(year, tuple(weeks_of_year(year)))
    weeks = tuple(add_weeks(cfg.data.as_of_week, i + 1)
                  for i in range(cfg.build.operative_weeks))
    return Period(year, weeks)


def _solved(data: PlanningData, cfg: ScenarioConfig, level: Level,
            upper: Mapping[str, pd.DataFrame] | None, demand: pd.DataFrame | None,
            step: str) -> Mapping[str, pd.DataFrame]:
    run = plan_level(data, cfg, level, upper, demand)
    if not run.result.ok:
        raise ChainSolveError(f"gap chain plan {step} ({level}): {run.result.status.value}")
    return run.tables


def level_gaps(pair: str, cfg: ScenarioConfig, upper_data: PlanningData,
               upper_tables: Mapping[str, pd.DataFrame],
               lower_tables: Mapping[str, pd.DataFrame],
               demand: pd.DataFrame | None = None,
               lower_same_run: bool = False) -> LevelGaps:
    """Gap table of ``pair`` (see :mod:`pks.optimise.level_gaps` for the chain A..E).

    ``upper_data`` is the data the upper plan was made on; ``lower_same_run`` says the
    lower plan was made from ``upper_tables`` on that same data and configuration, so D
    is the lower plan itself and new actuals count zero.
    """
    if pair not in PAIRS:
        raise ValueError(f"unknown level pair {pair!r}; expected one of {list(PAIRS)}")
    upper, lower = PAIRS[pair]
    period = common_period(cfg, pair)
    b_tables = upper_tables
    if upper == "strategic" and cfg.build.strategic_by != "unit":
        per_unit = cfg.model_copy(update={"build": cfg.build.model_copy(
            update={"strategic_by": "unit"})})
        b_tables = _solved(upper_data, per_unit, upper, None, demand, "B")
    c_tables = _solved(upper_data, cfg, lower, None, demand, "C")
    d_tables = lower_tables if lower_same_run else _solved(upper_data, cfg, lower,
                                                           upper_tables, demand, "D")
    chain = {"A": upper_tables, "B": b_tables, "C": c_tables, "D": d_tables,
             "E": lower_tables}
    gaps = attribute({k: unit_metrics(v, period) for k, v in chain.items()})
    return LevelGaps(pair, period, gaps)
