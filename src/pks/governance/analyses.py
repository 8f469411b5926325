"""In-depth analyses (fördjupade analyser, R-21): saved scenario comparisons with a narrative.

The regional board makes at least :data:`ANALYSES_PER_YEAR_MIN` a year. An analysis names
the plan runs it compares and keeps the narrative; it can be listed and reopened (the runs'
tables stay in the store).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from pks.data.audit import record_audit
from pks.data.checks import Issue, ValidationFailed
from pks.data.store import Store
from pks.governance.records import ANALYSES, ensure_governance_tables
from pks.governance.roles import Actor

ANALYSES_PER_YEAR_MIN = 4
"""At least four in-depth analysis reports a year [000:312–318]."""
TABLE = "analyses"


@dataclass(frozen=True)
class Analysis:
    """One saved in-depth analysis."""

    analysis_id: int
    year: int
    title: str
    narrative: str
    run_ids: tuple[str, ...]
    user: str
    at_utc: str


def save_analysis(store: Store, actor: Actor, year: int, title: str, narrative: str,
                  run_ids: Sequence[str]) -> int:
    """Validate (title, narrative, at least two existing runs) and save; returns its id."""
    issues: list[Issue] = []
    if not title.strip():
        issues.append(Issue(TABLE, 1, "title", "", "str", "missing_value"))
    if not narrative.strip():
        issues.append(Issue(TABLE, 1, "narrative", "", "str", "missing_value"))
    if len(run_ids) < 2:
        issues.append(Issue(TABLE, 1, "run_ids", str(len(run_ids)), "≥ 2", "below_min"))
    for r in run_ids:
        try:
            store.run(r)
        except KeyError:
            issues.append(Issue(TABLE, 1, "run_ids", r, "runs", "unknown_id"))
    if issues:
        raise ValidationFailed(issues)
    ensure_governance_tables(store)
    now = dt.datetime.now(dt.UTC)
    with store.transaction() as conn:
        res = conn.execute(ANALYSES.insert().values(
            year=year, title=title.strip(), narrative=narrative.strip(),
            run_ids_json=json.dumps(list(run_ids)), user=actor.username,
            at_utc=now.isoformat()).returning(ANALYSES.c.analysis_id))
        new_id = int(res.scalar_one())
        record_audit(conn, user=actor.username, role=actor.role, action="analysis.save",
                     object_type="analysis", object_id=str(new_id), node_id=None,
                     after={"title": title, "run_ids": list(run_ids)}, at=now)
    return new_id


def list_analyses(store: Store, year: int | None = None) -> pd.DataFrame:
    """Saved analyses (newest first): ``analysis_id, year, title, runs_n, user, at_utc``."""
    ensure_governance_tables(store)
    q = sa.select(ANALYSES).order_by(ANALYSES.c.analysis_id.desc())
    if year is not None:
        q = q.where(ANALYSES.c.year == year)
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([{"analysis_id": r.analysis_id, "year": r.year, "title": r.title,
                          "runs_n": len(json.loads(r.run_ids_json)), "user": r.user,
                          "at_utc": r.at_utc} for r in rows],
                        columns=["analysis_id", "year", "title", "runs_n", "user", "at_utc"])


def get_analysis(store: Store, analysis_id: int) -> Analysis:
    """Reopen one analysis; ``KeyError`` if unknown."""
    ensure_governance_tables(store)
    with store.engine.connect() as conn:
        r = conn.execute(sa.select(ANALYSES).where(
            ANALYSES.c.analysis_id == analysis_id)).first()
    if r is None:
        raise KeyError(f"unknown analysis {analysis_id}")
    return Analysis(r.analysis_id, r.year, r.title, r.narrative,
                    tuple(json.loads(r.run_ids_json)), r.user, r.at_utc)


def analyses_missing(store: Store, year: int) -> int:
    """How many analyses ``year`` still lacks to reach :data:`ANALYSES_PER_YEAR_MIN`."""
    return max(0, ANALYSES_PER_YEAR_MIN - len(list_analyses(store, year)))
