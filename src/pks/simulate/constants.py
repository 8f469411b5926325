"""Named constants of the simulator (calendar, priority classes, tolerances).

The project has no shared calendar-constants module yet; the simulator keeps its own here
so that no literal 7 or 52 hides in the model's arithmetic.
"""

from __future__ import annotations

DAYS_PER_WEEK = 7.0
"""Days in a week: simulation time is in days, plans are in weeks."""
WEEKS_PER_YEAR = 52.0
"""Weeks in a (non-ISO-53) year: yearly rates ÷ this give weekly ones."""
DAYS_PER_WEEK_INT = 7
"""Days in a week as a count (the daily census has ``DAYS_PER_WEEK_INT`` entries a week)."""
N_CLASSES = 4
"""Priority classes 1..4 (index 0 is the most urgent)."""
BED_TOLERANCE = 1e-9
"""A ward counts as full when occupied beds >= staffed beds − this (staffed beds may be
fractional averages from the plan; the tolerance absorbs their round-off)."""
WAIT_TOL = 1e-9
"""A wait counts as within the guarantee when wait <= guarantee + this (float round-off)."""
