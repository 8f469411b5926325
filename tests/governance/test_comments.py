"""Node-month comments: saved with rights and audit, read for the month's board report."""

from __future__ import annotations

import pandas as pd
import pytest

from pks.data.audit import read_audit
from pks.data.checks import ValidationFailed
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance import comments_for_month
from pks.governance.comments import comments_until, save_comments
from pks.governance.roles import GovernanceDenied

from .conftest import User


def test_comments_for_month(store: Store, tree: OrgTree, unit: str, area: str,
                            unit_manager: User, area_head: User) -> None:
    save_comments(store, tree, unit_manager, pd.DataFrame({
        "node_id": [unit], "month": ["2026-10"], "comment": ["Sjukfrånvaro i oktober."]}))
    save_comments(store, tree, area_head, pd.DataFrame({
        "node_id": [area, area], "month": ["2026-10", "2026-09"],
        "comment": ["Området följer planen.", "September"]}))
    save_comments(store, tree, unit_manager, pd.DataFrame({
        "node_id": [unit], "month": ["2026-10"], "comment": ["Sjukfrånvaro, nu åtgärdad."]}))
    oct_ = comments_for_month(store, "2026-10", None)
    assert list(oct_["node_id"]) == sorted([unit, area])
    assert oct_.set_index("node_id").at[unit, "comment"] == "Sjukfrånvaro, nu åtgärdad."
    assert list(comments_for_month(store, "2026-10", [area])["comment"]) == [
        "Området följer planen."]
    assert comments_for_month(store, "2026-11", None).empty
    assert len(comments_until(store, "2026-10", "2026-01")) == 3
    audit = read_audit(store, [unit], object_type="comment")
    assert list(audit["before_json"].fillna("")) == ["", '"Sjukfrånvaro i oktober."']


def test_comment_validation_and_rights(store: Store, tree: OrgTree, unit: str,
                                       unit_manager: User) -> None:
    with pytest.raises(ValidationFailed) as exc:
        save_comments(store, tree, unit_manager, pd.DataFrame({
            "node_id": [unit, "NOPE", unit], "month": ["2026-13", "2026-10", "2026-10"],
            "comment": ["x", "y", ""]}))
    assert {(i.row, i.column, i.code) for i in exc.value.issues} == {
        (1, "month", "bad_date"), (2, "node_id", "unknown_id"), (3, "comment", "missing_value")}
    area = str(tree.parent(unit))
    with pytest.raises(GovernanceDenied):  # a unit manager may not write for the area
        save_comments(store, tree, unit_manager, pd.DataFrame({
            "node_id": [unit, area], "month": ["2026-10", "2026-10"], "comment": ["a", "b"]}))
    assert comments_for_month(store, "2026-10", None).empty


def test_comments_appear_in_that_months_board_report(store: Store, tree: OrgTree, unit: str,
                                                     unit_manager: User, cfg, repo_root
                                                     ) -> None:
    """Issue 12: a comment written for a node and month is in that month's board report,
    with the balanced-budget assessment of the demo region's economy after it."""
    from pks.report.source import board_report_from_store

    save_comments(store, tree, unit_manager, pd.DataFrame({
        "node_id": [unit], "month": ["2026-10"], "comment": ["Två sjuksköterskor sjukskrivna."]}))
    model = repo_root / "models" / "demo_region"
    october = board_report_from_store(store, cfg, "base", 2026, 10, "sv", model_dir=model)
    assert "Analys och kommentarer per enhet" in october
    assert "Två sjuksköterskor sjukskrivna." in october
    assert "balanskrav" in october
    september = board_report_from_store(store, cfg, "base", 2026, 9, "en", model_dir=model)
    assert "Två sjuksköterskor" not in september
