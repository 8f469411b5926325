"""The governance record tables (own ``MetaData``, created with ``store.ensure_tables``).

* ``gov_measures`` — the action-plan register (R-43..R-45), one row per measure;
* ``gov_agreements`` — every agreement step of a plan version per node (R-03, R-06, R-53):
  who, in which role, when, with what comment;
* ``gov_comments`` — the analysis comment per node and month (R-18);
* ``gov_analyses`` — saved in-depth analyses: scenario comparisons with a narrative (R-21);
* ``gov_run_bases`` — the calculation bases of a plan run, long format (R-40).
"""

from __future__ import annotations

import sqlalchemy as sa

from pks.data.audit import ensure_audit_table
from pks.data.store import Store

GOV_META = sa.MetaData()

MEASURES = sa.Table(
    "gov_measures", GOV_META,
    sa.Column("measure_id", sa.String(100), primary_key=True),
    sa.Column("node_id", sa.String(100), nullable=False),
    sa.Column("owner_body", sa.Text, nullable=False),
    sa.Column("pks_level", sa.String(20), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("expected_mnkr", sa.Float, nullable=True),
    sa.Column("expected_pct", sa.Float, nullable=True),
    sa.Column("expected_cases", sa.Float, nullable=True),
    sa.Column("baseline_year", sa.Integer, nullable=True),
    sa.Column("effect_year", sa.Integer, nullable=False),
    sa.Column("start_date", sa.String(10), nullable=False),
    sa.Column("end_date", sa.String(10), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("realised_mnkr", sa.Float, nullable=True),
    sa.Column("realised_pct", sa.Float, nullable=True),
    sa.Column("realised_cases", sa.Float, nullable=True),
    sa.Column("restoration_year", sa.Integer, nullable=True),
)

AGREEMENTS = sa.Table(
    "gov_agreements", GOV_META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("node_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("line_role", sa.String(100), nullable=False),
    sa.Column("at_utc", sa.String(40), nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
)

COMMENTS = sa.Table(
    "gov_comments", GOV_META,
    sa.Column("node_id", sa.String(100), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("at_utc", sa.String(40), nullable=False),
)

ANALYSES = sa.Table(
    "gov_analyses", GOV_META,
    sa.Column("analysis_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("narrative", sa.Text, nullable=False),
    sa.Column("run_ids_json", sa.Text, nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("at_utc", sa.String(40), nullable=False),
)

RUN_BASES = sa.Table(
    "gov_run_bases", GOV_META,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("basis", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("text", sa.Text, nullable=True),
)


def ensure_governance_tables(store: Store) -> None:
    """Create the governance tables and the shared audit table if missing."""
    store.ensure_tables(GOV_META)
    ensure_audit_table(store)
