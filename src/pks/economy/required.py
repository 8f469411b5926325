r"""The result each year needs, and the frames the strategic level plans under (issue 11).

Year by year (ascending), the balanced-budget result :math:`B_t` must be at least

.. math::

    B_t^{req} = \max\bigl(0,\; U_t^{due},\; b\,S_t\bigr)

where :math:`U_t^{due}` is the unrestored deficit whose deadline is :math:`t` (given the
results of the years before, FIFO, :mod:`pks.economy.balanced`) and :math:`b` the minimum
balanced-result share of a binding target (Norrbotten 2022: 1 %). As an operating result
(verksamhetens resultat), with :math:`a` the operating-result share target:

.. math::

    V_t^{req} = \max\bigl(a\,S_t,\; B_t^{req} - (B_t - V_t)\bigr)

The planned units may then cost at most :math:`M_t^{max} = S_t - O_t - V_t^{req}`
(revenue less the net cost outside the plans less the required result). When the frames
of the modelled nodes sum to more, every frame at and below the modelled level is scaled
by :math:`f_t = M_t^{max} / M_t` (a lower bound on the planned result becomes a tightening
of the frames the strategic level plans under). Years whose balanced result is given
(outcomes) are not planned and keep their result.

After a plan under those frames, :func:`check_plan` compares the planned result with the
requirement: a shortfall equals the planned cost above :math:`M_t^{max}`, and its causes
are the frame gaps the plan priced (cost above frame) and the care it left ungiven.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pks.data.planning_data import PlanningData
from pks.economy.balanced import YearResult, restoration_schedule
from pks.economy.frames import SEK_PER_MNKR
from pks.economy.results import ResultsBudget, modelled_nodes

TOLERANCE_MNKR = 0.01
"""Shortfalls below this (rounding of the solver's cost) are not reported."""


@dataclass(frozen=True)
class RequiredResult:
    """Per plan year: the result needed, why, and the frame room it leaves.

    ``table`` columns: ``year, required_balanced_mnkr, required_operating_mnkr,
    due_restoration_mnkr, reason, planned_operating_mnkr, modelled_cost_mnkr,
    modelled_room_mnkr, frame_factor_pu``. ``reason`` is ``target`` (the result target
    binds), ``restoration`` (a deficit falls due), or ``balance`` (the zero floor).
    """

    table: pd.DataFrame

    def factor(self, year: int) -> float:
        """Scale of the modelled frames in ``year`` (1 = no tightening)."""
        hit = self.table.loc[self.table["year"] == year, "frame_factor_pu"]
        return float(hit.iloc[0]) if len(hit) else 1.0


def required_results(budget: ResultsBudget, years: Sequence[int], restoration_years: int = 3,
                     operating_share_min: float = 0.0, balanced_share_min: float = 0.0
                     ) -> RequiredResult:
    """The result each of ``years`` needs (see the module docstring)."""
    tab = budget.table.sort_values("year").reset_index(drop=True)
    planned: list[YearResult] = []
    rows: list[dict[str, object]] = []
    for r in tab.itertuples(index=False):
        y = int(r.year)
        s = float(r.revenue_base_mnkr)
        adj = float(r.balanced_result_mnkr) - float(r.operating_result_mnkr)
        if y not in years or bool(r.balanced_result_given):
            planned.append(YearResult(y, float(r.balanced_result_mnkr), float(r.exempt_mnkr)))
            continue
        sched = restoration_schedule([*planned, YearResult(y, 0.0)], restoration_years)
        due = sched.year(y).required_mnkr
        req_b = max(0.0, due, balanced_share_min * s)
        needs = {"target": max(operating_share_min * s if operating_share_min > 0 else -np.inf,
                               balanced_share_min * s - adj if balanced_share_min > 0
                               else -np.inf),
                 "restoration": due - adj if due > 0 else -np.inf, "balance": -adj}
        reason = max(needs, key=lambda k: needs[k])
        req_v = max(needs.values())
        modelled = float(r.modelled_cost_mnkr)
        room = s - float(r.outside_cost_mnkr) - req_v
        factor = min(1.0, room / modelled) if modelled > 0 else 1.0
        planned_v = float(r.operating_result_mnkr)
        achieved_b = max(float(r.balanced_result_mnkr), req_b) if factor < 1 else \
            float(r.balanced_result_mnkr)
        planned.append(YearResult(y, achieved_b, float(r.exempt_mnkr)))
        rows.append({"year": y, "required_balanced_mnkr": req_b,
                     "required_operating_mnkr": req_v, "due_restoration_mnkr": due,
                     "reason": reason, "planned_operating_mnkr": planned_v,
                     "modelled_cost_mnkr": modelled, "modelled_room_mnkr": room,
                     "frame_factor_pu": max(0.0, factor)})
    return RequiredResult(pd.DataFrame(rows, columns=[
        "year", "required_balanced_mnkr", "required_operating_mnkr", "due_restoration_mnkr",
        "reason", "planned_operating_mnkr", "modelled_cost_mnkr", "modelled_room_mnkr",
        "frame_factor_pu"]))


def _below(org: pd.DataFrame, roots: Sequence[str]) -> set[str]:
    children: dict[str, list[str]] = {}
    for n, p in zip(org["node_id"], org["parent_id"], strict=True):
        if isinstance(p, str) and p:
            children.setdefault(p, []).append(str(n))
    out: set[str] = set()
    stack = list(roots)
    while stack:
        n = stack.pop()
        if n not in out:
            out.add(n)
            stack += children.get(n, [])
    return out


def tightened_data(data: PlanningData, required: RequiredResult, level: str = "strategic"
                   ) -> PlanningData:
    """``data`` with the frames at and below ``level`` scaled by each year's factor."""
    nodes = _below(data.org_nodes, modelled_nodes(data, level))
    bf = data.budget_frames.copy()
    factor = bf["year"].map(lambda y: required.factor(int(y))).astype(float)
    mask = bf["node_id"].isin(nodes)
    bf.loc[mask, "frame_sek"] = bf.loc[mask, "frame_sek"].astype(float) * factor[mask]
    return data.replace(budget_frames=bf)


@dataclass(frozen=True)
class PlanCheck:
    """A plan's result against the requirement, per year.

    ``table`` columns: ``year, required_operating_mnkr, planned_operating_mnkr,
    shortfall_mnkr, frame_gap_mnkr, unmet_cases, met``; ``gaps`` lists the nodes whose
    frame the plan exceeds (``node_id, year, frame_gap_mnkr``).
    """

    table: pd.DataFrame
    gaps: pd.DataFrame

    @property
    def met(self) -> bool:
        """True when every year reaches its required result."""
        return bool(self.table["met"].all())


def plan_modelled_cost(plan_cost: pd.DataFrame, nodes: Sequence[str]) -> dict[int, float]:
    """Planned net cost of the modelled nodes per year (mnkr) from a plan's ``plan_cost``."""
    pc = plan_cost[(plan_cost["kind"] != "unit") & plan_cost["node_id"].isin(list(nodes))]
    return {int(y): float(v) / SEK_PER_MNKR
            for y, v in pc.groupby("year")["net_cost_sek"].sum().items()}


def check_plan(required: RequiredResult, budget_with_plan: ResultsBudget,
               plan_tables: Mapping[str, pd.DataFrame], nodes: Sequence[str]) -> PlanCheck:
    """Compare the planned result with the required one and say why it falls short."""
    pc = plan_tables.get("plan_cost", pd.DataFrame(columns=["node_id", "year", "kind",
                                                              "frame_gap_sek"]))
    fr = pc[(pc["kind"] != "unit") & pc["node_id"].isin(list(nodes))]
    gaps = fr.assign(frame_gap_mnkr=fr["frame_gap_sek"].astype(float).fillna(0.0)
                     / SEK_PER_MNKR)[["node_id", "year", "frame_gap_mnkr"]]
    prod = plan_tables.get("plan_production", pd.DataFrame(columns=["year", "unmet_cases"]))
    unmet = prod.groupby("year")["unmet_cases"].sum() if len(prod) else pd.Series(dtype=float)
    plan = budget_with_plan.table.set_index("year")
    rows = []
    for r in required.table.itertuples(index=False):
        y = int(r.year)
        v = float(plan.loc[y, "operating_result_mnkr"]) if y in plan.index else np.nan
        short = max(0.0, float(r.required_operating_mnkr) - v) if not np.isnan(v) else np.nan
        rows.append({"year": y, "required_operating_mnkr": float(r.required_operating_mnkr),
                     "planned_operating_mnkr": v, "shortfall_mnkr": short,
                     "frame_gap_mnkr": float(gaps.loc[gaps["year"] == y,
                                                      "frame_gap_mnkr"].sum()),
                     "unmet_cases": float(unmet.get(y, 0.0)),
                     "met": bool(not np.isnan(short) and short <= TOLERANCE_MNKR)})
    return PlanCheck(pd.DataFrame(rows), gaps[gaps["frame_gap_mnkr"] > TOLERANCE_MNKR]
                     .reset_index(drop=True))
