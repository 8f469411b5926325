"""Wards, one week at a time for every inpatient unit at once (vectorised), exact.

Rules (the same as a day-by-day heap of discharge times per ward):

* The census of day ``d`` is taken at the start of the day: patients admitted before
  ``d`` whose discharge time is after ``d``.
* Admissions are handled in time order. Admission ``i`` at time ``t_i`` finds the ward
  full when the patients present, ``#{admitted before i, discharge > t_i}``, reach the
  staffed beds of the week (minus :data:`~pks.simulate.constants.BED_TOLERANCE`).
* ``overflow`` policy: the patient is admitted anyway (counted as a full admission).
  ``transfer`` policy: the patient leaves and takes no bed.

With the ``overflow`` policy (or in a ward-week where no admission finds the ward full)
who is present never depends on the bed count, so the counts are order statistics:
``present(t) = #{admitted, t_adm ≤ t} − #{discharged, t_dis ≤ t}``, one ``searchsorted``
for all units (keys ``unit · S + time`` keep the units apart). Only a ward-week where a
transfer happens is replayed patient by patient (:func:`_replay_transfer_week`).
A patient with zero length of stay never holds a bed (discharged at admission).
"""

from __future__ import annotations

import heapq

import numpy as np

from pks.calendar import DAYS_PER_WEEK, DAYS_PER_WEEK_INT
from pks.simulate.constants import BED_TOLERANCE


def _unit_keys(unit: np.ndarray, time: np.ndarray, span: float) -> np.ndarray:
    """Sort keys that order by unit, then time (``span`` exceeds every time)."""
    return np.asarray(unit * span + time)


def _count_le(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """For each query key, how many sorted keys are at most it."""
    return np.searchsorted(sorted_keys, queries, side="right")


class Wards:
    """Bed state of every inpatient unit; :meth:`week` advances all wards by one week."""

    def __init__(self, n_units: int, n_weeks: int, staffed_beds: np.ndarray, transfer: bool,
                 initial_discharges: list[list[float]]) -> None:
        self.n_units = n_units
        self.staffed_beds = staffed_beds
        self.transfer = transfer
        days = DAYS_PER_WEEK_INT * n_weeks
        self.census = np.zeros((n_units, days), dtype=np.int64)
        self.admissions = np.zeros((n_units, n_weeks), dtype=np.int64)
        self.full_admissions = np.zeros((n_units, n_weeks), dtype=np.int64)
        self.transfers = np.zeros((n_units, n_weeks), dtype=np.int64)
        # patients in the ward: unit and discharge time, sorted by (unit, discharge)
        sizes = [len(x) for x in initial_discharges]
        self._present_unit = np.repeat(np.arange(n_units), sizes)
        self._present_out = np.array([t for x in initial_discharges for t in sorted(x)],
                                     dtype=float)

    def week(self, w: int, unit: np.ndarray, admit_day: np.ndarray, discharge_day: np.ndarray
             ) -> None:
        """Admit the week's patients and take the census of the week's seven days.

        The admissions come sorted by unit, then admission time.
        """
        n_u = self.n_units
        start = DAYS_PER_WEEK * w
        holds_bed = discharge_day > admit_day
        # a power of two above every time (+ 2 keeps it above for times near 0): keys
        # unit · span + time then order by unit first and stay exact
        span = 2.0 ** np.ceil(np.log2(max(
            float(discharge_day.max(initial=0.0)), float(self._present_out.max(initial=0.0)),
            start + DAYS_PER_WEEK) + 2.0))
        present_keys = _unit_keys(self._present_unit, self._present_out, span)
        present_first = np.searchsorted(present_keys, np.arange(n_u) * span)
        present_count = np.bincount(self._present_unit, minlength=n_u)
        new_unit, new_in, new_out = unit[holds_bed], admit_day[holds_bed], discharge_day[holds_bed]
        out_keys = np.sort(_unit_keys(new_unit, new_out, span))
        out_first = np.searchsorted(out_keys, np.arange(n_u) * span)
        in_keys = _unit_keys(new_unit, new_in, span)  # already sorted
        in_first = np.searchsorted(in_keys, np.arange(n_u) * span)
        # patients present when admission i arrives (i itself not yet admitted)
        admit_keys = _unit_keys(unit, admit_day, span)
        stayed = present_count[unit] - (_count_le(present_keys, admit_keys) - present_first[unit])
        # bed-holders admitted before i (in any unit, then those of earlier units removed)
        admitted_before: np.ndarray = np.cumsum(holds_bed) - holds_bed
        unit_first_pos = np.searchsorted(unit, np.arange(n_u))
        holders_before_unit = np.concatenate([[0], np.cumsum(holds_bed)])[unit_first_pos]
        admitted_before = admitted_before - holders_before_unit[unit]
        left = _count_le(out_keys, admit_keys) - out_first[unit]
        occupied = stayed + admitted_before - left
        full = occupied >= self.staffed_beds[unit, w] - BED_TOLERANCE
        self.admissions[:, w] = np.bincount(unit, minlength=n_u)
        self.full_admissions[:, w] = np.bincount(unit[full], minlength=n_u)
        # census at the start of each day of the week
        day = start + np.arange(DAYS_PER_WEEK_INT)
        day_keys = _unit_keys(np.arange(n_u)[:, None], day[None, :], span)
        self.census[:, DAYS_PER_WEEK_INT * w:DAYS_PER_WEEK_INT * (w + 1)] = (
            present_count[:, None] - (_count_le(present_keys, day_keys) - present_first[:, None])
            + (np.searchsorted(in_keys, day_keys, side="left") - in_first[:, None])
            - (_count_le(out_keys, day_keys) - out_first[:, None]))
        keep_unit, keep_out = new_unit, new_out
        before_unit, before_out = self._present_unit, self._present_out
        if self.transfer and full.any():
            replay = np.unique(unit[full])
            kept = ~np.isin(new_unit, replay)
            unit_parts, out_parts = [new_unit[kept]], [new_out[kept]]
            for u in replay.tolist():
                mine = unit == u
                lo = int(present_first[u])
                heap = self._present_out[lo:lo + int(present_count[u])].tolist()
                census, n_full, in_ward = _replay_transfer_week(
                    heap, admit_day[mine].tolist(), discharge_day[mine].tolist(), w,
                    float(self.staffed_beds[u, w]))
                self.census[u, DAYS_PER_WEEK_INT * w:DAYS_PER_WEEK_INT * (w + 1)] = census
                self.full_admissions[u, w] = n_full
                self.transfers[u, w] = n_full
                unit_parts.append(np.full(len(in_ward), u))
                out_parts.append(np.asarray(in_ward, dtype=float))
            keep_unit, keep_out = np.concatenate(unit_parts), np.concatenate(out_parts)
            # a replayed ward's list already holds the patients present before the week
            not_replayed = ~np.isin(before_unit, replay)
            before_unit, before_out = before_unit[not_replayed], before_out[not_replayed]
        # still present at the start of next week
        end = start + DAYS_PER_WEEK
        units = np.concatenate([before_unit, keep_unit])
        outs = np.concatenate([before_out, keep_out])
        stay = outs > end
        units, outs = units[stay], outs[stay]
        order = np.lexsort((outs, units))
        self._present_unit, self._present_out = units[order], outs[order]


def _replay_transfer_week(heap: list[float], admit: list[float], discharge: list[float],
                          w: int, beds: float) -> tuple[list[int], int, list[float]]:
    """One ward-week patient by patient (transfer policy; admissions in time order).

    ``heap`` holds the discharge times of the patients present at the week's start.
    Returns the census of the seven days, the number of full admissions (= transfers)
    and the discharge times of everyone in the ward at the end of the week.
    """
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    census: list[int] = []
    n, i, n_full = len(admit), 0, 0
    for k in range(DAYS_PER_WEEK_INT):
        d = DAYS_PER_WEEK * w + k
        while heap and heap[0] <= d:
            pop(heap)
        census.append(len(heap))
        while i < n and admit[i] < d + 1:
            t = admit[i]
            while heap and heap[0] <= t:
                pop(heap)
            if len(heap) >= beds - BED_TOLERANCE:
                n_full += 1
            else:
                push(heap, discharge[i])
            i += 1
    return census, n_full, heap
