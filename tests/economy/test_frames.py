"""Frame projection: seed 003's care-frame index step and hand-solvable cost-type cases."""

from __future__ import annotations

import pandas as pd
import pytest

from pks.economy.frames import CostTypeRule, FrameProjectionError, fill_frames, project_frames

NO_INDICES = pd.DataFrame({"year": [], "cost_type": [], "uprating_pu": []})


def _lpik(rates: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(rates), "cost_type": ["lpik_total"] * len(rates),
                         "uprating_pu": list(rates.values())})


def test_seed_003_care_frame_index_step() -> None:
    # "Primärvård verksamhet och Sjukhusvård": 4 738 + 182,3 → 4 920 [003:1345]; the rate
    # the table applied is Δ / base = 3,85 % (LPIK excl. pharmaceuticals, differentiated)
    rules = [CostTypeRule("lpik_total", 1.0)]
    p = project_frames({"care": 4738.0}, 2022, [2023], rules, _lpik({2023: 0.0385}))
    row = p.frames.iloc[0]
    assert round(row["frame_sek"]) == 4920
    assert row["uprating_sek"] == pytest.approx(182.3, abs=0.15)


def test_seed_003_care_frame_row_within_rounding() -> None:
    # the whole row 4 738 → 4 920 → 5 001 → 5 169 → 5 318 with the rates the table implies
    rates = {2023: 0.0385, 2024: 0.0165, 2025: 0.0336, 2026: 0.0288}
    p = project_frames({"care": 4738.0}, 2022, list(rates), [CostTypeRule("lpik_total", 1.0)],
                       _lpik(rates))
    assert p.frames["frame_sek"].to_numpy() == pytest.approx([4920, 5001, 5169, 5318], abs=1.0)
    assert p.frames["uprating_sek"].to_numpy() == pytest.approx([182.3, 81.1, 168.1, 148.7],
                                                               abs=0.6)


def test_cost_types_rules_decisions_and_efficiency_by_hand() -> None:
    idx = pd.DataFrame({"year": [2027] * 4,
                        "cost_type": ["hourly_wage", "social_charges", "consumption",
                                      "pharmaceuticals"],
                        "uprating_pu": [0.03, 0.05, 0.02, 0.01]})
    rules = [CostTypeRule("hourly_wage", 0.6), CostTypeRule("social_charges", 0.2),
             CostTypeRule("consumption", 0.1),
             CostTypeRule("pharmaceuticals", 0.05, "april_forecast", rate_by_year=((2027, 0.08),)),
             CostTypeRule("purchased_care", 0.05, "contract", rate_by_year=((2027, 0.04),))]
    p = project_frames({"n": 100.0}, 2026, [2027], rules, idx, {("n", 2027): 0.01},
                       {("n", 2027): 2.0}, hard_nodes=["n"])
    f = p.frames.iloc[0]
    # 60·0,03 + 20·0,05 + 10·0,02 + 5·0,08 + 5·0,04 = 1,8 + 1 + 0,2 + 0,4 + 0,2 = 3,6
    assert f["uprating_sek"] == pytest.approx(3.6)
    assert f["frame_sek"] == pytest.approx(100 + 3.6 + 2 - 1)
    assert bool(f["hard_frame"])
    by_type = p.rows.set_index("cost_type")["uprating_sek"]
    assert by_type["pharmaceuticals"] == pytest.approx(0.4)  # April forecast, not the LPIK 1 %


def test_projection_problems_listed_together() -> None:
    rules = [CostTypeRule("hourly_wage", 0.5), CostTypeRule("purchased_care", 0.3, "contract")]
    with pytest.raises(FrameProjectionError) as exc:
        project_frames({"n": 100.0}, 2026, [2027], rules, NO_INDICES)
    text = str(exc.value)
    assert "sum to 0.8" in text and "hourly_wage 2027" in text and "purchased_care 2027" in text


def test_fill_frames_keeps_given_and_projects_missing_years() -> None:
    bf = pd.DataFrame({"node_id": ["a", "a", "b"], "year": [2026, 2027, 2026],
                       "frame_sek": [100.0, 110.0, 50.0], "efficiency_pu": [0.0, 0.0, 0.02]})
    out = fill_frames(bf, [2026, 2027, 2028], [CostTypeRule("lpik_total", 1.0)],
                      _lpik({2027: 0.03, 2028: 0.03}))
    got = {(r.node_id, r.year): r.frame_sek for r in out.itertuples()}
    assert got[("a", 2027)] == 110.0
    assert got[("a", 2028)] == pytest.approx(110 * 1.03)
    assert got[("b", 2027)] == pytest.approx(50 * (1.03 - 0.02))
    assert got[("b", 2028)] == pytest.approx(50 * (1.03 - 0.02) ** 2)
