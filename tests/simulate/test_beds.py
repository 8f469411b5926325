"""The vectorised wards equal a day-by-day heap of discharge times, patient by patient."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from pks.simulate.beds import Wards


def heap_reference(n_weeks, beds, transfer, initial, weeks):
    """Independent day-by-day simulation: one heap of discharge times per ward."""
    n_u = len(initial)
    census = np.zeros((n_u, 7 * n_weeks), dtype=int)
    full = np.zeros((n_u, n_weeks), dtype=int)
    moved = np.zeros((n_u, n_weeks), dtype=int)
    for u in range(n_u):
        heap = sorted(initial[u])
        for w in range(n_weeks):
            unit, admit, out = weeks[w]
            tl, dl = admit[unit == u].tolist(), out[unit == u].tolist()
            i = 0
            for day in range(7):
                d = 7 * w + day
                while heap and heap[0] <= d:
                    heapq.heappop(heap)
                census[u, d] = len(heap)
                while i < len(tl) and tl[i] < d + 1:
                    while heap and heap[0] <= tl[i]:
                        heapq.heappop(heap)
                    if len(heap) >= beds[u, w] - 1e-9:
                        full[u, w] += 1
                        if transfer:
                            moved[u, w] += 1
                            i += 1
                            continue
                    heapq.heappush(heap, dl[i])
                    i += 1
    return census, full, moved


def random_weeks(rng, n_units, n_weeks, rate):
    weeks = []
    for w in range(n_weeks):
        n = rng.poisson(rate * n_units)
        unit = rng.integers(0, n_units, n)
        admit = 7 * w + 7 * rng.random(n)
        if n:
            admit[rng.random(n) < 0.1] = 7 * w + rng.integers(0, 7, 1)[0]  # ties, day starts
        los = rng.gamma(1.5, 3.0, n)
        los[rng.random(n) < 0.05] = 0.0  # zero stays never hold a bed
        o = np.lexsort((admit, unit))
        weeks.append((unit[o], admit[o], (admit + los)[o]))
    return weeks


@pytest.mark.parametrize("transfer", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wards_equal_the_heap_reference(transfer, seed):
    rng = np.random.default_rng(seed)
    n_units, n_weeks = 4, 10
    beds = rng.integers(3, 12, (n_units, n_weeks)).astype(float)
    beds[0] = 1000.0  # a ward that never fills (vectorised path only)
    initial = [sorted((rng.random(rng.integers(0, 8)) * 10).tolist()) for _ in range(n_units)]
    weeks = random_weeks(rng, n_units, n_weeks, rate=9)
    wards = Wards(n_units, n_weeks, beds, transfer, initial)
    for w, (unit, admit, out) in enumerate(weeks):
        wards.week(w, unit, admit, out)
    census, full, moved = heap_reference(n_weeks, beds, transfer, initial, weeks)
    assert full.sum() > 0  # the case exercises full wards
    np.testing.assert_array_equal(wards.census, census)
    np.testing.assert_array_equal(wards.full_admissions, full)
    np.testing.assert_array_equal(wards.transfers, moved)
    np.testing.assert_array_equal(wards.admissions,
                                  [[int((wk[0] == u).sum()) for wk in weeks]
                                   for u in range(n_units)])
