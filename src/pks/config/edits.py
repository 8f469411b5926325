"""Apply a scenario's ``data_edits`` to PlanningData (pure: returns a new object)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pks.config.loader import ConfigError
from pks.config.schema import DataEdit
from pks.data.planning_data import PlanningData
from pks.data.schema import SCHEMAS


def apply_edits(data: PlanningData, edits: Iterable[DataEdit]) -> PlanningData:
    """Apply edits in order; unknown tables or columns raise :class:`ConfigError`."""
    tables = data.tables()
    problems: list[str] = []
    for i, e in enumerate(edits):
        if e.table not in SCHEMAS:
            problems.append(f"data_edits[{i}]: unknown table {e.table!r}")
            continue
        cols = set(SCHEMAS[e.table].column_names)
        bad = [c for c in [*e.where, *e.scale, *e.set] if c not in cols]
        if bad:
            problems.append(f"data_edits[{i}]: table {e.table} has no column(s) {bad}")
            continue
        df = tables[e.table].copy()
        mask = pd.Series(True, index=df.index)
        for col, values in e.where.items():
            mask &= df[col].isin(values)
        for col, factor in e.scale.items():
            df.loc[mask, col] = df.loc[mask, col].astype(float) * factor
        for col, value in e.set.items():
            df.loc[mask, col] = value
        tables[e.table] = df
    if problems:
        raise ConfigError("\n".join(problems))
    return PlanningData.from_tables(tables)
