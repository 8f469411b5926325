"""Vectorised slot matching: many first-come-first-served lists served by their own slots.

A waiting list served at given slot times (a slot serves the patient at the head of the
list if one is present, else it is lost) obeys the recursion ``S_j = min(S_{j-1} + 1,
A_j)``, where ``S_j`` is the number served up to slot ``j`` and ``A_j`` the number arrived by
slot ``j``. Unrolled, ``S_j = k_j + min(1, min_{i<=j}(A_i - k_i))`` with ``k`` the slot's rank,
i.e. a running minimum — so one pass of numpy serves every list of a group at once
(segments = lists). Priority classes are served one after the other: class ``c`` sees the
slots classes ``< c`` left unused, which is exactly non-pre-emptive priority at the slot
times (a slot always serves the most urgent patient present).

Examples
--------
>>> import numpy as np
>>> used, cnt = match_counts(np.array([0.0, 5.0]), np.array([2]), np.array([0, 0, 0]),
...                          np.array([1.0, 2.0, 6.0]), np.array([3]), segment_scale(6.0))
>>> used.tolist(), cnt.tolist()
([True, False, True], [2])
"""

from __future__ import annotations

import numpy as np


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + n)`` for every (s, n), vectorised.

    Examples
    --------
    >>> ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    excl = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, dtype=np.int64) - excl, lengths) + np.arange(total)


def segment_scale(span: float) -> float:
    """A power of two above every ``|time|`` (``span``).

    Keys ``segment · scale + time`` then sort by segment first and stay exact.
    """
    return float(2.0 ** np.ceil(np.log2(span + 2.0) + 1))


def match_counts(pt: np.ndarray, npat: np.ndarray, sseg: np.ndarray, st: np.ndarray,
                 nsl: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Serve FIFO lists by slots, all segments at once.

    ``pt``: arrival times of the waiting patients, sorted by (segment, time), ``npat`` of
    them per segment; ``sseg``, ``st``: segment and time of each slot, sorted the same way,
    ``nsl`` per segment; ``scale``: :func:`segment_scale` of a bound on every time.

    Returns ``used`` (True where a slot served a patient) and ``served`` per segment: the
    first ``served[g]`` patients of segment ``g``, who took its used slots in order.
    """
    nseg = len(npat)
    if len(st) == 0 or len(pt) == 0:
        return np.zeros(len(st), dtype=bool), np.zeros(nseg, dtype=np.int64)
    pstart = np.cumsum(npat) - npat
    sstart = np.cumsum(nsl) - nsl
    k = np.arange(len(st)) - np.repeat(sstart, nsl)  # slot rank within its segment
    pkey = np.repeat(np.arange(nseg) * scale, npat) + pt
    skey = sseg * scale + st
    arrived = np.searchsorted(pkey, skey, side="right") - np.repeat(pstart, nsl)
    v = arrived - k
    big = len(pt) + len(st) + 2
    cm = np.minimum.accumulate(v - sseg * big) + sseg * big
    s = k + np.minimum(1, cm)
    prev = np.empty_like(s)
    prev[0] = 0
    prev[1:] = s[:-1]
    prev[k == 0] = 0
    used = s > prev
    served = np.bincount(sseg[used], minlength=nseg)
    return used, served
