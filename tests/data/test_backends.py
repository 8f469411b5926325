"""The same data loaded into SQLite and PostgreSQL give identical tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from tiny_region import tiny_tables

from pks.data.schema import SCHEMAS
from pks.data.store import Store

pytestmark = pytest.mark.postgres


def _raw_sql_tables(store: Store) -> dict[str, pd.DataFrame]:
    """Every input table as plain SQL rows sorted by key (independent of read_inputs)."""
    out = {}
    with store.engine.connect() as conn:
        for name, schema in SCHEMAS.items():
            cols = ", ".join(f'"{c}"' for c in schema.column_names)
            order = ", ".join(f'"{c}"' for c in schema.key)
            rows = conn.execute(sa.text(f'SELECT {cols} FROM "{name}" ORDER BY {order}')).all()
            out[name] = pd.DataFrame([tuple(r) for r in rows], columns=list(schema.column_names),
                                     dtype=object)
    return out


def _canon(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, dt.date):
        return v.isoformat()
    return repr(v) if isinstance(v, float) else str(v)


def _compare(tables: dict[str, pd.DataFrame], tmp_path: Path, pg_url: str) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'a.db'}") as lite, Store.open(pg_url) as pg:
        c1 = lite.write_inputs(tables, source="x")
        c2 = pg.write_inputs(tables, source="x")
        assert c1 == c2
        a, b = lite.read_inputs().tables(), pg.read_inputs().tables()
        for name in SCHEMAS:
            pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
        ra, rb = _raw_sql_tables(lite), _raw_sql_tables(pg)
        for name in SCHEMAS:
            assert ra[name].shape == rb[name].shape
            # plain SQL: SQLite hands back booleans as 0/1 and dates as ISO text
            fa, fb = ra[name].map(_canon), rb[name].map(_canon)
            pd.testing.assert_frame_equal(fa, fb, obj=name)
        assert lite.row_counts() == pg.row_counts()


def test_tiny_identical_on_both_backends(tmp_path: Path, pg_url: str, style: str) -> None:
    _compare(tiny_tables(style), tmp_path, pg_url)


@pytest.mark.slow
def test_demo_region_identical_on_both_backends(tmp_path: Path, pg_url: str,
                                                repo_root: Path) -> None:
    from pks.data.io import read_csv_folder

    demo = repo_root / "data" / "demo_region"
    _compare(read_csv_folder(demo).tables(), tmp_path, pg_url)
