r"""Each KPI's traffic-light judgement, in one place for every layer.

A KPI's light compares its value with a limit from the target set in force (ceilings) or
with the plan (deviations), widened by the margins of :class:`LightMargins`:

=================  =======================================  ====================  ===============
KPI                value                                    amber when            red when
=================  =======================================  ====================  ===============
``production``     (actual − plan) / plan of reported weeks  < −a_p                < −r_p
``waiting``        (list − target) / target                 > a_w                 > r_w
``past_guarantee`` share of the list past the guarantee     > n·(1 − s)           > 1 − s
``staffing``       (hours − planned hours) / planned hours  < −a_s                < −r_s
``overtime``       overtime hours per FTE and year          > n·O                 > O
``agency``         agency cost / own staff cost             > n·A                 > A
``occupancy``      occupied / staffed beds                  > B − m_b             > B
``cost``           (net cost forecast − frame) / frame      > −m_c                > 0
=================  =======================================  ====================  ===============

with :math:`s` the share within the guarantee, :math:`O, A, B` the overtime, agency-share
and occupancy ceilings of the target set, :math:`n` the ``near_target_pu`` fraction and the
other letters the margins. A missing value has no light (``none``). :func:`judge` is the
only implementation; :func:`judge_series` applies it to a column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pks.config.dashboard import DashboardConfig
from pks.rules.targets import target_set_in_force

Light = Literal["green", "amber", "red", "none"]
LIGHTS: tuple[Light, ...] = ("green", "amber", "red", "none")
Kpi = Literal["production", "waiting", "past_guarantee", "staffing", "overtime", "agency",
              "occupancy", "cost"]
KPIS: tuple[Kpi, ...] = ("production", "waiting", "past_guarantee", "staffing", "overtime",
                         "agency", "occupancy", "cost")
KPI_KIND: dict[str, str] = {
    "production": "production", "waiting": "waiting_list", "past_guarantee": "guarantee",
    "cost": "cost", "agency": "agency", "staffing": "workload", "overtime": "workload",
    "occupancy": "workload",
}
"""Each KPI's kind, as the board report groups its red deviations."""
KINDS: tuple[str, ...] = ("production", "waiting_list", "guarantee", "cost", "agency",
                          "workload")


@dataclass(frozen=True)
class LightMargins:
    """How far from plan, or how close to a ceiling, turns a light amber or red.

    The values and their defaults live in one place, the dashboard section of a scenario
    (:class:`pks.config.dashboard.DashboardConfig`); :meth:`default` reads them from there.
    """

    production_amber_pu: float
    production_red_pu: float
    waiting_amber_pu: float
    waiting_red_pu: float
    staffing_amber_pu: float
    staffing_red_pu: float
    near_target_pu: float
    occupancy_amber_margin_pu: float
    cost_amber_margin_pu: float

    @classmethod
    def default(cls) -> LightMargins:
        """The margins of a scenario that sets none."""
        return cls.of(DashboardConfig())

    @classmethod
    def of(cls, cfg: object) -> LightMargins:
        """Margins read from any object with the same attribute names (e.g. a config)."""
        return cls(**{f: float(getattr(cfg, f)) for f in cls.__dataclass_fields__
                      if hasattr(cfg, f)})


@dataclass(frozen=True)
class Thresholds:
    """Every limit a traffic light needs, resolved for one target set and date."""

    target_set: str
    version: int
    occupancy_max_pu: float
    overtime_h_per_fte_year_max: float
    agency_cost_share_max_pu: float
    within_guarantee_share_pu: float
    margins: LightMargins
    """How far from plan or how close to a ceiling turns a light amber or red."""

    @property
    def past_guarantee_share_max_pu(self) -> float:
        """Largest acceptable share of the waiting list past the care guarantee."""
        return 1.0 - self.within_guarantee_share_pu

    def limits(self, kpi: str) -> tuple[Literal["above", "below"], float, float]:
        """``(direction, amber, red)`` of ``kpi``: worse ``above`` or ``below`` the limits."""
        m = self.margins
        n = m.near_target_pu
        cap_g = self.past_guarantee_share_max_pu
        table: dict[str, tuple[Literal["above", "below"], float, float]] = {
            "production": ("below", -m.production_amber_pu, -m.production_red_pu),
            "waiting": ("above", m.waiting_amber_pu, m.waiting_red_pu),
            "past_guarantee": ("above", n * cap_g, cap_g),
            "staffing": ("below", -m.staffing_amber_pu, -m.staffing_red_pu),
            "overtime": ("above", n * self.overtime_h_per_fte_year_max,
                         self.overtime_h_per_fte_year_max),
            "agency": ("above", n * self.agency_cost_share_max_pu,
                       self.agency_cost_share_max_pu),
            "occupancy": ("above", self.occupancy_max_pu - m.occupancy_amber_margin_pu,
                          self.occupancy_max_pu),
            "cost": ("above", -m.cost_amber_margin_pu, 0.0),
        }
        if kpi not in table:
            raise KeyError(f"unknown KPI {kpi!r}; known: {list(table)}")
        return table[kpi]


def resolve_thresholds(targets: pd.DataFrame, target_set: str, on: dt.date,
                       margins: LightMargins | None = None) -> Thresholds:
    """The target set in force on ``on`` combined with the light margins."""
    row = target_set_in_force(targets, target_set, on)
    return Thresholds(
        target_set=target_set, version=int(row["version"]),
        occupancy_max_pu=float(row["occupancy_max_pu"]),
        overtime_h_per_fte_year_max=float(row["overtime_h_per_fte_year_max"]),
        agency_cost_share_max_pu=float(row["agency_cost_share_max_pu"]),
        within_guarantee_share_pu=float(row["within_guarantee_share_pu"]),
        margins=margins or LightMargins.default())


TOLERANCE = 1e-9
"""A value within this of a limit counts as at the limit (solver and float round-off)."""


def at_most(value: np.ndarray | float, limit: np.ndarray | float) -> np.ndarray:
    """``value ≤ limit`` (within :data:`TOLERANCE`): a ceiling is met, the light not red.

    The simulator's verdicts (a target met or not) use this and :func:`at_least`, the same
    comparison that turns a follow-up light red, so "met" and "not red" agree.
    """
    return np.asarray(value) <= np.asarray(limit) + TOLERANCE


def at_least(value: np.ndarray | float, limit: np.ndarray | float) -> np.ndarray:
    """``value ≥ limit`` (within :data:`TOLERANCE`): a floor is met, the light not red."""
    return np.asarray(value) >= np.asarray(limit) - TOLERANCE


def _as_light(text: str) -> Light:
    """``text`` as a :data:`Light`; anything else is an error."""
    for light in LIGHTS:
        if text == light:
            return light
    raise ValueError(f"not a light: {text!r}")


def _light(v: np.ndarray, direction: str, amber: float, red: float) -> np.ndarray:
    if direction == "above":
        conds = [np.isnan(v), ~at_most(v, red), ~at_most(v, amber)]
    else:
        conds = [np.isnan(v), ~at_least(v, red), ~at_least(v, amber)]
    return np.select(conds, ["none", "red", "amber"], "green")


def judge(kpi: str, value: float | None, th: Thresholds) -> Light:
    """The traffic light of one KPI value (see the module table).

    Examples
    --------
    >>> th = resolve_thresholds(pd.DataFrame({"target_set": ["g"], "version": [1],
    ...     "valid_from": ["2026-01-01"], "occupancy_max_pu": [0.9],
    ...     "overtime_h_per_fte_year_max": [50.0], "agency_cost_share_max_pu": [0.02],
    ...     "within_guarantee_share_pu": [0.9]}), "g", dt.date(2026, 6, 1))
    >>> judge("production", -0.07, th), judge("production", -0.2, th)
    ('amber', 'red')
    >>> judge("past_guarantee", 0.05, th), judge("past_guarantee", 0.085, th)
    ('green', 'amber')
    >>> judge("cost", 0.001, th), judge("cost", None, th)
    ('red', 'none')
    """
    direction, amber, red = th.limits(kpi)
    v = np.array([np.nan if value is None else float(value)], dtype="float64")
    return _as_light(str(_light(v, direction, amber, red)[0]))


def judge_series(kpi: str, values: pd.Series, th: Thresholds) -> pd.Series:
    """:func:`judge` applied to every value of a column (same index, dtype object)."""
    direction, amber, red = th.limits(kpi)
    v = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    return pd.Series(_light(v, direction, amber, red), index=values.index, dtype="object")
