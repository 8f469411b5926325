"""Tiny hand-built planning data for the forecast tests (independent of the demo region)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.config.schema import DataConfig, ScenarioConfig
from pks.data.planning_data import PlanningData, empty_table
from pks.data.weeks import week_range
from pks.forecast.calendar import working_days_in_week
from pks.types import AGE_BANDS

UNITS = [("U1", "first_visit", "first_visit", False, 0.0),
         ("U1", "inpatient", "inpatient_episode", True, 4.0),
         ("U2", "operation", "procedure", False, 1.5)]
COUNTY = "Testlän"


def _population(scenarios: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Population 2021..2028: observed up to 2025, then growth factors per band by scenario."""
    rows = []
    base = {"0-17": 40000, "18-44": 80000, "45-64": 60000, "65-79": 40000, "80+": 12000}
    ages = {"0-17": range(0, 18), "18-44": range(18, 45), "45-64": range(45, 65),
            "65-79": range(65, 80), "80+": range(80, 101)}
    for year in range(2021, 2026):
        for sex in ("female", "male"):
            for band, tot in base.items():
                g = 1 + 0.01 * (year - 2025) * (1 if band == "80+" else 0.2)
                for a in ages[band]:
                    rows.append(("observed", COUNTY, year, sex, a, tot / len(ages[band]) * g))
    for name, growth in scenarios.items():
        for year in range(2026, 2029):
            for sex in ("female", "male"):
                for band, tot in base.items():
                    g = (1 + growth.get(band, 0.0)) ** (year - 2025)
                    for a in ages[band]:
                        rows.append((name, COUNTY, year, sex, a, tot / len(ages[band]) * g))
    return pd.DataFrame(rows, columns=["scenario", "county", "year", "sex", "age",
                                       "population_persons"])


def make_data(seed: int = 7, scenarios: dict[str, dict[str, float]] | None = None
              ) -> PlanningData:
    """3 series, weekly history 2022-W01..2025-W52 with a summer dip and holiday effect."""
    rng = np.random.default_rng(seed)
    scenarios = scenarios if scenarios is not None else {
        "scb": {"80+": 0.03, "65-79": 0.01, "18-44": -0.005},
        "old_grow": {"80+": 0.10},
    }
    weeks = week_range("2022-W01", "2025-W52")
    hist_rows = []
    for i, (unit, ct, _kind, acute, _los) in enumerate(UNITS):
        base = [30.0, 12.0, 8.0][i]
        for t, w in enumerate(weeks):
            wn = int(w[-2:])
            season = 0.55 if 28 <= wn <= 32 else 1.0
            hol = 1.0 if acute else working_days_in_week(w) / 5
            lam = base * (1 + 0.001 * t) * season * hol
            for sex, share in (("female", 0.55), ("male", 0.45)):
                hist_rows.append((unit, ct, w, sex, float(rng.poisson(lam * share)),
                                  0.0, 0.0, 0.0))
    hist = pd.DataFrame(hist_rows, columns=["unit_id", "care_type", "week", "sex",
                                            "referrals_cases", "production_cases",
                                            "waiting_list_cases",
                                            "waiting_over_guarantee_cases"])
    hist["production_cases"] = hist["referrals_cases"]
    hist["waiting_list_cases"] = 3.0 * hist["referrals_cases"]
    prof_rows = []
    shares = {"0-17": 0.05, "18-44": 0.15, "45-64": 0.25, "65-79": 0.3, "80+": 0.25}
    for unit, ct, *_ in UNITS:
        for sex, s in (("female", 0.55), ("male", 0.45)):
            for band in AGE_BANDS:
                prof_rows.append((unit, ct, sex, band, s * shares[band]))
    profile = pd.DataFrame(prof_rows, columns=["unit_id", "care_type", "sex", "age_band",
                                               "share_pu"])
    care = pd.DataFrame([
        {"unit_id": u, "care_type": ct, "care_type_kind": kind, "acute": acute,
         "guarantee_stage": "none" if acute else ("first_visit" if kind == "first_visit"
                                                  else "treatment"),
         "mean_los_days": los, "theatre_h_per_case": 2.0 if kind == "procedure" else 0.0,
         "drg_weight": 1.0, "variable_cost_sek_per_case": 1000.0,
         "revenue_sek_per_case": 0.0, "external_price_sek_per_case": 0.0,
         "external_cases_per_week_max": 0.0}
        for u, ct, kind, acute, los in UNITS])
    org = pd.DataFrame([
        ("R", "", "Region", "region", "political", "regionfullmaktige", "", COUNTY),
        ("D", "R", "Division", "division", "strategic", "divisionschef", "", COUNTY),
        ("U1", "D", "Medicin", "unit", "operative", "verksamhetschef", "Sjukhus A", COUNTY),
        ("U2", "D", "Ortopedi", "unit", "operative", "verksamhetschef", "Sjukhus B", COUNTY),
    ], columns=["node_id", "parent_id", "name", "node_type", "pks_level", "owner_role",
                "site", "county"])
    staff_cat = pd.DataFrame([
        ("lakare", "Läkare", "Physicians", 1700.0),
        ("sjukskoterska", "Sjuksköterska", "Nurses", 1650.0)],
        columns=["staff_category", "name_sv", "name_en", "contracted_h_per_fte_year"])
    res_use = pd.DataFrame([(u, ct, c, h) for u, ct, *_ in UNITS
                            for c, h in (("lakare", 1.0), ("sjukskoterska", 2.0))],
                           columns=["unit_id", "care_type", "staff_category",
                                    "staff_h_per_case"])
    avail = pd.DataFrame([(u, c, w, 0.1, 0.05, 0.05) for u in ("U1", "U2")
                          for c in ("lakare", "sjukskoterska")
                          for w in week_range("2026-W01", "2028-W52")],
                         columns=["unit_id", "staff_category", "week", "vacation_pu",
                                  "sick_leave_pu", "training_pu"])
    cap = pd.DataFrame([(u, w, 20.0 if u == "U1" else 0.0, 40.0)
                        for u in ("U1", "U2") for w in week_range("2026-W01", "2028-W52")],
                       columns=["unit_id", "week", "staffed_beds", "theatre_h_per_week"])
    prio = pd.DataFrame([(u, ct, 1, 1.0, 90) for u, ct, *_ in UNITS],
                        columns=["unit_id", "care_type", "priority_class", "share_pu",
                                 "max_wait_days"])
    targets = pd.DataFrame([{
        "target_set": "vardgaranti_0_3_90_90", "version": 1, "valid_from": "2020-01-01",
        "contact_days": 0, "assessment_days": 3, "first_visit_days": 90,
        "treatment_days": 90, "within_guarantee_share_pu": 0.9, "occupancy_max_pu": 0.85,
        "overflow_probability_max_pu": 0.05, "overtime_h_per_fte_year_max": 100.0,
        "agency_cost_share_max_pu": 0.02, "utilisation_min_pu": 0.8,
        "utilisation_max_pu": 1.0}])
    tables = {name: empty_table(name) for name in (
        "staffing", "unit_finance", "budget_frames", "cost_indices")}
    tables.update(org_nodes=org, care_types=care, care_type_priorities=prio,
                  staff_categories=staff_cat, resource_use=res_use,
                  staff_availability=avail, unit_capacity=cap, demand_history=hist,
                  demand_age_profile=profile, population=_population(scenarios),
                  targets=targets)
    return PlanningData.from_tables(tables)


def make_cfg(population_scenario: str = "scb") -> ScenarioConfig:
    return ScenarioConfig(name=f"test_{population_scenario}", data=DataConfig(
        county=COUNTY, budget_year=2026, plan_years=2, population_scenario=population_scenario,
        as_of_week="2025-W52"))
