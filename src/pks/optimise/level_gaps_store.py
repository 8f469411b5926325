"""The record table ``plan_level_gaps`` (own ``MetaData``, created with ``store.ensure_tables``).

One row per level pair × unit × metric, keyed by the two plan runs compared: the upper
and lower values, the gap and its four parts (pooling, horizon, hand-off, new actuals;
see :mod:`pks.optimise.level_gaps`). Saving a pair again replaces its rows.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from pks.data.store import Store
from pks.optimise.level_gap_chain import LevelGaps
from pks.optimise.level_gaps import GAP_COLUMNS, REASONS

GAPS_META = sa.MetaData()

LEVEL_GAPS = sa.Table(
    "plan_level_gaps", GAPS_META,
    sa.Column("upper_run_id", sa.String(64), primary_key=True),
    sa.Column("lower_run_id", sa.String(64), primary_key=True),
    sa.Column("unit_id", sa.String(100), primary_key=True),
    sa.Column("metric", sa.String(40), primary_key=True),
    sa.Column("pair", sa.String(40), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("upper_value", sa.Float, nullable=False),
    sa.Column("lower_value", sa.Float, nullable=False),
    sa.Column("gap", sa.Float, nullable=False),
    *(sa.Column(r, sa.Float, nullable=False) for r in REASONS),
)


def save_level_gaps(store: Store, upper_run_id: str, lower_run_id: str,
                    result: LevelGaps) -> int:
    """Store the gap table of two runs (replacing earlier rows of the pair); rows written."""
    store.ensure_tables(GAPS_META)
    rows = result.gaps[list(GAP_COLUMNS)].assign(
        upper_run_id=upper_run_id, lower_run_id=lower_run_id, pair=result.pair,
        year=result.period.year).to_dict("records")
    key = (LEVEL_GAPS.c.upper_run_id == upper_run_id) & (LEVEL_GAPS.c.lower_run_id
                                                          == lower_run_id)
    with store.transaction() as conn:
        conn.execute(LEVEL_GAPS.delete().where(key))
        if rows:
            conn.execute(LEVEL_GAPS.insert(), rows)
    return len(rows)


def load_level_gaps(store: Store, upper_run_id: str, lower_run_id: str) -> pd.DataFrame:
    """The stored gap rows of two runs (empty frame when none)."""
    store.ensure_tables(GAPS_META)
    q = sa.select(LEVEL_GAPS).where((LEVEL_GAPS.c.upper_run_id == upper_run_id)
                                    & (LEVEL_GAPS.c.lower_run_id == lower_run_id))
    with store.transaction() as conn:
        return pd.DataFrame(conn.execute(q).mappings().all(),
                            columns=[c.name for c in LEVEL_GAPS.columns])
