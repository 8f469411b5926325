"""Agreements between levels: who may propose, agree, send back and adopt (server-side)."""

from __future__ import annotations

import pandas as pd
import pytest

from pks.data.audit import read_audit
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance.agreements import (
    AgreementError,
    act,
    history,
    overview,
    staffing_raises,
)
from pks.governance.roles import GovernanceDenied, approver_role, line_role, may_agree

from .conftest import User


def test_unit_manager_proposes_area_head_agrees(store: Store, tree: OrgTree, plan_id: str,
                                                unit: str, area: str, unit_manager: User,
                                                area_head: User, strategist: User) -> None:
    act(store, tree, unit_manager, plan_id, unit, "propose", "Plan enligt dialog")
    step = act(store, tree, area_head, plan_id, unit, "agree", "Överenskommen")
    assert step.status == "agreed" and step.line_role == "verksamhetschef"
    ov = overview(store, tree, plan_id).set_index("node_id")
    assert ov.at[unit, "status"] == "agreed" and not ov.at[unit, "unagreed"]
    assert ov.at[unit, "user"] == "anders"
    # every other node is still flagged unagreed
    assert ov.drop(index=unit)["unagreed"].all()
    h = history(store, plan_id)
    assert list(h["action"]) == ["propose", "agree"]
    assert list(h["user"]) == ["ulla", "anders"]
    audit = read_audit(store, object_type="plan_agreement")
    assert len(audit) == 2 and set(audit["node_id"]) == {unit}
    assert '"agreed"' in audit["after_json"].iloc[-1]


def test_users_without_the_role_are_refused(store: Store, tree: OrgTree, plan_id: str,
                                            unit: str, area: str, unit_manager: User,
                                            planner: User, area_head: User) -> None:
    act(store, tree, unit_manager, plan_id, unit, "propose")
    for who in (unit_manager, planner):  # own plan / staff without line responsibility
        with pytest.raises(GovernanceDenied):
            act(store, tree, who, plan_id, unit, "agree")
    other_area = [a for a in tree.children(str(tree.parent(area))) if a != area][0]
    other_head = User("olle", "first_line_manager", (other_area,))
    with pytest.raises(GovernanceDenied):
        act(store, tree, other_head, plan_id, unit, "agree")
    with pytest.raises(GovernanceDenied):  # a planner cannot propose either
        act(store, tree, planner, plan_id, area, "propose")
    # nothing was written by the refused attempts
    assert len(history(store, plan_id)) == 1
    assert overview(store, tree, plan_id).set_index("node_id").at[unit, "status"] == "proposed"
    # the area plan is agreed by the division head, not by the area head
    act(store, tree, area_head, plan_id, area, "propose")
    with pytest.raises(GovernanceDenied):
        act(store, tree, area_head, plan_id, area, "agree")
    division = str(tree.parent(area))
    act(store, tree, User("dora", "first_line_manager", (division,)), plan_id, area, "agree")


def test_state_machine_and_send_back(store: Store, tree: OrgTree, plan_id: str, unit: str,
                                     unit_manager: User, area_head: User) -> None:
    with pytest.raises(AgreementError):  # agreeing a draft
        act(store, tree, area_head, plan_id, unit, "agree")
    act(store, tree, unit_manager, plan_id, unit, "propose")
    with pytest.raises(AgreementError):  # a send-back needs a reason
        act(store, tree, area_head, plan_id, unit, "send_back", "  ")
    act(store, tree, area_head, plan_id, unit, "send_back", "Produktionen för låg")
    assert overview(store, tree, plan_id).set_index("node_id").at[unit, "status"] == "draft"
    act(store, tree, unit_manager, plan_id, unit, "propose", "Justerad")
    act(store, tree, area_head, plan_id, unit, "agree")
    act(store, tree, area_head, plan_id, unit, "adopt")
    with pytest.raises(AgreementError):  # adopted is final
        act(store, tree, area_head, plan_id, unit, "send_back", "för sent")
    assert list(history(store, plan_id)["status"]) == ["proposed", "draft", "proposed",
                                                        "agreed", "adopted"]


def test_scope_node_moves_the_plan_status(store: Store, tree: OrgTree, plan_id: str,
                                          strategist: User) -> None:
    root = tree.root
    assert root is not None
    assert store.run(plan_id).status == "draft"
    act(store, tree, strategist, plan_id, root, "propose")
    assert store.run(plan_id).status == "proposed"
    act(store, tree, strategist, plan_id, root, "agree", "RS")
    assert store.run(plan_id).status == "agreed"
    log = store.status_log(plan_id)
    assert log["by"].iloc[-1] == "stina (regiondirektor)"
    # only the strategist acts on the root
    with pytest.raises(GovernanceDenied):
        act(store, tree, User("x", "first_line_manager", (root,)), plan_id, root, "adopt")


def test_roles_from_the_tree(tree: OrgTree, unit: str, area: str, area_head: User,
                             strategist: User, planner: User) -> None:
    division = str(tree.parent(area))
    assert line_role(area_head, tree) == "verksamhetschef"
    assert line_role(strategist, tree) == "regiondirektor"
    assert line_role(planner, tree) == "planerare"
    assert approver_role(tree, unit) == "verksamhetschef"
    assert approver_role(tree, area) == "divisionschef"
    assert approver_role(tree, division) == "regiondirektor"  # parent is the board (political)
    assert may_agree(strategist, tree, division) and not may_agree(area_head, tree, division)


def test_staffing_raise_flagged_for_area_management(tree: OrgTree, unit: str, area: str
                                                    ) -> None:
    staffing = pd.DataFrame({"unit_id": [unit, unit], "staff_category": ["lakare", "ssk"],
                             "staffing_target_fte": [10.0, 20.0]})
    plan_fte = pd.DataFrame({"unit_id": [unit, unit, unit],
                             "staff_category": ["lakare", "ssk", "lakare"],
                             "year": [2027, 2027, 2028], "fte": [12.5, 20.01, 10.0]})
    r = staffing_raises(plan_fte, staffing, tree)
    assert list(r["raise_fte"]) == [2.5]  # 0.01 FTE is within tolerance, 10.0 is no raise
    assert r["approver_node"].iloc[0] == area
    assert r["approver_role"].iloc[0] == "verksamhetschef"
