"""Calendar constants shared by every layer of pks (the one home of 7 and 52).

Plans and tables are weekly, the simulator's clock runs in days and yearly figures (budgets,
contracted hours per FTE, capitation) are turned into weekly ones here. Each constant says
which calendar it belongs to, so a reader can tell the plan's 52-week year from the mean
Gregorian year:

* :data:`WEEKS_PER_YEAR` = 52, the plan year (a non-ISO-53 year): yearly rate ÷ 52 = weekly
  rate, and the period of the weekly seasonal models;
* :data:`DAYS_PER_YEAR` = 365.25, the mean Gregorian year in days (leap years included);
* :data:`MEAN_WEEKS_PER_YEAR` = 365.25 / 7 ≈ 52.18, the mean number of weeks in a year.
"""

from __future__ import annotations

from typing import Final

DAYS_PER_WEEK: Final[float] = 7.0
"""Days in a week: simulation time is in days, plans are in weeks (weekly ÷ 7 = daily)."""
DAYS_PER_WEEK_INT: Final[int] = 7
"""Days in a week as a count (a daily census has ``DAYS_PER_WEEK_INT`` entries a week)."""
WEEKS_PER_YEAR: Final[int] = 52
"""Weeks in the plan year (a non-ISO-53 year): yearly rate ÷ this = weekly rate; also the
seasonal period of weekly series."""
MONTHS_PER_YEAR: Final[int] = 12
"""Months in a year (the seasonal period of monthly series)."""
DAYS_PER_YEAR: Final[float] = 365.25
"""Mean Gregorian year in days (leap years included)."""
MEAN_WEEKS_PER_YEAR: Final[float] = DAYS_PER_YEAR / DAYS_PER_WEEK
"""Mean weeks in a year, 365.25 / 7 ≈ 52.1786 (yearly hours per FTE ÷ this = weekly hours)."""
ROUNDED_MEAN_WEEKS_PER_YEAR: Final[float] = 52.18
"""The mean weeks per year rounded to two decimals, as the demo generator's calibration
uses it (kept apart from :data:`MEAN_WEEKS_PER_YEAR` so the demo data do not move)."""
