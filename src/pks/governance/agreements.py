"""Agreements between levels: plan versions per node, draft → proposed → agreed → adopted.

Each step records who, in which role, when and with what comment (R-03, R-06, R-53).

A plan run covers a scope node (the run's ``node_id``, else the tree root). Inside it each
node of the tree is agreed on its own: the unit manager proposes the unit's plan, the area
head agrees it (:mod:`pks.governance.roles`). A proposed or agreed node can be sent back to
draft with a comment; an adopted node is final.

The plan-level status stays the one of the store (:meth:`pks.data.store.Store.set_plan_status`):
a step at the scope node moves the plan's status forward too, so ``pks plans`` and every
page that reads a plan's status agree with the dashboard. The store's status only moves
forward; a send-back is recorded here (the node is draft again) and the plan keeps the
furthest status it reached until it is proposed and agreed again.

An optimiser proposal that raises a unit's staffing target (``plan_fte`` above
``staffing.staffing_target_fte``) is flagged for the area management's approval (R-41): it
is the approval of that unit's plan by the manager one level up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import sqlalchemy as sa

from pks.data.audit import record_audit
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance.records import AGREEMENTS, ensure_governance_tables
from pks.governance.roles import (
    Actor,
    approver_role,
    line_role,
    may_agree,
    may_propose,
    require,
)
from pks.types import PLAN_STATUSES

_STATUS_ORDER: tuple[str, ...] = PLAN_STATUSES
"""The plan statuses in order, indexable by a stored status text."""

Action = Literal["propose", "agree", "adopt", "send_back"]
ACTIONS: tuple[Action, ...] = ("propose", "agree", "adopt", "send_back")
DRAFT = "draft"
STAFFING_RAISE_TOLERANCE_FTE = 0.05
"""A planned FTE more than this above the staffing target counts as a raise."""

_NEXT: dict[str, tuple[str, str]] = {
    # action: (required current status, new status)
    "propose": ("draft", "proposed"),
    "agree": ("proposed", "agreed"),
    "adopt": ("agreed", "adopted"),
}


class AgreementError(ValueError):
    """A step that does not follow from the node's current state."""


@dataclass(frozen=True)
class AgreementStep:
    """One recorded step."""

    run_id: str
    node_id: str
    action: str
    status: str
    user: str
    role: str
    line_role: str
    at_utc: str
    comment: str


def history(store: Store, run_id: str | None = None) -> pd.DataFrame:
    """All agreement steps (oldest first), optionally of one plan run."""
    ensure_governance_tables(store)
    q = sa.select(AGREEMENTS).order_by(AGREEMENTS.c.id)
    if run_id is not None:
        q = q.where(AGREEMENTS.c.run_id == run_id)
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([r._asdict() for r in rows],
                        columns=[c.name for c in AGREEMENTS.columns])


def node_states(store: Store, run_id: str) -> dict[str, pd.Series]:
    """The latest step per node of a run (nodes without a step are draft)."""
    h = history(store, run_id)
    return {str(n): g.iloc[-1] for n, g in h.groupby("node_id", sort=False)}


def overview(store: Store, tree: OrgTree, run_id: str,
             nodes: list[str] | None = None) -> pd.DataFrame:
    """Agreement state per node.

    Columns ``node_id, status, user, role, line_role, at_utc, comment, approver_role,
    unagreed`` (``unagreed`` = not agreed or adopted yet).
    """
    states = node_states(store, run_id)
    rows = []
    for n in nodes if nodes is not None else list(tree.nodes.index):
        s = states.get(n)
        rows.append({
            "node_id": n, "status": DRAFT if s is None else str(s["status"]),
            "user": "" if s is None else str(s["user"]),
            "role": "" if s is None else str(s["role"]),
            "line_role": "" if s is None else str(s["line_role"]),
            "at_utc": "" if s is None else str(s["at_utc"]),
            "comment": "" if s is None else str(s["comment"]),
            "approver_role": approver_role(tree, n)})
    out = pd.DataFrame(rows, columns=["node_id", "status", "user", "role", "line_role",
                                      "at_utc", "comment", "approver_role"])
    out["unagreed"] = ~out["status"].isin(["agreed", "adopted"])
    return out


def unagreed_count(store: Store, tree: OrgTree, run_id: str) -> tuple[int, int]:
    """``(unagreed, nodes)`` of a plan: for a page's "not agreed" flag on the plan it uses."""
    ov = overview(store, tree, run_id)
    return int(ov["unagreed"].sum()), len(ov)


def scope_node(store: Store, tree: OrgTree, run_id: str) -> str:
    """The node a plan run covers (its ``node_id``, else the tree root)."""
    info = store.run(run_id)
    node = info.node_id or tree.root
    if node is None:
        raise AgreementError("the organisation tree has no single root")
    return node


def act(store: Store, tree: OrgTree, actor: Actor, run_id: str, node_id: str,
        action: str, comment: str = "", at: dt.datetime | None = None) -> AgreementStep:
    """Record one agreement step after checking the actor's right and the node's state.

    Raises
    ------
    GovernanceDenied
        The actor's role does not allow ``action`` on ``node_id`` (checked here, server-side).
    AgreementError
        Unknown action or node, a plan that is not open, or a step that does not follow
        from the node's current state (e.g. agreeing a draft, anything after adopted).
    KeyError
        Unknown run.
    """
    if action not in ACTIONS:
        raise AgreementError(f"unknown action {action!r}; expected one of {ACTIONS}")
    if node_id not in tree.nodes.index:
        raise AgreementError(f"unknown node {node_id!r}")
    info = store.run(run_id)
    if info.kind != "plan":
        raise AgreementError(f"run {run_id} is a {info.kind} run, not a plan")
    scope = scope_node(store, tree, run_id)
    if node_id != scope and scope not in tree.ancestors(node_id):
        raise AgreementError(f"node {node_id} is outside the plan's scope {scope}")
    require(may_propose(actor, tree, node_id) if action == "propose"
            else may_agree(actor, tree, node_id), actor, action, node_id)
    if info.status == "superseded":
        raise AgreementError(f"plan {run_id} is superseded and can no longer change")
    state = node_states(store, run_id).get(node_id)
    current = DRAFT if state is None else str(state["status"])
    if action == "send_back":
        if current not in ("proposed", "agreed"):
            raise AgreementError(f"{node_id} is {current}; only a proposed or agreed plan "
                                 "can be sent back")
        if not comment.strip():
            raise AgreementError("sending back needs a comment saying why")
        new = DRAFT
    else:
        need, new = _NEXT[action]
        if current != need:
            raise AgreementError(f"{node_id} is {current}; {action} needs {need}")
    stamp = (at or dt.datetime.now(dt.UTC)).isoformat()
    step = AgreementStep(run_id, node_id, action, new, actor.username, actor.role,
                         line_role(actor, tree), stamp, comment)
    if node_id == scope and new != DRAFT and \
            PLAN_STATUSES.index(new) > _STATUS_ORDER.index(info.status):
        store.set_plan_status(run_id, new, by=f"{actor.username} ({step.line_role})",
                              note=comment)
    with store.transaction() as conn:
        conn.execute(AGREEMENTS.insert().values(
            run_id=run_id, node_id=node_id, action=action, status=new, user=actor.username,
            role=actor.role, line_role=step.line_role, at_utc=stamp, comment=comment))
        record_audit(conn, user=actor.username, role=actor.role, action=f"agreement.{action}",
                     object_type="plan_agreement", object_id=f"{run_id}/{node_id}",
                     node_id=node_id, before={"status": current}, after={"status": new,
                                                                         "comment": comment},
                     at=dt.datetime.fromisoformat(stamp))
    return step


def staffing_raises(plan_fte: pd.DataFrame, staffing: pd.DataFrame, tree: OrgTree,
                    tolerance_fte: float = STAFFING_RAISE_TOLERANCE_FTE) -> pd.DataFrame:
    """Units whose planned FTE exceed their staffing target (R-41), with the approver.

    ``raise_fte = plan_fte − staffing_target_fte`` per unit, staff category and year; rows
    with ``raise_fte > tolerance_fte`` are returned, largest first, each with the node that
    must approve (the unit's parent) and its owner role.
    """
    cols = ["unit_id", "staff_category", "year", "staffing_target_fte", "plan_fte",
            "raise_fte", "approver_node", "approver_role"]
    if plan_fte.empty:
        return pd.DataFrame(columns=cols)
    m = plan_fte.rename(columns={"fte": "plan_fte"}).merge(
        staffing[["unit_id", "staff_category", "staffing_target_fte"]],
        on=["unit_id", "staff_category"], how="inner")
    m["raise_fte"] = m["plan_fte"] - m["staffing_target_fte"]
    m = m[m["raise_fte"] > tolerance_fte].copy()
    m["approver_node"] = [tree.parent(u) if u in tree.nodes.index else None
                          for u in m["unit_id"]]
    m["approver_role"] = [approver_role(tree, u) if u in tree.nodes.index else ""
                          for u in m["unit_id"]]
    return m.sort_values("raise_fte", ascending=False)[cols].reset_index(drop=True)
