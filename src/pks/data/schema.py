"""Declared table schemas: one CSV per table in ``pks/data/schema/``.

Each schema row gives a column's dtype, unit, allowed range or values, whether it is
required and part of the key, and which table column it references. The schemas drive
validation (:mod:`pks.data.checks`), the Excel template and the generated data-model
reference in ``docs/data-model.md``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, get_args

import pandas as pd

Dtype = Literal["str", "int", "float", "bool", "week", "date"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table schema."""

    name: str
    dtype: Dtype
    unit: str
    min: float | None
    max: float | None
    required: bool
    key: bool
    references: tuple[str, str] | None
    """``(table, column)`` the value must exist in, or ``None``."""
    allowed: tuple[str, ...] | None
    description: str
    description_sv: str


@dataclass(frozen=True)
class TableSchema:
    """Schema of one tidy table."""

    name: str
    group: str
    required: bool
    description: str
    description_sv: str
    columns: tuple[ColumnSpec, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """All column names in declared order."""
        return tuple(c.name for c in self.columns)

    @property
    def key(self) -> tuple[str, ...]:
        """Columns forming the primary key."""
        return tuple(c.name for c in self.columns if c.key)

    def column(self, name: str) -> ColumnSpec:
        """Return the spec of column ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _opt_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _dtype(text: str) -> Dtype:
    """The column type named in a schema CSV; anything but a :data:`Dtype` is an error."""
    for dtype in get_args(Dtype):
        if text == dtype:
            return dtype
    raise ValueError(f"unknown column dtype {text!r} (one of {', '.join(get_args(Dtype))})")


def _reference(text: str) -> tuple[str, str]:
    """``table.column`` of a foreign key as ``(table, column)``."""
    table, _, column = text.partition(".")
    return table, column


def _read_columns(table: str) -> tuple[ColumnSpec, ...]:
    path = resources.files("pks.data").joinpath("schema", f"{table}.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    cols = []
    for r in rows:
        ref = r["references"].strip()
        allowed = r["allowed"].strip()
        cols.append(
            ColumnSpec(
                name=r["column"],
                dtype=_dtype(r["dtype"]),
                unit=r["unit"],
                min=_opt_float(r["min"]),
                max=_opt_float(r["max"]),
                required=r["required"] == "yes",
                key=r["key"] == "yes",
                references=_reference(ref) if ref else None,
                allowed=tuple(allowed.split("|")) if allowed else None,
                description=r["description"],
                description_sv=r["description_sv"],
            )
        )
    return tuple(cols)


@cache
def load_schemas() -> dict[str, TableSchema]:
    """Read every table schema shipped with the package, in declared order."""
    path = resources.files("pks.data").joinpath("schema", "_tables.csv")
    tables = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return {
        t["table"]: TableSchema(
            name=t["table"],
            group=t["group"],
            required=t["required"] == "yes",
            description=t["description"],
            description_sv=t["description_sv"],
            columns=_read_columns(t["table"]),
        )
        for t in tables
    }


SCHEMAS: dict[str, TableSchema] = load_schemas()
TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty frame with the declared columns of table ``name``."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in SCHEMAS[name].column_names})
