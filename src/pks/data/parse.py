"""Parse raw table columns (text from CSV, cells from Excel) into the schema dtypes.

One job: turn whatever a planner's file holds into canonical pandas dtypes, and tell
which cells could not be parsed. Validation (:mod:`pks.data.checks`) reports the problems;
:func:`coerce_tables` builds the canonical frames once the data are valid.

Canonical dtypes
----------------
======  ==========================================================
str     pandas ``str`` (missing = NaN)
week    pandas ``str`` holding ``YYYY-Www``
int     ``int64`` (``Int64`` if the column has missing values)
float   ``float64``
bool    ``bool`` (``boolean`` if the column has missing values)
date    ``datetime64[ns]`` at midnight
======  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pks.data.schema import SCHEMAS, Dtype, TableSchema, empty_table
from pks.data.weeks import weeks_in_year

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_TRUE = {"true", "1", "1.0", "yes", "ja", "sant", "t", "y", "j", "x"}
_FALSE = {"false", "0", "0.0", "no", "nej", "falskt", "f", "n"}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")


@dataclass(frozen=True)
class ParsedColumn:
    """Result of parsing one column.

    ``values`` has the canonical dtype with NaN/NA where a cell is missing or bad;
    ``missing`` marks empty cells; ``bad`` marks cells that could not be parsed, with
    ``bad_code`` giving the issue code for them.
    """

    values: pd.Series
    missing: np.ndarray
    bad: np.ndarray
    bad_code: str


def is_missing(value: object) -> bool:
    """True for None, NaN, NA, NaT and blank strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _unique_apply(s: pd.Series, func: Any, na: object = None) -> np.ndarray:
    """``func`` applied once per distinct value of ``s`` (``na`` where ``s`` is NA)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    out = np.empty(len(uniques) + 1, dtype=object)
    out[:-1] = [func(u) for u in uniques]
    out[-1] = na  # code -1 (NA) picks the last element
    return out[codes]


def _missing_mask(s: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.isna().to_numpy(dtype=bool, na_value=True)
    blank = _unique_apply(s, lambda v: is_missing(v), na=True)
    return blank.astype(bool)


def _to_text(v: object) -> str:
    """Text of a cell; Excel numbers that are whole become '12' rather than '12.0'."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.isoformat()
    return str(v).strip()


def _num_text(v: object) -> str | None:
    if is_missing(v):
        return None
    return _SPACES.sub("", _to_text(v)).replace("\u2212", "-")


def _to_bool(v: object) -> bool | None:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)) and v in (0, 1):
        return bool(v)
    key = _to_text(v).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def _to_date(v: object) -> pd.Timestamp | None:
    if isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
        ts = pd.Timestamp(v)
    else:
        text = _to_text(v)
        if not re.match(r"^\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?$", text):
            return None
        try:
            ts = pd.Timestamp(text)
        except ValueError:
            return None
    return ts.normalize().tz_localize(None) if ts.tzinfo else ts.normalize()


def _week_status(w: object) -> str:
    m = _WEEK_RE.match(str(w))
    if not m:
        return "bad_week"
    if not 1 <= int(m.group(2)) <= weeks_in_year(int(m.group(1))):
        return "week_not_exist"
    return ""


def _parse_number(s: pd.Series, dtype: Dtype, missing: np.ndarray) -> ParsedColumn:
    n = len(s)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        num = s.astype("float64")
    else:
        obj = s.astype(object)
        num = pd.to_numeric(obj.where(~missing, np.nan), errors="coerce").astype("float64")
        is_bool = np.zeros(n, dtype=bool)
        kind = pd.api.types.infer_dtype(obj, skipna=True)
        if kind not in ("floating", "integer", "mixed-integer-float", "string", "empty",
                        "decimal"):
            is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in obj), bool, n)
            num[is_bool] = np.nan
        retry = num.isna().to_numpy() & ~missing & ~is_bool
        if retry.any():  # spaces as thousands separators, Unicode minus...
            text = _unique_apply(obj[retry], _num_text)
            num[retry] = pd.to_numeric(pd.Series(text), errors="coerce").astype(
                "float64").to_numpy()
    bad = num.isna().to_numpy() & ~missing
    code = "not_a_number"
    if dtype == "int":
        frac = (num % 1 != 0).to_numpy() & ~num.isna().to_numpy()
        bad = bad | frac
        code = "not_an_integer"
    bad = bad | (np.isinf(num.to_numpy()) & ~missing)
    num = num.where(~bad)
    if dtype == "int":
        values = num.astype("Int64") if (missing | bad).any() else num.astype("int64")
    else:
        values = num
    return ParsedColumn(values, missing, bad, code)


def parse_column(s: pd.Series, dtype: Dtype) -> ParsedColumn:
    """Parse ``s`` into ``dtype``; see the module docstring for the canonical dtypes."""
    s = s.reset_index(drop=True)
    missing = _missing_mask(s)
    if dtype in ("float", "int"):
        return _parse_number(s, dtype, missing)
    if dtype == "bool":
        conv = _unique_apply(s, _to_bool)
        conv[missing] = None
        bad = pd.isna(conv) & ~missing
        if (missing | bad).any():
            values = pd.Series(pd.array(list(conv), dtype="boolean"))
        else:
            values = pd.Series(conv.astype(bool))
        return ParsedColumn(values, missing, bad, "not_a_bool")
    if dtype == "date":
        conv = _unique_apply(s, _to_date)
        conv[missing] = None
        bad = pd.isna(conv) & ~missing
        values = pd.Series(pd.to_datetime(pd.Series(conv, dtype=object))).astype(
            "datetime64[ns]")
        return ParsedColumn(values, missing, bad, "bad_date")
    # str and week
    text = _unique_apply(s, _to_text)
    text[missing] = None
    bad = np.zeros(len(s), dtype=bool)
    code = "bad_text"
    if dtype == "week":
        status = _unique_apply(pd.Series(text, dtype=object), _week_status, na="")
        bad = status != ""
        if bad.any():
            kinds = list(status[bad])
            code = max(set(kinds), key=kinds.count)  # the most common kind in the column
        text[bad] = None
    values = pd.Series(text, dtype="str")
    return ParsedColumn(values, missing, bad, code)


def week_issue_code(value: object) -> str:
    """``bad_week`` if ``value`` is not ``YYYY-Www`` text, ``week_not_exist`` if it is."""
    return "week_not_exist" if _WEEK_RE.match(_to_text(value)) else "bad_week"


def coerce_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return table ``name`` with the schema's columns, in order, in canonical dtypes.

    Cells that cannot be parsed become missing; call this on validated data.
    """
    schema: TableSchema = SCHEMAS[name]
    out = {}
    for col in schema.columns:
        if col.name in df.columns:
            out[col.name] = parse_column(df[col.name], col.dtype).values
        else:
            out[col.name] = parse_column(pd.Series([None] * len(df), dtype=object),
                                         col.dtype).values
    frame = pd.DataFrame(out)
    frame.index = pd.RangeIndex(len(frame))
    return frame


def coerce_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Canonical frames of every schema table (missing optional tables become empty)."""
    out = {}
    for name in SCHEMAS:
        if name in tables:
            out[name] = coerce_table(name, tables[name])
        else:
            out[name] = coerce_table(name, empty_table(name))
    return out
