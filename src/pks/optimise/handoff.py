"""Explicit, validated hand-offs between the planning levels.

strategic → tactical: FTE per unit × category of the budget year (the capacity ceiling)
and the strategic net cost per unit and year (handed down as unit budgets, frames of kind
``handoff``), plus the strategic production per unit × care type for the gap report (R-04).

tactical → operative: weekly production per unit × care type (the target) and the FTE.

A hand-off that does not match the data (unknown units or categories, wrong years, weeks
the plan does not cover) raises :class:`HandoffError` listing every problem, before any
model is built or solved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pandas as pd

from pks.data.planning_data import PlanningData


class HandoffError(ValueError):
    """A level hand-off that does not match the data; lists every problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("level hand-off does not match:\n  " + "\n  ".join(self.problems))


@dataclass(frozen=True)
class TacticalHandoff:
    """What the strategic level hands to the tactical one."""

    year: int
    fte: pd.DataFrame
    """unit_id, staff_category, fte."""
    unit_budgets: pd.DataFrame
    """node_id (a unit), year, frame_sek."""
    production: pd.DataFrame
    """unit_id, care_type, production_cases (strategic, for the year)."""


@dataclass(frozen=True)
class OperativeHandoff:
    """What the tactical level hands to the operative one."""

    production: pd.DataFrame
    """unit_id, care_type, week, production_cases."""
    fte: pd.DataFrame | None = None
    """unit_id, staff_category, fte (None = staffing targets)."""


@runtime_checkable
class HasTables(Protocol):
    """A solved level (``SolveResult``, ``LevelRun``): its result tables."""

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """Result tables by name."""


def _tables(result: object) -> Mapping[str, pd.DataFrame]:
    """The level above's tables from a solved level or from its tables themselves."""
    if isinstance(result, Mapping):
        return result
    if isinstance(result, HasTables):
        return result.tables
    raise HandoffError([f"the level above is neither result tables nor a solved level: "
                        f"{type(result).__name__}"])


def tactical_inputs_from_strategic(result: object, data: PlanningData,
                                   budget_year: int) -> TacticalHandoff:
    """Hand-off strategic → tactical from a strategic result (or its stored tables)."""
    t = _tables(result)
    problems: list[str] = []
    for name in ("plan_fte", "plan_cost", "plan_production"):
        if name not in t:
            problems.append(f"strategic result lacks table {name}")
    if problems:
        raise HandoffError(problems)
    fte = t["plan_fte"]
    years = sorted(pd.to_numeric(fte["year"]).unique().tolist())
    if budget_year not in years:
        problems.append(f"strategic plan covers years {years}, not the budget year {budget_year}")
    units = set(data.unit_ids)
    bad_u = sorted(set(fte["unit_id"]) - units)
    if bad_u:
        problems.append(f"strategic plan has units unknown to the data: {bad_u[:10]}")
    cats = set(data.staffing["staff_category"])
    bad_c = sorted(set(fte["staff_category"]) - cats)
    if bad_c:
        problems.append(f"strategic plan has unknown staff categories: {bad_c}")
    missing = sorted(units - set(fte["unit_id"]))
    if missing:
        problems.append(f"strategic plan lacks units of the data: {missing[:10]}")
    if problems:
        raise HandoffError(problems)
    f = fte[pd.to_numeric(fte["year"]) == budget_year]
    f = f.groupby(["unit_id", "staff_category"], as_index=False)["fte"].mean()
    cost = t["plan_cost"]
    uc = cost[(cost["kind"] == "unit")]
    ub = uc[pd.to_numeric(uc["year"]) == budget_year][["node_id", "net_cost_sek"]].rename(
        columns={"net_cost_sek": "frame_sek"})
    ub = ub.assign(year=budget_year)
    pp = t["plan_production"]
    pp = pp[pd.to_numeric(pp["year"]) == budget_year]
    prod = pp.groupby(["unit_id", "care_type"], as_index=False)["production_cases"].sum()
    return TacticalHandoff(budget_year, f, ub[["node_id", "year", "frame_sek"]], prod)


def operative_inputs_from_tactical(result: object, data: PlanningData,
                                   weeks: Sequence[str]) -> OperativeHandoff:
    """Hand-off tactical → operative for the operative window ``weeks``."""
    t = _tables(result)
    if "plan_production" not in t:
        raise HandoffError(["tactical result lacks table plan_production"])
    pp = t["plan_production"]
    problems: list[str] = []
    bad_u = sorted(set(pp["unit_id"]) - set(data.unit_ids))
    if bad_u:
        problems.append(f"tactical plan has units unknown to the data: {bad_u[:10]}")
    uncovered = sorted(set(weeks) - set(pp["week"]))
    if uncovered:
        problems.append(f"tactical plan does not cover the operative weeks {uncovered} "
                        f"(plan weeks {pp['week'].min()}..{pp['week'].max()})")
    if problems:
        raise HandoffError(problems)
    prod = pp[pp["week"].isin(set(weeks))].groupby(
        ["unit_id", "care_type", "week"], as_index=False)["production_cases"].sum()
    fte = None
    if "plan_staff" in t and "fte" in t["plan_staff"]:
        fte = t["plan_staff"].groupby(["unit_id", "staff_category"], as_index=False)["fte"].first()
    return OperativeHandoff(prod, fte)


def tactical_gaps(handoff: TacticalHandoff, tactical_production: pd.DataFrame) -> pd.DataFrame:
    """Unit × care-type totals of the tactical plan against the strategic targets (R-04)."""
    tac = tactical_production.groupby(["unit_id", "care_type"], as_index=False)[
        "production_cases"].sum().rename(columns={"production_cases": "tactical_cases"})
    s = handoff.production.rename(columns={"production_cases": "strategic_cases"})
    g = s.merge(tac, on=["unit_id", "care_type"], how="outer").fillna(0.0)
    g["gap_cases"] = g["tactical_cases"] - g["strategic_cases"]
    return g
