"""A hand-built three-unit region whose follow-up figures can be checked by hand."""

from __future__ import annotations

import pandas as pd

from pks.data.planning_data import PlanningData, empty_table
from pks.data.weeks import week_range

WEEKS = week_range("2026-W01", "2026-W08")
UNITS = ["U1", "U2", "U3"]


def org_nodes() -> pd.DataFrame:
    return pd.DataFrame({
        "node_id": ["R", "D1", "D2", "U1", "U2", "U3"],
        "parent_id": [None, "R", "R", "D1", "D1", "D2"],
        "name": ["Region", "Div 1", "Div 2", "Enhet 1", "Enhet 2", "Enhet 3"],
        "node_type": ["region", "division", "division", "unit", "unit", "unit"],
        "pks_level": ["strategic", "tactical", "tactical", "operative", "operative", "operative"],
        "owner_role": ["regiondirektor", "divisionschef", "divisionschef", "forsta_linjens_chef",
                       "forsta_linjens_chef", "forsta_linjens_chef"],
        "site": [None, None, None, "A", "A", "B"],
        "county": ["X"] * 6,
    })


def plan_production() -> pd.DataFrame:
    rows = []
    for i, u in enumerate(UNITS):
        for w in WEEKS:
            for pc in (1, 2):
                rows.append({"unit_id": u, "care_type": "first_visit", "priority_class": pc,
                             "week": w, "demand_cases": 10.0 * (i + 1),
                             "production_cases": 10.0 * (i + 1), "external_cases": 0.0,
                             "waiting_list_cases": 50.0, "waiting_list_target_cases": 40.0,
                             "unmet_cases": 0.0})
    return pd.DataFrame(rows)


def actuals_production(skip: tuple[tuple[str, str], ...] = ()) -> pd.DataFrame:
    rows = []
    for i, u in enumerate(UNITS):
        for w in WEEKS[:6]:
            if (u, w) in skip:
                continue
            for sex in ("female", "male"):
                rows.append({"unit_id": u, "care_type": "first_visit", "week": w, "sex": sex,
                             "referrals_cases": 10.0, "production_cases": 9.0 * (i + 1),
                             "waiting_list_cases": 60.0, "waiting_over_guarantee_cases": 3.0})
    return pd.DataFrame(rows)


def plan_staff() -> pd.DataFrame:
    return pd.DataFrame([{"unit_id": u, "staff_category": "ssk", "week": w,
                          "available_h": 400.0, "own_h": 380.0, "overtime_h": 10.0,
                          "agency_h": 10.0, "required_h": 400.0}
                         for u in UNITS for w in WEEKS])


def actuals_staff() -> pd.DataFrame:
    return pd.DataFrame([{"unit_id": u, "staff_category": "ssk", "week": w, "worked_h": 360.0,
                          "overtime_h": 20.0, "agency_h": 0.0, "sick_leave_h": 30.0}
                         for u in UNITS for w in WEEKS[:6]])


def actuals_unit() -> pd.DataFrame:
    return pd.DataFrame([{"unit_id": u, "week": w, "occupied_beds": 9.0,
                          "overflow_bed_days": 1.0, "cost_sek": 100_000.0}
                         for u in UNITS for w in WEEKS[:6]])


def data(actuals: bool = True) -> PlanningData:
    tables = {name: empty_table(name) for name in (
        "care_types", "care_type_priorities", "resource_use", "unit_finance",
        "demand_history", "demand_age_profile", "population", "cost_indices")}
    tables["care_types"] = pd.DataFrame({"unit_id": UNITS, "care_type": "first_visit"})
    tables["org_nodes"] = org_nodes()
    tables["staff_categories"] = pd.DataFrame({
        "staff_category": ["ssk"], "name_sv": ["Sjuksköterska"], "name_en": ["Nurse"],
        "contracted_h_per_fte_year": [1826.25]})
    tables["staffing"] = pd.DataFrame({
        "unit_id": UNITS, "staff_category": "ssk", "staffing_target_fte": 10.0,
        "cost_sek_per_fte_year": 730_500.0, "overtime_cost_factor_pu": 1.5,
        "overtime_h_per_fte_year_max": 200.0, "agency_cost_factor_pu": 2.0,
        "agency_h_per_week_max": 100.0, "recruitment_fte_per_year_max": 5.0,
        "attrition_pu_per_year": 0.1})
    tables["staff_availability"] = pd.DataFrame([
        {"unit_id": u, "staff_category": "ssk", "week": w, "vacation_pu": 0.0,
         "sick_leave_pu": 0.1, "training_pu": 0.0} for u in UNITS for w in WEEKS])
    tables["unit_capacity"] = pd.DataFrame([
        {"unit_id": u, "week": w, "staffed_beds": 10.0, "theatre_h_per_week": 0.0}
        for u in UNITS for w in WEEKS])
    tables["budget_frames"] = pd.DataFrame({
        "node_id": ["R", "D1", "D2"], "year": 2026,
        "frame_sek": [15_000_000.0, 10_000_000.0, 6_000_000.0], "efficiency_pu": 0.0})
    tables["targets"] = pd.DataFrame({
        "target_set": ["vardgaranti_0_3_90_90"], "version": [1], "valid_from": ["2020-01-01"],
        "contact_days": [0], "assessment_days": [3], "first_visit_days": [90],
        "treatment_days": [90], "within_guarantee_share_pu": [0.9], "occupancy_max_pu": [0.9],
        "overflow_probability_max_pu": [0.05], "overtime_h_per_fte_year_max": [200.0],
        "agency_cost_share_max_pu": [0.02], "utilisation_min_pu": [0.8],
        "utilisation_max_pu": [1.0]})
    if actuals:
        tables["actuals_production"] = actuals_production()
        tables["actuals_staff"] = actuals_staff()
        tables["actuals_unit"] = actuals_unit()
    return PlanningData.from_tables(tables)


def plan_cost() -> pd.DataFrame:
    return pd.DataFrame({"node_id": UNITS, "year": 2026,
                         "net_cost_sek": [5_300_000.0, 5_300_000.0, 5_300_000.0],
                         "frame_sek": float("nan"), "frame_gap_sek": float("nan")})
