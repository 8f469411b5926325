"""Net cost against the frame with a monthly forecast for the year (R-25..R-30).

Two forecast methods (``DashboardConfig.forecast_method``):

* ``plan`` — booked actuals for the weeks reported so far plus the plan for every other week
  of the year (weeks not yet reported, including missing ones, count at plan);
* ``run_rate`` — the mean booked cost of the reported weeks times the weeks of the year.

The plan's annual net cost per unit (``plan_cost`` rows of unit nodes) is spread evenly over
the ISO weeks of the year: staff cost, the bulk of a unit's net cost, is paid through the
vacation weeks too. Both forecasts are computed per unit and summed up the tree, so a
division's forecast is the sum of its units'. Frames are not summed: a node is compared with
its own frame (``budget_frames``), where it holds one.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from pks.data.tree import OrgTree, roll_up
from pks.data.weeks import week_month, weeks_of_year


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
                  as_of_week: str, method: Literal["plan", "run_rate"] = "plan"
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly cost follow-up and the year-end forecast against the frame per node.

    Parameters
    ----------
    plan_cost : a plan run's ``plan_cost`` (``node_id, year, net_cost_sek, ...``).
    actuals_unit : ``actuals_unit`` (booked ``cost_sek`` per unit and week).
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
        forecast_sek, frame_sek, frame_gap_sek, frame_gap_pu`` (gap = forecast − frame;
        positive is over the frame).
    """
    weeks = weeks_of_year(year)
    plan = weekly_plan_cost(plan_cost, unit_ids, year)
    act = actuals_unit[(actuals_unit["week"].astype(str).isin(weeks))
                       & (actuals_unit["week"].astype(str) <= as_of_week)]
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
    annual["frame_gap_sek"] = annual["forecast_sek"] - annual["frame_sek"]
    annual["frame_gap_pu"] = annual["frame_gap_sek"] / annual["frame_sek"].where(
        annual["frame_sek"] > 0)
    return monthly, annual
