"""ISO-week arithmetic on ``YYYY-Www`` strings (the period id of weekly tables).

Examples
--------
>>> is_valid_week("2027-W53"), is_valid_week("2026-W53")
(False, True)
>>> week_range("2025-W52", "2026-W02")
['2025-W52', '2026-W01', '2026-W02']
>>> add_weeks("2026-W53", 1)
'2027-W01'
"""

from __future__ import annotations

import datetime as dt
import re

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def weeks_in_year(year: int) -> int:
    """Number of ISO weeks (52 or 53) in ``year``."""
    return dt.date(year, 12, 28).isocalendar().week


def parse_week(week: str) -> tuple[int, int]:
    """Split ``YYYY-Www`` into ``(year, week)``; raises ``ValueError`` if it does not exist."""
    m = _WEEK_RE.match(str(week))
    if not m:
        raise ValueError(f"not an ISO week 'YYYY-Www': {week!r}")
    year, wk = int(m.group(1)), int(m.group(2))
    if not 1 <= wk <= weeks_in_year(year):
        raise ValueError(
            f"ISO week {week!r} does not exist ({year} has {weeks_in_year(year)} weeks)"
        )
    return year, wk


def is_valid_week(week: object) -> bool:
    """True if ``week`` is an existing ISO week string."""
    try:
        parse_week(str(week))
    except ValueError:
        return False
    return True


def format_week(year: int, week: int) -> str:
    """Format ``(year, week)`` as ``YYYY-Www``."""
    return f"{year:04d}-W{week:02d}"


def week_monday(week: str) -> dt.date:
    """Monday of the ISO week."""
    y, w = parse_week(week)
    return dt.date.fromisocalendar(y, w, 1)


def week_of_date(day: dt.date) -> str:
    """ISO week containing ``day``."""
    iso = day.isocalendar()
    return format_week(iso.year, iso.week)


def add_weeks(week: str, n: int) -> str:
    """The ISO week ``n`` weeks after ``week`` (negative ``n`` goes back)."""
    return week_of_date(week_monday(week) + dt.timedelta(weeks=n))


def week_range(first: str, last: str) -> list[str]:
    """All ISO weeks from ``first`` to ``last`` inclusive."""
    start, end = week_monday(first), week_monday(last)
    n = (end - start).days // 7
    return [week_of_date(start + dt.timedelta(weeks=i)) for i in range(n + 1)]


def weeks_of_year(year: int) -> list[str]:
    """All ISO weeks of ISO year ``year``."""
    return [format_week(year, w) for w in range(1, weeks_in_year(year) + 1)]


def week_year(week: str) -> int:
    """ISO year of the week."""
    return parse_week(week)[0]


def week_number(week: str) -> int:
    """ISO week number (1..53)."""
    return parse_week(week)[1]


def week_month(week: str) -> int:
    """Calendar month (1..12) of the Thursday of the week, the ISO convention."""
    return (week_monday(week) + dt.timedelta(days=3)).month
