"""Traffic-light thresholds from the target set and the dashboard configuration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pks.dashboard.config import DashboardConfig

Light = Literal["green", "amber", "red", "none"]
LIGHTS: tuple[str, ...] = ("green", "amber", "red", "none")


@dataclass(frozen=True)
class Thresholds:
    """Every threshold a traffic light needs, resolved for one target set and date."""

    target_set: str
    version: int
    occupancy_max_pu: float
    overtime_h_per_fte_year_max: float
    agency_cost_share_max_pu: float
    within_guarantee_share_pu: float
    production_amber_pu: float
    production_red_pu: float
    waiting_amber_pu: float
    waiting_red_pu: float
    staffing_amber_pu: float
    staffing_red_pu: float
    near_target_pu: float
    occupancy_amber_margin_pu: float
    cost_amber_margin_pu: float

    @property
    def past_guarantee_share_max_pu(self) -> float:
        """Largest acceptable share of the waiting list past the care guarantee."""
        return 1.0 - self.within_guarantee_share_pu


def active_target(targets: pd.DataFrame, target_set: str, on: dt.date) -> pd.Series:
    """The version of ``target_set`` in force on ``on`` (highest version already valid).

    Raises
    ------
    KeyError
        If the target set has no version valid on that day.
    """
    rows = targets[targets["target_set"] == target_set].copy()
    valid_from = pd.to_datetime(rows["valid_from"]).dt.date
    rows = rows[valid_from <= on]
    if rows.empty:
        raise KeyError(f"target set {target_set!r} has no version valid on {on}")
    return rows.sort_values("version").iloc[-1]


def resolve_thresholds(targets: pd.DataFrame, target_set: str, on: dt.date,
                       cfg: DashboardConfig) -> Thresholds:
    """Combine the active target version with the dashboard margins."""
    row = active_target(targets, target_set, on)
    return Thresholds(
        target_set=target_set,
        version=int(row["version"]),
        occupancy_max_pu=float(row["occupancy_max_pu"]),
        overtime_h_per_fte_year_max=float(row["overtime_h_per_fte_year_max"]),
        agency_cost_share_max_pu=float(row["agency_cost_share_max_pu"]),
        within_guarantee_share_pu=float(row["within_guarantee_share_pu"]),
        production_amber_pu=cfg.production_amber_pu,
        production_red_pu=cfg.production_red_pu,
        waiting_amber_pu=cfg.waiting_amber_pu,
        waiting_red_pu=cfg.waiting_red_pu,
        staffing_amber_pu=cfg.staffing_amber_pu,
        staffing_red_pu=cfg.staffing_red_pu,
        near_target_pu=cfg.near_target_pu,
        occupancy_amber_margin_pu=cfg.occupancy_amber_margin_pu,
        cost_amber_margin_pu=cfg.cost_amber_margin_pu,
    )


def light_above(value: pd.Series | float, amber: float, red: float) -> pd.Series:
    """Light for a KPI where higher is worse: red above ``red``, amber above ``amber``.

    Missing values give ``"none"``.

    Examples
    --------
    >>> list(light_above(pd.Series([0.5, 0.85, 0.95, np.nan]), 0.8, 0.9))
    ['green', 'amber', 'red', 'none']
    """
    v = pd.Series(value, dtype="float64") if not isinstance(value, pd.Series) else value
    v = v.astype("float64")
    out = np.select([v.isna(), v > red, v > amber], ["none", "red", "amber"], "green")
    return pd.Series(out, index=v.index, dtype="object")


def light_below(value: pd.Series | float, amber: float, red: float) -> pd.Series:
    """Light for a KPI where lower is worse: red below ``red``, amber below ``amber``.

    Examples
    --------
    >>> list(light_below(pd.Series([0.0, -0.07, -0.2]), -0.05, -0.1))
    ['green', 'amber', 'red']
    """
    v = pd.Series(value, dtype="float64") if not isinstance(value, pd.Series) else value
    v = v.astype("float64")
    out = np.select([v.isna(), v < red, v < amber], ["none", "red", "amber"], "green")
    return pd.Series(out, index=v.index, dtype="object")
