"""Hand-built planning data and plans for the simulator tests (no optimiser needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.data.planning_data import PlanningData, empty_table
from pks.data.weeks import add_weeks, week_range

CATS = ("lakare", "sjukskoterska")
CARE = {
    # care_type: kind, acute, stage, los, demand/week, planned capacity/week, h per case
    "first_visit": ("first_visit", False, "first_visit", 0.0, 20.0, 21.5, (1.0, 1.0)),
    "operation": ("procedure", False, "treatment", 2.0, 8.0, 8.8, (4.0, 6.0)),
    "acute": ("inpatient_episode", True, "none", 3.0, 5.0, 5.0, (2.0, 10.0)),
}


def small_region(n_units: int = 4, start: str = "2027-W01", n_weeks: int = 26,
                 beds: float = 10.0, list_fv: int = 40, over_fv: int = 2,
                 list_op: int = 30, over_op: int = 1
                 ) -> tuple[PlanningData, dict[str, pd.DataFrame]]:
    """A region R with divisions D1, D2 and ``n_units`` units, and a sound plan for it."""
    units = [f"U{i + 1}" for i in range(n_units)]
    org = [("R", None, "Region", "region", "political", "regionstyrelse")]
    org += [("D1", "R", "Div 1", "division", "strategic", "divisionschef"),
            ("D2", "R", "Div 2", "division", "strategic", "divisionschef")]
    for i, u in enumerate(units):
        org.append((u, "D1" if i < (n_units + 1) // 2 else "D2", f"Unit {u}", "unit",
                    "tactical", "verksamhetschef"))
    org_nodes = pd.DataFrame(org, columns=["node_id", "parent_id", "name", "node_type",
                                           "pks_level", "owner_role"]).assign(site="", county="X")
    ct_rows, pr_rows, ru_rows, ap_rows = [], [], [], []
    for u in units:
        for ct, (kind, acute, stage, los, _d, _c, h) in CARE.items():
            ct_rows.append(dict(unit_id=u, care_type=ct, care_type_kind=kind, acute=acute,
                                guarantee_stage=stage, mean_los_days=los,
                                theatre_h_per_case=0.0, drg_weight=1.0,
                                variable_cost_sek_per_case=0.0, revenue_sek_per_case=0.0,
                                external_price_sek_per_case=0.0,
                                external_cases_per_week_max=0.0))
            shares = [(1, 0.1, 14), (2, 0.3, 30), (3, 0.6, 90)] if not acute else [(1, 1.0, 0)]
            for pc, sh, mw in shares:
                pr_rows.append(dict(unit_id=u, care_type=ct, priority_class=pc, share_pu=sh,
                                    max_wait_days=mw))
            for k, hh in zip(CATS, h, strict=True):
                ru_rows.append(dict(unit_id=u, care_type=ct, staff_category=k,
                                    staff_h_per_case=hh))
            for sex in ("female", "male"):
                for ab, sh in (("18-44", 0.2), ("45-64", 0.2), ("65-79", 0.1)):
                    ap_rows.append(dict(unit_id=u, care_type=ct, sex=sex, age_band=ab,
                                        share_pu=sh))
    weeks = week_range(start, add_weeks(start, n_weeks - 1))
    hist_week = add_weeks(start, -1)
    hist = []
    for u in units:
        for ct, (_k, _a, _s, _l, d, _c, _h) in CARE.items():
            n, m = ((list_fv, over_fv) if ct == "first_visit" else
                    (list_op, over_op) if ct == "operation" else (0, 0))
            for w in week_range(add_weeks(start, -13), hist_week):
                last = w == hist_week
                hist.append(dict(unit_id=u, care_type=ct, week=w, sex="female",
                                 referrals_cases=d, production_cases=d,
                                 waiting_list_cases=n if last else n,
                                 waiting_over_guarantee_cases=m if last else m))
    staff_categories = pd.DataFrame({"staff_category": list(CATS), "name_sv": ["Läkare", "Ssk"],
                                     "name_en": ["Doctor", "Nurse"],
                                     "contracted_h_per_fte_year": [1700.0, 1700.0]})
    plan_prod, plan_staff, plan_beds, staffing, avail, cap = [], [], [], [], [], []
    for u in units:
        req = {k: 0.0 for k in CATS}
        for ct, (_k, acute, _s, _l, d, c, h) in CARE.items():
            for w in weeks:
                plan_prod.append(dict(unit_id=u, care_type=ct, priority_class=1, week=w,
                                      demand_cases=d, production_cases=c, external_cases=0.0,
                                      waiting_list_cases=0.0,
                                      waiting_list_target_cases=(0.0 if acute else 60.0),
                                      unmet_cases=0.0))
            for k, hh in zip(CATS, h, strict=True):
                req[k] += c * hh
        for k in CATS:
            fte = req[k] * 1.15 * 52 / 1700 / 0.88
            staffing.append(dict(unit_id=u, staff_category=k, staffing_target_fte=fte,
                                 cost_sek_per_fte_year=700000.0, overtime_cost_factor_pu=1.5,
                                 overtime_h_per_fte_year_max=200.0, agency_cost_factor_pu=2.0,
                                 agency_h_per_week_max=0.0, recruitment_fte_per_year_max=5.0,
                                 attrition_pu_per_year=0.05))
            for w in weeks:
                avail.append(dict(unit_id=u, staff_category=k, week=w, vacation_pu=0.0,
                                  sick_leave_pu=0.06, training_pu=0.06))
                plan_staff.append(dict(unit_id=u, staff_category=k, week=w,
                                       available_h=fte * 1700 / 52 * 0.88,
                                       own_h=req[k], overtime_h=0.0, agency_h=0.0,
                                       required_h=req[k]))
        for w in weeks:
            plan_beds.append(dict(unit_id=u, week=w, staffed_beds=beds, bed_days_required=0.0,
                                  bed_days_available=7 * beds))
            cap.append(dict(unit_id=u, week=w, staffed_beds=beds, theatre_h_per_week=0.0))
    targets = pd.DataFrame([dict(target_set="vardgaranti_0_3_90_90", version=1,
                                 valid_from="2020-01-01", contact_days=0, assessment_days=3,
                                 first_visit_days=90, treatment_days=90,
                                 within_guarantee_share_pu=0.9, occupancy_max_pu=0.9,
                                 overflow_probability_max_pu=0.1,
                                 overtime_h_per_fte_year_max=50.0,
                                 agency_cost_share_max_pu=0.02, utilisation_min_pu=0.6,
                                 utilisation_max_pu=1.0)])
    data = PlanningData(
        org_nodes=org_nodes, care_types=pd.DataFrame(ct_rows),
        care_type_priorities=pd.DataFrame(pr_rows), staff_categories=staff_categories,
        resource_use=pd.DataFrame(ru_rows), staffing=pd.DataFrame(staffing),
        staff_availability=pd.DataFrame(avail), unit_capacity=pd.DataFrame(cap),
        unit_finance=empty_table("unit_finance"), demand_history=pd.DataFrame(hist),
        demand_age_profile=pd.DataFrame(ap_rows), population=empty_table("population"),
        budget_frames=empty_table("budget_frames"), cost_indices=empty_table("cost_indices"),
        targets=targets,
    )
    plan = {"plan_production": pd.DataFrame(plan_prod), "plan_staff": pd.DataFrame(plan_staff),
            "plan_beds": pd.DataFrame(plan_beds)}
    return data, plan


def forecast_for(plan_production: pd.DataFrame, rel_sd: float = 0.05) -> pd.DataFrame:
    """A forecast_demand frame around the plan's demand with given relative level sd."""
    f = plan_production.groupby(["unit_id", "care_type", "week"], as_index=False)[
        "demand_cases"].sum()
    m = f["demand_cases"].to_numpy()
    sd = np.sqrt(m + (rel_sd * m) ** 2)
    f["sex"] = "female"
    f["demand_cases_lo80"] = m - 1.2816 * sd
    f["demand_cases_hi80"] = m + 1.2816 * sd
    f["demand_cases_lo95"] = m - 1.96 * sd
    f["demand_cases_hi95"] = m + 1.96 * sd
    return f


def cut_capacity(plan: dict[str, pd.DataFrame], units: list[str], care_type: str,
                 factor: float) -> dict[str, pd.DataFrame]:
    """An under-staffed variant: production of ``care_type`` in ``units`` scaled by ``factor``."""
    pp = plan["plan_production"].copy()
    m = pp["unit_id"].isin(units) & (pp["care_type"] == care_type)
    pp.loc[m, "production_cases"] *= factor
    return {**plan, "plan_production": pp}


def line_params(cfg, *, n_weeks: int, demand: float, capacity: float = 0.0,
                acute: bool = False, los: float = 0.0, beds: float = 0.0,
                guarantee: float = 90.0, class_shares=(1.0, 0.0, 0.0, 0.0),
                initial_ages=None, h_per_case: float = 0.0, available_h: float = 0.0,
                sick_plan: float = 0.0, contracted_h: float = 0.0):
    """SimParams of a single unit with a single line (theory checks), built directly."""
    from pks.simulate.params import SimParams

    w = n_weeks
    weeks = tuple(f"w{i:04d}" for i in range(w))
    inpatient = los > 0
    has_staff = h_per_case > 0
    req = np.full((1, 1, w), capacity * h_per_case if has_staff else 0.0)
    return SimParams(
        weeks=weeks, units=("U",), line_unit=("U",), line_care_type=("ct",),
        line_unit_idx=np.array([0]), acute=np.array([acute]), inpatient=np.array([inpatient]),
        guarantee_days=np.array([np.nan if acute else guarantee]),
        demand_mean=np.full((1, w), float(demand)), demand_sigma_level=np.zeros(1),
        demand_sigma_week=np.zeros(1), capacity_plan=np.full((1, w), float(capacity)),
        class_shares=np.array([class_shares], dtype=float),
        demo_shares=np.full((1, 10), 0.1),
        mean_los=np.array([float(los)]),
        initial_ages=(np.zeros(0) if initial_ages is None else np.asarray(initial_ages),),
        list_target=np.array([np.nan]), staff_categories=("k",),
        h_per_case=np.array([[h_per_case]]), staff_available=np.full((1, 1, w), available_h),
        staff_overtime=np.zeros((1, 1, w)), staff_agency=np.zeros((1, 1, w)),
        staff_required=req, staff_transfer=np.zeros((1, 1, w)),
        staff_contracted=np.full((1, 1, w), contracted_h),
        sick_plan=np.full((1, 1, w), sick_plan), fte=np.ones((1, 1)),
        beds=np.full((1, w), float(beds)), has_beds=np.array([inpatient]),
        targets={"first_visit_days": guarantee, "treatment_days": guarantee,
                 "within_guarantee_share_pu": 0.9, "occupancy_max_pu": 0.9,
                 "overflow_probability_max_pu": 0.05, "overtime_h_per_fte_year_max": 50.0,
                 "utilisation_min_pu": 0.0, "utilisation_max_pu": 1.0},
        cfg=cfg,
    )


def plan_from_data(data: PlanningData, year: int = 2027, margin: float = 1.05,
                   n_weeks: int | None = None) -> dict[str, pd.DataFrame]:
    """A simple, sound plan for any PlanningData (tests and benchmarks; not the optimiser).

    Demand = the mean weekly referrals of the last 52 observed weeks; elective production =
    demand × ``margin``; acute production = demand; staff hours required from resource use,
    available hours from the staffing target and the week's availability; any shortfall is
    planned as overtime; beds from ``unit_capacity``.
    """
    from pks.data.weeks import weeks_of_year

    weeks = weeks_of_year(year)[: n_weeks or None]
    frames = [f for f in (data.demand_history, data.actuals_production)
              if f is not None and not f.empty]
    hist = pd.concat(frames, ignore_index=True)
    last = sorted(hist["week"].unique())[-52:]
    h = hist[hist["week"].isin(last)].groupby(["unit_id", "care_type", "week"], as_index=False)[
        ["referrals_cases", "waiting_list_cases"]].sum()
    lvl = h.groupby(["unit_id", "care_type"], as_index=False).agg(
        demand_cases=("referrals_cases", "mean"), wl=("waiting_list_cases", "last"))
    ct = data.care_types.merge(lvl, on=["unit_id", "care_type"], how="left").fillna(
        {"demand_cases": 0.0, "wl": 0.0})
    acute = ct["acute"].astype(str).str.lower().isin(["true", "1"])
    ct["production_cases"] = np.where(acute, ct["demand_cases"], ct["demand_cases"] * margin)
    ct["target"] = np.where(acute, 0.0, np.maximum(ct["wl"], ct["demand_cases"] * 90 / 7 / 4))
    rows = ct[["unit_id", "care_type", "demand_cases", "production_cases", "target"]]
    pp = rows.merge(pd.DataFrame({"week": weeks}), how="cross")
    pp = pp.assign(priority_class=1, external_cases=0.0, waiting_list_cases=0.0,
                   unmet_cases=0.0).rename(columns={"target": "waiting_list_target_cases"})
    # staff
    ru = data.resource_use.merge(rows, on=["unit_id", "care_type"])
    ru["req"] = ru["staff_h_per_case"].astype(float) * ru["production_cases"]
    req = ru.groupby(["unit_id", "staff_category"], as_index=False)["req"].sum()
    st = data.staffing[["unit_id", "staff_category", "staffing_target_fte"]].merge(
        data.staff_categories[["staff_category", "contracted_h_per_fte_year"]])
    st = st.merge(req, on=["unit_id", "staff_category"], how="left").fillna({"req": 0.0})
    sa = data.staff_availability
    ps = st.merge(pd.DataFrame({"week": weeks}), how="cross").merge(
        sa, on=["unit_id", "staff_category", "week"], how="left").fillna(
        {"vacation_pu": 0.1, "sick_leave_pu": 0.05, "training_pu": 0.03})
    ps["available_h"] = (ps["staffing_target_fte"].astype(float)
                         * ps["contracted_h_per_fte_year"].astype(float) / 52
                         * (1 - ps["vacation_pu"] - ps["sick_leave_pu"] - ps["training_pu"]))
    ps["required_h"] = ps["req"]
    ps["overtime_h"] = np.maximum(ps["required_h"] - ps["available_h"], 0.0)
    ps["agency_h"] = 0.0
    ps["own_h"] = np.minimum(ps["required_h"], ps["available_h"])
    plan_staff = ps[["unit_id", "staff_category", "week", "available_h", "own_h", "overtime_h",
                     "agency_h", "required_h"]]
    uc = data.unit_capacity[data.unit_capacity["week"].isin(weeks)]
    plan_beds = uc[["unit_id", "week", "staffed_beds"]].assign(
        bed_days_required=0.0, bed_days_available=7 * uc["staffed_beds"].astype(float))
    return {"plan_production": pp.reset_index(drop=True),
            "plan_staff": plan_staff.reset_index(drop=True),
            "plan_beds": plan_beds.reset_index(drop=True)}
