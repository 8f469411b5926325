"""The audit trail: every state change, edit, upload and approval, with who and when.

One append-only table, ``audit_log``, shared by every area that changes stored state
(plan status, action plans, agreements, uploads, dashboard users). A record names the
acting user and role, the time (UTC), the action, the object changed (type and id), the
organisation node it belongs to (so visibility follows the node's access rules) and the
object before and after the change as JSON. Nothing here updates or deletes a record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pks.data.store import Store

AUDIT_META = sa.MetaData()
AUDIT_TABLE = sa.Table(
    "audit_log", AUDIT_META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at_utc", sa.String(40), nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("object_type", sa.String(100), nullable=False),
    sa.Column("object_id", sa.String(200), nullable=False),
    sa.Column("node_id", sa.String(100), nullable=True),
    sa.Column("before_json", sa.Text, nullable=True),
    sa.Column("after_json", sa.Text, nullable=True),
)
AUDIT_COLUMNS: tuple[str, ...] = tuple(c.name for c in AUDIT_TABLE.columns)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                 default=str)


def record_audit(conn: Connection, *, user: str, role: str, action: str, object_type: str,
                 object_id: str, node_id: str | None = None, before: Any = None,
                 after: Any = None, at: dt.datetime | None = None) -> None:
    """Append one audit record inside the caller's transaction (``store.transaction()``).

    Written in the same transaction as the change it records, so a change and its audit
    record are stored together or not at all.
    """
    stamp = (at or dt.datetime.now(dt.UTC)).isoformat()
    conn.execute(AUDIT_TABLE.insert().values(
        at_utc=stamp, user=user, role=role, action=action, object_type=object_type,
        object_id=object_id, node_id=node_id, before_json=_json(before),
        after_json=_json(after)))


def ensure_audit_table(store: Store) -> None:
    """Create the audit table in ``store`` if it is missing."""
    store.ensure_tables(AUDIT_META)


def read_audit(store: Store, node_ids: Iterable[str] | None = None,
               object_type: str | None = None) -> pd.DataFrame:
    """Audit records, oldest first; optionally only those of ``node_ids`` or one type.

    Records without a node (region-wide changes such as user administration) are
    included only when ``node_ids`` is None (callers pass None for region-wide roles).
    """
    ensure_audit_table(store)
    q = sa.select(AUDIT_TABLE).order_by(AUDIT_TABLE.c.id)
    if node_ids is not None:
        q = q.where(AUDIT_TABLE.c.node_id.in_(list(node_ids)))
    if object_type is not None:
        q = q.where(AUDIT_TABLE.c.object_type == object_type)
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([r._asdict() for r in rows], columns=list(AUDIT_COLUMNS))
