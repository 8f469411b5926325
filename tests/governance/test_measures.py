"""The action-plan register: triggers, warnings, saving with rights and audit, follow-up."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pks.data.audit import read_audit
from pks.data.checks import ValidationFailed
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance.measures import (
    COLUMNS,
    action_plan_warnings,
    budget_cut_triggers,
    deficit_triggers,
    economy_triggers,
    followup,
    read_measures,
    red_deviation_triggers,
    save_measures,
    target_failure_triggers,
    validate_measures,
)
from pks.governance.roles import GovernanceDenied

from .conftest import User


def measure(mid: str, node: str, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {c: None for c in COLUMNS}
    row.update(measure_id=mid, node_id=node, owner_body="Verksamhetsområdet",
               pks_level="operative", title=f"Åtgärd {mid}", answers="underskott",
               effect_year=2027, start_date="2026-12-01", end_date="2027-12-31",
               status="planned")
    row.update(kw)
    return row


def test_deficit_and_budget_cut_triggers_hand_computed() -> None:
    annual = pd.DataFrame({"node_id": ["D", "U1", "U2"], "forecast_sek": [110.0, 95.0, 101.0],
                           "frame_sek": [100.0, np.nan, np.nan],
                           "plan_cost_sek": [120.0, 100.0, 100.0]})
    d = deficit_triggers(annual)
    assert list(d["node_id"]) == ["D", "U2"]  # D against its frame, U2 against its plan
    assert list(d["value"]) == [10.0, 1.0]
    frames = pd.DataFrame({"node_id": ["D", "D", "E", "E"], "year": [2026, 2027, 2026, 2027],
                           "frame_sek": [100.0, 90.0, 100.0, 103.0]})
    c = budget_cut_triggers(frames, 2027)
    assert list(c["node_id"]) == ["D"] and list(c["value"]) == [10.0]


def test_red_deviation_age() -> None:
    weeks = [f"2026-W{w:02d}" for w in range(40, 47)]
    lights = pd.DataFrame({"node_id": "U1", "kpi": "production", "week": weeks,
                           "light": ["green", "red", "red", "red", "red", "red", "red"]})
    young = lights.assign(node_id="U2", light=["red", "red", "green", "amber", "red", "red",
                                               "red"])
    r = red_deviation_triggers(pd.concat([lights, young]), "2026-W46", max_age_weeks=4)
    assert list(r["node_id"]) == ["U1"] and list(r["value"]) == [6.0]
    assert red_deviation_triggers(lights, "2026-W46", max_age_weeks=6).empty


def test_deficit_node_warns_until_a_measure_is_added(store: Store, tree: OrgTree,
                                                     unit: str, area: str,
                                                     unit_manager: User) -> None:
    triggers = pd.concat([
        pd.DataFrame({"node_id": [unit], "reason": ["deficit"], "value": [1.5e6]}),
        target_failure_triggers(str(tree.root), ["result_2pct"])], ignore_index=True)
    w = action_plan_warnings(triggers, read_measures(store), tree)
    assert set(w["node_id"]) == {unit, tree.root}
    assert w.set_index("node_id").at[unit, "pks_level"] == "operative"
    # a measure on the area above does not answer the unit's deficit
    save_measures(store, tree, User("a", "first_line_manager", (area,)),
                  pd.DataFrame([measure("M-AREA", area, pks_level="tactical")]))
    assert unit in set(action_plan_warnings(triggers, read_measures(store), tree)["node_id"])
    save_measures(store, tree, unit_manager, pd.DataFrame([measure("M-1", unit,
                                                                   expected_mnkr=-1.2)]))
    w2 = action_plan_warnings(triggers, read_measures(store), tree)
    assert unit not in set(w2["node_id"]) and tree.root in set(w2["node_id"])
    # a cancelled measure does not count
    save_measures(store, tree, unit_manager, pd.DataFrame([measure("M-1", unit,
                                                                   status="cancelled")]))
    assert unit in set(action_plan_warnings(triggers, read_measures(store), tree)["node_id"])
    audit = read_audit(store, object_type="measure")
    assert list(audit["object_id"]) == ["M-AREA", "M-1", "M-1"]
    assert '"planned"' in audit["before_json"].iloc[-1]
    assert '"cancelled"' in audit["after_json"].iloc[-1]


def test_economy_triggers_from_plan_and_actuals(store: Store, tree: OrgTree, plan_id: str
                                                ) -> None:
    data = store.read_inputs()
    plan_cost = store.load_run_tables(plan_id, ["plan_cost"])["plan_cost"]
    trig = economy_triggers(data, plan_cost, tree, 2026, "2026-W46")
    assert set(trig["reason"]) <= {"deficit", "budget_cut"}
    assert (trig["value"] > 0).all()
    # the region's generated frames grow every year: no budget cut
    assert "budget_cut" not in set(trig["reason"])


def test_followup_next_year_aggregated_up_the_tree(tree: OrgTree) -> None:
    units = tree.leaves_under(tree.root)  # type: ignore[arg-type]
    u1, u2 = units[0], units[1]
    area = str(tree.parent(u1))
    assert tree.parent(u2) == area
    m = pd.DataFrame([
        measure("A", u1, expected_mnkr=-2.0, realised_mnkr=-1.5),
        measure("B", u2, expected_mnkr=-1.0, realised_mnkr=-1.0, expected_cases=100.0,
                realised_cases=80.0),
        measure("C", area, pks_level="tactical", expected_mnkr=-3.0),  # not yet reported
        measure("D", u1, expected_mnkr=-9.0, realised_mnkr=-9.0, effect_year=2028),
        measure("E", u1, expected_mnkr=-5.0, status="cancelled"),
    ])
    f = followup(m, tree, 2027).set_index("node_id")
    assert f.at[u1, "expected_mnkr"] == -2.0 and f.at[u1, "realised_mnkr"] == -1.5
    assert f.at[area, "measures_n"] == 3 and f.at[area, "unreported_n"] == 1
    assert f.at[area, "expected_mnkr"] == -6.0 and f.at[area, "realised_mnkr"] == -2.5
    assert f.at[area, "realised_cases"] == 80.0
    assert math.isclose(f.at[area, "realised_share_pu"], 2.5 / 6.0)
    root = tree.root
    assert f.at[root, "expected_mnkr"] == -6.0  # the sum of the nodes below
    assert list(f.index)[0] == root  # tree order


def test_validation_lists_every_problem_and_writes_nothing(store: Store, tree: OrgTree,
                                                           unit: str, strategist: User
                                                           ) -> None:
    bad = pd.DataFrame([
        measure("X1", "NO-SUCH-NODE"),
        measure("X1", unit, status="maybe", expected_pct=-15.0),
        measure("X3", unit, start_date="2027-05-01", end_date="2027-01-01",
                effect_year="nästa år"),
        measure("X4", unit, title=""),
    ])
    with pytest.raises(ValidationFailed) as exc:
        save_measures(store, tree, strategist, bad)
    got = {(i.row, i.column, i.code) for i in exc.value.issues}
    assert got == {(1, "node_id", "unknown_id"), (2, "measure_id", "duplicate_key"),
                   (2, "status", "not_allowed"), (2, "baseline_year", "missing_value"),
                   (3, "end_date", "below_min"), (3, "effect_year", "not_an_integer"),
                   (4, "title", "missing_value")}
    assert "measures, rad 2, kolumn status" in str(exc.value)
    assert read_measures(store).empty
    assert read_audit(store, object_type="measure").empty


def test_rights_checked_before_anything_is_written(store: Store, tree: OrgTree, unit: str,
                                                   unit_manager: User) -> None:
    other = [u for u in tree.leaves_under(str(tree.root)) if u != unit][0]
    rows = pd.DataFrame([measure("OK", unit), measure("NOT-MINE", other)])
    with pytest.raises(GovernanceDenied):
        save_measures(store, tree, unit_manager, rows)
    assert read_measures(store).empty


def test_seed_004_measures_are_valid_data(repo_root, vb_tree: OrgTree) -> None:  # noqa: ANN001
    df = pd.read_csv(repo_root / "models" / "vasterbotten_style" / "measures.csv", dtype=str,
                     keep_default_na=False)
    m = validate_measures(df, vb_tree)
    assert len(m) == 7
    assert m.set_index("measure_id").at["VB-2024-1", "expected_mnkr"] == -250.0
    travel = m.set_index("measure_id").loc["VB-2024-7"]
    assert travel["expected_pct"] == -15.0 and travel["baseline_year"] == 2023
    assert set(m["owner_body"]) >= {"Alla nämnder", "HSN och RS", "HSN"}
