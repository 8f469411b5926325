"""Net cost against the frame with a monthly forecast for the year (R-25..R-30).

Actual costs are compared net, as the plan is (:mod:`pks.rules.cost`): the booked weekly
cost less the unit's weekly capitation revenue, so a capitation-financed unit (Vårdval,
R-33) compares like with like.

Two forecast methods (``DashboardConfig.forecast_method``):

* ``plan`` — booked actuals for the weeks reported so far plus the plan for every other week
  of the year (weeks not yet reported, including missing ones, count at plan);
* ``run_rate`` — the mean booked cost of the reported weeks times the weeks of the year.

The plan's annual net cost per unit (``plan_cost`` rows of unit nodes) is spread evenly over
the ISO weeks of the year: staff cost, the bulk of a unit's net cost, is paid through the
vacation weeks too. Both forecasts are computed per unit and summed up the tree, so a
division's forecast is the sum of its units'. Frames are not summed: a node is compared with
its own frame (``budget_frames``), where it holds one; every node also shows the sum of
its children's frames (``children_frame_sek``; a child without a frame of its own counts
with its children's), and a node without a frame of its own is judged against that sum
(``judged_frame_sek``, ``frame_basis`` ``own`` or ``children``). :func:`flag_red_below`
adds, to each parent row, the descendants that are over their frames, so a parent is
never green while a node it funds is red without saying so in the same row.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from pks.data.tree import OrgTree, roll_up
from pks.data.weeks import week_month, weeks_of_year
from pks.rules.cost import net_actual_cost


def unit_cost_rows(plan_cost: pd.DataFrame) -> pd.DataFrame:
    """The per-unit rows of a ``plan_cost`` table.

    The optimiser's table may also hold rows of frame-holding nodes and hand-off rows, told
    apart by a ``kind`` column (``unit``, ``frame``, ``handoff``); only ``unit`` rows are
    costs of units.
    """
    if "kind" in plan_cost.columns:
        return plan_cost[plan_cost["kind"] == "unit"]
    return plan_cost


def weekly_plan_cost(plan_cost: pd.DataFrame, unit_ids: list[str], year: int) -> pd.DataFrame:
    """Spread each unit's planned annual net cost evenly over the ISO weeks of ``year``."""
    rows = unit_cost_rows(plan_cost)
    rows = rows[(rows["year"] == year) & rows["node_id"].isin(unit_ids)]
    weeks = weeks_of_year(year)
    per_week = rows[["node_id", "net_cost_sek"]].rename(columns={"node_id": "unit_id"})
    per_week = per_week.groupby("unit_id", as_index=False)["net_cost_sek"].sum()
    per_week["plan_cost_sek"] = per_week["net_cost_sek"] / len(weeks)
    grid = pd.DataFrame({"week": weeks})
    return per_week[["unit_id", "plan_cost_sek"]].merge(grid, how="cross")


def cost_forecast(plan_cost: pd.DataFrame, actuals_unit: pd.DataFrame,
                  budget_frames: pd.DataFrame, tree: OrgTree, unit_ids: list[str], year: int,
                  as_of_week: str, method: Literal["plan", "run_rate"] = "plan",
                  unit_finance: pd.DataFrame | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly cost follow-up and the year-end forecast against the frame per node.

    Parameters
    ----------
    plan_cost : a plan run's ``plan_cost`` (``node_id, year, net_cost_sek, ...``).
    actuals_unit : ``actuals_unit`` (booked ``cost_sek`` per unit and week).
    unit_finance : ``unit_finance``; its capitation revenue is netted from the booked cost
        (:func:`pks.rules.cost.net_actual_cost`). ``None``: booked cost is taken as net.
    budget_frames : ``budget_frames`` (``node_id, year, frame_sek``).
    tree, unit_ids : the organisation tree and the producing units.
    year : the budget year followed up.
    as_of_week : last week whose actuals count (later rows are ignored).
    method : ``plan`` or ``run_rate`` (see the module docstring).

    Returns
    -------
    monthly : DataFrame
        ``node_id, month, plan_cost_sek, actual_cost_sek, forecast_cost_sek,
        plan_cum_sek, actual_cum_sek, forecast_cum_sek`` — the forecast of a month is its
        actuals plus plan (or run-rate) for its unreported weeks.
    annual : DataFrame
        ``node_id, plan_cost_sek, actual_ytd_sek, forecast_plan_sek, forecast_run_rate_sek,
        forecast_sek, frame_sek, children_frame_sek, judged_frame_sek, frame_basis,
        frame_gap_sek, frame_gap_pu`` (gap = forecast − judged frame; positive is over it).
    """
    weeks = weeks_of_year(year)
    plan = weekly_plan_cost(plan_cost, unit_ids, year)
    act = actuals_unit[(actuals_unit["week"].astype(str).isin(weeks))
                       & (actuals_unit["week"].astype(str) <= as_of_week)]
    if unit_finance is not None:
        act = net_actual_cost(act, unit_finance).drop(columns=["cost_sek"]).rename(
            columns={"net_cost_sek": "cost_sek"})
    act = act.groupby(["unit_id", "week"], as_index=False)["cost_sek"].sum()
    grid = pd.DataFrame({"unit_id": unit_ids}).merge(pd.DataFrame({"week": weeks}), how="cross")
    m = grid.merge(plan, on=["unit_id", "week"], how="left").merge(
        act, on=["unit_id", "week"], how="left")
    m["plan_cost_sek"] = m["plan_cost_sek"].fillna(0.0)
    m["reported"] = m["cost_sek"].notna()
    m["actual_cost_sek"] = m["cost_sek"].fillna(0.0)
    n_rep = m.groupby("unit_id")["reported"].transform("sum")
    total_act = m.groupby("unit_id")["actual_cost_sek"].transform("sum")
    run_rate = (total_act / n_rep.where(n_rep > 0)).fillna(m["plan_cost_sek"])
    m["forecast_plan_sek"] = m["actual_cost_sek"].where(m["reported"], m["plan_cost_sek"])
    m["forecast_run_rate_sek"] = run_rate
    m["forecast_cost_sek"] = m["forecast_plan_sek" if method == "plan" else "forecast_run_rate_sek"]
    m["month"] = m["week"].map(week_month)
    values = ["plan_cost_sek", "actual_cost_sek", "forecast_cost_sek", "forecast_plan_sek",
              "forecast_run_rate_sek"]
    up = roll_up(m, tree, values, by=["month"])
    up = up.sort_values(["node_id", "month"]).reset_index(drop=True)
    for src, dst in (("plan_cost_sek", "plan_cum_sek"), ("actual_cost_sek", "actual_cum_sek"),
                     ("forecast_cost_sek", "forecast_cum_sek")):
        up[dst] = up.groupby("node_id")[src].cumsum()
    monthly = up[["node_id", "month", "plan_cost_sek", "actual_cost_sek", "forecast_cost_sek",
                  "plan_cum_sek", "actual_cum_sek", "forecast_cum_sek"]]
    annual = up.groupby("node_id", as_index=False).agg(
        plan_cost_sek=("plan_cost_sek", "sum"), actual_ytd_sek=("actual_cost_sek", "sum"),
        forecast_plan_sek=("forecast_plan_sek", "sum"),
        forecast_run_rate_sek=("forecast_run_rate_sek", "sum"),
        forecast_sek=("forecast_cost_sek", "sum"))
    frames = budget_frames[budget_frames["year"] == year][["node_id", "frame_sek"]]
    annual = annual.merge(frames, on="node_id", how="left")
    annual = annual.merge(children_frames(frames, tree), on="node_id", how="left")
    own = annual["frame_sek"].notna()
    annual["judged_frame_sek"] = annual["frame_sek"].where(own, annual["children_frame_sek"])
    annual["frame_basis"] = np.where(own, "own", np.where(
        annual["children_frame_sek"].notna(), "children", "none"))
    annual["frame_gap_sek"] = annual["forecast_sek"] - annual["judged_frame_sek"]
    annual["frame_gap_pu"] = annual["frame_gap_sek"] / annual["judged_frame_sek"].where(
        annual["judged_frame_sek"] > 0)
    return monthly, annual


def children_frames(frames: pd.DataFrame, tree: OrgTree) -> pd.DataFrame:
    """Sum of the children's frames per node (``node_id, children_frame_sek``).

    A child without a frame of its own counts with the sum of its own children's frames,
    so the region shows the board's frame and the board the sum of the divisions'. Nodes
    with no framed node below them get NaN.

    Examples
    --------
    >>> nodes = pd.DataFrame({"node_id": ["R", "B", "D1", "D2", "U"],
    ...     "parent_id": [None, "R", "B", "B", "D1"], "node_type": ["region", "board",
    ...     "division", "division", "unit"]})
    >>> f = pd.DataFrame({"node_id": ["B", "D1", "D2"], "frame_sek": [100.0, 40.0, 50.0]})
    >>> children_frames(f, OrgTree(nodes)).set_index("node_id")["children_frame_sek"].to_dict()
    {'R': 100.0, 'B': 90.0}
    """
    own = dict(zip(frames["node_id"].astype(str), frames["frame_sek"].astype(float),
                   strict=True))
    memo: dict[str, float | None] = {}

    def below(node: str) -> float | None:
        if node not in memo:
            parts = [own[c] if c in own else below(c) for c in tree.children(node)]
            vals = [p for p in parts if p is not None]
            memo[node] = float(sum(vals)) if vals else None
        return memo[node]
    rows = [(n, below(n)) for n in tree.nodes.index]
    out = pd.DataFrame([(n, v) for n, v in rows if v is not None],
                       columns=["node_id", "children_frame_sek"])
    return out


def flag_red_below(annual: pd.DataFrame, tree: OrgTree, names: dict[str, str]
                   ) -> pd.DataFrame:
    """Add ``red_below_count`` and ``red_below_names``: descendants over their own frame.

    Requires a ``light`` column (see :func:`pks.followup.kpis.cost_lights`); only nodes
    judged against a frame of their own count, so a frameless node is never double-counted.
    """
    out = annual.copy()
    red = set(out.loc[(out["light"] == "red") & (out["frame_basis"] == "own"), "node_id"])
    counts, labels = [], []
    for n in out["node_id"]:
        below = [d for d in tree.descendants(str(n)) if d in red]
        counts.append(len(below))
        labels.append(", ".join(names.get(d, d) for d in below))
    out["red_below_count"] = counts
    out["red_below_names"] = labels
    return out
