"""Compiled inner loops of the weekly SimPy processes (numba), exact and allocation-light.

The weekly processes stay SimPy processes (:mod:`pks.simulate.model`); what each does in
its week is one call here instead of dozens of small numpy passes. Every kernel computes
exactly what the numpy formulation it replaced computed (same comparisons, same order of
floating-point sums), so results are bit-identical; ``tests/simulate`` holds the theory
and reference checks.

numba caches each compiled kernel under ``__pycache__`` keyed by this file only: after
changing a constant or a function it uses from another module (``constants``,
``calendar``, ``streams``), touch this file so that the kernels are compiled again.

Waiting lists (:func:`serve_week`)
----------------------------------
Each line has one first-come-first-served list per priority class: the rows
``first_row[c, l] + n_served[c, l]`` (the head) up to ``first_row[c, l] + listed[c, l]``
(arrived by the week's end), in arrival order. The week's slots of line ``l`` are taken in
time order; slot ``j`` at time ``t_j`` serves the head of the most urgent class whose head
has arrived (``arrival ≤ t_j``), else it is lost. This is non-pre-emptive priority at the
slot times, FIFO within a class.

Wards (:func:`ward_week`)
-------------------------
Per inpatient unit, the patients present are a min-heap of discharge times. Day ``d``'s
census is taken at its start, after discharging everyone with discharge ``≤ d``;
admission ``i`` (in time order) first discharges everyone with discharge ``≤ t_i``, then
finds the ward full when the patients present reach ``beds − BED_TOLERANCE``. Under the
``overflow`` policy a full-ward patient is admitted anyway, under ``transfer`` it leaves.
A patient with zero length of stay never holds a bed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from pks.calendar import DAYS_PER_WEEK, DAYS_PER_WEEK_INT
from pks.simulate.constants import BED_TOLERANCE, N_CLASSES, WAIT_TOL

_HEAP_ROOT = 0


@njit(cache=True)
def serve_week(w: int, l0: int, l1: int, slot_day: np.ndarray, slot_start: np.ndarray,
               arrival_day: np.ndarray, first_row: np.ndarray, n_served: np.ndarray,
               listed: np.ndarray, service_day: np.ndarray, guarantee_days: np.ndarray,
               inpatient: np.ndarray, served: np.ndarray, served_within: np.ndarray,
               wait_sum_days: np.ndarray, overdue_left: np.ndarray) -> np.ndarray:
    """Serve week ``w`` of lines ``[l0, l1)``; return the served inpatients' rows.

    Slots of line ``l`` in week ``w``: ``slot_day[slot_start[w·L + l] : slot_start[w·L + l + 1]]``
    (``L`` lines, times ascending). ``listed[c, l]`` is the number of class-``c`` patients of
    line ``l`` on the list by the week's end. Updates, for every served patient,
    ``service_day``; and per line, ``served[l, w]``, ``served_within[l, w]`` (wait ≤
    guarantee + WAIT_TOL; never without a guarantee), ``wait_sum_days[l, w]`` (summed class
    by class in arrival order) and ``overdue_left[l, k]``: a patient with a guarantee
    leaves the overdue count in week ``k = min(max(⌊(arrival + G)/7⌋, w), W)``.

    The returned rows are ordered class-major, then line, then arrival.
    """
    n_lines = served.shape[0]
    n_weeks = served.shape[1]
    n_seg = l1 - l0
    head_before = np.empty((N_CLASSES, n_seg), dtype=np.int64)
    for s in range(n_seg):
        line = l0 + s
        heads = np.empty(N_CLASSES, dtype=np.int64)
        ends = np.empty(N_CLASSES, dtype=np.int64)
        for c in range(N_CLASSES):
            heads[c] = first_row[c, line] + n_served[c, line]
            ends[c] = first_row[c, line] + listed[c, line]
            head_before[c, s] = heads[c]
        lo = slot_start[w * n_lines + line]
        hi = slot_start[w * n_lines + line + 1]
        for j in range(lo, hi):
            t = slot_day[j]
            for c in range(N_CLASSES):
                h = heads[c]
                if h < ends[c] and arrival_day[h] <= t:
                    service_day[h] = t
                    heads[c] = h + 1
                    break
        g = guarantee_days[line]
        has_guarantee = not np.isnan(g)
        n_done = 0
        n_within = 0
        wait_total = 0.0
        for c in range(N_CLASSES):
            for r in range(head_before[c, s], heads[c]):
                wait = service_day[r] - arrival_day[r]
                wait_total += wait
                if wait <= g + WAIT_TOL:
                    n_within += 1
                if has_guarantee:
                    overdue_week = np.floor((arrival_day[r] + g) / DAYS_PER_WEEK)
                    leave = min(max(overdue_week, w), n_weeks)
                    overdue_left[line, int(leave)] += 1.0
            n_done += heads[c] - head_before[c, s]
            n_served[c, line] = heads[c] - first_row[c, line]
        served[line, w] += n_done
        served_within[line, w] += n_within
        wait_sum_days[line, w] += wait_total
    n_rows = 0
    for c in range(N_CLASSES):
        for s in range(n_seg):
            if inpatient[l0 + s]:
                n_rows += first_row[c, l0 + s] + n_served[c, l0 + s] - head_before[c, s]
    rows = np.empty(n_rows, dtype=np.int64)
    k = 0
    for c in range(N_CLASSES):
        for s in range(n_seg):
            if inpatient[l0 + s]:
                for r in range(head_before[c, s], first_row[c, l0 + s] + n_served[c, l0 + s]):
                    rows[k] = r
                    k += 1
    return rows


@njit(cache=True)
def _heap_push(heap: np.ndarray, size: int, value: float) -> int:
    """Push ``value`` on the min-heap ``heap[:size]``; return the new size."""
    i = size
    heap[i] = value
    while i > _HEAP_ROOT:
        parent = (i - 1) // 2
        if heap[parent] <= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
    return size + 1


@njit(cache=True)
def _heap_pop(heap: np.ndarray, size: int) -> int:
    """Remove the smallest element of the min-heap ``heap[:size]``; return the new size."""
    size -= 1
    heap[_HEAP_ROOT] = heap[size]
    i = _HEAP_ROOT
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            child = left + 1
        if heap[i] <= heap[child]:
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child
    return size


@njit(cache=True)
def ward_week(w: int, unit: np.ndarray, admit_day: np.ndarray, discharge_day: np.ndarray,
              beds: np.ndarray, transfer: bool, present_start: np.ndarray,
              present_out: np.ndarray, census: np.ndarray, admissions: np.ndarray,
              full_admissions: np.ndarray, transfers: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Advance every ward by week ``w``; return the next week's present patients.

    The admissions (``unit``, ``admit_day``, ``discharge_day``) come sorted by unit, then
    admission time. Unit ``u``'s present patients are
    ``present_out[present_start[u] : present_start[u + 1]]``, discharge times ascending
    (a sorted array is a valid min-heap). Writes the census of the week's seven days, the
    admissions, full admissions and transfers of week ``w``; returns ``(start, out)`` of
    the patients still present at the week's end, in the same layout.
    """
    n_units = len(present_start) - 1
    week_start = DAYS_PER_WEEK * w
    week_end = week_start + DAYS_PER_WEEK
    next_count = np.zeros(n_units, dtype=np.int64)
    next_out = np.empty(len(present_out) + len(unit))
    n_next = 0
    first = 0
    for u in range(n_units):
        last = first
        while last < len(unit) and unit[last] == u:
            last += 1
        p0 = present_start[u]
        p1 = present_start[u + 1]
        heap = np.empty(p1 - p0 + last - first)
        size = p1 - p0
        heap[:size] = present_out[p0:p1]
        i = first
        n_full = 0
        for k in range(DAYS_PER_WEEK_INT):
            d = week_start + k
            while size > 0 and heap[_HEAP_ROOT] <= d:
                size = _heap_pop(heap, size)
            census[u, DAYS_PER_WEEK_INT * w + k] = size
            while i < last and admit_day[i] < d + 1:
                t = admit_day[i]
                while size > 0 and heap[_HEAP_ROOT] <= t:
                    size = _heap_pop(heap, size)
                full = size >= beds[u] - BED_TOLERANCE
                if full:
                    n_full += 1
                if discharge_day[i] > t and not (full and transfer):
                    size = _heap_push(heap, size, discharge_day[i])
                i += 1
        admissions[u, w] = last - first
        full_admissions[u, w] = n_full
        if transfer:
            transfers[u, w] = n_full
        staying = np.sort(heap[:size])
        for x in staying:
            if x > week_end:
                next_out[n_next] = x
                n_next += 1
                next_count[u] += 1
        first = last
    next_start = np.zeros(n_units + 1, dtype=np.int64)
    next_start[1:] = np.cumsum(next_count)
    return next_start, next_out[:n_next].copy()


@njit(cache=True)
def week_admissions(w: int, elective_rows: np.ndarray, acute_lines: np.ndarray,
                    arrived_by_week: np.ndarray, first_row: np.ndarray,
                    service_day: np.ndarray, line: np.ndarray, line_unit: np.ndarray,
                    n_units: int, los_days: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit, admission day and discharge day of week ``w``'s admissions.

    The admitted are the week's treated elective inpatients (``elective_rows``) and, per
    class and acute inpatient line ``a``, the rows of the patients who arrived in week
    ``w`` (``arrived_by_week[c, a, w−1] ≤ k < arrived_by_week[c, a, w]`` past
    ``first_row[c, a]``), admitted at arrival. Returned sorted by unit, then admission
    time, ties in that order (a stable sort).
    """
    n_acute = 0
    for c in range(N_CLASSES):
        for a in acute_lines:
            before = arrived_by_week[c, a, w - 1] if w > 0 else 0
            n_acute += arrived_by_week[c, a, w] - before
    rows = np.empty(len(elective_rows) + n_acute, dtype=np.int64)
    rows[:len(elective_rows)] = elective_rows
    k = len(elective_rows)
    for c in range(N_CLASSES):
        for a in acute_lines:
            before = arrived_by_week[c, a, w - 1] if w > 0 else 0
            for r in range(first_row[c, a] + before, first_row[c, a] + arrived_by_week[c, a, w]):
                rows[k] = r
                k += 1
    admit = service_day[rows]
    by_time = np.argsort(admit, kind="mergesort")
    per_unit = np.zeros(n_units + 1, dtype=np.int64)
    for row in rows:
        per_unit[line_unit[line[row]] + 1] += 1
    next_pos = np.cumsum(per_unit)
    unit_out = np.empty(len(rows), dtype=np.int64)
    admit_out = np.empty(len(rows))
    discharge_out = np.empty(len(rows))
    for i in by_time:
        u = line_unit[line[rows[i]]]
        j = next_pos[u]
        next_pos[u] += 1
        unit_out[j] = u
        admit_out[j] = admit[i]
        discharge_out[j] = admit[i] + los_days[rows[i]]
    return unit_out, admit_out, discharge_out


@njit(cache=True)
def year_counts(line: np.ndarray, arrival_day: np.ndarray, initial: np.ndarray,
                elective_line: np.ndarray, guarantee_days: np.ndarray, n_weeks: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per elective line, the patients listed and overdue by week, for the year-end tally.

    Returns ``listed[l, k]``: patients whose arrival week ``⌊arrival/7⌋`` (clipped to
    ``[0, W]``) is ``k``; ``overdue[l, k]``: patients with a guarantee ``G`` whose overdue week
    ``⌊(arrival + G)/7⌋`` (clipped) is ``k``; and per line the initial list and the initial
    list already waiting longer than ``G``.
    """
    n_lines = len(elective_line)
    listed = np.zeros((n_lines, n_weeks + 1), dtype=np.int64)
    overdue = np.zeros((n_lines, n_weeks + 1), dtype=np.int64)
    list_start = np.zeros(n_lines)
    over_start = np.zeros(n_lines)
    for i in range(len(line)):
        ln = line[i]
        if not elective_line[ln]:
            continue
        t = arrival_day[i]
        week = min(max(int(np.floor(t / DAYS_PER_WEEK)), 0), n_weeks)
        listed[ln, week] += 1
        g = guarantee_days[ln]
        has_guarantee = not np.isnan(g)
        if has_guarantee:
            overdue_week = int(np.floor((t + g) / DAYS_PER_WEEK))
            overdue[ln, min(max(overdue_week, 0), n_weeks)] += 1
        if initial[i]:
            list_start[ln] += 1.0
            if has_guarantee and -t > g:
                over_start[ln] += 1.0
    return listed, overdue, list_start, over_start
