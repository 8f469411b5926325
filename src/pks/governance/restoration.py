"""The restoration schedule of negative balanced-budget results (seed 004, §3.12).

``models/<instance>/restoration.csv`` holds, per year, the opening accumulated unrestored
result, the year's balanced-budget result, the amount exempted for exceptional reasons
(*synnerliga skäl*) and the closing balance, all in mnkr. Checked identities:

* ``closing = opening + result + exceptional`` every year;
* ``opening(y) = closing(y − 1)``.

:func:`by_origin` splits each closing balance by the year the deficit arose: a deficit year
adds ``result + exceptional`` (< 0) to its own bucket and positive results pay off the oldest
bucket first (first in, first out), as the seed's "varav från 2023/2024" rows do. Measures
link to the schedule through ``restoration_year``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pks.data.checks import Issue, ValidationFailed
from pks.governance.validation import Field, check_frame, check_unique

RESTORATION_FILE = "restoration.csv"
TABLE = "restoration"
TOLERANCE_MNKR = 0.5
"""Rounding tolerance of the published table (whole mnkr)."""
FIELDS: tuple[Field, ...] = (
    Field("year", "int", required=True, min=1990, max=2100),
    Field("kind", "str", required=True, allowed=("outcome", "forecast", "plan")),
    Field("opening_mnkr", "float", required=True),
    Field("result_mnkr", "float", required=True),
    Field("exceptional_mnkr", "float", required=True, min=0),
    Field("closing_mnkr", "float", required=True),
)


def validate_restoration(df: pd.DataFrame) -> pd.DataFrame:
    """Typed schedule sorted by year, or :class:`ValidationFailed` with every problem."""
    out, issues = check_frame(TABLE, df, FIELDS)
    if not issues:
        issues += check_unique(TABLE, out["year"], "year")
        for pos, r in enumerate(out.itertuples(index=False), start=1):
            expect = r.opening_mnkr + r.result_mnkr + r.exceptional_mnkr
            if abs(expect - r.closing_mnkr) > TOLERANCE_MNKR:
                issues.append(Issue(TABLE, pos, "closing_mnkr", f"{r.closing_mnkr:g}",
                                    f"{expect:g}", "not_allowed"))
        s = out.reset_index().sort_values("year")
        for (_, a), (_, b) in zip(s.iloc[:-1].iterrows(), s.iloc[1:].iterrows(), strict=True):
            if abs(b["opening_mnkr"] - a["closing_mnkr"]) > TOLERANCE_MNKR:
                issues.append(Issue(TABLE, int(b["index"]) + 1, "opening_mnkr",
                                    f"{b['opening_mnkr']:g}", f"{a['closing_mnkr']:g}",
                                    "not_allowed"))
    if issues:
        raise ValidationFailed(issues)
    return out.sort_values("year").reset_index(drop=True)


def load_restoration(model_dir: str | Path) -> pd.DataFrame | None:
    """The instance's schedule, or ``None`` when it has none."""
    path = Path(model_dir) / RESTORATION_FILE
    if not path.exists():
        return None
    return validate_restoration(pd.read_csv(path, dtype=str, keep_default_na=False))


def by_origin(schedule: pd.DataFrame) -> pd.DataFrame:
    """Closing balance per year split by the deficit's year of origin (FIFO), mnkr.

    Columns ``year, origin_year, remaining_mnkr`` (≤ 0), one row per year and origin.
    """
    buckets: dict[int, float] = {}
    rows = []
    for r in schedule.sort_values("year").itertuples(index=False):
        net = float(r.result_mnkr) + float(r.exceptional_mnkr)
        if net < 0:
            buckets[int(r.year)] = net
        else:
            pay = net
            for y in sorted(buckets):
                use = min(pay, -buckets[y])
                buckets[y] += use
                pay -= use
        for y in sorted(buckets):
            rows.append({"year": int(r.year), "origin_year": y, "remaining_mnkr": buckets[y]})
    return pd.DataFrame(rows, columns=["year", "origin_year", "remaining_mnkr"])


def measures_by_year(measures: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """Expected measure effects (mnkr) per restoration year beside the planned result.

    Columns ``year, result_mnkr, measures_n, expected_mnkr``; measures whose
    ``restoration_year`` is not in the schedule are not counted.
    """
    m = measures[measures["restoration_year"].notna()].copy()
    m["year"] = m["restoration_year"].astype(int)
    g = m.groupby("year").agg(measures_n=("measure_id", "count"),
                              expected_mnkr=("expected_mnkr",
                                             lambda s: pd.to_numeric(s).sum(min_count=1)))
    out = schedule[["year", "result_mnkr"]].merge(g, on="year", how="left")
    out["measures_n"] = out["measures_n"].fillna(0).astype(int)
    return out
