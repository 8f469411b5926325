"""Validation of governance inputs with the data layer's issues (:class:`pks.data.checks.Issue`).

Governance tables (measures, comments, calendar) are records, not planning inputs, so they
are not in the input schema; they are checked here against a small declared spec with the
same wording as every other table: table, row, column, value and what was expected, every
problem at once. Callers raise :class:`pks.data.checks.ValidationFailed` and write nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pks.data.checks import Issue

Kind = Literal["str", "int", "float", "date", "month", "monthday"]


@dataclass(frozen=True)
class Field:
    """One declared column of a governance table."""

    name: str
    kind: Kind
    required: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None


_FORMATS = {"date": "YYYY-MM-DD", "month": "YYYY-MM", "monthday": "MM-DD"}


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or \
        (isinstance(v, str) and not v.strip()) or v is pd.NA or v is pd.NaT


def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_value(v: object, kind: Kind) -> object:
    """The typed value, or raise ``ValueError`` with the issue code."""
    if kind == "str":
        return _text(v)
    if kind == "float":
        try:
            return float(str(v).replace("\u2212", "-").replace(",", ".").replace(" ", ""))
        except ValueError:
            raise ValueError("not_a_number") from None
    if kind == "int":
        try:
            f = float(str(v).replace(" ", ""))
        except ValueError:
            raise ValueError("not_an_integer") from None
        if not f.is_integer():
            raise ValueError("not_an_integer")
        return int(f)
    if kind == "date":
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        try:
            return dt.date.fromisoformat(_text(v)[:10]).isoformat()
        except ValueError:
            raise ValueError("bad_date") from None
    if kind == "monthday":
        try:
            dt.date.fromisoformat(f"2000-{_text(v)}")  # a leap year: 02-29 is valid
        except ValueError:
            raise ValueError("bad_date") from None
        return _text(v)
    try:
        y, m = _text(v).split("-")
        if len(y) != 4 or not 1 <= int(m) <= 12:
            raise ValueError
        return f"{int(y):04d}-{int(m):02d}"
    except ValueError:
        raise ValueError("bad_date") from None


def check_frame(table: str, df: pd.DataFrame, fields: tuple[Field, ...]
                ) -> tuple[pd.DataFrame, list[Issue]]:
    """Parse ``df`` against ``fields``: typed frame and every issue (rows are 1-based).

    Unknown and missing columns, missing required values, values of the wrong type, values
    outside the allowed set or range are all reported; the frame is only usable when no
    issue was found.
    """
    issues: list[Issue] = []
    names = [f.name for f in fields]
    present = [str(c) for c in df.columns]
    for c in present:
        if c not in names:
            issues.append(Issue(table, None, c, c, ", ".join(names), "unknown_column"))
    for f in fields:
        if f.required and f.name not in present:
            issues.append(Issue(table, None, f.name, "", f.kind, "missing_column"))
    out: dict[str, list[object]] = {f.name: [] for f in fields}
    for pos, rec in enumerate(df.to_dict("records"), start=1):
        for f in fields:
            raw = rec.get(f.name)
            if _missing(raw):
                if f.required and f.name in present:
                    issues.append(Issue(table, pos, f.name, "", f.kind, "missing_value"))
                out[f.name].append(None)
                continue
            try:
                val = parse_value(raw, f.kind)
            except ValueError as exc:
                expected = _FORMATS.get(f.kind, f.kind)
                issues.append(Issue(table, pos, f.name, _text(raw), expected, str(exc)))
                out[f.name].append(None)
                continue
            if f.allowed is not None and val not in f.allowed:
                issues.append(Issue(table, pos, f.name, str(val), "|".join(f.allowed),
                                    "not_allowed"))
            if isinstance(val, (int, float)) and f.min is not None and val < f.min:
                issues.append(Issue(table, pos, f.name, _text(val), f"≥ {_text(f.min)}",
                                    "below_min"))
            if isinstance(val, (int, float)) and f.max is not None and val > f.max:
                issues.append(Issue(table, pos, f.name, _text(val), f"≤ {_text(f.max)}",
                                    "above_max"))
            out[f.name].append(val)
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in out.items()},
                         columns=names)
    return frame, issues


def check_refs(table: str, values: pd.Series, known: set[str], column: str,
               target: str) -> list[Issue]:
    """An ``unknown_id`` issue for each value not in ``known`` (missing values skipped)."""
    return [Issue(table, pos, column, str(v), target, "unknown_id")
            for pos, v in enumerate(values, start=1)
            if v is not None and not _missing(v) and str(v) not in known]


def check_unique(table: str, values: pd.Series, column: str) -> list[Issue]:
    """A ``duplicate_key`` issue for each repeated value (pointing at its first row)."""
    first: dict[str, int] = {}
    issues = []
    for pos, v in enumerate(values, start=1):
        if v is None or _missing(v):
            continue
        k = str(v)
        if k in first:
            issues.append(Issue(table, pos, column, k, str(first[k]), "duplicate_key"))
        else:
            first[k] = pos
    return issues
