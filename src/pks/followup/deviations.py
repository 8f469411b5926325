"""Plan against actual per organisation node and period (R-15, R-24).

Every function takes tidy per-unit tables (a plan run's result tables, the actuals tables,
the organisation tree) and returns a tidy frame per ``node_id`` of the tree: units are
summed exactly up the tree with :func:`pks.data.tree.roll_up`, so a division's figure is
always the sum of its units. Ratios (deviation in per cent, occupancy) are computed after
the roll-up from the summed numerator and denominator, never averaged.

Missing actuals are not read as zero: each comparison has a ``plan_reported_*`` column that
sums the plan only over the unit-weeks that reported actuals, and deviations are measured
against it; :mod:`pks.followup.coverage` lists what is missing.
"""

from __future__ import annotations

import pandas as pd

from pks.calendar import MEAN_WEEKS_PER_YEAR
from pks.data.tree import OrgTree, roll_up
from pks.followup.periods import Period, to_period


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("float64")
    return (num.astype("float64") / den.where(den != 0)).astype("float64")


def _weeks_upto(frame: pd.DataFrame, first_week: str | None, last_week: str | None
                ) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if first_week is not None:
        mask &= frame["week"].astype(str) >= first_week
    if last_week is not None:
        mask &= frame["week"].astype(str) <= last_week
    return frame[mask]


def _plan_vs_actual(plan: pd.DataFrame, actual: pd.DataFrame, keys: list[str],
                    plan_cols: dict[str, str], actual_cols: dict[str, str]) -> pd.DataFrame:
    """Outer-join plan and actual at ``keys``; adds ``reported_units`` (1 where actuals exist)."""
    p = plan.groupby(keys, as_index=False)[list(plan_cols)].sum().rename(columns=plan_cols)
    a = actual.groupby(keys, as_index=False)[list(actual_cols)].sum().rename(columns=actual_cols)
    a["reported_units"] = 1.0
    m = p.merge(a, on=keys, how="outer")
    for c in plan_cols.values():
        m[c] = m[c].fillna(0.0)
    m["reported_units"] = m["reported_units"].fillna(0.0)
    for c in plan_cols.values():
        m[c.replace("plan_", "plan_reported_", 1)] = m[c] * m["reported_units"]
    for c in actual_cols.values():
        m[c] = m[c].fillna(0.0)
    return m


def production_vs_plan(plan_production: pd.DataFrame, actuals_production: pd.DataFrame,
                       tree: OrgTree, *, period: Period = "week", by_care_type: bool = False,
                       first_week: str | None = None, last_week: str | None = None
                       ) -> pd.DataFrame:
    """Produced cases against the plan per node (and care type) and period.

    Parameters
    ----------
    plan_production : a plan run's ``plan_production`` (per priority class; summed here).
    actuals_production : ``actuals_production`` (per sex; summed here).
    tree : the organisation tree.
    period : ``week``, ``month`` or ``cumulative`` (within each ISO year).
    by_care_type : keep care types apart (otherwise summed over them).
    first_week, last_week : limit the weeks compared (e.g. up to the as-of week).

    Returns
    -------
    DataFrame
        ``node_id, [care_type], period, week, plan_cases, plan_reported_cases, actual_cases,
        deviation_cases, deviation_pu, reported_units`` — deviations are actual minus the plan
        of the reported unit-weeks; ``deviation_pu`` is relative to that plan.
    """
    keys = ["unit_id", "care_type", "week"]
    plan = _weeks_upto(plan_production, first_week, last_week)
    act = _weeks_upto(actuals_production, first_week, last_week)
    m = _plan_vs_actual(plan, act, keys, {"production_cases": "plan_cases"},
                        {"production_cases": "actual_cases"})
    by = ["care_type", "week"] if by_care_type else ["week"]
    if not by_care_type:
        # a unit counts as reported in a week when any of its care types reported
        m = m.groupby(["unit_id", "week"], as_index=False).agg(
            plan_cases=("plan_cases", "sum"), plan_reported_cases=("plan_reported_cases", "sum"),
            actual_cases=("actual_cases", "sum"), reported_units=("reported_units", "max"))
    values = ["plan_cases", "plan_reported_cases", "actual_cases", "reported_units"]
    up = roll_up(m, tree, values, by=by)
    up = to_period(up, period, ["node_id", *by[:-1]],
                   flow_cols=["plan_cases", "plan_reported_cases", "actual_cases"],
                   stock_cols=["reported_units"])
    up["deviation_cases"] = up["actual_cases"] - up["plan_reported_cases"]
    up["deviation_pu"] = _ratio(up["deviation_cases"], up["plan_reported_cases"])
    return up


def waiting_vs_target(plan_production: pd.DataFrame, actuals_production: pd.DataFrame,
                      tree: OrgTree, *, by_care_type: bool = False,
                      first_week: str | None = None, last_week: str | None = None
                      ) -> pd.DataFrame:
    """Waiting list at week end against the plan's target, and patients past the guarantee.

    Returns
    -------
    DataFrame
        ``node_id, [care_type], week, plan_waiting_cases, target_waiting_cases,
        plan_reported_target_waiting_cases, actual_waiting_cases, past_guarantee_cases,
        over_target_cases, over_target_pu, past_guarantee_pu`` (shares of the actual list).
    """
    keys = ["unit_id", "care_type", "week"]
    plan = _weeks_upto(plan_production, first_week, last_week)
    act = _weeks_upto(actuals_production, first_week, last_week)
    m = _plan_vs_actual(
        plan, act, keys,
        {"waiting_list_cases": "plan_waiting_cases",
         "waiting_list_target_cases": "plan_target_waiting_cases"},
        {"waiting_list_cases": "actual_waiting_cases",
         "waiting_over_guarantee_cases": "past_guarantee_cases"})
    by = ["care_type", "week"] if by_care_type else ["week"]
    values = ["plan_waiting_cases", "plan_target_waiting_cases",
              "plan_reported_target_waiting_cases", "actual_waiting_cases",
              "past_guarantee_cases", "reported_units"]
    up = roll_up(m, tree, values, by=by)
    up = up.rename(columns={"plan_target_waiting_cases": "target_waiting_cases"})
    up["over_target_cases"] = up["actual_waiting_cases"] - up["plan_reported_target_waiting_cases"]
    up["over_target_pu"] = _ratio(up["over_target_cases"], up["plan_reported_target_waiting_cases"])
    up["past_guarantee_pu"] = _ratio(up["past_guarantee_cases"], up["actual_waiting_cases"])
    return up


def planned_sick_leave(staffing: pd.DataFrame, staff_availability: pd.DataFrame,
                       staff_categories: pd.DataFrame) -> pd.DataFrame:
    """Planned sick-leave hours per unit × staff category × week from the inputs.

    ``staffing_target_fte × contracted_h_per_fte_year / 52.18 × sick_leave_pu``.
    """
    weekly = staffing.merge(staff_categories[["staff_category", "contracted_h_per_fte_year"]],
                            on="staff_category")
    weekly["contracted_h"] = (weekly["staffing_target_fte"]
                              * weekly["contracted_h_per_fte_year"] / MEAN_WEEKS_PER_YEAR)
    m = staff_availability.merge(weekly[["unit_id", "staff_category", "contracted_h"]],
                                 on=["unit_id", "staff_category"])
    m["sick_leave_h"] = m["contracted_h"] * m["sick_leave_pu"]
    return m[["unit_id", "staff_category", "week", "sick_leave_h"]]


def staff_vs_plan(plan_staff: pd.DataFrame, actuals_staff: pd.DataFrame, tree: OrgTree, *,
                  sick_leave_plan: pd.DataFrame | None = None, period: Period = "week",
                  by_category: bool = False, first_week: str | None = None,
                  last_week: str | None = None) -> pd.DataFrame:
    """Own hours, overtime, agency and sick leave against the plan per node and period.

    Returns
    -------
    DataFrame
        ``node_id, [staff_category], period, week`` and ``plan_/plan_reported_/actual_`` for
        ``own_h, overtime_h, agency_h, sick_leave_h`` plus ``plan_total_h``,
        ``actual_total_h`` (own + overtime + agency), ``staffing_deviation_h`` and
        ``staffing_deviation_pu`` (against the reported plan).
    """
    keys = ["unit_id", "staff_category", "week"]
    plan = _weeks_upto(plan_staff, first_week, last_week).copy()
    if sick_leave_plan is not None:
        plan = plan.merge(sick_leave_plan, on=keys, how="left")
        plan["sick_leave_h"] = plan["sick_leave_h"].fillna(0.0)
    else:
        plan["sick_leave_h"] = 0.0
    act = _weeks_upto(actuals_staff, first_week, last_week)
    m = _plan_vs_actual(
        plan, act, keys,
        {"own_h": "plan_own_h", "overtime_h": "plan_overtime_h", "agency_h": "plan_agency_h",
         "sick_leave_h": "plan_sick_leave_h"},
        {"worked_h": "actual_own_h", "overtime_h": "actual_overtime_h",
         "agency_h": "actual_agency_h", "sick_leave_h": "actual_sick_leave_h"})
    by = ["staff_category", "week"] if by_category else ["week"]
    flows = [c for c in m.columns if c.startswith(("plan_", "actual_"))]
    if not by_category:
        m = m.groupby(["unit_id", "week"], as_index=False).agg(
            {**{c: "sum" for c in flows}, "reported_units": "max"})
    up = roll_up(m, tree, [*flows, "reported_units"], by=by)
    up = to_period(up, period, ["node_id", *by[:-1]], flow_cols=flows,
                   stock_cols=["reported_units"])
    up["plan_total_h"] = up["plan_own_h"] + up["plan_overtime_h"] + up["plan_agency_h"]
    up["plan_reported_total_h"] = (up["plan_reported_own_h"] + up["plan_reported_overtime_h"]
                                   + up["plan_reported_agency_h"])
    up["actual_total_h"] = up["actual_own_h"] + up["actual_overtime_h"] + up["actual_agency_h"]
    up["staffing_deviation_h"] = up["actual_total_h"] - up["plan_reported_total_h"]
    up["staffing_deviation_pu"] = _ratio(up["staffing_deviation_h"], up["plan_reported_total_h"])
    return up


def agency_cost_share(staff_h: pd.DataFrame, staffing: pd.DataFrame,
                      staff_categories: pd.DataFrame, tree: OrgTree,
                      own_col: str = "own_h", agency_col: str = "agency_h") -> pd.DataFrame:
    """Agency-staff cost as a share of own staff cost per node (target R-42).

    ``staff_h`` is per ``unit_id, staff_category`` with own and agency hours (plan or actual).
    Cost per own hour = ``cost_sek_per_fte_year / contracted_h_per_fte_year``; an agency hour
    costs ``agency_cost_factor_pu`` times that.
    """
    rate = staffing.merge(staff_categories[["staff_category", "contracted_h_per_fte_year"]],
                          on="staff_category")
    rate["own_sek_per_h"] = rate["cost_sek_per_fte_year"] / rate["contracted_h_per_fte_year"]
    m = staff_h.merge(rate[["unit_id", "staff_category", "own_sek_per_h",
                            "agency_cost_factor_pu"]], on=["unit_id", "staff_category"])
    m["own_cost_sek"] = m[own_col] * m["own_sek_per_h"]
    m["agency_cost_sek"] = m[agency_col] * m["own_sek_per_h"] * m["agency_cost_factor_pu"]
    up = roll_up(m, tree, ["own_cost_sek", "agency_cost_sek"])
    up["agency_cost_share_pu"] = _ratio(up["agency_cost_sek"], up["own_cost_sek"])
    return up


def beds_vs_capacity(actuals_unit: pd.DataFrame, staffed_beds: pd.DataFrame, tree: OrgTree,
                     *, first_week: str | None = None, last_week: str | None = None
                     ) -> pd.DataFrame:
    """Bed occupancy and overflow per node and week.

    ``staffed_beds`` is ``unit_id, week, staffed_beds`` (a plan's ``plan_beds`` or the input
    ``unit_capacity``). Occupancy at a node is its occupied beds over its staffed beds in
    the weeks its units reported (ratio of sums, exact under roll-up).
    """
    act = _weeks_upto(actuals_unit, first_week, last_week)
    beds = _weeks_upto(staffed_beds, first_week, last_week)
    m = _plan_vs_actual(beds, act, ["unit_id", "week"], {"staffed_beds": "plan_staffed_beds"},
                        {"occupied_beds": "actual_occupied_beds",
                         "overflow_bed_days": "overflow_bed_days"})
    values = ["plan_staffed_beds", "plan_reported_staffed_beds", "actual_occupied_beds",
              "overflow_bed_days", "reported_units"]
    up = roll_up(m, tree, values, by=["week"])
    up["occupancy_pu"] = _ratio(up["actual_occupied_beds"], up["plan_reported_staffed_beds"])
    return up


def production_to_period(weekly: pd.DataFrame, period: Period, keys: list[str]
                         ) -> pd.DataFrame:
    """Re-aggregate a weekly :func:`production_vs_plan` result to ``period``.

    A ``partial_weeks`` column (1 for a week not every unit has reported), where present,
    is summed like a flow, so a month or a running total says it holds a partial week.
    """
    flows = ["plan_cases", "plan_reported_cases", "actual_cases"]
    flows += [c for c in ("partial_weeks",) if c in weekly.columns]
    out = to_period(weekly.drop(columns=["period"], errors="ignore"), period, keys,
                    flow_cols=flows, stock_cols=["reported_units"])
    out["deviation_cases"] = out["actual_cases"] - out["plan_reported_cases"]
    out["deviation_pu"] = _ratio(out["deviation_cases"], out["plan_reported_cases"])
    return out


def staff_to_period(weekly: pd.DataFrame, period: Period, keys: list[str]) -> pd.DataFrame:
    """Re-aggregate a weekly :func:`staff_vs_plan` result to ``period``."""
    flows = [c for c in weekly.columns if c.startswith(("plan_", "actual_"))]
    out = to_period(weekly.drop(columns=["period", "staffing_deviation_h",
                                         "staffing_deviation_pu"], errors="ignore"),
                    period, keys, flow_cols=flows, stock_cols=["reported_units"])
    out["staffing_deviation_h"] = out["actual_total_h"] - out["plan_reported_total_h"]
    out["staffing_deviation_pu"] = _ratio(out["staffing_deviation_h"],
                                          out["plan_reported_total_h"])
    return out
