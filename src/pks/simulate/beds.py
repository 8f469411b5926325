"""Wards, one week at a time for every inpatient unit at once, exact.

Rules (a heap of discharge times per ward; the loop is :func:`pks.simulate.week_kernels.ward_week`):

* The census of day ``d`` is taken at the start of the day: patients admitted before
  ``d`` whose discharge time is after ``d``.
* Admissions are handled in time order. Admission ``i`` at time ``t_i`` finds the ward
  full when the patients present, ``#{admitted before i, discharge > t_i}``, reach the
  staffed beds of the week (minus :data:`~pks.simulate.constants.BED_TOLERANCE`).
* ``overflow`` policy: the patient is admitted anyway (counted as a full admission).
  ``transfer`` policy: the patient leaves and takes no bed.
* A patient with zero length of stay never holds a bed (discharged at admission).
"""

from __future__ import annotations

import numpy as np

from pks.calendar import DAYS_PER_WEEK_INT
from pks.simulate.week_kernels import ward_week


class Wards:
    """Bed state of every inpatient unit; :meth:`week` advances all wards by one week."""

    def __init__(self, n_units: int, n_weeks: int, staffed_beds: np.ndarray, transfer: bool,
                 initial_discharges: list[list[float]]) -> None:
        self.staffed_beds = staffed_beds
        self.transfer = transfer
        days = DAYS_PER_WEEK_INT * n_weeks
        self.census = np.zeros((n_units, days), dtype=np.int64)
        self.admissions = np.zeros((n_units, n_weeks), dtype=np.int64)
        self.full_admissions = np.zeros((n_units, n_weeks), dtype=np.int64)
        self.transfers = np.zeros((n_units, n_weeks), dtype=np.int64)
        # patients in the ward: unit u's discharge times, ascending, are
        # _present_out[_present_start[u] : _present_start[u + 1]]
        sizes = [len(x) for x in initial_discharges]
        self._present_start = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        self._present_out = np.array([t for x in initial_discharges for t in sorted(x)],
                                     dtype=float)

    def week(self, w: int, unit: np.ndarray, admit_day: np.ndarray, discharge_day: np.ndarray
             ) -> None:
        """Admit the week's patients and take the census of the week's seven days.

        The admissions come sorted by unit, then admission time.
        """
        self._present_start, self._present_out = ward_week(
            w, np.asarray(unit, dtype=np.int64), np.asarray(admit_day, dtype=float),
            np.asarray(discharge_day, dtype=float),
            np.ascontiguousarray(self.staffed_beds[:, w], dtype=float), self.transfer,
            self._present_start, self._present_out, self.census, self.admissions,
            self.full_admissions, self.transfers)
