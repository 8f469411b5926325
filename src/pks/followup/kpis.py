"""Follow-up KPIs per node for a week or a period, with traffic lights and the responsible node.

:class:`FollowupInputs` gathers the tables the follow-up needs (a plan run's result tables,
the actuals and a few input tables); :func:`node_kpis` computes one row per organisation node
with every KPI of the operative view, its traffic light and who acts on it;
:func:`deviation_list` turns that into one row per KPI that is amber or red.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pks.calendar import MEAN_WEEKS_PER_YEAR
from pks.data.planning_data import PlanningData
from pks.data.tree import OrgTree, roll_up
from pks.data.weeks import add_weeks, week_range, week_year
from pks.followup.deviations import (
    agency_cost_share,
    beds_vs_capacity,
    planned_sick_leave,
    production_vs_plan,
    staff_vs_plan,
    waiting_vs_target,
)
from pks.followup.responsibility import tag_responsible
from pks.rules.lights import Thresholds, judge_series

PLAN_TABLES: tuple[str, ...] = ("plan_production", "plan_staff", "plan_beds", "plan_cost")

KPI_COLUMNS: dict[str, str] = {
    # kpi -> (column holding the value) ; lights are f"{kpi}_light"
    "production": "production_deviation_pu",
    "waiting": "waiting_over_target_pu",
    "past_guarantee": "past_guarantee_pu",
    "staffing": "staffing_deviation_pu",
    "overtime": "overtime_h_per_fte_year",
    "agency": "agency_cost_share_pu",
    "occupancy": "occupancy_pu",
}


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})


@dataclass(frozen=True)
class FollowupInputs:
    """Tables of one follow-up: the inputs, a plan run's tables and the actuals."""

    data: PlanningData
    plan: dict[str, pd.DataFrame]
    as_of_week: str

    @property
    def tree(self) -> OrgTree:
        """The organisation tree."""
        return OrgTree(self.data.org_nodes)

    def plan_table(self, name: str) -> pd.DataFrame:
        """A plan table, or an empty frame with its columns when the run has none."""
        cols = {
            "plan_production": ["unit_id", "care_type", "priority_class", "week", "demand_cases",
                                "production_cases", "external_cases", "waiting_list_cases",
                                "waiting_list_target_cases", "unmet_cases"],
            "plan_staff": ["unit_id", "staff_category", "week", "available_h", "own_h",
                           "overtime_h", "agency_h", "required_h"],
            "plan_beds": ["unit_id", "week", "staffed_beds", "bed_days_required",
                          "bed_days_available"],
            "plan_cost": ["node_id", "year", "net_cost_sek", "frame_sek", "frame_gap_sek"],
        }[name]
        t = self.plan.get(name)
        if t is None:
            t = _empty(cols)
            for c in ("unit_id", "care_type", "week", "staff_category", "node_id"):
                if c in t.columns:
                    t[c] = t[c].astype("object")
        return t

    @property
    def year(self) -> int:
        """ISO year of the as-of week."""
        return week_year(self.as_of_week)


def staffed_beds(fi: FollowupInputs) -> pd.DataFrame:
    """Staffed beds per unit and week: the plan's ``plan_beds`` where present, else inputs."""
    pb = fi.plan_table("plan_beds")
    if not pb.empty:
        return pb[["unit_id", "week", "staffed_beds"]]
    return fi.data.unit_capacity[["unit_id", "week", "staffed_beds"]]


def node_kpis(fi: FollowupInputs, first_week: str, last_week: str, th: Thresholds
              ) -> pd.DataFrame:
    """Every operative KPI per node over ``first_week..last_week`` with lights.

    Flows (production, hours, overflow) are summed over the weeks; stocks (waiting list,
    past the guarantee) are taken at ``last_week``; occupancy is occupied over staffed beds.

    Returns
    -------
    DataFrame
        one row per node: plan/actual columns, the KPI columns of :data:`KPI_COLUMNS`, a
        ``<kpi>_light`` per KPI and the responsible node, role and level.
    """
    tree = fi.tree
    d = fi.data
    nodes = d.org_nodes[["node_id"]].copy()
    prod = production_vs_plan(fi.plan_table("plan_production"), d.actuals_production, tree,
                              first_week=first_week, last_week=last_week)
    prod = prod.groupby("node_id", as_index=False)[
        ["plan_cases", "plan_reported_cases", "actual_cases"]].sum()
    prod["production_deviation_cases"] = prod["actual_cases"] - prod["plan_reported_cases"]
    prod["production_deviation_pu"] = prod["production_deviation_cases"] / prod[
        "plan_reported_cases"].where(prod["plan_reported_cases"] > 0)
    wait = waiting_vs_target(fi.plan_table("plan_production"), d.actuals_production, tree,
                             first_week=last_week, last_week=last_week)
    wait = wait[["node_id", "target_waiting_cases", "plan_reported_target_waiting_cases",
                 "actual_waiting_cases", "past_guarantee_cases", "over_target_cases",
                 "over_target_pu", "past_guarantee_pu"]].rename(
        columns={"over_target_pu": "waiting_over_target_pu"})
    sick = planned_sick_leave(d.staffing, d.staff_availability, d.staff_categories)
    staff = staff_vs_plan(fi.plan_table("plan_staff"), d.actuals_staff, tree,
                          sick_leave_plan=sick, first_week=first_week, last_week=last_week)
    scols = [c for c in staff.columns if c.startswith(("plan_", "actual_"))]
    staff = staff.groupby("node_id", as_index=False)[scols].sum()
    staff["staffing_deviation_h"] = staff["actual_total_h"] - staff["plan_reported_total_h"]
    staff["staffing_deviation_pu"] = staff["staffing_deviation_h"] / staff[
        "plan_reported_total_h"].where(staff["plan_reported_total_h"] > 0)
    n_weeks = len(week_range(first_week, last_week))
    ast = d.actuals_staff[(d.actuals_staff["week"] >= first_week)
                          & (d.actuals_staff["week"] <= last_week)]
    per_unit_ot = ast.groupby("unit_id", as_index=False)["overtime_h"].sum().rename(
        columns={"overtime_h": "actual_overtime_h"})
    fte = roll_up(d.staffing.groupby("unit_id", as_index=False)["staffing_target_fte"].sum(),
                  tree, ["staffing_target_fte"])
    ot = roll_up(per_unit_ot, tree, ["actual_overtime_h"]) if not per_unit_ot.empty else \
        pd.DataFrame({"node_id": [], "actual_overtime_h": []})
    ot = fte.merge(ot, on="node_id", how="left").fillna({"actual_overtime_h": 0.0})
    ot["overtime_h_per_fte_year"] = (ot["actual_overtime_h"] * MEAN_WEEKS_PER_YEAR / n_weeks
                                     / ot["staffing_target_fte"].where(
                                         ot["staffing_target_fte"] > 0))
    ag_h = ast.groupby(["unit_id", "staff_category"], as_index=False)[
        ["worked_h", "agency_h"]].sum()
    ag = agency_cost_share(ag_h, d.staffing, d.staff_categories, tree, own_col="worked_h") \
        if not ag_h.empty else pd.DataFrame({"node_id": [], "agency_cost_share_pu": []})
    beds = beds_vs_capacity(d.actuals_unit, staffed_beds(fi), tree, first_week=first_week,
                            last_week=last_week)
    beds = beds.groupby("node_id", as_index=False)[
        ["plan_reported_staffed_beds", "actual_occupied_beds", "overflow_bed_days"]].sum()
    beds["occupancy_pu"] = beds["actual_occupied_beds"] / beds[
        "plan_reported_staffed_beds"].where(beds["plan_reported_staffed_beds"] > 0)
    out = nodes
    for part in (prod, wait, staff, ot[["node_id", "staffing_target_fte",
                                        "overtime_h_per_fte_year"]],
                 ag[["node_id", "agency_cost_share_pu"]], beds):
        out = out.merge(part, on="node_id", how="left")
    out = out[out["node_id"].isin(prod["node_id"]) | out["node_id"].isin(fte["node_id"])]
    out = add_lights(out, th)
    return tag_responsible(out.reset_index(drop=True), d.org_nodes)


def add_lights(kpis: pd.DataFrame, th: Thresholds) -> pd.DataFrame:
    """Add ``<kpi>_light`` columns, each judged by :func:`pks.rules.judge` (missing: none)."""
    out = kpis.copy()
    nan = pd.Series(np.nan, index=out.index)
    for kpi, col in KPI_COLUMNS.items():
        out[f"{kpi}_light"] = judge_series(kpi, out[col] if col in out.columns else nan, th)
    return out


def cost_lights(annual: pd.DataFrame, th: Thresholds) -> pd.Series:
    """Light of a cost forecast against the frame: red over the frame, amber close below it."""
    return judge_series("cost", annual["frame_gap_pu"], th)


def deviation_list(kpis: pd.DataFrame, include_green: bool = False) -> pd.DataFrame:
    """One row per node and KPI (amber and red only unless ``include_green``).

    Returns
    -------
    DataFrame
        ``node_id, responsible_name, node_type, responsible_role, responsible_level, kpi,
        value, light`` sorted red first.
    """
    rows = []
    base = ["node_id", "responsible_name", "node_type", "responsible_role", "responsible_level"]
    for kpi, col in KPI_COLUMNS.items():
        if col not in kpis.columns:
            continue
        part = kpis[base].copy()
        part["kpi"] = kpi
        part["value"] = kpis[col].astype("float64")
        part["light"] = kpis[f"{kpi}_light"]
        rows.append(part)
    if not rows:
        return pd.DataFrame(columns=[*base, "kpi", "value", "light"])
    out = pd.concat(rows, ignore_index=True)
    keep = ["red", "amber", "green"] if include_green else ["red", "amber"]
    out = out[out["light"].isin(keep)]
    order = {"red": 0, "amber": 1, "green": 2}
    return out.sort_values(["light", "kpi", "node_id"], key=lambda s: s.map(order)
                           if s.name == "light" else s).reset_index(drop=True)


def coming_weeks(as_of_week: str, n: int) -> list[str]:
    """The ``n`` weeks after ``as_of_week``."""
    return [add_weeks(as_of_week, i) for i in range(1, n + 1)]
