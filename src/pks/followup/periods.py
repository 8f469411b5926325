"""Periods of follow-up: ISO week, calendar month (of the week's Thursday) and cumulative."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from pks.data.weeks import week_month, week_year

Period = Literal["week", "month", "cumulative"]
PERIODS: tuple[Period, ...] = ("week", "month", "cumulative")


def add_week_parts(frame: pd.DataFrame, week_col: str = "week") -> pd.DataFrame:
    """Add ``year`` (ISO year) and ``month`` (month of the week's Thursday) columns.

    Examples
    --------
    >>> add_week_parts(pd.DataFrame({"week": ["2026-W01", "2026-W05"]}))["month"].tolist()
    [1, 1]
    """
    out = frame.copy()
    weeks = out[week_col].astype(str)
    uniq = pd.unique(weeks)
    years = {w: week_year(w) for w in uniq}
    months = {w: week_month(w) for w in uniq}
    out["year"] = weeks.map(years).astype("int64")
    out["month"] = weeks.map(months).astype("int64")
    return out


def to_period(frame: pd.DataFrame, period: Period, keys: list[str], flow_cols: list[str],
              stock_cols: list[str] | None = None) -> pd.DataFrame:
    """Aggregate a weekly frame to ``period``.

    Flow columns (cases, hours, SEK per week) are summed per month and accumulated over the
    year for ``cumulative``; stock columns (waiting list) take the last week's value in the
    month and stay weekly for ``cumulative``. The result has a ``period`` column: the ISO
    week, ``YYYY-MM`` or the ISO week (cumulative).

    Examples
    --------
    >>> f = pd.DataFrame({"node_id": "R", "week": ["2026-W01", "2026-W02"], "x_cases": [1.0, 2.0]})
    >>> to_period(f, "cumulative", ["node_id"], ["x_cases"])["x_cases"].tolist()
    [1.0, 3.0]
    """
    stock_cols = stock_cols or []
    f = frame.sort_values([*keys, "week"]).reset_index(drop=True)
    if period == "week":
        return f.assign(period=f["week"])
    f = add_week_parts(f)
    if period == "month":
        agg = {c: "sum" for c in flow_cols} | {c: "last" for c in stock_cols}
        g = f.groupby([*keys, "year", "month"], as_index=False, sort=True).agg(
            agg | {"week": "last"})
        g["period"] = g["year"].astype(str) + "-" + g["month"].map("{:02d}".format)
        return g.drop(columns=["month"])
    cum = f.copy()
    for c in flow_cols:
        cum[c] = cum.groupby([*keys, "year"], sort=False)[c].cumsum()
    cum["period"] = cum["week"]
    return cum.drop(columns=["month"])
