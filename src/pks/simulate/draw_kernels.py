"""Compiled loops that turn one replication's random draws into patients and slots (numba).

The random numbers themselves come from numpy generators, one stream per line
(:mod:`pks.simulate.generation`); these kernels do in one pass what a chain of region-wide
numpy passes did, with the same floating-point operations in the same order (slot times
are now ``t + 7w`` directly instead of through sort keys, a difference below 1e-9 days).
The maths is in :mod:`pks.simulate.generation`.

numba caches each compiled kernel under ``__pycache__`` keyed by this file only: after
changing a constant or a function it uses from another module (``constants``,
``calendar``, ``streams``), touch this file so that the kernels are compiled again.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from pks.calendar import DAYS_PER_WEEK
from pks.simulate.constants import N_CLASSES
from pks.simulate.streams import counter_hash, hash_to_uniform

SLOT_TIME_PURPOSE = 0
"""Purpose number of a slot's time-in-week uniform (:func:`hash_to_uniform`)."""
SLOT_KEEP_PURPOSE = 1
"""Purpose number of a slot's cancellation/no-show uniform."""
_WEEK_BITS = np.uint64(32)
"""A slot's counter is ``week · 2**32 + rank``: bijective while a week has < 2**32 slots."""


@njit(cache=True)
def new_arrival_days(counts: np.ndarray, exponentials: np.ndarray) -> np.ndarray:
    """Arrival days of the new patients, line-major, in time order within each line.

    ``exponentials`` holds ``N_{l,w} + 1`` standard exponentials per (line, week) group,
    line-major and in week order. With ``P`` their running sum over the whole array, the
    ``k``-th arrival of group ``g`` (after ``B`` = ``P`` at the end of the previous group) is
    at ``7 w + (P_k − B) · 7 / (P_last − B)`` (Rényi: normalised partial sums of
    exponentials are ordered uniforms).
    """
    n_lines, n_weeks = counts.shape
    days = np.empty(counts.sum())
    running = 0.0
    before = 0.0
    pos = 0
    k = 0
    for ln in range(n_lines):
        for w in range(n_weeks):
            n = counts[ln, w]
            partial = np.empty(n)
            for i in range(n):
                running += exponentials[pos]
                partial[i] = running
                pos += 1
            running += exponentials[pos]
            pos += 1
            scale = DAYS_PER_WEEK / (running - before)
            week_start = w * DAYS_PER_WEEK
            for i in range(n):
                days[k] = week_start + (partial[i] - before) * scale
                k += 1
            before = running
    return days


@njit(cache=True)
def class_major(n_initial: np.ndarray, initial_days: np.ndarray, n_new: np.ndarray,
                new_days: np.ndarray, class_uniform: np.ndarray, cumulative_shares: np.ndarray,
                los_days: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                           np.ndarray]:
    """Patients in class-major order (class, line, arrival time) by a counting sort.

    Line-major input: line ``l`` holds its ``n_initial[l]`` initial patients (arrival days
    ``initial_days``, oldest first) and then its ``n_new[l]`` new ones (``new_days``);
    ``class_uniform`` and ``los_days`` follow that order. The class of a patient is
    ``#{c < C−1 : F_{l,c} ≤ u}`` (``F`` the cumulative shares). Returns ``order`` (the
    line-major index of each class-major row), the number of patients per class, and per
    row the arrival day, line, length of stay and whether the patient was on the initial
    list.
    """
    n_lines = len(n_initial)
    total = len(class_uniform)
    cls = np.empty(total, dtype=np.int64)
    per_class = np.zeros(N_CLASSES, dtype=np.int64)
    pos = 0
    for ln in range(n_lines):
        for _ in range(n_initial[ln] + n_new[ln]):
            c = 0
            for j in range(N_CLASSES - 1):
                if class_uniform[pos] >= cumulative_shares[ln, j]:
                    c += 1
            cls[pos] = c
            per_class[c] += 1
            pos += 1
    next_row = np.zeros(N_CLASSES, dtype=np.int64)
    for c in range(1, N_CLASSES):
        next_row[c] = next_row[c - 1] + per_class[c - 1]
    order = np.empty(total, dtype=np.int64)
    arrival = np.empty(total)
    line = np.empty(total, dtype=np.int64)
    los = np.empty(total)
    initial = np.zeros(total, dtype=np.bool_)
    pos = 0
    initial_pos = 0
    new_pos = 0
    for ln in range(n_lines):
        for i in range(n_initial[ln] + n_new[ln]):
            row = next_row[cls[pos]]
            next_row[cls[pos]] += 1
            order[row] = pos
            if i < n_initial[ln]:
                arrival[row] = initial_days[initial_pos]
                initial[row] = True
                initial_pos += 1
            else:
                arrival[row] = new_days[new_pos]
                new_pos += 1
            line[row] = ln
            los[row] = los_days[pos]
            pos += 1
    return order, per_class, arrival, line, los, initial


@njit(cache=True)
def _sort_uniform_run(values: np.ndarray, lo: int, hi: int, span: float,
                      scratch: np.ndarray, bucket_end: np.ndarray) -> None:
    """Sort ``values[lo:hi]`` (spread over ``[0, span)``) in place in expected linear time.

    A counting pass puts value ``x`` in bucket ``⌊x n / span⌋`` of ``n = hi − lo`` buckets,
    then an insertion sort orders the few values that share a bucket.
    """
    n = hi - lo
    bucket_end[:n + 1] = 0
    for i in range(lo, hi):
        bucket_end[min(int(values[i] / span * n), n - 1) + 1] += 1
    for b in range(n):
        bucket_end[b + 1] += bucket_end[b]
    for i in range(lo, hi):
        b = min(int(values[i] / span * n), n - 1)
        scratch[bucket_end[b]] = values[i]
        bucket_end[b] += 1
    values[lo:hi] = scratch[:n]
    for i in range(lo + 1, hi):
        x = values[i]
        j = i - 1
        while j >= lo and values[j] > x:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = x


@njit(cache=True)
def slot_days(n_candidates: np.ndarray, n_kept_max: np.ndarray, thin: bool, lost: float,
              slot_key: np.ndarray, uniform_times: bool
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times of the slots that survive, week-major: ``(day, line, start)`` as in ``Slots``.

    Group ``g = w · L + l`` (week ``w``, line ``l``) has ``n_candidates[g]`` candidate slots;
    candidate ``r`` hashes to ``h = counter_hash(slot_key[l], w · 2**32 + r)``. It is kept
    when ``r < n_kept_max[g]`` and, with ``thin``, its keep uniform is ``≥ lost``. A kept
    slot's time is ``7 w + 7 u`` (``u`` its time uniform, times sorted within the group)
    with ``uniform_times``, else ``7 (w + (k + ½)/n)`` for the ``k``-th of ``n`` kept.
    """
    n_lines = len(slot_key)
    n_groups = len(n_candidates)
    day = np.empty(n_candidates.sum())
    start = np.zeros(n_groups + 1, dtype=np.int64)
    longest = n_candidates.max() if n_groups else 0
    scratch = np.empty(longest)
    bucket_end = np.empty(longest + 1, dtype=np.int64)
    k = 0
    for g in range(n_groups):
        w, ln = divmod(g, n_lines)
        week_counter = np.uint64(w) << _WEEK_BITS
        first = k
        for r in range(n_candidates[g]):
            if r >= n_kept_max[g]:
                break
            h = counter_hash(slot_key[ln], week_counter | np.uint64(r))
            if thin and hash_to_uniform(h, SLOT_KEEP_PURPOSE) < lost:
                continue
            if uniform_times:
                day[k] = DAYS_PER_WEEK * hash_to_uniform(h, SLOT_TIME_PURPOSE)
            k += 1
        n = k - first
        start[g + 1] = k
        if uniform_times:
            _sort_uniform_run(day, first, k, DAYS_PER_WEEK, scratch, bucket_end)
            for i in range(first, k):
                day[i] += DAYS_PER_WEEK * w
        else:
            for i in range(n):
                day[first + i] = DAYS_PER_WEEK * (w + (i + 0.5) / n)
    line = np.empty(k, dtype=np.int64)
    for g in range(n_groups):
        line[start[g]:start[g + 1]] = g % n_lines
    return day[:k].copy(), line, start
