"""A tiny, hand-built valid region for the data-layer tests (two hierarchy styles)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.data.weeks import week_range

WEEKS = week_range("2025-W50", "2026-W03")
COUNTY = "Norrbottens län"


def _nodes(style: str) -> tuple[pd.DataFrame, list[str]]:
    if style == "norrbotten":
        rows = [
            ("R", None, "Region", "region", "political", "regionfullmaktige", None),
            ("B", "R", "Hälso- och sjukvård", "board", "strategic", "regiondirektor", None),
            ("D1", "B", "Division Närsjukvård", "division", "strategic", "divisionschef", None),
            ("D2", "B", "Division Psykiatri", "division", "strategic", "divisionschef", None),
            ("A1", "D1", "Område Kirurgi", "area", "tactical", "omradeschef", None),
            ("A2", "D2", "Område Vuxenpsykiatri", "area", "tactical", "omradeschef", None),
            ("U1", "A1", "Ortopedi Sunderby", "unit", "operative", "verksamhetschef", "Sunderby"),
            ("U2", "A1", "Kirurgi Piteå", "unit", "operative", "verksamhetschef", "Piteå"),
            ("U3", "A2", "Psykiatri Kiruna", "unit", "operative", "verksamhetschef", "Kiruna"),
        ]
        units = ["U1", "U2", "U3"]
    elif style == "vasterbotten":
        rows = [
            ("R", None, "Region", "region", "political", "regionfullmaktige", None),
            ("F1", "R", "Länssjukvården", "administration", "strategic", "forvaltningschef", None),
            ("F2", "R", "Primärvården", "administration", "strategic", "forvaltningschef", None),
            ("BE1", "F1", "Basenhet Ortopedi", "unit", "tactical", "verksamhetschef", None),
            ("BE2", "F2", "Basenhet Hälsocentral", "unit", "tactical", "verksamhetschef", None),
            ("K1", "BE1", "Ortopedmottagning", "cost_centre", "operative", "forsta_linjens_chef",
             "Umeå"),
            ("K2", "BE1", "Ortopedavdelning", "cost_centre", "operative", "forsta_linjens_chef",
             "Umeå"),
            ("K3", "BE2", "Hälsocentral Ålidhem", "cost_centre", "operative",
             "forsta_linjens_chef", "Umeå"),
        ]
        units = ["K1", "K2", "K3"]
    else:
        raise ValueError(style)
    df = pd.DataFrame(rows, columns=["node_id", "parent_id", "name", "node_type", "pks_level",
                                     "owner_role", "site"])
    df["county"] = COUNTY
    return df, units


def _ancestors(node: str, parent_of: dict[str, str | None]) -> set[str]:
    out: set[str] = set()
    cur = parent_of.get(node)
    while cur:
        out.add(cur)
        cur = parent_of.get(cur)
    return out


def tiny_tables(style: str = "norrbotten", seed: int = 7) -> dict[str, pd.DataFrame]:
    """Canonical-ish frames of a 3-unit region with two care types per unit."""
    rng = np.random.default_rng(seed)
    nodes, units = _nodes(style)
    kinds = {
        units[0]: [("first_visit", "first_visit", False, "first_visit", 0.0, 0.0),
                   ("operation", "procedure", False, "treatment", 0.0, 2.0)],
        units[1]: [("first_visit", "first_visit", False, "first_visit", 0.0, 0.0),
                   ("inpatient", "inpatient_episode", True, "none", 4.5, 0.0)],
        units[2]: [("first_visit", "first_visit", False, "first_visit", 0.0, 0.0),
                   ("return_visit", "return_visit", False, "none", 0.0, 0.0)],
    }
    ct_rows = []
    for u in units:
        for ct, kind, acute, stage, los, theatre in kinds[u]:
            ct_rows.append(dict(unit_id=u, care_type=ct, care_type_kind=kind, acute=acute,
                                guarantee_stage=stage, mean_los_days=los,
                                theatre_h_per_case=theatre, drg_weight=0.25 + los / 5,
                                variable_cost_sek_per_case=1500.0,
                                revenue_sek_per_case=200.0,
                                external_price_sek_per_case=0.0 if acute else 4000.0,
                                external_cases_per_week_max=0.0 if acute else 5.0))
    care_types = pd.DataFrame(ct_rows)
    pairs = list(zip(care_types.unit_id, care_types.care_type, strict=True))
    cats = ["lakare", "sjukskoterska"]
    staff_categories = pd.DataFrame({
        "staff_category": cats, "name_sv": ["Läkare", "Sjuksköterskor"],
        "name_en": ["Physicians", "Nurses"], "contracted_h_per_fte_year": [1700.0, 1650.0]})
    resource_use = pd.DataFrame([
        dict(unit_id=u, care_type=c, staff_category=s,
             staff_h_per_case=round(float(rng.uniform(0.5, 3.0)), 2))
        for u, c in pairs for s in cats])
    care_type_priorities = pd.DataFrame([
        dict(unit_id=u, care_type=c, priority_class=p, share_pu=sh, max_wait_days=d)
        for u, c in pairs for p, sh, d in [(1, 0.25, 14), (2, 0.75, 90)]])
    staffing = pd.DataFrame([
        dict(unit_id=u, staff_category=s, staffing_target_fte=float(rng.integers(3, 30)),
             cost_sek_per_fte_year=1_100_000.0 if s == "lakare" else 700_000.0,
             overtime_cost_factor_pu=1.5, overtime_h_per_fte_year_max=200.0,
             agency_cost_factor_pu=2.0, agency_h_per_week_max=40.0,
             recruitment_fte_per_year_max=3.0, attrition_pu_per_year=0.08)
        for u in units for s in cats])
    staff_availability = pd.DataFrame([
        dict(unit_id=u, staff_category=s, week=w,
             vacation_pu=0.2 if w.endswith(("W52", "W01")) else 0.02,
             sick_leave_pu=0.05, training_pu=0.03)
        for u in units for s in cats for w in WEEKS])
    unit_capacity = pd.DataFrame([
        dict(unit_id=u, week=w, staffed_beds=12.0 if u == units[1] else 0.0,
             theatre_h_per_week=30.0 if u == units[0] else 0.0)
        for u in units for w in WEEKS])
    unit_finance = pd.DataFrame([
        dict(unit_id=u, funding_mode="frame", fixed_cost_sek_per_year=2_500_000.0,
             capitation_revenue_sek_per_year=0.0, kpp_exception=(u == units[2]))
        for u in units])
    dh = []
    for u, c in pairs:
        for sex in ("female", "male"):
            wl = float(rng.integers(20, 80))
            for w in WEEKS:
                ref = float(rng.integers(5, 25))
                prod = float(rng.integers(5, 25))
                wl = max(0.0, wl + ref - prod)
                dh.append(dict(unit_id=u, care_type=c, week=w, sex=sex, referrals_cases=ref,
                               production_cases=prod, waiting_list_cases=wl,
                               waiting_over_guarantee_cases=float(np.floor(wl * 0.1))))
    demand_history = pd.DataFrame(dh)
    bands = ["0-17", "18-44", "45-64", "65-79", "80+"]
    demand_age_profile = pd.DataFrame([
        dict(unit_id=u, care_type=c, sex=sex, age_band=b, share_pu=0.1)
        for u, c in pairs for sex in ("female", "male") for b in bands])
    population = pd.DataFrame([
        dict(scenario=sc, county=COUNTY, year=y, sex=sex, age=a,
             population_persons=float(1200 - 5 * a + (y - 2024) * 3))
        for sc, years in [("observed", [2025]), ("scb", [2026])]
        for y in years for sex in ("female", "male") for a in range(0, 101)])
    frame_nodes = [n for n in nodes.node_id if n not in units]
    parent_of = dict(zip(nodes.node_id, nodes.parent_id, strict=True))

    def leaves_under(n: str) -> int:  # frames cascade exactly: 1e8 per unit below
        return sum(1 for u in units if n in _ancestors(u, parent_of))
    budget_frames = pd.DataFrame([
        dict(node_id=n, year=y, frame_sek=1e8 * leaves_under(n) * (1 + 0.03 * (y - 2026)),
             efficiency_pu=0.0)
        for n in frame_nodes for y in (2026, 2027, 2028)])
    cost_indices = pd.DataFrame([
        dict(year=y, cost_type=ct, uprating_pu=0.03)
        for y in (2026, 2027, 2028)
        for ct in ("hourly_wage", "social_charges", "consumption", "pharmaceuticals",
                   "lpik_total")])
    targets = pd.DataFrame([
        dict(target_set="vardgaranti_0_3_90_90", version=1,
             valid_from=pd.Timestamp("2026-01-01"), contact_days=0, assessment_days=3,
             first_visit_days=90, treatment_days=90, within_guarantee_share_pu=0.8,
             occupancy_max_pu=0.9, overflow_probability_max_pu=0.05,
             overtime_h_per_fte_year_max=100.0, agency_cost_share_max_pu=0.02,
             utilisation_min_pu=0.75, utilisation_max_pu=0.95)])
    aweeks = WEEKS[-2:]
    actuals_production = demand_history[demand_history.week.isin(aweeks)].reset_index(drop=True)
    actuals_staff = pd.DataFrame([
        dict(unit_id=u, staff_category=s, week=w, worked_h=300.0, overtime_h=10.0,
             agency_h=0.0, sick_leave_h=15.0)
        for u in units for s in cats for w in aweeks])
    actuals_unit = pd.DataFrame([
        dict(unit_id=u, week=w, occupied_beds=10.5 if u == units[1] else 0.0,
             overflow_bed_days=0.0, cost_sek=450_000.0)
        for u in units for w in aweeks])
    return dict(org_nodes=nodes, care_types=care_types,
                care_type_priorities=care_type_priorities,
                staff_categories=staff_categories, resource_use=resource_use,
                staffing=staffing, staff_availability=staff_availability,
                unit_capacity=unit_capacity, unit_finance=unit_finance,
                demand_history=demand_history, demand_age_profile=demand_age_profile,
                population=population, budget_frames=budget_frames,
                cost_indices=cost_indices, targets=targets,
                actuals_production=actuals_production, actuals_staff=actuals_staff,
                actuals_unit=actuals_unit, **tiny_economy())


def tiny_economy() -> dict[str, pd.DataFrame]:
    """The region economy tables (pks.economy) of the tiny region: two years, one target."""
    nan = float("nan")
    budget = pd.DataFrame([
        dict(year=y, status="budget", tax_revenue_mnkr=70.0 + y - 2026,
             general_grants_equalisation_mnkr=25.0, targeted_grants_mnkr=nan,
             financial_income_mnkr=1.0, financial_costs_mnkr=0.5,
             pension_return_adjustment_mnkr=-0.3, balanced_result_mnkr=nan, exempt_mnkr=0.0,
             investments_mnkr=3.0, operating_cash_flow_mnkr=nan, equity_mnkr=nan,
             total_assets_mnkr=nan, pension_commitment_mnkr=nan,
             interest_bearing_debt_mnkr=0.0, pension_assets_mnkr=nan,
             pension_liability_mnkr=nan, source="tiny")
        for y in (2026, 2027)])
    items = pd.DataFrame([dict(year=y, item=i, net_cost_mnkr=v, source="tiny")
                          for y in (2026, 2027)
                          for i, v in (("operating_revenue", -5.0), ("other_activity", 90.0))])
    targets = pd.DataFrame([dict(target_set="t", version=1, target="operating_result_share",
                                 valid_from=pd.Timestamp("2025-01-01"), min_pu=0.01,
                                 max_pu=0.03, first_year=nan, last_year=nan,
                                 average_years=nan, binding=True, source="tiny")])
    return dict(economy_budget=budget, economy_cost_items=items, financial_targets=targets)
