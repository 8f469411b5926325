r"""Why a region target fails in simulation, in planner words (pure).

For every region target the simulation judges *not met* (``sim_verdicts``), the cause is
named from the units under it:

* the units that fail the same target (count of units where it applies, and the three
  with the largest KPI shortfall, with their KPI);
* for beds, what it would take — overflow: the beds (Erlang B) that bring the refused
  share to its limit, or the bed-days less; occupancy: with mean occupied beds
  :math:`\bar o_u = k_u \cdot c_u` (occupancy :math:`k_u`, staffed beds :math:`c_u`) and
  the occupancy limit :math:`k^*`, unit *u* needs :math:`\lceil \bar o_u / k^* \rceil - c_u`
  more staffed beds, or :math:`7\,(\bar o_u - k^* c_u)` fewer bed-days a week;
* for the waiting list, when the plan's target :math:`L^*` per node is given, the excess
  :math:`\bar L - L^*` in cases (mean list at the end against the target): the cases that
  must be produced on top of the plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pks.calendar import DAYS_PER_WEEK
from pks.forecast.queueing import beds_for_refusal, max_offered_load
from pks.i18n import format_number, t
from pks.types import Language

BED_TARGETS = ("occupancy", "overflow")
PCT_TARGETS = ("guarantee", "occupancy", "overflow", "utilisation")
SHOWN_UNITS = 3
"""Units named per failing target (largest shortfall first)."""


@dataclass(frozen=True)
class TargetCause:
    """One failing region target and its cause."""

    target: str
    kpi_mean: float
    probability: float
    units_failing: int
    units_applicable: int
    worst_units: tuple[tuple[str, float, float], ...]
    """Up to :data:`SHOWN_UNITS` failing units, largest deviation first: name, KPI and the
    target bound it misses (NaN when the unit has none)."""
    extra_beds: int = 0
    fewer_bed_days_per_week: float = 0.0
    excess_list_cases: float = 0.0


def _deviation(r: pd.Series, list_targets: Mapping[str, float]) -> tuple[float, float]:
    """How far a unit's KPI lies outside its target, and the target bound it misses.

    A maximum exceeded gives ``KPI − max``, a minimum missed ``min − KPI``; otherwise (the
    waiting list) the cases above the plan's list target, NaN bound when there is none.
    """
    lo, hi, v = r["target_min"], r["target_max"], float(r["kpi_mean"])
    if pd.notna(hi) and v > hi:
        return float(v - hi), float(hi)
    if pd.notna(lo) and v < lo:
        return float(lo - v), float(lo)
    bound = list_targets.get(str(r["node_id"]))
    return (v - float(bound), float(bound)) if bound is not None else (v, float("nan"))


def _staffed(sim_beds: pd.DataFrame | None) -> pd.Series:
    if sim_beds is None or sim_beds.empty:
        return pd.Series(dtype=float)
    col = "staffed_beds_mean" if "staffed_beds_mean" in sim_beds.columns else "staffed_beds"
    return sim_beds.groupby("unit_id")[col].mean()


def failing_causes(verdicts: pd.DataFrame, sim_beds: pd.DataFrame | None = None,
                   list_target_cases: Mapping[str, float] | None = None
                   ) -> list[TargetCause]:
    """A :class:`TargetCause` for every region target not met, in the verdicts' order.

    ``list_target_cases`` (node id → the plan's waiting-list target in cases) gives the
    waiting list's excess; without it the list's cause is the failing units alone.
    """
    lt = dict(list_target_cases or {})
    region = verdicts[(verdicts["node_type"] == "region") & ~verdicts["met"].astype(bool)]
    units = verdicts[verdicts["node_type"] == "unit"]
    staffed = _staffed(sim_beds)
    out: list[TargetCause] = []
    for r in region.itertuples(index=False):
        u = units[units["target"] == r.target]
        bad = u[~u["met"].astype(bool)].copy()
        deviation = [_deviation(x, lt) for _, x in bad.iterrows()]
        bad["miss_by"] = [d for d, _ in deviation]
        bad["missed_bound"] = [b for _, b in deviation]
        bad = bad.sort_values("miss_by", ascending=False, kind="stable")
        worst = tuple((str(x.node_name), float(x.kpi_mean), float(x.missed_bound))
                      for x in bad.head(SHOWN_UNITS).itertuples(index=False))
        beds, fewer, excess = 0, 0.0, 0.0
        if r.target == "occupancy":
            for x in u[u["node_id"].isin(bad["node_id"])].itertuples(index=False):
                c = float(staffed.get(x.node_id, float("nan")))
                if not (math.isfinite(c) and pd.notna(x.target_max) and x.target_max > 0):
                    continue
                occupied = float(x.kpi_mean) * c
                beds += max(0, math.ceil(occupied / float(x.target_max) - 1e-9) - round(c))
                fewer += max(0.0, DAYS_PER_WEEK * (occupied - float(x.target_max) * c))
        if r.target == "overflow":
            b, f = _overflow_remedy(units, bad, staffed)
            beds, fewer = beds + b, fewer + f
        if r.target == "waiting_list" and str(r.node_id) in lt:
            excess = max(0.0, float(r.kpi_mean) - lt[str(r.node_id)])
        out.append(TargetCause(str(r.target), float(r.kpi_mean), float(r.probability),
                               len(bad), len(u), worst, beds, fewer, excess))
    return out


def _overflow_remedy(units: pd.DataFrame, bad: pd.DataFrame, staffed: pd.Series
                     ) -> tuple[int, float]:
    r"""Beds and bed-days that bring each failing unit's refusal share to its limit.

    Erlang loss model: the offered load is :math:`a = \bar o / (1 - B)` beds (mean occupied
    :math:`\bar o = k\,c`, refused share :math:`B`); the unit needs the smallest
    :math:`c'` with :math:`B(c', a) \le B^*` (:func:`beds_for_refusal`), i.e.
    :math:`c' - c` more beds, or :math:`7\,(a - a^*)` fewer bed-days a week, where
    :math:`a^*` is the largest load its :math:`c` beds carry at :math:`B^*`.
    """
    occ = units[units["target"] == "occupancy"].set_index("node_id")["kpi_mean"]
    beds, fewer = 0, 0.0
    for x in bad.itertuples(index=False):
        c = float(staffed.get(x.node_id, float("nan")))
        k = float(occ.get(x.node_id, float("nan")))
        b_max, b = float(x.target_max), float(x.kpi_mean)
        if not (math.isfinite(c) and math.isfinite(k) and c >= 1 and 0 < b_max < 1 and b < 1):
            continue
        a = k * c / (1.0 - b)
        beds += max(0, beds_for_refusal(a, 1.0, b_max) - round(c))
        fewer += max(0.0, DAYS_PER_WEEK * (a - max_offered_load(round(c), b_max)))
    return beds, fewer


def _kpi(target: str, v: float, lang: Language) -> str:
    if target in PCT_TARGETS:
        return f"{format_number(100 * v, lang, 1)} %"
    unit = {"waiting_list": t("gaps.causes.unit.cases", lang),
            "overtime": t("gaps.causes.unit.h_per_fte", lang)}.get(target, "")
    return f"{format_number(v, lang, 0)} {unit}".rstrip()


def _unit_deviation(target: str, name: str, kpi: float, bound: float, lang: Language) -> str:
    """``Name KPI (target bound)``: the unit's value beside what it misses."""
    text = f"{name} {_kpi(target, kpi, lang)}"
    if math.isfinite(bound):
        text += " " + t("gaps.causes.against", lang, target=_kpi(target, bound, lang))
    return text


def cause_items(causes: list[TargetCause], lang: Language = "sv"
                ) -> list[tuple[str, list[str]]]:
    """Each failing region target in planner language: its cause and what would remedy it."""
    out = []
    for c in causes:
        worst = ", ".join(_unit_deviation(c.target, n, v, b, lang) for n, v, b in c.worst_units)
        line = t("gaps.causes.line", lang, target=t(f"simulate.target.{c.target}", lang),
                 kpi=_kpi(c.target, c.kpi_mean, lang),
                 p=format_number(100 * c.probability, lang, 0),
                 n=c.units_failing, m=c.units_applicable,
                 worst=worst or t("gaps.causes.no_unit", lang))
        remedies = []
        if c.target in BED_TARGETS and c.extra_beds > 0:
            remedies.append(t("gaps.causes.beds", lang, beds=format_number(c.extra_beds, lang),
                              bed_days=format_number(c.fewer_bed_days_per_week, lang)))
        if c.target == "waiting_list" and c.excess_list_cases > 0:
            remedies.append(t("gaps.causes.list", lang,
                              cases=format_number(c.excess_list_cases, lang)))
        out.append((line, remedies))
    return out


def causes_title(causes: list[TargetCause], lang: Language = "sv") -> str:
    """The heading sentence: how many region targets fail (or that none does)."""
    if not causes:
        return t("gaps.causes.none", lang)
    return t("gaps.causes.title", lang, n=len(causes))


def cause_lines(causes: list[TargetCause], lang: Language = "sv") -> list[str]:
    """Planner-language lines: each failing region target with its cause and remedy."""
    lines = [causes_title(causes, lang)]
    for line, remedies in cause_items(causes, lang):
        lines.append(f"  – {line}")
        lines += [f"    {r}" for r in remedies]
    return lines


def plan_list_targets(plan_production: pd.DataFrame, week: str, region_id: str
                      ) -> dict[str, float]:
    """The plan's waiting-list target in cases at ``week`` per unit and for the region.

    As the simulator judges it: the sum of ``waiting_list_target_cases`` over a unit's care
    types that have a target, the region's the sum over its units.
    """
    p = plan_production[plan_production["week"].astype(str) == str(week)]
    s = p.groupby("unit_id")["waiting_list_target_cases"].sum(min_count=1).dropna()
    out = {str(k): float(v) for k, v in s.items()}
    if out:
        out[region_id] = float(sum(out.values()))
    return out
