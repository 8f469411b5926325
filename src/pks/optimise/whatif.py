"""Tactical what-ifs answered by a kept model: edit one input, warm-start HiGHS, compare.

A :class:`KeptTactical` holds the tactical model of one plan in a persistent HiGHS object
(:class:`pks.optimise.solve.Resolver`). A :class:`WhatIf` changes one input:

* ``fte`` — the staffed FTE of a unit × staff category is set to ``value`` FTE (in the
  staffing target and, when the plan came with a strategic hand-off, in the handed-down
  FTE, which replaces the target);
* ``frame`` — the net-cost frame of an organisation node in the budget year is set to
  ``value`` SEK;
* ``demand`` — the demand of a unit (optionally one care type) in every week is scaled by
  ``1 + value / 100`` (``value`` in per cent).

The model is rebuilt from the edited inputs (pure, cheap), only the differing bounds, costs
and coefficients are pushed into HiGHS, and the solve starts from the kept basis. Since the
structure does not change, the warm optimum equals a cold solve of the edited model.

:func:`plan_difference` states the answer in planner units per unit: produced cases,
case-weeks of care not given within the guarantee, FTE (mean over the weeks) and net cost in
SEK of the budget year's prices: ``Δ = what-if − plan``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.optimise.handoff import TacticalHandoff, tactical_inputs_from_strategic
from pks.optimise.levels.tactical import build_tactical, tactical_inputs
from pks.optimise.linear import LinearModel
from pks.optimise.solve import Resolver, SolveConfig, SolveResult

WhatIfKind = Literal["fte", "frame", "demand"]
WHATIF_KINDS: tuple[WhatIfKind, ...] = ("fte", "frame", "demand")
PERCENT = 100.0
"""Per cent in one."""

DIFF_COLUMNS = ("unit_id", "production_cases", "not_given_case_weeks", "fte", "net_cost_sek")


@dataclass(frozen=True)
class WhatIf:
    """One changed input; ``target`` is a unit (fte, demand) or an organisation node (frame).

    ``detail`` is the staff category (fte) or the care type (demand; empty = every care
    type of the unit). ``value``: FTE, SEK or per cent by kind.
    """

    kind: WhatIfKind
    target: str
    value: float
    detail: str = ""


@dataclass(frozen=True)
class WhatIfAnswer:
    """A solved what-if: the solver result and its difference from the plan per unit."""

    whatif: WhatIf
    result: SolveResult
    difference: pd.DataFrame
    changed_values: int


def whatif_problems(w: WhatIf, data: PlanningData, budget_year: int) -> list[str]:
    """Every problem with ``w`` against the region's tables (empty = fine)."""
    out: list[str] = []
    if w.kind not in WHATIF_KINDS:
        return [f"what-if kind: one of {', '.join(WHATIF_KINDS)}, not {w.kind!r}"]
    if not np.isfinite(w.value):
        out.append(f"what-if value: a number, not {w.value!r}")
    if w.kind == "fte":
        st = data.staffing
        hit = st[(st["unit_id"] == w.target) & (st["staff_category"] == w.detail)]
        if hit.empty:
            out.append(f"staffing: no row for unit {w.target!r}, category {w.detail!r}")
        if w.value < 0:
            out.append(f"staffing: fte must be ≥ 0, not {w.value}")
    elif w.kind == "frame":
        bf = data.budget_frames
        if bf[(bf["node_id"] == w.target) & (bf["year"] == budget_year)].empty:
            out.append(f"budget_frames: no frame for node {w.target!r} in {budget_year}")
        if w.value < 0:
            out.append(f"budget_frames: frame_sek must be ≥ 0, not {w.value}")
    else:
        if w.target not in set(data.staffing["unit_id"]):
            out.append(f"demand: unknown unit {w.target!r}")
        if w.value <= -PERCENT:
            out.append(f"demand: change must be above -100 %, not {w.value}")
    return out


def apply_whatif(w: WhatIf, data: PlanningData, demand: pd.DataFrame,
                 handoff: TacticalHandoff | None, budget_year: int
                 ) -> tuple[PlanningData, pd.DataFrame, TacticalHandoff | None]:
    """The inputs with ``w`` applied (pure: new objects, the arguments are unchanged)."""
    if w.kind == "fte":
        st = data.staffing.copy()
        sel = (st["unit_id"] == w.target) & (st["staff_category"] == w.detail)
        st.loc[sel, "staffing_target_fte"] = float(w.value)
        data = data.replace(staffing=st)
        if handoff is not None:
            f = handoff.fte.copy()
            fsel = (f["unit_id"] == w.target) & (f["staff_category"] == w.detail)
            f.loc[fsel, "fte"] = float(w.value)
            handoff = replace(handoff, fte=f)
    elif w.kind == "frame":
        bf = data.budget_frames.copy()
        sel = (bf["node_id"] == w.target) & (bf["year"] == budget_year)
        bf.loc[sel, "frame_sek"] = float(w.value)
        data = data.replace(budget_frames=bf)
        if handoff is not None and w.target in set(handoff.unit_budgets["node_id"]):
            ub = handoff.unit_budgets.copy()
            usel = (ub["node_id"] == w.target) & (ub["year"] == budget_year)
            ub.loc[usel, "frame_sek"] = float(w.value)
            handoff = replace(handoff, unit_budgets=ub)
    else:
        d = demand.copy()
        sel = d["unit_id"] == w.target
        if w.detail:
            sel &= d["care_type"] == w.detail
        d.loc[sel, "demand_cases"] = d.loc[sel, "demand_cases"] * (1.0 + w.value / PERCENT)
        demand = d
    return data, demand, handoff


def plan_difference(plan: Mapping[str, pd.DataFrame], whatif: Mapping[str, pd.DataFrame]
                    ) -> pd.DataFrame:
    """Per unit ``Δ = what-if − plan`` in planner units (see the module docstring).

    ``production_cases`` = Σ production over care types, classes and weeks;
    ``not_given_case_weeks`` = Σ guarantee-breach case-weeks; ``fte`` = Σ over categories
    of the mean FTE over the weeks; ``net_cost_sek`` = Σ unit net cost. A column the plan
    does not hold (an older or hand-made plan) is left missing (NaN), not taken as zero.
    """
    def total(t: Mapping[str, pd.DataFrame], table: str, col: str, by: str = "unit_id",
              kind: str | None = None) -> pd.Series:
        f = t.get(table)
        if f is None or col not in f or by not in f or (kind is not None and "kind" not in f):
            return pd.Series(np.nan, index=units, dtype=float)  # not in this plan: unknown
        if kind is not None:
            f = f[f["kind"] == kind]
        return f.groupby(by)[col].sum().reindex(units, fill_value=0.0)

    def per_unit(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        s = t.get("plan_staff")
        if s is not None and "fte" in s:
            fte = s.groupby(["unit_id", "staff_category"])["fte"].mean().groupby(
                "unit_id").sum().reindex(units, fill_value=0.0)
        else:
            fte = pd.Series(np.nan, index=units, dtype=float)
        g = t.get("plan_guarantee")
        ng = (total(t, "plan_guarantee", "guarantee_breach_case_weeks") if g is not None
              else pd.Series(0.0, index=units))  # no breach table: no breach
        return pd.DataFrame({"production_cases": total(t, "plan_production", "production_cases"),
                             "not_given_case_weeks": ng, "fte": fte,
                             "net_cost_sek": total(t, "plan_cost", "net_cost_sek", "node_id",
                                                   "unit")})

    units = sorted(set(plan["plan_production"]["unit_id"])
                   | set(whatif["plan_production"]["unit_id"]))
    d = per_unit(whatif) - per_unit(plan)
    d.index.name = "unit_id"
    return d.reset_index()[list(DIFF_COLUMNS)]


class KeptTactical:
    """The tactical model of one plan kept in HiGHS for warm-started what-ifs."""

    def __init__(self, data: PlanningData, cfg: ScenarioConfig,
                 upper: Mapping[str, pd.DataFrame] | None, demand: pd.DataFrame,
                 solve_cfg: SolveConfig | None = None) -> None:
        self.data = data
        self.cfg = cfg
        self.demand = demand
        self.handoff = (tactical_inputs_from_strategic(upper, data, cfg.data.budget_year)
                        if upper is not None else None)
        model = self.build(data, demand, self.handoff)
        self.resolver = Resolver(model, solve_cfg or SolveConfig(method="simplex"))
        self.base = self.resolver.solve()

    def build(self, data: PlanningData, demand: pd.DataFrame,
              handoff: TacticalHandoff | None) -> LinearModel:
        """The tactical LP of the given inputs."""
        return build_tactical(tactical_inputs(data, self.cfg, demand, handoff), self.cfg)

    def edited_model(self, w: WhatIf) -> LinearModel:
        """The tactical LP with ``w`` applied (raises ``ValueError`` listing every problem)."""
        problems = whatif_problems(w, self.data, self.cfg.data.budget_year)
        if problems:
            raise ValueError("\n".join(problems))
        d, dem, h = apply_whatif(w, self.data, self.demand, self.handoff,
                                 self.cfg.data.budget_year)
        return self.build(d, dem, h)

    def ask(self, w: WhatIf, plan: Mapping[str, pd.DataFrame] | None = None) -> WhatIfAnswer:
        """Solve the what-if warm from the kept basis and compare with ``plan``.

        ``plan`` defaults to the kept model's own optimum (the plan it was built from).
        """
        m = self.edited_model(w)
        n = self.resolver.update(m)
        r = self.resolver.solve()
        ref = plan if plan is not None else self.base.tables
        diff = plan_difference(ref, r.tables) if r.ok else pd.DataFrame(columns=DIFF_COLUMNS)
        return WhatIfAnswer(w, r, diff, n)
