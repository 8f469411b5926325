"""The store: input tables, runs with provenance and their result tables (SQLAlchemy Core).

The embedded default is a SQLite file in WAL mode (a dashboard can read while a planner
writes); the same code runs on PostgreSQL given a ``postgresql+psycopg://`` URL.

Layout
------
- one SQL table per input table, named and typed like its schema, plus a ``_row``
  column keeping the row order, so reading back gives the frames that were written;
- ``inputs_meta``: checksum, source and time of the stored inputs;
- ``runs``: one row per stored run with its provenance (R-40): kind, scenario, level,
  node, status, created_at (UTC), input checksum, resolved configuration, package
  versions, the run it supersedes, the parent run and a note. Forecasts, needs, plans,
  simulations and back-tests are separate series (R-07): a run only ever supersedes an
  earlier run of its own kind, scenario, level and node;
- ``plan_status_log``: every status change of a plan (who, when, why);
- ``result_<name>``: result frames of all runs with a ``run_id`` column, and
  ``result_columns``: the catalogue of each run's columns and pandas dtypes, so frames
  read back exactly as saved.

Every write is one transaction: on any error nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import platform
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pks.data.checks import Issue, ValidationFailed, validate
from pks.data.parse import coerce_table, coerce_tables
from pks.data.planning_data import PlanningData
from pks.data.schema import SCHEMAS, TableSchema
from pks.data.secrets import mask_url, redact
from pks.types import PLAN_STATUSES, Language

log = logging.getLogger(__name__)

RUN_KINDS: tuple[str, ...] = ("forecast", "need", "plan", "simulation", "backtest")
ACTUALS_TABLES: tuple[str, ...] = tuple(n for n, s in SCHEMAS.items() if s.group == "actuals")
SUPERSEDED = "superseded"
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,55}$")
_VERSION_PACKAGES = ("pks", "pandas", "numpy", "scipy", "pyomo", "highspy", "simpy",
                     "statsmodels", "sqlalchemy", "pydantic")


class StoreError(Exception):
    """A store operation that cannot be done (the store is left unchanged)."""


class PlanStatusError(StoreError, ValueError):
    """An illegal plan-status change (backwards, or changing an adopted plan)."""


@dataclass(frozen=True)
class RunInfo:
    """Provenance of one stored run (R-40)."""

    run_id: str
    kind: str
    scenario: str
    level: str | None
    node_id: str | None
    status: str
    created_at: dt.datetime
    input_checksum: str
    config: dict[str, Any] = field(compare=False)
    versions: dict[str, str] = field(compare=False)
    supersedes: str | None
    superseded_by: str | None
    parent_run_id: str | None
    note: str
    tables: tuple[str, ...]


# --------------------------------------------------------------------------- helpers


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape results."""
    out = {"python": platform.python_version()}
    for pkg in _VERSION_PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return out


def _canonical_csv(name: str, df: pd.DataFrame) -> str:
    key = list(SCHEMAS[name].key)
    frame = df.sort_values(key, kind="stable") if key and len(df) else df
    out = frame.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.map({True: "true", False: "false"})
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[c] = s.dt.strftime("%Y-%m-%d")
    # pandas writes floats as their shortest round-trip repr: exact and fast
    return out.to_csv(index=False, lineterminator="\n")


def input_checksum_of(data: PlanningData | Mapping[str, pd.DataFrame]) -> str:
    """SHA-256 of the canonical CSV (sorted by key) of all input tables.

    The data are coerced to the schema dtypes first, so the same values give the same
    checksum whatever file or database they came from.
    """
    tables = data.tables() if isinstance(data, PlanningData) else dict(data)
    return _checksum_canonical(coerce_tables(tables))


def _checksum_canonical(canon: Mapping[str, pd.DataFrame]) -> str:
    h = hashlib.sha256()
    for name in SCHEMAS:
        h.update(f"## {name}\n".encode())
        h.update(_canonical_csv(name, canon[name]).encode("utf-8"))
    return h.hexdigest()


def _sql_type(dtype: str) -> Any:
    return {"str": sa.Text(), "week": sa.String(8), "int": sa.BigInteger(),
            "float": sa.Double(), "bool": sa.Boolean(), "date": sa.Date()}[dtype]


def _column_values(s: pd.Series, dialect: str, date_only: bool = False) -> np.ndarray:
    """Python objects for the DB driver (None for missing values)."""
    isna = s.isna().to_numpy(dtype=bool, na_value=True)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        if dialect == "sqlite":  # the text forms SQLAlchemy's Date/DateTime read back
            fmt = "%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M:%S.%f"
            vals = s.dt.strftime(fmt).astype(object).to_numpy()
        else:
            vals = np.array([v.date() if date_only else v.to_pydatetime()
                             for v in s.fillna(pd.Timestamp(0))], dtype=object)
    elif pd.api.types.is_float_dtype(s.dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan).astype(object)
    elif pd.api.types.is_bool_dtype(s.dtype):
        vals = np.array([bool(v) if not m else None for v, m in
                         zip(s.to_numpy(dtype=object), isna, strict=True)], dtype=object)
    elif pd.api.types.is_integer_dtype(s.dtype):
        vals = s.to_numpy(dtype="float64" if isna.any() else "int64", na_value=np.nan
                          ).astype(object)
        if isna.any():
            vals = np.array([None if m else int(v) for v, m in zip(vals, isna, strict=True)],
                            dtype=object)
    else:
        vals = s.to_numpy(dtype=object)
    vals = vals.copy()
    vals[isna] = None
    return vals


def _bulk_insert(conn: Connection, table: str, df: pd.DataFrame,
                 date_cols: tuple[str, ...] = (), chunk_rows: int = 100_000) -> None:
    """Insert all rows of ``df`` (columns named like the SQL columns) fast.

    SQLite: ``executemany`` of plain tuples; PostgreSQL: ``COPY FROM STDIN``. Rows are
    converted and sent ``chunk_rows`` at a time, so memory stays bounded for large
    result tables.
    """
    if df.empty:
        return
    dialect = conn.dialect.name
    cols = [str(c) for c in df.columns]
    prep = conn.dialect.identifier_preparer
    names = ", ".join(prep.quote(c) for c in cols)
    marks = ", ".join("?" if dialect == "sqlite" else "%s" for _ in cols)
    for start in range(0, len(df), chunk_rows):
        part = df.iloc[start:start + chunk_rows]
        arrays = [_column_values(part[c], dialect, c in date_cols) for c in part.columns]
        rows = list(zip(*arrays, strict=True))
        if dialect == "postgresql":
            dbapi: Any = conn.connection.driver_connection
            with dbapi.cursor() as cur, cur.copy(
                    f"COPY {prep.quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            conn.exec_driver_sql(
                f"INSERT INTO {prep.quote(table)} ({names}) VALUES ({marks})", rows)


# --------------------------------------------------------------------------- result frames

_FAMILY_SQL = {"bool": sa.Boolean, "int": sa.BigInteger, "float": sa.Double,
               "datetime": sa.DateTime, "text": sa.Text}


def _family(s: pd.Series, table: str) -> tuple[str, dict[str, Any]]:
    """SQL family of a result column and extra dtype info needed to restore it."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        if not all(isinstance(c, str) for c in cats):
            raise TypeError(f"result table {table}: categorical column {s.name!r} must have "
                            "text categories")
        return "text", {"categories": cats, "ordered": bool(dtype.ordered)}
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", {}
    if pd.api.types.is_integer_dtype(dtype):
        return "int", {}
    if pd.api.types.is_float_dtype(dtype):
        return "float", {}
    if pd.api.types.is_datetime64_any_dtype(dtype):
        tz = str(dtype.tz) if isinstance(dtype, pd.DatetimeTZDtype) else None
        return "datetime", {"tz": tz}
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        bad = [v for v in s.dropna().head(100_000) if not isinstance(v, str)]
        if bad:
            raise TypeError(f"result table {table}: column {s.name!r} holds non-text objects "
                            f"such as {bad[0]!r} ({type(bad[0]).__name__}); convert it to "
                            "str or a numeric dtype before saving")
        return "text", {}
    raise TypeError(f"result table {table}: column {s.name!r} has unsupported dtype {dtype}")


def _restore(values: list[Any], dtype: str, family: str, extra: dict[str, Any]) -> pd.Series:
    if family == "text":
        if "categories" in extra:
            return pd.Series(pd.Categorical(values, categories=extra["categories"],
                                            ordered=extra["ordered"]))
        if dtype == "object":
            return pd.Series(values, dtype=object)
        return pd.Series(values, dtype=dtype)
    if family == "datetime":
        s = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)))
        if extra.get("tz"):
            s = s.dt.tz_localize("UTC").dt.tz_convert(extra["tz"])
        return s.astype(dtype)
    if family == "bool":  # SQLite hands back 0/1
        return pd.Series([None if v is None else bool(v) for v in values],
                         dtype=object).astype(dtype)
    if family == "float":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64"
                         ).astype(dtype)
    return pd.Series(values, dtype=object).astype(dtype)


# --------------------------------------------------------------------------- store


class Store:
    """Input data, runs and results in one database (SQLite file or PostgreSQL).

    Parameters
    ----------
    url : SQLAlchemy URL (``sqlite:///var/pks.db``, ``postgresql+psycopg://...``) or a
        plain file path for SQLite. Parent folders of SQLite files are created.
    """

    def __init__(self, url: str) -> None:
        real = self._normalise_url(url)
        self.url = mask_url(real)
        """The store's URL as shown to people: the password masked (``***``)."""
        self.engine: Engine = self._make_engine(real)
        self.dialect: str = self.engine.dialect.name
        self.meta = sa.MetaData()
        self._define_tables()
        self.meta.create_all(self.engine)

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (and create if needed) the store at ``url``."""
        return cls(url)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    # -- engine ------------------------------------------------------------------------

    @staticmethod
    def _normalise_url(url: str) -> str:
        if "://" not in url:
            url = f"sqlite:///{url}"
        u = sa.engine.make_url(url)
        if u.drivername in ("postgresql", "postgres"):
            u = u.set(drivername="postgresql+psycopg")
        return u.render_as_string(hide_password=False)

    @staticmethod
    def _make_engine(url: str) -> Engine:
        u = sa.engine.make_url(url)
        if u.get_backend_name() != "sqlite":
            return sa.create_engine(u, pool_pre_ping=True)
        db = u.database or ""
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(u)

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (transactional DDL)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            if db and db != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def transaction(self) -> Any:
        """One transaction for an area's own tables: all of its writes or none."""
        return self._tx()

    def ensure_tables(self, meta: sa.MetaData) -> None:
        """Create an area's own tables (defined on its own ``MetaData``) if missing.

        Areas above the data layer (governance, economy, dashboard users) keep their record
        tables in their own modules and call this once before use; the store stays the one
        place that opens connections and transactions.
        """
        meta.create_all(self.engine)

    # -- schema ------------------------------------------------------------------------

    def _input_table(self, schema: TableSchema, meta: sa.MetaData) -> sa.Table:
        cols = [sa.Column(c.name, _sql_type(c.dtype), nullable=not (c.required or c.key))
                for c in schema.columns]
        cols.append(sa.Column("_row", sa.BigInteger, nullable=False))
        key = schema.key
        args: list[Any] = [*cols]
        if key:
            args.append(sa.PrimaryKeyConstraint(*key, name=f"pk_{schema.name}"))
        return sa.Table(schema.name, meta, *args)

    def _define_tables(self) -> None:
        m = self.meta
        self.inputs = {name: self._input_table(s, m) for name, s in SCHEMAS.items()}
        self.t_meta = sa.Table("inputs_meta", m,
                               sa.Column("key", sa.String(64), primary_key=True),
                               sa.Column("value", sa.Text, nullable=False))
        self.t_runs = sa.Table(
            "runs", m,
            sa.Column("run_id", sa.String(64), primary_key=True),
            sa.Column("kind", sa.String(32), nullable=False),
            sa.Column("scenario", sa.Text, nullable=False),
            sa.Column("level", sa.String(32)),
            sa.Column("node_id", sa.Text),
            sa.Column("status", sa.String(32), nullable=False),
            sa.Column("created_at", sa.String(40), nullable=False),
            sa.Column("input_checksum", sa.String(64), nullable=False),
            sa.Column("config_json", sa.Text, nullable=False),
            sa.Column("versions_json", sa.Text, nullable=False),
            sa.Column("supersedes", sa.String(64)),
            sa.Column("superseded_by", sa.String(64)),
            sa.Column("parent_run_id", sa.String(64)),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("tables_json", sa.Text, nullable=False),
            sa.Index("ix_runs_series", "kind", "scenario", "level", "node_id"),
        )
        self.t_log = sa.Table(
            "plan_status_log", m,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("run_id", sa.String(64), nullable=False, index=True),
            sa.Column("status", sa.String(32), nullable=False),
            sa.Column("by", sa.Text, nullable=False),
            sa.Column("at", sa.String(40), nullable=False),
            sa.Column("note", sa.Text, nullable=False),
        )
        self.t_rcols = sa.Table(
            "result_columns", m,
            sa.Column("run_id", sa.String(64), primary_key=True),
            sa.Column("table_name", sa.String(64), primary_key=True),
            sa.Column("position", sa.Integer, primary_key=True),
            sa.Column("column_name", sa.Text, nullable=False),
            sa.Column("role", sa.String(8), nullable=False),
            sa.Column("dtype", sa.Text, nullable=False),
            sa.Column("family", sa.String(16), nullable=False),
            sa.Column("extra_json", sa.Text, nullable=False),
        )
        self.t_rschema = sa.Table(
            "result_tables", m,
            sa.Column("table_name", sa.String(64), primary_key=True),
            sa.Column("column_name", sa.Text, primary_key=True),
            sa.Column("family", sa.String(16), nullable=False),
        )

    def _result_table(self, name: str, columns: Mapping[str, str]) -> sa.Table:
        meta = sa.MetaData()
        cols: list[Any] = [sa.Column("run_id", sa.String(64), nullable=False),
                           sa.Column("_row", sa.BigInteger, nullable=False)]
        cols += [sa.Column(c, _FAMILY_SQL[f]()) for c, f in columns.items()]
        return sa.Table(f"result_{name}", meta, *cols,
                        sa.Index(f"ix_result_{name}_run", "run_id"))

    # -- inputs ------------------------------------------------------------------------

    def _ensure_input_tables(self, conn: Connection) -> None:
        """Recreate input tables whose columns no longer match the schema (empty them)."""
        insp = sa.inspect(conn)
        for name, table in self.inputs.items():
            have = [c["name"] for c in insp.get_columns(name)]
            want = [c.name for c in table.columns]
            if sorted(have) != sorted(want):
                log.warning("input table %s does not match its schema; recreating it", name)
                table.drop(conn, checkfirst=True)
                table.create(conn)

    def write_inputs(self, data: PlanningData | Mapping[str, pd.DataFrame], source: str = "",
                     lang: Language = "sv") -> str:
        """Validate and store all input tables in one transaction, replacing the old ones.

        Returns
        -------
        The input checksum (SHA-256 of the canonical CSV of all inputs).

        Raises
        ------
        ValidationFailed
            With every problem; nothing is written then.
        """
        tables = data.tables() if isinstance(data, PlanningData) else dict(data)
        issues = validate(tables)
        if issues:
            raise ValidationFailed(issues, lang)
        canon = coerce_tables(tables)
        checksum = _checksum_canonical(canon)
        with self._tx() as conn:
            self._ensure_input_tables(conn)
            for name, table in self.inputs.items():
                conn.execute(table.delete())
                self._insert_input(conn, name, canon[name])
            self._set_meta(conn, {"checksum": checksum, "source": source,
                                  "loaded_at": _utcnow().isoformat()})
        log.info("stored inputs from %s (checksum %s)", source, checksum[:12])
        return checksum

    def _insert_input(self, conn: Connection, name: str, df: pd.DataFrame,
                      first_row: int = 0) -> None:
        if df.empty:
            return
        frame = df.copy()
        frame["_row"] = np.arange(first_row, first_row + len(frame), dtype="int64")
        dates = tuple(c.name for c in SCHEMAS[name].columns if c.dtype == "date")
        _bulk_insert(conn, name, frame, dates)

    def _set_meta(self, conn: Connection, values: Mapping[str, str]) -> None:
        conn.execute(self.t_meta.delete().where(self.t_meta.c.key.in_(list(values))))
        conn.execute(self.t_meta.insert(), [{"key": k, "value": v} for k, v in values.items()])

    def meta_info(self) -> dict[str, str]:
        """``checksum``, ``source`` and ``loaded_at`` of the stored inputs (empty if none)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(self.t_meta)).all()
        return {r.key: r.value for r in rows}

    def has_inputs(self) -> bool:
        """True once inputs have been written."""
        return "checksum" in self.meta_info()

    def input_checksum(self) -> str:
        """Checksum of the stored inputs (``""`` if none are stored)."""
        return self.meta_info().get("checksum", "")

    def _read_table(self, conn: Connection, name: str) -> pd.DataFrame:
        # plain driver rows (no per-value type processing: SQLite gives 0/1 and ISO text),
        # then parsed into the schema dtypes like any other input
        cols = list(SCHEMAS[name].column_names)
        prep = conn.dialect.identifier_preparer
        sql = (f"SELECT {', '.join(prep.quote(c) for c in cols)} FROM {prep.quote(name)} "
               f"ORDER BY {prep.quote('_row')}")
        rows = conn.exec_driver_sql(sql).all()
        if rows:
            arrays = list(zip(*rows, strict=True))
            df = pd.DataFrame({c: pd.Series(arrays[i], dtype=object)
                               for i, c in enumerate(cols)})
        else:
            df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        return coerce_table(name, df)

    def read_table(self, name: str) -> pd.DataFrame:
        """One stored input table in canonical dtypes."""
        if name not in self.inputs:
            raise KeyError(f"unknown input table {name!r}")
        with self.engine.connect() as conn:
            return self._read_table(conn, name)

    def read_inputs(self) -> PlanningData:
        """All stored input tables (in one read transaction).

        Raises
        ------
        StoreError
            If no inputs have been stored yet.
        """
        with self.engine.begin() as conn:
            if conn.execute(sa.select(self.t_meta.c.value).where(
                    self.t_meta.c.key == "checksum")).first() is None:
                raise StoreError("the store holds no input data; run `pks load` first")
            tables = {name: self._read_table(conn, name) for name in self.inputs}
        return PlanningData.from_tables(tables)

    def row_counts(self) -> dict[str, int]:
        """Number of rows of every input table."""
        with self.engine.connect() as conn:
            return {name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                              or 0) for name, t in self.inputs.items()}

    def replace_actuals(self, tables: Mapping[str, pd.DataFrame], lang: Language = "sv") -> None:
        """Upsert rows of the ``actuals_*`` tables by key, after validation.

        The new rows are validated together with the stored inputs (unknown units, care
        types or staff categories are rejected); stored rows with the same key are
        replaced, others kept. One transaction; nothing is written on any problem.
        """
        unknown = [n for n in tables if n not in ACTUALS_TABLES]
        if unknown:
            raise ValidationFailed([Issue(n, None, "", n, "|".join(ACTUALS_TABLES),
                                          "unknown_actuals_table") for n in unknown], lang)
        current = self.read_inputs().tables()
        issues = validate({**current, **tables})
        if issues:
            raise ValidationFailed(issues, lang)
        merged = dict(current)
        for name, new in tables.items():
            key = list(SCHEMAS[name].key)
            new_c = coerce_table(name, new)
            old = current[name]
            keys_new = pd.MultiIndex.from_frame(new_c[key].astype(object))
            keep = ~pd.MultiIndex.from_frame(old[key].astype(object)).isin(keys_new)
            merged[name] = pd.concat([old[keep], new_c], ignore_index=True) if len(old) else new_c
        checksum = _checksum_canonical(merged)
        with self._tx() as conn:
            for name in tables:
                conn.execute(self.inputs[name].delete())
                self._insert_input(conn, name, merged[name])
            self._set_meta(conn, {"checksum": checksum, "actuals_at": _utcnow().isoformat()})

    # -- runs --------------------------------------------------------------------------

    def _series_filter(self, kind: str, scenario: str, level: str | None,
                       node_id: str | None) -> sa.ColumnElement[bool]:
        r = self.t_runs.c
        return sa.and_(r.kind == kind, r.scenario == scenario,
                       r.level.is_(None) if level is None else r.level == level,
                       r.node_id.is_(None) if node_id is None else r.node_id == node_id)

    def save_run(self, kind: str, tables: Mapping[str, pd.DataFrame], *, scenario: str,
                 level: str | None = None, node_id: str | None = None,
                 config: Any = None, parent_run_id: str | None = None,
                 status: str = "draft", note: str = "") -> str:
        """Store a run and its result frames in one transaction; return its new run id.

        ``tables`` maps a result name (``plan_production``...) to a frame, stored in SQL
        table ``result_<name>``. ``config`` is the resolved configuration (a pydantic
        model or a JSON-able mapping). The run supersedes the latest earlier run of the
        same kind, scenario, level and node; saving never touches another series.
        """
        if kind not in RUN_KINDS:
            raise StoreError(f"unknown run kind {kind!r}; expected one of {RUN_KINDS}")
        if status not in PLAN_STATUSES:
            raise StoreError(f"unknown status {status!r}; expected one of {PLAN_STATUSES}")
        for name in tables:
            if not _NAME_RE.match(name):
                raise StoreError(f"result name {name!r} must be lower-case letters, digits "
                                 "and _ (at most 56 characters)")
        config_json = self._config_json(config)
        prepared = {name: self._prepare_frame(name, df) for name, df in tables.items()}
        now = _utcnow()
        run_id = f"{now:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:8]}"
        with self._tx() as conn:
            if parent_run_id is not None and conn.execute(sa.select(self.t_runs.c.run_id).where(
                    self.t_runs.c.run_id == parent_run_id)).first() is None:
                raise KeyError(f"unknown parent run {parent_run_id!r}")
            prev = conn.execute(
                sa.select(self.t_runs.c.run_id)
                .where(self._series_filter(kind, scenario, level, node_id))
                .order_by(self.t_runs.c.created_at.desc(), self.t_runs.c.run_id.desc())
                .limit(1)).scalar()
            checksum = conn.execute(sa.select(self.t_meta.c.value).where(
                self.t_meta.c.key == "checksum")).scalar() or ""
            conn.execute(self.t_runs.insert().values(
                run_id=run_id, kind=kind, scenario=scenario, level=level, node_id=node_id,
                status=status, created_at=now.isoformat(), input_checksum=checksum,
                config_json=config_json, versions_json=json.dumps(package_versions(),
                                                                  sort_keys=True),
                supersedes=prev, superseded_by=None, parent_run_id=parent_run_id, note=note,
                tables_json=json.dumps(list(tables))))
            for name, (frame, catalogue) in prepared.items():
                self._write_result(conn, run_id, name, frame, catalogue)
            self._log_status(conn, run_id, status, "pks", now, "saved")
            if status == "adopted":
                self._supersede_adopted(conn, run_id, kind, scenario, level, node_id, "pks", now)
        log.info("saved %s run %s (%s)", kind, run_id, ", ".join(tables))
        return run_id

    @staticmethod
    def _config_json(config: Any) -> str:
        if config is None:
            return "{}"
        if hasattr(config, "model_dump"):
            config = config.model_dump(mode="json")
        return redact(json.dumps(config, sort_keys=True, default=str, ensure_ascii=False))

    @staticmethod
    def _prepare_frame(name: str, df: pd.DataFrame
                       ) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
        """Flatten the index into columns and describe every column's dtype."""
        frame = df
        index_cols: list[str] = []
        default_index = isinstance(df.index, pd.RangeIndex) and df.index.start == 0 \
            and df.index.step == 1 and df.index.name is None
        if not default_index:
            names = [n if n is not None else f"level_{i}" for i, n in enumerate(df.index.names)]
            if len(names) == 1 and names[0] == "level_0":
                names = ["index"]
            frame = df.copy()
            frame.index = frame.index.set_names(names)
            index_cols = list(names)
            frame = frame.reset_index()
        catalogue = []
        seen = set()
        for pos, col in enumerate(frame.columns):
            if not isinstance(col, str) or col in ("run_id", "_row") or col in seen:
                raise StoreError(f"result table {name}: column name {col!r} is not a unique "
                                 "text name (run_id and _row are reserved)")
            seen.add(col)
            family, extra = _family(frame[col], name)
            catalogue.append({"position": pos, "column_name": col,
                              "role": "index" if col in index_cols else "column",
                              "dtype": str(frame[col].dtype), "family": family,
                              "extra_json": json.dumps(extra)})
        return frame, catalogue

    def _write_result(self, conn: Connection, run_id: str, name: str, frame: pd.DataFrame,
                      catalogue: list[dict[str, Any]]) -> None:
        rs = self.t_rschema.c
        known = {r.column_name: r.family for r in conn.execute(
            sa.select(self.t_rschema).where(rs.table_name == name)).all()}
        for entry in catalogue:
            col, fam = entry["column_name"], entry["family"]
            if col in known and known[col] != fam:
                raise StoreError(f"result table {name}: column {col!r} is stored as {known[col]} "
                                 f"in earlier runs but is {fam} now")
        columns = dict(known)
        new_cols = {e["column_name"]: e["family"] for e in catalogue
                    if e["column_name"] not in known}
        columns.update(new_cols)
        table = self._result_table(name, columns)
        if not known:
            table.create(conn, checkfirst=True)
        else:
            prep = conn.dialect.identifier_preparer
            for col, fam in new_cols.items():
                coltype = _FAMILY_SQL[fam]().compile(dialect=conn.dialect)
                conn.exec_driver_sql(
                    f"ALTER TABLE {prep.quote(table.name)} ADD COLUMN {prep.quote(col)} {coltype}")
        if new_cols:
            conn.execute(self.t_rschema.insert(), [
                {"table_name": name, "column_name": c, "family": f} for c, f in new_cols.items()])
        conn.execute(self.t_rcols.insert(), [{"run_id": run_id, "table_name": name, **e}
                                              for e in catalogue])
        if len(frame):
            out = frame.copy()
            out.insert(0, "_row", np.arange(len(out), dtype="int64"))
            out.insert(0, "run_id", run_id)
            _bulk_insert(conn, table.name, out)

    def _log_status(self, conn: Connection, run_id: str, status: str, by: str,
                    at: dt.datetime, note: str) -> None:
        conn.execute(self.t_log.insert().values(run_id=run_id, status=status, by=by,
                                                at=at.isoformat(), note=note))

    def _supersede_adopted(self, conn: Connection, run_id: str, kind: str, scenario: str,
                           level: str | None, node_id: str | None, by: str,
                           at: dt.datetime) -> None:
        r = self.t_runs.c
        old = conn.execute(sa.select(r.run_id).where(
            self._series_filter(kind, scenario, level, node_id), r.status == "adopted",
            r.run_id != run_id)).scalars().all()
        for old_id in old:
            conn.execute(self.t_runs.update().where(r.run_id == old_id).values(
                status=SUPERSEDED, superseded_by=run_id))
            self._log_status(conn, old_id, SUPERSEDED, by, at, f"superseded by {run_id}")

    def set_plan_status(self, run_id: str, status: str, by: str, note: str = "") -> None:
        """Move a plan forward: draft → proposed → agreed → adopted.

        An adopted plan is never changed; adopting a plan supersedes the previously
        adopted plan of the same scenario, level and node (its status becomes
        ``superseded``; its tables stay as they were).

        Raises
        ------
        KeyError
            If the run does not exist.
        PlanStatusError
            If the run is not a plan, the status is unknown, the move goes backwards or
            the plan is adopted or superseded already.
        """
        if status not in PLAN_STATUSES:
            raise PlanStatusError(f"unknown status {status!r}; expected one of {PLAN_STATUSES}")
        now = _utcnow()
        r = self.t_runs.c
        with self._tx() as conn:
            row = conn.execute(sa.select(self.t_runs).where(r.run_id == run_id)).first()
            if row is None:
                raise KeyError(f"unknown run {run_id!r}")
            if row.kind != "plan":
                raise PlanStatusError(f"run {run_id} is a {row.kind} run, not a plan")
            if row.status in ("adopted", SUPERSEDED):
                raise PlanStatusError(f"plan {run_id} is {row.status} and can no longer change")
            if PLAN_STATUSES.index(status) <= PLAN_STATUSES.index(row.status):
                raise PlanStatusError(f"plan {run_id} is {row.status}; it can only move "
                                      f"forward ({' → '.join(PLAN_STATUSES)})")
            conn.execute(self.t_runs.update().where(r.run_id == run_id).values(status=status))
            self._log_status(conn, run_id, status, by, now, note)
            if status == "adopted":
                self._supersede_adopted(conn, run_id, row.kind, row.scenario, row.level,
                                        row.node_id, by, now)

    def status_log(self, run_id: str | None = None) -> pd.DataFrame:
        """Plan-status changes (oldest first), optionally of one run."""
        q = sa.select(self.t_log).order_by(self.t_log.c.id)
        if run_id is not None:
            q = q.where(self.t_log.c.run_id == run_id)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame([r._asdict() for r in rows],
                            columns=["id", "run_id", "status", "by", "at", "note"])

    @staticmethod
    def _info(row: Any) -> RunInfo:
        return RunInfo(
            run_id=row.run_id, kind=row.kind, scenario=row.scenario, level=row.level,
            node_id=row.node_id, status=row.status,
            created_at=dt.datetime.fromisoformat(row.created_at),
            input_checksum=row.input_checksum, config=json.loads(row.config_json),
            versions=json.loads(row.versions_json), supersedes=row.supersedes,
            superseded_by=row.superseded_by, parent_run_id=row.parent_run_id, note=row.note,
            tables=tuple(json.loads(row.tables_json)))

    def _runs_query(self, kind: str | None, scenario: str | None, level: str | None,
                    status: str | None) -> sa.Select[Any]:
        r = self.t_runs.c
        q = sa.select(self.t_runs).order_by(r.created_at.desc(), r.run_id.desc())
        for col, val in ((r.kind, kind), (r.scenario, scenario), (r.level, level),
                         (r.status, status)):
            if val is not None:
                q = q.where(col == val)
        return q

    def runs(self, kind: str | None = None, scenario: str | None = None,
             level: str | None = None, status: str | None = None) -> pd.DataFrame:
        """Stored runs, newest first, optionally filtered."""
        with self.engine.connect() as conn:
            rows = conn.execute(self._runs_query(kind, scenario, level, status)).all()
        cols = [c.name for c in self.t_runs.columns]
        df = pd.DataFrame([tuple(r) for r in rows], columns=cols)
        df["created_at"] = pd.to_datetime(df["created_at"], utc=True, format="ISO8601")
        return df

    def run(self, run_id: str) -> RunInfo:
        """Provenance of one run; raises ``KeyError`` if unknown."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.t_runs).where(
                self.t_runs.c.run_id == run_id)).first()
        if row is None:
            raise KeyError(f"unknown run {run_id!r}")
        return self._info(row)

    def latest_run(self, kind: str, scenario: str | None = None, level: str | None = None,
                   status: str | None = None) -> RunInfo | None:
        """Newest run matching the filters, or ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(self._runs_query(kind, scenario, level, status).limit(1)).first()
        return None if row is None else self._info(row)

    @staticmethod
    def _fetch_result(conn: Connection, table: str, columns: list[str], run_id: str
                      ) -> list[Any]:
        """Plain driver rows of one run (SQLite: booleans 0/1, datetimes as text)."""
        prep = conn.dialect.identifier_preparer
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        sql = (f"SELECT {', '.join(prep.quote(c) for c in columns)} FROM {prep.quote(table)} "
               f"WHERE {prep.quote('run_id')} = {mark} ORDER BY {prep.quote('_row')}")
        return list(conn.exec_driver_sql(sql, (run_id,)).all())

    def load_run_tables(self, run_id: str, names: list[str] | None = None
                        ) -> dict[str, pd.DataFrame]:
        """Result frames of a run exactly as saved (dtypes, order, index).

        Raises
        ------
        KeyError
            If the run or a requested table does not exist.
        """
        info = self.run(run_id)
        wanted = list(info.tables) if names is None else list(names)
        missing = [n for n in wanted if n not in info.tables]
        if missing:
            raise KeyError(f"run {run_id} has no tables {missing}; it has {list(info.tables)}")
        out = {}
        rc = self.t_rcols.c
        with self.engine.begin() as conn:
            for name in wanted:
                cat = conn.execute(sa.select(self.t_rcols).where(
                    rc.run_id == run_id, rc.table_name == name).order_by(rc.position)).all()
                table = self._result_table(name, {e.column_name: e.family for e in cat})
                rows = self._fetch_result(conn, table.name, [e.column_name for e in cat],
                                          run_id) if cat else []
                n = len(rows)
                data = {}
                for j, e in enumerate(cat):
                    vals = [r[j] for r in rows]
                    data[e.column_name] = _restore(vals, e.dtype, e.family,
                                                   json.loads(e.extra_json))
                frame = pd.DataFrame(data, index=pd.RangeIndex(n)) if cat else \
                    pd.DataFrame(index=pd.RangeIndex(0))
                index_cols = [e.column_name for e in cat if e.role == "index"]
                if index_cols:
                    frame = frame.set_index(index_cols)
                    if frame.index.names == ["index"]:
                        frame.index.name = None
                    elif all(n_.startswith("level_") for n_ in frame.index.names if n_):
                        frame.index = frame.index.set_names([None] * frame.index.nlevels)
                out[name] = frame
        return out
