"""Seed a temporary store: a generated region plus plan and simulation runs whose tables are
built here to the contract of docs/CONTRACTS.md (test data, never product code).

The plan is derived from the region's own actuals so deviations are moderate and known:
production is planned 5 % above the mean weekly actual, the waiting-list target 10 % below
the mean actual list, overtime and agency 20 % below their actual means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.data.planning_data import PlanningData
from pks.data.store import Store
from pks.data.weeks import add_weeks, week_year, weeks_of_year
from pks.demo import demo_spec, generate_region, sized_spec

YEAR = 2026
AS_OF = "2026-W46"


def region(n_units: int | None = 6, seed: int = 7) -> PlanningData:
    spec = demo_spec() if n_units is None else sized_spec(n_units)
    return generate_region(spec, seed=seed)


def plan_tables(d: PlanningData, weeks: list[str], level: str = "tactical",
                scale: float = 1.05) -> dict[str, pd.DataFrame]:
    ap = d.actuals_production.groupby(["unit_id", "care_type", "week"], as_index=False)[
        ["referrals_cases", "production_cases", "waiting_list_cases"]].sum()
    mean = ap.groupby(["unit_id", "care_type"], as_index=False)[
        ["referrals_cases", "production_cases", "waiting_list_cases"]].mean()
    pr = d.care_type_priorities[["unit_id", "care_type", "priority_class", "share_pu"]]
    base = mean.merge(pr, on=["unit_id", "care_type"])
    grid = base.merge(pd.DataFrame({"week": weeks}), how="cross")
    s = grid["share_pu"]
    prod = pd.DataFrame({
        "unit_id": grid["unit_id"], "care_type": grid["care_type"],
        "priority_class": grid["priority_class"].astype(int), "week": grid["week"],
        "year": grid["week"].map(week_year),
        "demand_cases": grid["referrals_cases"] * s,
        "production_cases": grid["production_cases"] * s * scale,
        "external_cases": 0.0,
        "waiting_list_cases": grid["waiting_list_cases"] * s * 0.95,
        "waiting_list_target_cases": grid["waiting_list_cases"] * s * 0.9,
        "unmet_cases": 0.0})
    st = d.actuals_staff.groupby(["unit_id", "staff_category"], as_index=False)[
        ["worked_h", "overtime_h", "agency_h"]].mean()
    sg = st.merge(pd.DataFrame({"week": weeks}), how="cross")
    staff = pd.DataFrame({
        "unit_id": sg["unit_id"], "staff_category": sg["staff_category"], "week": sg["week"],
        "year": sg["week"].map(week_year),
        "available_h": sg["worked_h"] * 1.02, "own_h": sg["worked_h"],
        "overtime_h": sg["overtime_h"] * 0.8, "agency_h": sg["agency_h"] * 0.8,
        "required_h": sg["worked_h"] + sg["overtime_h"] * 0.8 + sg["agency_h"] * 0.8})
    beds = d.unit_capacity[d.unit_capacity["week"].isin(weeks)][["unit_id", "week",
                                                                 "staffed_beds"]].copy()
    beds["bed_days_required"] = beds["staffed_beds"] * 7 * 0.85
    beds["bed_days_available"] = beds["staffed_beds"] * 7.0
    cost_w = d.actuals_unit.groupby("unit_id", as_index=False)["cost_sek"].mean()
    years = sorted({week_year(w) for w in weeks})
    cost = pd.concat([pd.DataFrame({"node_id": cost_w["unit_id"], "year": y,
                                    "net_cost_sek": cost_w["cost_sek"] * len(weeks_of_year(y))
                                    * (1.0 + 0.03 * (y - YEAR))}) for y in years],
                     ignore_index=True)
    cost["frame_sek"] = np.nan
    cost["frame_gap_sek"] = np.nan
    out = {"plan_production": prod, "plan_staff": staff, "plan_beds": beds, "plan_cost": cost}
    if level == "strategic":
        fte = d.staffing[["unit_id", "staff_category", "staffing_target_fte"]]
        out["plan_fte"] = pd.concat([fte.assign(year=y, fte=fte["staffing_target_fte"]
                                                * (1 + 0.02 * (y - YEAR) * scale))
                                     .drop(columns="staffing_target_fte") for y in years],
                                    ignore_index=True)
    return out


GUARANTEE_TARGET_PU = 0.8


def sim_verdicts(d: PlanningData, p: float) -> pd.DataFrame:
    """The simulator's verdict columns, one guarantee verdict per node (share ``p``)."""
    o = d.org_nodes
    return pd.DataFrame({"node_id": o["node_id"], "node_name": o["name"],
                         "node_type": o["node_type"], "target": "guarantee",
                         "target_min": GUARANTEE_TARGET_PU, "target_max": float("nan"),
                         "kpi_mean": p, "probability": p, "ci_low": p - 0.05,
                         "ci_high": min(p + 0.05, 1.0), "met": p >= GUARANTEE_TARGET_PU})


def seed_store(url: str, n_units: int | None = 6, *, with_plans: bool = True,
               drop_last_weeks_for: int = 1) -> tuple[Store, PlanningData]:
    """Write a generated region (the last actuals week removed for ``drop_last_weeks_for``
    units, to have late follow-up) and a tactical, an operative and two strategic plans."""
    d = region(n_units)
    late = d.unit_ids[:drop_last_weeks_for]
    drop = {"actuals_production", "actuals_staff", "actuals_unit"}
    d = d.replace(**{n: getattr(d, n)[~(getattr(d, n)["unit_id"].isin(late)
                                        & (getattr(d, n)["week"] == AS_OF))].reset_index(drop=True)
                     for n in drop})
    store = Store.open(url)
    store.write_inputs(d, source="tests/dashboard/seed.py")
    if with_plans:
        store.save_run("plan", plan_tables(d, weeks_of_year(YEAR)), scenario="base",
                       level="tactical", status="adopted")
        op_weeks = [add_weeks(AS_OF, i) for i in range(1, 7)]
        store.save_run("plan", plan_tables(d, op_weeks, "operative", 1.0), scenario="base",
                       level="operative")
        years = [*weeks_of_year(YEAR), *weeks_of_year(YEAR + 1), *weeks_of_year(YEAR + 2)]
        for sc, scale, p in (("base", 1.0, 0.86), ("region_growth", 1.06, 0.74)):
            rid = store.save_run("plan", plan_tables(d, years, "strategic", scale), scenario=sc,
                                 level="strategic")
            store.save_run("simulation", {"sim_verdicts": sim_verdicts(d, p)}, scenario=sc,
                           level="strategic", parent_run_id=rid)
    return store, d
