"""The analysis comment per node and month that the monthly follow-up requires (R-18).

One comment per node and month (``YYYY-MM``); writing it again replaces it (the audit trail
keeps every earlier text). The monthly board report includes the month's comments through
:func:`comments_for_month`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from pks.data.audit import record_audit
from pks.data.checks import ValidationFailed
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance.records import COMMENTS, ensure_governance_tables
from pks.governance.roles import Actor, may_propose, require
from pks.governance.validation import Field, check_frame, check_refs

TABLE = "comments"
MAX_COMMENT_CHARS = 4000
FIELDS: tuple[Field, ...] = (
    Field("node_id", "str", required=True),
    Field("month", "month", required=True),
    Field("comment", "str", required=True),
)
COLUMNS = ["node_id", "month", "comment", "user", "role", "at_utc"]


def validate_comments(df: pd.DataFrame, tree: OrgTree) -> pd.DataFrame:
    """Typed comments, or :class:`ValidationFailed` with every problem.

    Problems: unknown node, bad month, empty or too long text.
    """
    from pks.data.checks import Issue

    out, issues = check_frame(TABLE, df, FIELDS)
    if "node_id" in df.columns:
        issues += check_refs(TABLE, out["node_id"], set(map(str, tree.nodes.index)),
                             "node_id", "org_nodes")
    for pos, c in enumerate(out["comment"], start=1):
        if c is not None and len(str(c)) > MAX_COMMENT_CHARS:
            issues.append(Issue(TABLE, pos, "comment", f"{len(str(c))}",
                                f"≤ {MAX_COMMENT_CHARS}", "above_max"))
    if issues:
        raise ValidationFailed(issues)
    return out


def save_comments(store: Store, tree: OrgTree, actor: Actor, df: pd.DataFrame,
                  at: dt.datetime | None = None) -> int:
    """Validate and save comments; returns the number of rows written.

    The actor must be allowed to write for every node; all rows are written in one
    transaction with an audit record each (before/after text).
    """
    clean = validate_comments(df, tree)
    for n in clean["node_id"]:
        require(may_propose(actor, tree, str(n)), actor, "comment on", str(n))
    ensure_governance_tables(store)
    stamp = (at or dt.datetime.now(dt.UTC)).isoformat()
    with store.transaction() as conn:
        for r in clean.itertuples(index=False):
            key = (COMMENTS.c.node_id == r.node_id) & (COMMENTS.c.month == r.month)
            old = conn.execute(sa.select(COMMENTS.c.comment).where(key)).scalar()
            values = {"comment": r.comment, "user": actor.username, "role": actor.role,
                      "at_utc": stamp}
            if old is None:
                conn.execute(COMMENTS.insert().values(node_id=r.node_id, month=r.month,
                                                      **values))
            else:
                conn.execute(COMMENTS.update().where(key).values(**values))
            record_audit(conn, user=actor.username, role=actor.role, action="comment.save",
                         object_type="comment", object_id=f"{r.node_id}/{r.month}",
                         node_id=str(r.node_id), before=old, after=r.comment,
                         at=dt.datetime.fromisoformat(stamp))
    return len(clean)


def comments_for_month(store: Store, month: str, node_ids: Iterable[str] | None = None
                       ) -> pd.DataFrame:
    """The comments of ``month`` (``YYYY-MM``), optionally only of ``node_ids``.

    Columns ``node_id, month, comment, user, role, at_utc``, ordered by node id; empty when
    nothing was written. This is what the monthly board report includes.
    """
    ensure_governance_tables(store)
    q = sa.select(COMMENTS).where(COMMENTS.c.month == month).order_by(COMMENTS.c.node_id)
    if node_ids is not None:
        q = q.where(COMMENTS.c.node_id.in_(list(node_ids)))
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([r._asdict() for r in rows], columns=COLUMNS)


def comments_until(store: Store, last_month: str, first_month: str,
                   node_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Comments of the months ``first_month..last_month`` (for an interim report)."""
    ensure_governance_tables(store)
    c = COMMENTS.c
    q = sa.select(COMMENTS).where(c.month >= first_month, c.month <= last_month).order_by(
        c.month, c.node_id)
    if node_ids is not None:
        q = q.where(c.node_id.in_(list(node_ids)))
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([r._asdict() for r in rows], columns=COLUMNS)
