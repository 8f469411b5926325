"""Explanations and the R-36 reallocation order."""

from __future__ import annotations

import pandas as pd
import pytest

from pks.optimise.explain import explain, reallocation_proposal
from tests.optimise.tiny import tiny_data

ORG = tiny_data(units=(("U1", "D1"), ("U2", "D1"), ("U3", "D2"))).org_nodes


def cost(rows):
    return pd.DataFrame([{"node_id": n, "year": 2026, "kind": "frame", "net_cost_sek": net,
                          "frame_sek": fr, "frame_gap_sek": max(net - fr, 0.0)}
                         for n, net, fr in rows])


def test_within_division_before_between_divisions():
    # U1 overruns by 100; U2 (same division) has 60 headroom, U3 (other division) 80.
    p = reallocation_proposal(cost([("U1", 200, 100), ("U2", 40, 100), ("U3", 20, 100)]), ORG)
    steps = p[p.amount_sek > 0][["step", "source_node", "amount_sek"]].values.tolist()
    assert steps == [[3, "U2", 60.0], [4, "U3", 40.0]]


def test_between_divisions_not_used_when_division_suffices():
    p = reallocation_proposal(cost([("U1", 200, 100), ("U2", 0, 300), ("U3", 0, 100)]), ORG)
    used = p[p.amount_sek > 0]
    assert used["step"].tolist() == [3]
    assert used["amount_sek"].sum() == pytest.approx(100.0)


def test_board_then_council_for_the_rest():
    c = cost([("U1", 500, 100), ("U2", 100, 150), ("R", 350, 400)])
    p = reallocation_proposal(c, ORG)
    used = p[p.amount_sek > 0].groupby("step")["amount_sek"].sum()
    # step 3: 50 from U2; step 5: board frame 400 minus distributed frames 250 = 150;
    # step 6: 400 − 50 − 150 = 200 to the council (R itself keeps its frame)
    assert used.to_dict() == {3: 50.0, 5: 150.0, 6: 200.0}


def test_explanation_in_both_languages_names_binding_frames():
    c = cost([("U1", 200, 100), ("U2", 40, 100)])
    sp = pd.DataFrame({"kind": ["case", "fte"], "division_id": ["D1", "D1"],
                       "unit_id": ["U1", "U1"], "key": ["op", "ssk"],
                       "value_sek": [1234.0, 99000.0], "annual_cost_sek": [None, 650_000.0],
                       "real_cost_sek": [1234.0, -99000.0]})
    tables = {"plan_cost": c, "plan_shadow_prices": sp}
    sv = explain(tables, "tactical", ORG, lang="sv")
    en = explain(tables, "tactical", ORG, lang="en")
    assert any("Bindande ramar" in s and "U1" in s for s in sv)
    assert any("Binding frames" in s and "U1" in s for s in en)
    assert any("årsarbetare" in s and "\u221299\u00a0000 kr" in s for s in sv)
    assert any("650\u00a0000 kr per årsarbetare" in s for s in sv)
    assert any("one more FTE" in s for s in en)
    assert any("steg 3" in s for s in sv)


def test_strategic_trajectories_sum_units_to_their_division():
    fte = pd.DataFrame({"unit_id": ["U1", "U2", "U3"] * 2, "staff_category": "sjukskoterska",
                        "year": [2026] * 3 + [2027] * 3,
                        "fte": [10.0, 5.5, 3.0, 11.0, 6.0, 3.0]})
    staff = pd.DataFrame({"unit_id": ["U1", "U3", "U1"], "year": [2026, 2026, 2027],
                          "agency_h": [100.0, 40.0, 0.0]})
    lines = explain({"plan_fte": fte, "plan_staff": staff}, "strategic", ORG, lang="en")
    i = lines.index("  D1 (D1)")
    assert lines[i + 1] == "    – Nurses: 2026: 15.5 → 2027: 17.0"
    assert lines[i + 2] == "    – agency staff, hours: 2026: 100 → 2027: 0"
    sv = explain({"plan_fte": fte}, "strategic", ORG, lang="sv")
    assert "    – Sjuksköterskor: 2026: 3,0 → 2027: 3,0" in sv


def test_shadow_prices_say_what_the_step_changes():
    sp = pd.DataFrame({"kind": ["fte"], "division_id": ["D1"], "unit_id": ["U1"],
                       "key": ["ssk"], "value_sek": [5e6], "real_cost_sek": [1000.0],
                       "over_max_wait_case_weeks": [-12.5], "unmet_acute_cases": [0.0],
                       "guarantee_breach_case_weeks": [float("nan")]})
    en = explain({"plan_shadow_prices": sp}, "tactical", ORG, lang="en")
    # the value in the objective (5e6) is never printed: care units and real SEK are
    assert "    – one more FTE (staff.ssk in U1 (U1)): real cost +1,000 SEK; −12.5 " \
           "case-weeks past the medically acceptable wait" in en
    assert not any("5,000,000" in s for s in en)
    sv = explain({"plan_shadow_prices": sp}, "tactical", ORG, lang="sv")
    assert any(s.startswith("    – en årsarbetare till (staff.ssk i U1 (U1)): "
                            "verklig kostnad +1\u00a0000") for s in sv)
