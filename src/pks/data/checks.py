"""Validation of planning input tables: every problem at once, in words a planner can act on.

:func:`validate` takes raw or parsed frames (text from a CSV file, cells from an Excel
sheet, or canonical frames) and returns one :class:`Issue` per problem: structure
(missing tables and columns, unknown columns), cells (dtype, range, allowed values,
missing values, ISO weeks that do not exist, values in the wrong magnitude), keys
(duplicates), references between tables, the organisation tree (orphans, cycles, more
than one root) and cross-table rules (care types without resource use, shares that do
not sum to one, availability above one, gaps in the weekly history...).

Row numbers are 1-based *data* rows: row 1 is the first row under the header.

Examples
--------
>>> import pandas as pd
>>> issues = validate({"staff_categories": pd.DataFrame({
...     "staff_category": ["lakare"], "name_sv": ["Läkare"], "name_en": ["Physicians"],
...     "contracted_h_per_fte_year": ["17 00"]})})
>>> sorted({i.code for i in issues})[:2]
['above_max', 'missing_table']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pks.data.parse import ParsedColumn, parse_column, week_issue_code
from pks.data.schema import SCHEMAS, ColumnSpec
from pks.data.weeks import week_range
from pks.i18n import format_number, t
from pks.types import Language

log = logging.getLogger(__name__)

SHARE_TOLERANCE = 1e-3
"""Shares that must sum to one may deviate by this much (rounding in spreadsheets)."""

FTE_PER_UNIT_MAX = 500.0
"""A staffing target above this per unit and category looks like hours, not FTE."""

H_PER_CASE_MAX = 200.0
"""Staff hours per case above this look like minutes, not hours."""

DATE_MIN = pd.Timestamp("2000-01-01")
DATE_MAX = pd.Timestamp("2100-12-31")
"""Dates outside these bounds are outside any planning horizon (the schema's year range of
budget frames and cost indices, 2000–2100): a validity date of 1899-12-31 is Excel's
day zero, not a date someone meant."""

FRAME_CASCADE_TOLERANCE_PU = 0.005
"""A parent's frame may fall below the sum of the frames it distributes by this share of
that sum (rounding to whole kronor in the spreadsheets); below that it is an error."""

FORMULA_START = re.compile(
    r"^(?:'?[\t\r]|['\s]*[=@]|['\s]*[+\-](?![\d.,]+([eE][+-]?\d+)?\s*$))")
"""Text a spreadsheet would run as a formula: ``=``, ``+``, ``-`` or ``@`` first (also after
blanks or an escaping apostrophe), or a tab or carriage return first (CSV injection); a
plain signed number (``-1``, ``+0.5``) is not a formula."""

YEAR_SPACES = re.compile(r"\S\s+\S")
"""A year written with blanks inside (``" 20 26"``): rejected rather than read as 2026."""


@dataclass(frozen=True)
class Issue:
    """One problem in the input data.

    Attributes
    ----------
    table : table (CSV file or Excel sheet) name.
    row : 1-based data row (first row under the header is 1), or ``None`` for
        table- or column-level problems.
    column : column name (several joined with ``,`` for keys), or ``""``.
    value : the offending value as text.
    expected : what was expected (language-neutral: a range, allowed values, an id...).
    code : stable machine code, e.g. ``duplicate_key``, ``unknown_id``, ``wrong_magnitude``.
    hint : sub-kind for some codes (``hours_as_fte``, ``percent_as_share``...).
    """

    table: str
    row: int | None
    column: str
    value: str
    expected: str
    code: str
    hint: str = ""

    def message(self, lang: Language = "sv") -> str:
        """The issue as one line, e.g. ``staffing, rad 12, kolumn x: ...``."""
        where = [self.table]
        if self.row is not None:
            where.append(t("data.where.row", lang, row=self.row))
        if self.column:
            where.append(t("data.where.column", lang, column=self.column))
        return f"{', '.join(where)}: {self.text(lang)}"

    def text(self, lang: Language = "sv") -> str:
        """What is wrong and what was expected, without the location."""
        key = f"data.issue.{self.code}" + (f".{self.hint}" if self.hint else "")
        text = t(key, lang, value=self.value, expected=self.expected)
        if text == key:  # no catalogue entry: generic text
            text = t("data.issue.generic", lang, code=self.code, value=self.value,
                     expected=self.expected)
        return text


class ValidationFailed(Exception):
    """Input data did not validate; ``.issues`` lists every problem found."""

    def __init__(self, issues: Iterable[Issue], lang: Language = "sv",
                 max_lines: int = 50) -> None:
        self.issues: list[Issue] = list(issues)
        self.lang = lang
        super().__init__(format_issues(self.issues, lang, max_lines))


def format_issues(issues: list[Issue], lang: Language = "sv", max_lines: int = 50) -> str:
    """Readable multi-line text: a headline and one line per issue (at most ``max_lines``)."""
    lines = [t("data.validation_failed", lang, n=len(issues))]
    shown = issues if max_lines <= 0 else issues[:max_lines]
    lines += [f"  - {i.message(lang)}" for i in shown]
    if len(shown) < len(issues):
        lines.append(t("data.more_issues", lang, n=len(issues) - len(shown)))
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return format_number(value, "en", 6).rstrip("0").rstrip(".").replace(",", "")
    return str(value)


def _raw(df: pd.DataFrame, col: str, pos: int) -> str:
    v = df[col].iloc[pos]
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return _fmt(v)


class _Ctx:
    """Parsed columns of every table and the issues found so far."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        self.raw = {k: v.reset_index(drop=True) for k, v in tables.items()}
        self.parsed: dict[str, dict[str, ParsedColumn]] = {}
        self.issues: list[Issue] = []

    def add(self, table: str, row: int | np.integer[Any] | None, column: str, value: object,
            expected: str, code: str, hint: str = "") -> None:
        self.issues.append(Issue(table, None if row is None else int(row), column,
                                 "" if value is None else _fmt(value), expected, code, hint))

    def col(self, table: str, column: str) -> pd.Series | None:
        """Parsed values (NaN where missing or bad), or ``None`` if the column is absent."""
        p = self.parsed.get(table, {}).get(column)
        return None if p is None else p.values

    def val(self, table: str, column: str) -> pd.Series:
        """Parsed values of a column known to be present (see :meth:`ok`)."""
        values = self.col(table, column)
        if values is None:
            raise KeyError(f"{table}.{column} was not parsed")
        return values

    def ok(self, table: str, columns: Iterable[str]) -> np.ndarray | None:
        """Rows whose ``columns`` all parsed to a value; ``None`` if a column is absent."""
        cols = list(columns)
        pt = self.parsed.get(table, {})
        if not all(c in pt for c in cols):
            return None
        n = len(self.raw[table])
        mask = np.ones(n, dtype=bool)
        for c in cols:
            mask &= ~(pt[c].missing | pt[c].bad)
        return mask


# --------------------------------------------------------------------------- structure


def _check_structure(ctx: _Ctx) -> None:
    for name in ctx.raw:
        if name not in SCHEMAS:
            ctx.add(name, None, "", name, ", ".join(SCHEMAS), "unknown_table")
    for name, schema in SCHEMAS.items():
        if name not in ctx.raw:
            if schema.required:
                ctx.add(name, None, "", "", name, "missing_table")
            continue
        df = ctx.raw[name]
        if schema.required and len(df) == 0:
            ctx.add(name, None, "", "", name, "empty_table")
        present = [str(c) for c in df.columns]
        for c in present:
            if c not in schema.column_names:
                ctx.add(name, None, c, c, ", ".join(schema.column_names), "unknown_column")
        dup = {c for c in present if present.count(c) > 1}
        for c in sorted(dup):
            ctx.add(name, None, c, c, "", "duplicate_column")
        for spec in schema.columns:
            if spec.name not in present:
                if spec.required or spec.key:
                    ctx.add(name, None, spec.name, "", spec.dtype, "missing_column")
                continue
            if spec.name in dup:
                continue
            ctx.parsed.setdefault(name, {})[spec.name] = parse_column(df[spec.name], spec.dtype)


# --------------------------------------------------------------------------- cells


def _magnitude_rule(table: str, spec: ColumnSpec, v: float) -> tuple[str, str] | None:
    """Targeted heuristics for values in the wrong unit: ``(hint, expected)`` or None."""
    if table == "staffing" and spec.name == "staffing_target_fte" and v > FTE_PER_UNIT_MAX:
        return "hours_as_fte", _fmt(FTE_PER_UNIT_MAX)
    if spec.name == "staff_h_per_case" and v > H_PER_CASE_MAX:
        return "minutes_as_hours", _fmt(H_PER_CASE_MAX)
    if spec.name.endswith("_pu") and spec.max is not None and spec.max <= 1 < v <= 100:
        return "percent_as_share", _fmt(spec.max)
    if spec.name == "cost_sek_per_fte_year" and 100 <= v < (spec.min or 0):
        return "ksek_as_sek", _fmt(spec.min or 0)
    if spec.name == "frame_sek" and 0 < v < 1e5:
        return "ksek_as_sek", "1e5"
    return None


def _suspect(table: str, column: str, num: np.ndarray) -> np.ndarray:
    """Cheap vectorised pre-filter for :func:`_magnitude_rule` on in-range values."""
    with np.errstate(invalid="ignore"):
        if table == "staffing" and column == "staffing_target_fte":
            return num > FTE_PER_UNIT_MAX
        if column == "staff_h_per_case":
            return num > H_PER_CASE_MAX
        if column == "frame_sek":
            return (num > 0) & (num < 1e5)
    return np.zeros(len(num), dtype=bool)


def _check_cells(ctx: _Ctx) -> None:
    for name, cols in ctx.parsed.items():
        schema = SCHEMAS[name]
        raw = ctx.raw[name]
        for cname, p in cols.items():
            spec = schema.column(cname)
            for pos in np.flatnonzero(p.bad):
                code = p.bad_code
                expected: str = spec.dtype
                if spec.dtype == "week":
                    code = week_issue_code(raw[cname].iloc[pos])
                    expected = "YYYY-Www"
                elif spec.dtype == "date":
                    expected = "YYYY-MM-DD"
                ctx.add(name, pos + 1, cname, _raw(raw, cname, int(pos)), expected, code)
            if spec.required or spec.key:
                for pos in np.flatnonzero(p.missing):
                    ctx.add(name, pos + 1, cname, "", spec.dtype, "missing_value")
            vals = p.values
            if spec.allowed is not None:
                ok = ~(p.missing | p.bad)
                allowed = set(spec.allowed)
                badv = ok & ~vals.astype(object).isin(allowed).to_numpy()
                for pos in np.flatnonzero(badv):
                    ctx.add(name, pos + 1, cname, vals.iloc[pos], "|".join(spec.allowed),
                            "not_allowed")
            if spec.dtype in ("int", "float") and (spec.min is not None or spec.max is not None):
                num = vals.astype("float64").to_numpy()
                with np.errstate(invalid="ignore"):
                    lo = num < spec.min if spec.min is not None else np.zeros(len(num), bool)
                    hi = num > spec.max if spec.max is not None else np.zeros(len(num), bool)
                for pos in np.flatnonzero(lo):
                    v = float(num[pos])
                    if v < 0 <= (spec.min or 0):
                        ctx.add(name, pos + 1, cname, v, f"≥ {_fmt(spec.min)}", "negative_value")
                    else:
                        rule = _magnitude_rule(name, spec, v)
                        if rule:
                            ctx.add(name, pos + 1, cname, v, rule[1], "wrong_magnitude", rule[0])
                        else:
                            ctx.add(name, pos + 1, cname, v, f"≥ {_fmt(spec.min)}", "below_min")
                for pos in np.flatnonzero(hi):
                    v = float(num[pos])
                    rule = _magnitude_rule(name, spec, v)
                    if rule:
                        ctx.add(name, pos + 1, cname, v, rule[1], "wrong_magnitude", rule[0])
                    else:
                        ctx.add(name, pos + 1, cname, v, f"≤ {_fmt(spec.max)}", "above_max")
                # values inside the schema range that still look like the wrong unit
                inrange = ~lo & ~hi & ~np.isnan(num)
                for pos in np.flatnonzero(inrange & _suspect(name, cname, num)):
                    v = float(num[pos])
                    rule = _magnitude_rule(name, spec, v)
                    if rule:
                        ctx.add(name, pos + 1, cname, v, rule[1], "wrong_magnitude", rule[0])
            _check_text_rules(ctx, name, spec, raw[cname], p)


def _raw_text_hits(raw: pd.Series, pattern: re.Pattern[str]) -> np.ndarray:
    """Rows whose raw cell is text matching ``pattern`` (each distinct value tested once)."""
    def hit(v: object) -> bool:
        return isinstance(v, str) and pattern.search(v) is not None
    codes, uniques = pd.factorize(raw.reset_index(drop=True), use_na_sentinel=True)
    flags = np.array([hit(u) for u in uniques] + [False], dtype=bool)
    return flags[codes]


def _check_text_rules(ctx: _Ctx, name: str, spec: ColumnSpec, raw: pd.Series,
                      p: ParsedColumn) -> None:
    """Formula-like text in text columns, years with blanks, dates outside 2000–2100."""
    if spec.dtype == "str":
        for pos in np.flatnonzero(_raw_text_hits(raw, FORMULA_START)):
            ctx.add(name, pos + 1, spec.name, repr(str(raw.iloc[pos]))[1:-1][:60],
                    "text not starting with = + - @ tab", "formula_text")
    elif spec.unit == "year":
        for pos in np.flatnonzero(_raw_text_hits(raw, YEAR_SPACES) & ~p.bad):
            ctx.add(name, pos + 1, spec.name, str(raw.iloc[pos]), "YYYY", "bad_year")
    elif spec.dtype == "date":
        vals = p.values
        ok = ~(p.missing | p.bad)
        with np.errstate(invalid="ignore"):
            out = ok & ((vals < DATE_MIN) | (vals > DATE_MAX)).to_numpy(dtype=bool,
                                                                       na_value=False)
        for pos in np.flatnonzero(out):
            ctx.add(name, pos + 1, spec.name, f"{vals.iloc[pos]:%Y-%m-%d}",
                    f"{DATE_MIN:%Y-%m-%d}..{DATE_MAX:%Y-%m-%d}", "date_out_of_range")


# --------------------------------------------------------------------------- keys, refs


def _check_keys(ctx: _Ctx) -> None:
    for name in ctx.parsed:
        key = list(SCHEMAS[name].key)
        ok = ctx.ok(name, key)
        if not key or ok is None:
            continue
        frame = pd.DataFrame({c: ctx.val(name, c).astype(object) for c in key})
        frame["_pos"] = np.arange(len(frame))
        frame = frame[ok]
        dup = frame.duplicated(key, keep=False)
        if not dup.any():
            continue
        first = frame[dup].groupby(key, sort=False)["_pos"].transform("min")
        for pos, f in zip(frame[dup]["_pos"], first, strict=True):
            if pos != f:
                value = "/".join(_fmt(frame.at[pos, c]) for c in key)
                ctx.add(name, pos + 1, ",".join(key), value, str(f + 1), "duplicate_key")


def _ref_values(ctx: _Ctx, table: str, column: str) -> set[object] | None:
    vals = ctx.col(table, column)
    if vals is None:
        return None
    ok = ctx.ok(table, [column])
    return set(vals[ok].astype(object))


def _check_references(ctx: _Ctx) -> None:
    ct_pairs: set[tuple[object, object]] | None = None
    if ctx.ok("care_types", ["unit_id", "care_type"]) is not None:
        ok = ctx.ok("care_types", ["unit_id", "care_type"])
        u, c = ctx.val("care_types", "unit_id"), ctx.val("care_types", "care_type")
        ct_pairs = set(zip(u[ok].astype(object), c[ok].astype(object), strict=True))
    for name, cols in ctx.parsed.items():
        for cname in cols:
            spec = SCHEMAS[name].column(cname)
            if spec.references is None:
                continue
            rtable, rcol = spec.references
            vals = ctx.val(name, cname)
            if rtable == "care_types" and rcol == "care_type":
                ok = ctx.ok(name, ["unit_id", cname])
                if ct_pairs is None or ok is None:
                    continue
                units = ctx.val(name, "unit_id").astype(object)
                cts = vals.astype(object)
                known_pairs = pd.MultiIndex.from_tuples(sorted(ct_pairs, key=str)) \
                    if ct_pairs else None
                here = pd.MultiIndex.from_arrays([units, cts])
                inside = here.isin(known_pairs) if known_pairs is not None else \
                    np.zeros(len(here), bool)
                for pos in np.flatnonzero(ok & ~np.asarray(inside)):
                    ctx.add(name, pos + 1, cname, f"{units.iloc[pos]}/{cts.iloc[pos]}",
                            "care_types", "unknown_care_type")
                continue
            known = _ref_values(ctx, rtable, rcol)
            if known is None:
                continue
            ok = ctx.ok(name, [cname])
            objs = vals.astype(object)
            miss = ok & ~objs.isin(known).to_numpy()
            code = "orphan_node" if (name, cname) == ("org_nodes", "parent_id") else "unknown_id"
            for pos in np.flatnonzero(miss):
                ctx.add(name, pos + 1, cname, objs.iloc[pos], f"{rtable}.{rcol}", code)


# --------------------------------------------------------------------------- org tree


def _check_tree(ctx: _Ctx) -> None:
    ok = ctx.ok("org_nodes", ["node_id"])
    if ok is None:
        return
    ids = ctx.val("org_nodes", "node_id").astype(object)
    parents = ctx.col("org_nodes", "parent_id")
    parents = (pd.Series([None] * len(ids), dtype=object) if parents is None
               else parents.astype(object).where(parents.notna(), None))
    parent: dict[object, object] = {}
    row: dict[object, int] = {}
    for pos in np.flatnonzero(ok):
        n = ids.iloc[pos]
        if n in row:
            continue
        parent[n] = parents.iloc[pos]
        row[n] = int(pos)
    roots = [n for n, p in parent.items() if p is None]
    if not roots and parent:
        ctx.add("org_nodes", None, "parent_id", "", "1", "no_root")
    for n in roots[1:]:
        ctx.add("org_nodes", row[n] + 1, "parent_id", n, f"1 ({roots[0]})", "multiple_roots")
    # cycles: follow parents; a walk that revisits a node of the same walk is a cycle
    state: dict[object, int] = {}  # 1 = on current walk, 2 = done
    in_cycle: set[object] = set()
    for start in parent:
        walk: list[object] = []
        cur: object = start
        while cur is not None and cur in parent and state.get(cur) is None:
            state[cur] = 1
            walk.append(cur)
            cur = parent[cur]
        if cur is not None and state.get(cur) == 1:
            in_cycle.update(walk[walk.index(cur):])
        for w in walk:
            state[w] = 2
    for n in sorted(in_cycle, key=lambda x: row[x]):
        ctx.add("org_nodes", row[n] + 1, "parent_id", parent[n], "", "cycle")
    # producing units must be leaves so every figure rolls up exactly
    cok = ctx.ok("care_types", ["unit_id"])
    if cok is not None:
        has_child = {p for p in parent.values() if p is not None}
        units = ctx.val("care_types", "unit_id").astype(object)
        reported: set[object] = set()
        for pos in np.flatnonzero(cok):
            u = units.iloc[pos]
            if u in has_child and u not in reported:
                reported.add(u)
                ctx.add("care_types", pos + 1, "unit_id", u, "leaf", "unit_not_leaf")


# --------------------------------------------------------------------------- cross-table


def _pairs(ctx: _Ctx, table: str, cols: list[str]) -> set[tuple[object, ...]] | None:
    ok = ctx.ok(table, cols)
    if ok is None:
        return None
    arrays = [ctx.val(table, c).astype(object)[ok] for c in cols]
    return set(zip(*arrays, strict=True))


def _check_shares(ctx: _Ctx, table: str, group: list[str]) -> None:
    ok = ctx.ok(table, [*group, "share_pu"])
    if ok is None:
        return
    frame = pd.DataFrame({c: ctx.val(table, c).astype(object) for c in group})
    frame["share_pu"] = ctx.val(table, "share_pu").astype("float64")
    frame["_pos"] = np.arange(len(frame))
    frame = frame[ok]
    if frame.empty:
        return
    agg = frame.groupby(group, sort=False).agg(total=("share_pu", "sum"), pos=("_pos", "min"))
    for idx, r in agg.iterrows():
        if abs(r["total"] - 1.0) > SHARE_TOLERANCE:
            label = "/".join(str(x) for x in (idx if isinstance(idx, tuple) else (idx,)))
            ctx.add(table, int(r["pos"]) + 1, "share_pu", round(float(r["total"]), 6),
                    f"1 ({label})", "shares_not_one")


def _check_cross(ctx: _Ctx) -> None:
    # care types without resource use
    ru = _pairs(ctx, "resource_use", ["unit_id", "care_type"])
    cok = ctx.ok("care_types", ["unit_id", "care_type"])
    if ru is not None and cok is not None:
        u = ctx.val("care_types", "unit_id").astype(object)
        c = ctx.val("care_types", "care_type").astype(object)
        for pos in np.flatnonzero(cok):
            if (u.iloc[pos], c.iloc[pos]) not in ru:
                ctx.add("care_types", pos + 1, "care_type", f"{u.iloc[pos]}/{c.iloc[pos]}",
                        "resource_use", "no_resource_use")
    # staff hours needed without a staffing row for that unit and category
    st = _pairs(ctx, "staffing", ["unit_id", "staff_category"])
    rok = ctx.ok("resource_use", ["unit_id", "staff_category", "staff_h_per_case"])
    if st is not None and rok is not None:
        u = ctx.val("resource_use", "unit_id").astype(object)
        s = ctx.val("resource_use", "staff_category").astype(object)
        h = ctx.val("resource_use", "staff_h_per_case").astype("float64")
        seen: set[tuple[object, object]] = set()
        for pos in np.flatnonzero(rok & (h.to_numpy() > 0)):
            pair = (u.iloc[pos], s.iloc[pos])
            if pair not in st and pair not in seen:
                seen.add(pair)
                ctx.add("resource_use", pos + 1, "staff_category", f"{pair[0]}/{pair[1]}",
                        "staffing", "no_staffing")
    _check_zero_staff_hours(ctx)
    _check_frames(ctx)
    _check_shares(ctx, "care_type_priorities", ["unit_id", "care_type"])
    _check_shares(ctx, "demand_age_profile", ["unit_id", "care_type"])
    # availability fractions
    av = ["vacation_pu", "sick_leave_pu", "training_pu"]
    aok = ctx.ok("staff_availability", av)
    if aok is not None:
        parts = [ctx.val("staff_availability", c).astype("float64").to_numpy() for c in av]
        total = sum(parts)
        each_ok = np.logical_and.reduce([(p >= 0) & (p <= 1) for p in parts])
        for pos in np.flatnonzero(aok & each_ok & (total > 1 + 1e-9)):
            ctx.add("staff_availability", pos + 1, "vacation_pu,sick_leave_pu,training_pu",
                    round(float(total[pos]), 6), "≤ 1", "availability_over_one")
    # waiting past the guarantee cannot exceed the waiting list
    for table in ("demand_history", "actuals_production"):
        cols = ["waiting_list_cases", "waiting_over_guarantee_cases"]
        wok = ctx.ok(table, cols)
        if wok is None:
            continue
        wl = ctx.val(table, cols[0]).astype("float64").to_numpy()
        wo = ctx.val(table, cols[1]).astype("float64").to_numpy()
        for pos in np.flatnonzero(wok & (wo > wl + 1e-9)):
            ctx.add(table, pos + 1, cols[1], float(wo[pos]), f"≤ {_fmt(float(wl[pos]))}",
                    "over_guarantee_exceeds_list")
    _check_missing_weeks(ctx)
    # sound-workload band
    tok = ctx.ok("targets", ["utilisation_min_pu", "utilisation_max_pu"])
    if tok is not None:
        lo = ctx.val("targets", "utilisation_min_pu").astype("float64").to_numpy()
        hi = ctx.val("targets", "utilisation_max_pu").astype("float64").to_numpy()
        for pos in np.flatnonzero(tok & (lo > hi)):
            ctx.add("targets", pos + 1, "utilisation_min_pu", float(lo[pos]),
                    f"≤ {_fmt(float(hi[pos]))}", "min_above_max")
    # counties served must have population data
    counties = _ref_values(ctx, "population", "county")
    nok = ctx.ok("org_nodes", ["county"])
    if counties is not None and nok is not None:
        cc = ctx.val("org_nodes", "county").astype(object)
        for pos in np.flatnonzero(nok & ~cc.isin(counties).to_numpy()):
            ctx.add("org_nodes", pos + 1, "county", cc.iloc[pos], "population.county",
                    "unknown_county")


def _check_zero_staff_hours(ctx: _Ctx) -> None:
    """A care type whose staff hours per case are zero in every category needs no staff.

    Rule: for every (unit, care type) with rows in ``resource_use``,
    Σ_categories staff_h_per_case > 0.
    """
    cols = ["unit_id", "care_type", "staff_h_per_case"]
    ok = ctx.ok("resource_use", cols)
    if ok is None:
        return
    frame = pd.DataFrame({c: ctx.val("resource_use", c).astype(object) for c in cols[:2]})
    frame["h"] = ctx.val("resource_use", "staff_h_per_case").astype("float64")
    frame["_pos"] = np.arange(len(frame))
    frame = frame[ok]
    if frame.empty:
        return
    agg = frame.groupby(cols[:2], sort=False).agg(total=("h", "sum"), pos=("_pos", "min"))
    for (unit, care_type), r in agg[agg["total"] <= 0].iterrows():
        ctx.add("resource_use", int(r["pos"]) + 1, "staff_h_per_case",
                f"{unit}/{care_type}: 0", "> 0 (sum over staff categories)", "no_staff_hours")


def _check_frames(ctx: _Ctx) -> None:
    """Budget frames: every framed node covers every year, and the cascade adds up.

    Years: the years in ``budget_frames`` are the budget year and the plan years; every
    node holding a frame must have one for each of them (a missing plan year would plan
    that year without a budget).

    Cascade (R-01, R-25): a node's frame F_p distributes into the frames of its nearest
    descendants that hold frames (children c, or deeper where a child holds none):
    F_p ≥ (1 − FRAME_CASCADE_TOLERANCE_PU) · Σ_c F_c for every year. The surplus
    F_p − Σ_c F_c is the parent's undistributed part, the explicit named item
    ``undistributed`` (the board's reserve, parts of the organisation outside the model);
    a parent below the sum of what it distributes is an error.
    """
    cols = ["node_id", "year", "frame_sek"]
    ok = ctx.ok("budget_frames", cols)
    if ok is None:
        return
    frame = pd.DataFrame({"node": ctx.val("budget_frames", "node_id").astype(object),
                          "year": ctx.val("budget_frames", "year").astype("float64"),
                          "sek": ctx.val("budget_frames", "frame_sek").astype("float64")})
    frame["_pos"] = np.arange(len(frame))
    frame = frame[ok].drop_duplicates(["node", "year"])
    if frame.empty:
        return
    years = sorted(int(y) for y in frame["year"].unique())
    for node, grp in frame.groupby("node", sort=False):
        have = {int(y) for y in grp["year"]}
        for y in years:
            if y not in have:
                ctx.add("budget_frames", int(grp["_pos"].min()) + 1, "year", f"{node}: {y}",
                        ", ".join(map(str, years)), "missing_frame_year")
    parent = _parents(ctx)
    if parent is None:
        return
    framed = set(frame["node"])
    children: dict[object, list[object]] = {}
    for n, p in parent.items():
        if p is not None:
            children.setdefault(p, []).append(n)

    def distributed_to(node: object, seen: set[object]) -> list[object]:
        out: list[object] = []
        for c in children.get(node, []):
            if c in seen:  # a cycle is reported by the tree check
                continue
            seen.add(c)
            out.extend([c] if c in framed else distributed_to(c, seen))
        return out

    value = {(n, int(y)): (float(v), int(pos)) for n, y, v, pos in
             zip(frame["node"], frame["year"], frame["sek"], frame["_pos"], strict=True)}
    for node in sorted(framed, key=str):
        below = distributed_to(node, {node})
        if not below:
            continue
        for y in years:
            if (node, y) not in value:
                continue
            own, pos = value[(node, y)]
            total = sum(value[(c, y)][0] for c in below if (c, y) in value)
            if own < (1 - FRAME_CASCADE_TOLERANCE_PU) * total:
                ctx.add("budget_frames", pos + 1, "frame_sek", f"{node} {y}: {_fmt(own)}",
                        f"≥ {_fmt(total)} (Σ {', '.join(map(str, below))})",
                        "frame_below_children")


def _parents(ctx: _Ctx) -> dict[object, object] | None:
    """Parent of each node (``None`` for a root) from ``org_nodes``; ``None`` if unparsed."""
    ok = ctx.ok("org_nodes", ["node_id"])
    if ok is None:
        return None
    ids = ctx.val("org_nodes", "node_id").astype(object)
    parents = ctx.col("org_nodes", "parent_id")
    out: dict[object, object] = {}
    for pos in np.flatnonzero(ok):
        p = None if parents is None else parents.iloc[pos]
        out.setdefault(ids.iloc[pos], None if p is None or pd.isna(p) else p)
    return out


def _check_missing_weeks(ctx: _Ctx) -> None:
    """Every weekly series of the history must run without gaps from its first week."""
    key = ["unit_id", "care_type", "sex"]
    ok = ctx.ok("demand_history", [*key, "week"])
    if ok is None:
        return
    frame = pd.DataFrame({c: ctx.val("demand_history", c).astype(object)
                          for c in [*key, "week"]})
    frame["_pos"] = np.arange(len(frame))
    frame = frame[ok]
    if frame.empty:
        return
    all_weeks = week_range(min(frame["week"]), max(frame["week"]))
    ordinal = {w: i for i, w in enumerate(all_weeks)}
    frame["_ord"] = frame["week"].map(ordinal).astype("int64")
    agg = frame.groupby(key, sort=False).agg(lo=("_ord", "min"), hi=("_ord", "max"),
                                             n=("_ord", "nunique"), pos=("_pos", "min"))
    gappy = agg[agg["hi"] - agg["lo"] + 1 > agg["n"]]
    for idx, r in gappy.iterrows():
        sel = np.logical_and.reduce([frame[c].to_numpy() == v
                                     for c, v in zip(key, idx, strict=True)])
        have = set(frame["_ord"].to_numpy()[sel])
        gaps = [all_weeks[i] for i in range(int(r["lo"]), int(r["hi"]) + 1) if i not in have]
        label = "/".join(str(x) for x in idx)
        ctx.add("demand_history", int(r["pos"]) + 1, "week",
                f"{label}: {gaps[0]}" + (f" (+{len(gaps) - 1})" if len(gaps) > 1 else ""),
                f"{all_weeks[int(r['lo'])]}..{all_weeks[int(r['hi'])]}", "missing_weeks")


# --------------------------------------------------------------------------- entry


def validate(tables: Mapping[str, pd.DataFrame]) -> list[Issue]:
    """Check input tables against their schemas and each other; return every issue.

    Parameters
    ----------
    tables : table name → frame, raw (text or Excel cells) or canonical.

    Returns
    -------
    list of Issue, empty when the data are valid, ordered by table (schema order),
    then row.
    """
    ctx = _Ctx(tables)
    _check_structure(ctx)
    _check_cells(ctx)
    _check_keys(ctx)
    _check_references(ctx)
    _check_tree(ctx)
    _check_cross(ctx)
    order = {name: i for i, name in enumerate(SCHEMAS)}
    issues = sorted(ctx.issues, key=lambda i: (order.get(i.table, len(order)), i.table,
                                               i.row if i.row is not None else 0))
    log.debug("validated %d tables: %d issues", len(tables), len(issues))
    return issues


def require_valid(tables: Mapping[str, pd.DataFrame], lang: Language = "sv") -> None:
    """Raise :class:`ValidationFailed` if :func:`validate` finds any issue."""
    issues = validate(tables)
    if issues:
        raise ValidationFailed(issues, lang)


def frame_years_issues(budget_frames: pd.DataFrame, years: list[int]) -> list[Issue]:
    """Frames missing for a year the model plans (every framed node needs every plan year).

    ``years`` are the budget year and plan years of the scenario (``cfg.years``); the table
    rules cannot know them, so the commands that plan call this before solving.
    """
    if budget_frames.empty:
        return []
    have = budget_frames.groupby("node_id")["year"].apply(lambda s: {int(y) for y in s})
    planned = ", ".join(map(str, years))
    return [Issue("budget_frames", None, "year", f"{node}: {y}", planned, "frame_year_not_planned")
            for node, got in have.items() for y in years if y not in got]
