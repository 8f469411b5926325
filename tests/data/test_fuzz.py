"""Robustness: arbitrary cell values never crash validation (issues, not tracebacks)."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny_region import tiny_tables

from pks.data.checks import Issue, validate
from pks.data.parse import coerce_tables
from pks.data.schema import SCHEMAS

BASE = tiny_tables()
CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["", " ", "2026-W53", "2025-W53", "2026-W5", "1 650,5", "−3", "ja", "NaN",
                     "U1", "first_visit", "lakare", "R", "1e400", "2026-02-30"]),
)
EDITS = st.lists(st.tuples(st.sampled_from(sorted(SCHEMAS)), st.integers(0, 10_000),
                           st.integers(0, 100), CELLS), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_arbitrary_cells_give_issues_not_crashes(edits: list[tuple]) -> None:
    tables = {n: df.astype(object).copy() for n, df in BASE.items()}
    for table, row, col, value in edits:
        df = tables[table]
        if df.empty:
            continue
        df.iat[row % len(df), col % df.shape[1]] = value
    issues = validate(tables)
    assert all(isinstance(i, Issue) and i.message("sv") and i.message("en") for i in issues)
    if not issues:  # whatever passed validation must coerce cleanly and validate again
        assert validate(coerce_tables(tables)) == []


def test_unchanged_object_frames_are_valid() -> None:
    assert validate({n: df.astype(object) for n, df in BASE.items()}) == []
    assert validate({n: pd.DataFrame(df.to_dict("records")) for n, df in BASE.items()}) == []
