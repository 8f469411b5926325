"""A three-unit region whose sex split and KPP can be computed by hand.

R → D1 → (U1, U2); R → D2 → U3. Two weeks of actuals, one care type per unit.
"""

from __future__ import annotations

import pandas as pd

WEEKS: tuple[str, str] = ("2026-W01", "2026-W02")


def org_nodes() -> pd.DataFrame:
    return pd.DataFrame({
        "node_id": ["R", "D1", "D2", "U1", "U2", "U3"],
        "parent_id": [None, "R", "R", "D1", "D1", "D2"],
        "name": ["Region", "Div 1", "Div 2", "Enhet 1", "Enhet 2", "Enhet 3"],
        "node_type": ["region", "division", "division", "unit", "unit", "unit"],
        "pks_level": ["strategic", "tactical", "tactical", "operative", "operative",
                      "operative"],
        "owner_role": ["regiondirektor", "divisionschef", "divisionschef",
                       "forsta_linjens_chef", "forsta_linjens_chef", "forsta_linjens_chef"],
        "site": [None, None, None, "A", "A", "B"],
        "county": ["X"] * 6,
    })


# (unit, sex) -> referrals/week, production/week, waiting W01, waiting W02, past guarantee W02
FIGURES: dict[tuple[str, str], tuple[float, float, float, float, float]] = {
    ("U1", "female"): (10.0, 8.0, 20.0, 30.0, 3.0),
    ("U1", "male"): (5.0, 4.0, 8.0, 10.0, 2.0),
    ("U2", "female"): (6.0, 6.0, 5.0, 5.0, 0.0),
    ("U2", "male"): (6.0, 2.0, 10.0, 20.0, 5.0),
    ("U3", "female"): (3.0, 3.0, 0.0, 0.0, 0.0),
    ("U3", "male"): (1.0, 1.0, 2.0, 4.0, 1.0),
}


def actuals_production() -> pd.DataFrame:
    rows = []
    for (u, sex), (ref, prod, w1, w2, past) in FIGURES.items():
        for w, wait, over in ((WEEKS[0], w1, 0.0), (WEEKS[1], w2, past)):
            rows.append({"unit_id": u, "care_type": "ct", "week": w, "sex": sex,
                         "referrals_cases": ref, "production_cases": prod,
                         "waiting_list_cases": wait, "waiting_over_guarantee_cases": over})
    return pd.DataFrame(rows)


# DRG weight per case; cost per week
DRG: dict[str, float] = {"U1": 0.5, "U2": 1.0, "U3": 2.0}
COST_PER_WEEK: dict[str, float] = {"U1": 100_000.0, "U2": 200_000.0, "U3": 123_600.0}
EXCEPTION: dict[str, bool] = {"U1": False, "U2": True, "U3": False}


def care_types() -> pd.DataFrame:
    return pd.DataFrame({"unit_id": list(DRG), "care_type": ["ct"] * 3,
                         "drg_weight": list(DRG.values())})


def actuals_unit() -> pd.DataFrame:
    return pd.DataFrame([{"unit_id": u, "week": w, "occupied_beds": 0.0,
                          "overflow_bed_days": 0.0, "cost_sek": c}
                         for u, c in COST_PER_WEEK.items() for w in WEEKS])


def unit_finance() -> pd.DataFrame:
    return pd.DataFrame({"unit_id": list(EXCEPTION), "kpp_exception": list(EXCEPTION.values())})
