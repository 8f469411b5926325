"""Named constants of the simulator (priority classes, tolerances).

Calendar constants (days per week, weeks per year) live in :mod:`pks.calendar`, the one
home of 7 and 52 for every layer.
"""

from __future__ import annotations

N_CLASSES = 4
"""Priority classes 1..4 (index 0 is the most urgent)."""
BED_TOLERANCE = 1e-9
"""A ward counts as full when occupied beds >= staffed beds − this (staffed beds may be
fractional averages from the plan; the tolerance absorbs their round-off)."""
WAIT_TOL = 1e-9
"""A wait counts as within the guarantee when wait <= guarantee + this (float round-off)."""
