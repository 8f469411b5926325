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
>>> used, cnt = fifo_match(np.array([0, 0]), np.array([0.0, 5.0]),
...                        np.array([0, 0, 0]), np.array([1.0, 2.0, 6.0]), 1)
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


def fifo_match(
    pseg: np.ndarray, pt: np.ndarray, sseg: np.ndarray, st: np.ndarray, nseg: int
) -> tuple[np.ndarray, np.ndarray]:
    """Serve FIFO lists by slots, all segments at once.

    Parameters
    ----------
    pseg, pt : segment id and arrival time of each waiting patient, sorted by (segment, time).
    sseg, st : segment id and time of each slot, sorted by (segment, time).
    nseg : number of segments.

    Returns
    -------
    used : bool per slot, True where the slot served a patient.
    served : patients served per segment; they are the first ``served[g]`` patients of
        segment ``g`` and took its used slots in order.
    """
    npat = np.bincount(pseg, minlength=nseg)
    nsl = np.bincount(sseg, minlength=nseg)
    if len(st) == 0 or len(pt) == 0:
        return np.zeros(len(st), dtype=bool), np.zeros(nseg, dtype=np.int64)
    span = float(max(np.abs(pt).max(), np.abs(st).max()))
    return match_counts(pt, npat, sseg, st, nsl, segment_scale(span))


def segment_scale(span: float) -> float:
    """A power of two above every ``|time|`` (``span``).

    Keys ``segment · scale + time`` then sort by segment first and stay exact.
    """
    return float(2.0 ** np.ceil(np.log2(span + 2.0) + 1))


def match_counts(pt: np.ndarray, npat: np.ndarray, sseg: np.ndarray, st: np.ndarray,
                 nsl: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fifo_match` given the patients and slots per segment (``npat``, ``nsl``).

    ``scale`` is :func:`segment_scale` of a bound on every time.
    """
    nseg = len(npat)
    if len(st) == 0 or len(pt) == 0:
        return np.zeros(len(st), dtype=bool), np.zeros(nseg, dtype=np.int64)
    seg_ids = np.arange(nseg)
    pstart = np.cumsum(npat) - npat
    sstart = np.cumsum(nsl) - nsl
    pkey = np.repeat(seg_ids * scale, npat) + pt
    # A_j − k_j: patients of the slot's segment arrived by it, minus the slot's rank there
    # (searchsorted counts every earlier segment's patients and slots: taken off at once)
    v = (np.searchsorted(pkey, sseg * scale + st, side="right") - np.arange(len(st))
         - np.repeat(pstart - sstart, nsl))
    # running minimum per segment: each segment is shifted below every earlier value
    apart = sseg * (len(pt) + len(st) + 2)
    k = np.arange(len(st)) - np.repeat(sstart, nsl)  # slot rank within its segment
    s = k + np.minimum(1, np.minimum.accumulate(v - apart) + apart)
    step = np.diff(s, prepend=0)
    first = sstart[nsl > 0]
    step[first] = s[first]  # S_{-1} = 0 at each segment's first slot
    used = step > 0
    served = np.bincount(sseg[used], minlength=nseg)
    return used, served
