"""The compiled loops against independent references (tiny instances, exact).

The references are deliberately naive: a patient-by-patient priority queue over the whole
year, a stable numpy sort, the numpy cumulative-sum formula of ordered uniforms.
"""

from __future__ import annotations

import numpy as np
import pytest

from pks.calendar import DAYS_PER_WEEK
from pks.simulate import draw_kernels, week_kernels
from pks.simulate.constants import N_CLASSES, WAIT_TOL


def naive_priority_service(arrival, cls, slot_times):
    """Service time of each patient: every slot serves the most urgent present patient.

    Present = arrived by the slot time and not yet served; most urgent = lowest class, then
    earliest arrival. NaN for patients never served.
    """
    service = np.full(len(arrival), np.nan)
    for t in np.sort(slot_times):
        waiting = [i for i in range(len(arrival)) if np.isnan(service[i]) and arrival[i] <= t]
        if waiting:
            service[min(waiting, key=lambda i: (cls[i], arrival[i]))] = t
    return service


def random_lists(rng, n_lines, n_weeks):
    """Class-major patients (class, line, arrival) with an initial list, and week-major slots."""
    rows = []  # (class, line, arrival)
    for c in range(N_CLASSES):
        for ln in range(n_lines):
            n0, n = rng.integers(0, 3), rng.integers(0, 4 * n_weeks)
            times = np.concatenate([-np.sort(rng.random(n0) * 30)[::-1],
                                    np.sort(rng.random(n) * DAYS_PER_WEEK * n_weeks)])
            rows += [(c, ln, t) for t in times]
    cls = np.array([r[0] for r in rows])
    line = np.array([r[1] for r in rows])
    arrival = np.array([r[2] for r in rows])
    n_slots = rng.integers(0, 6, (n_weeks, n_lines))
    day, slot_line = [], []
    for w in range(n_weeks):
        for ln in range(n_lines):
            day += sorted((DAYS_PER_WEEK * (w + rng.random(n_slots[w, ln]))).tolist())
            slot_line += [ln] * int(n_slots[w, ln])
    start = np.concatenate([[0], np.cumsum(n_slots.ravel())])
    return cls, line, arrival, np.array(day), np.array(slot_line, dtype=np.int64), start


@pytest.mark.parametrize("seed", range(6))
def test_serve_week_equals_the_naive_priority_queue(seed):
    rng = np.random.default_rng(seed)
    n_lines, n_weeks = 3, 4
    cls, line, arrival, slot_day, slot_line, slot_start = random_lists(rng, n_lines, n_weeks)
    key = cls * n_lines + line
    per = np.bincount(key, minlength=N_CLASSES * n_lines)
    first_row = (np.cumsum(per) - per).reshape(N_CLASSES, n_lines)
    week = np.clip(np.floor(arrival / DAYS_PER_WEEK).astype(np.int64), 0, n_weeks - 1)
    listed = np.cumsum(np.bincount(key * n_weeks + week, minlength=N_CLASSES * n_lines * n_weeks)
                       .reshape(N_CLASSES, n_lines, n_weeks), axis=2)
    guarantee = np.array([7.0, np.nan, 3.0])
    inpatient = np.array([True, False, True])
    service = np.full(len(arrival), np.nan)
    n_served = np.zeros((N_CLASSES, n_lines), dtype=np.int64)
    served = np.zeros((n_lines, n_weeks))
    within = np.zeros((n_lines, n_weeks))
    wait_sum = np.zeros((n_lines, n_weeks))
    overdue_left = np.zeros((n_lines, n_weeks + 1))
    admitted = []
    for w in range(n_weeks):
        rows = week_kernels.serve_week(w, 0, n_lines, slot_day, slot_start, arrival, first_row,
                                       n_served, listed[:, :, w], service, guarantee, inpatient,
                                       served, within, wait_sum, overdue_left)
        admitted.append(rows)
    slot_week = np.repeat(np.arange(n_weeks * n_lines) // n_lines, np.diff(slot_start))
    for ln in range(n_lines):
        mine = line == ln
        expected = naive_priority_service(arrival[mine], cls[mine], slot_day[slot_line == ln])
        np.testing.assert_array_equal(service[mine], expected)
        got_week = np.floor(expected / DAYS_PER_WEEK)
        for w in range(n_weeks):
            in_week = got_week == w
            wait = (expected - arrival[mine])[in_week]
            assert served[ln, w] == in_week.sum()
            assert wait_sum[ln, w] == pytest.approx(wait.sum())
            assert within[ln, w] == (wait <= guarantee[ln] + WAIT_TOL).sum()
            # slots of week w of line ln were all used or found no patient present
            assert in_week.sum() <= (slot_week[slot_line == ln] == w).sum()
    n_guaranteed = sum(int((~np.isnan(service[line == ln])).sum())
                       for ln in range(n_lines) if not np.isnan(guarantee[ln]))
    assert overdue_left.sum() == n_guaranteed
    for w, rows in enumerate(admitted):  # the week's treated inpatients, each once
        assert inpatient[line[rows]].all()
        assert (np.floor(service[rows] / DAYS_PER_WEEK) == w).all()
    all_rows = np.concatenate(admitted)
    assert len(np.unique(all_rows)) == len(all_rows) == int(
        (~np.isnan(service) & inpatient[line]).sum())


def test_class_major_is_a_stable_sort_by_class():
    rng = np.random.default_rng(3)
    n_lines = 4
    n_initial = rng.integers(0, 5, n_lines)
    n_new = rng.integers(0, 20, n_lines)
    shares = rng.random((n_lines, N_CLASSES))
    cumulative = np.cumsum(shares, axis=1) / shares.sum(axis=1, keepdims=True)
    total = int((n_initial + n_new).sum())
    u, los = rng.random(total), rng.random(total)
    initial_days = -rng.random(int(n_initial.sum()))
    new_days = rng.random(int(n_new.sum()))
    order, per_class, arrival, line, los_sorted, initial = draw_kernels.class_major(
        n_initial, initial_days, n_new, new_days, u, cumulative, los)
    line_major_line = np.repeat(np.arange(n_lines), n_initial + n_new)
    cls = (u[:, None] >= cumulative[line_major_line, :N_CLASSES - 1]).sum(axis=1)
    np.testing.assert_array_equal(order, np.argsort(cls, kind="stable"))
    np.testing.assert_array_equal(per_class, np.bincount(cls, minlength=N_CLASSES))
    is_initial = np.concatenate([np.arange(a + b) < a for a, b in zip(n_initial, n_new,
                                                                      strict=True)])
    line_major_days = np.empty(total)
    line_major_days[is_initial] = initial_days
    line_major_days[~is_initial] = new_days
    np.testing.assert_array_equal(arrival, line_major_days[order])
    np.testing.assert_array_equal(line, line_major_line[order])
    np.testing.assert_array_equal(los_sorted, los[order])
    np.testing.assert_array_equal(initial, is_initial[order])


def test_new_arrival_days_are_normalised_partial_sums():
    rng = np.random.default_rng(5)
    counts = rng.integers(0, 6, (3, 4))
    exps = rng.standard_exponential(int(counts.sum()) + counts.size)
    days = draw_kernels.new_arrival_days(counts, exps)
    pos, k = 0, 0
    for ln in range(3):
        for w in range(4):
            n = counts[ln, w]
            group = exps[pos:pos + n + 1]
            expected = DAYS_PER_WEEK * (w + np.cumsum(group)[:n] / group.sum())
            np.testing.assert_allclose(days[k:k + n], expected, rtol=1e-12)
            pos, k = pos + n + 1, k + n
    assert k == len(days)


@pytest.mark.parametrize("uniform_times", [True, False])
def test_slot_days_keep_existing_slots_when_capacity_grows(uniform_times):
    rng = np.random.default_rng(11)
    n_lines, n_weeks = 3, 5
    n_candidates = rng.integers(0, 90, n_lines * n_weeks)
    key = rng.integers(0, 2**63, n_lines, dtype=np.uint64)
    few = np.floor(n_candidates * 0.6)
    day_few, line_few, start_few = draw_kernels.slot_days(n_candidates, few, True, 0.1, key,
                                                          uniform_times)
    day_all, _, start_all = draw_kernels.slot_days(n_candidates, n_candidates.astype(float),
                                                   True, 0.1, key, uniform_times)
    for g in range(n_lines * n_weeks):
        a, b = day_few[start_few[g]:start_few[g + 1]], day_all[start_all[g]:start_all[g + 1]]
        w = g // n_lines
        assert (np.diff(b) >= 0).all() and ((b >= DAYS_PER_WEEK * w)
                                            & (b < DAYS_PER_WEEK * (w + 1))).all()
        assert (line_few[start_few[g]:start_few[g + 1]] == g % n_lines).all()
        assert len(a) <= len(b)
        if uniform_times:  # the kept slots are a subset of the larger capacity's
            assert np.isin(a, b).all()
    thinned = 1 - (np.diff(start_all).sum() / n_candidates.sum())
    assert 0.05 < thinned < 0.15  # cancellations and no-shows at 10 %
