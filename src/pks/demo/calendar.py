"""Weekly calendar factors for the synthetic regions: holidays, vacation, sick leave, seasons.

All functions are pure and vectorised over a list of ISO weeks. Swedish public holidays
and de-facto holidays (Midsummer Eve, Christmas Eve, New Year's Eve) come from the
``holidays`` package; a "from 2 pm" eve counts as half a day.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
import numpy as np

from pks.calendar import DAYS_PER_YEAR, ROUNDED_MEAN_WEEKS_PER_YEAR
from pks.data.weeks import week_monday, week_number


@cache
def _holiday_days(year: int) -> dict[dt.date, float]:
    cal = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
    out: dict[dt.date, float] = {}
    for day, name in cal.items():
        if day.weekday() >= 5:
            continue
        out[day] = 0.5 if all("from 2pm" in part for part in str(name).split(";")) else 1.0
    return out


def workday_fraction(weeks: list[str]) -> np.ndarray:
    """Share of the five weekdays of each week that are working days (holidays removed)."""
    out = np.empty(len(weeks))
    for i, w in enumerate(weeks):
        monday = week_monday(w)
        lost = 0.0
        for d in range(5):
            day = monday + dt.timedelta(days=d)
            lost += _holiday_days(day.year).get(day, 0.0)
        out[i] = (5.0 - lost) / 5.0
    return out


def easter_week_flag(weeks: list[str]) -> np.ndarray:
    """1 for the week containing Good Friday, else 0."""
    out = np.zeros(len(weeks))
    for i, w in enumerate(weeks):
        monday = week_monday(w)
        for d in range(5):
            day = monday + dt.timedelta(days=d)
            if _holiday_days(day.year).get(day) == 1.0 and day.month in (3, 4) and d == 4:
                out[i] = 1.0
    return out


def week_numbers(weeks: list[str]) -> np.ndarray:
    """ISO week numbers as an int array."""
    return np.array([week_number(w) for w in weeks], dtype=int)


_SUMMER_VACATION = {26: 0.12, 27: 0.32, 28: 0.43, 29: 0.45, 30: 0.45, 31: 0.42, 32: 0.30,
                    33: 0.14, 34: 0.06}
_CHRISTMAS_VACATION = 0.30  # the week with Christmas Eve
_NEW_YEAR_VACATION = 0.22  # the week with New Year's Eve
_BASE_VACATION = 0.035


def _week_contains(weeks: list[str], month: int, day: int) -> np.ndarray:
    out = np.zeros(len(weeks), dtype=bool)
    for i, w in enumerate(weeks):
        monday = week_monday(w)
        sunday = monday + dt.timedelta(days=6)
        for year in {monday.year, sunday.year}:
            if monday <= dt.date(year, month, day) <= sunday:
                out[i] = True
    return out


def vacation_share(weeks: list[str]) -> np.ndarray:
    """Share of contracted time on vacation per week (all staff, before category scaling).

    Summer weeks 26–34 (deepest 28–31, 43–45 % away), the weeks of Christmas Eve and New
    Year's Eve (by date, so 53-week years are handled), Easter, the Norrbotten winter
    sports week (v. 11) and the autumn school break (v. 44); about 4.9–5 weeks (≈ 25 working
    days) per year in total.
    """
    wn = week_numbers(weeks)
    out = np.full(len(weeks), _BASE_VACATION)
    for k, v in _SUMMER_VACATION.items():
        out[wn == k] = v
    out[_week_contains(weeks, 12, 24)] = _CHRISTMAS_VACATION
    out[_week_contains(weeks, 12, 31)] = _NEW_YEAR_VACATION
    out += 0.12 * easter_week_flag(weeks)
    out[wn == 11] += 0.10
    out[wn == 44] += 0.06
    return out


def summer_weight(weeks: list[str]) -> np.ndarray:
    """0..1 weight of the summer dip (1 in weeks 28–31, tapering in 26–27 and 32–33)."""
    wn = week_numbers(weeks)
    table = {26: 0.3, 27: 0.7, 28: 1.0, 29: 1.0, 30: 1.0, 31: 1.0, 32: 0.7, 33: 0.3}
    return np.array([table.get(int(k), 0.0) for k in wn])


def christmas_weight(weeks: list[str]) -> np.ndarray:
    """1 in the weeks of Christmas Eve and New Year's Eve, else 0."""
    return (_week_contains(weeks, 12, 24) | _week_contains(weeks, 12, 31)).astype(float)


def winter_wave(weeks: list[str], peak_week: float = 6.0) -> np.ndarray:
    """Cosine with its peak at ``peak_week`` (amplitude 1), e.g. respiratory infections."""
    wn = week_numbers(weeks).astype(float)
    return np.cos(2.0 * np.pi * (wn - peak_week) / ROUNDED_MEAN_WEEKS_PER_YEAR)


def year_fraction(weeks: list[str], origin: int) -> np.ndarray:
    """Years since 1 January ``origin`` at the Thursday of each week (for trends)."""
    base = dt.date(origin, 1, 1)
    return np.array([((week_monday(w) + dt.timedelta(days=3)) - base).days / DAYS_PER_YEAR
                     for w in weeks])
