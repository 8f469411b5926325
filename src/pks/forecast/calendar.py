"""Working days per ISO week (Sweden) and per month (any country) from the `holidays` package.

Swedish public holidays come from ``holidays.Sweden`` (Sundays excluded, they are
weekend anyway). Midsummer Eve, Christmas Eve and New Year's Eve are not public
holidays in law but are non-working days under Swedish collective agreements and in
practice in healthcare outpatient work, so they are added as de facto holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache

import holidays
import numpy as np

from pks.data.weeks import parse_week


@cache
def swedish_non_working_days(year: int) -> frozenset[dt.date]:
    """Public holidays plus de facto holidays (midsummer, Christmas and New Year's Eve)."""
    days = set(holidays.Sweden(years=year, include_sundays=False).keys())
    days.add(dt.date(year, 12, 24))
    days.add(dt.date(year, 12, 31))
    # Midsummer Eve: the Friday between 19 and 25 June
    for d in range(19, 26):
        day = dt.date(year, 6, d)
        if day.weekday() == 4:
            days.add(day)
    return frozenset(days)


@cache
def working_days_in_week(week: str) -> int:
    """Monday–Friday days of the ISO week that are not Swedish (de facto) holidays.

    Examples
    --------
    >>> working_days_in_week("2026-W12"), working_days_in_week("2026-W52")
    (5, 3)
    """
    y, w = parse_week(week)
    monday = dt.date.fromisocalendar(y, w, 1)
    n = 0
    for i in range(5):
        day = monday + dt.timedelta(days=i)
        if day not in swedish_non_working_days(day.year):
            n += 1
    return n


def working_days_weeks(weeks: Sequence[str]) -> np.ndarray:
    """Working days for each ISO week in ``weeks``."""
    return np.array([working_days_in_week(w) for w in weeks], dtype=float)


def working_days_months(months: Iterable[dt.date], country: str = "GB", subdiv: str | None = "ENG"
                        ) -> np.ndarray:
    """Monday–Friday non-holiday days of each month (first day given) for a country.

    Used for the monthly NHS back-test series (England bank holidays).
    """
    out = []
    for first in months:
        first = dt.date(first.year, first.month, 1)
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        hol = holidays.country_holidays(country, subdiv=subdiv, years=first.year)
        n = 0
        day = first
        while day < nxt:
            if day.weekday() < 5 and day not in hol:
                n += 1
            day += dt.timedelta(days=1)
        out.append(n)
    return np.array(out, dtype=float)
