"""Validation against queueing theory; every tolerance is the replications' own CI.

The intervals use alpha = 0.001 (99.9 %) so that a correct model fails a check with
probability about 1/1000 per seed; the seeds are fixed, so the tests are deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from pks.config.simulate import SimulateConfig
from pks.simulate.analysis import mean_ci
from pks.simulate.model import run_replication

from .builders import line_params

ALPHA = 0.001


def erlang_b(c: int, a: float) -> float:
    """Erlang loss formula by the stable recursion B(0)=1, B(k)=aB/(k+aB)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def test_erlang_b_reference_values():
    # independent check of the oracle itself against the closed form
    a, c = 8.0, 10
    closed = (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))
    assert erlang_b(c, a) == pytest.approx(closed, rel=1e-12)


def _ci_contains(x: np.ndarray, value: float) -> tuple[bool, float, float]:
    m, h = mean_ci(x, ALPHA)
    return abs(m - value) <= h, m, h


@pytest.mark.parametrize("los_cv", [1.0, 0.5])
def test_bed_pool_without_waiting_room_reproduces_erlang_b(los_cv):
    """M/G/c/c (insensitive to the LOS distribution): refusals and occupancy."""
    c, los, lam_day = 10, 4.0, 2.0  # offered load a = 8 Erlang
    a = lam_day * los
    cfg = SimulateConfig(overflow_policy="transfer", los_cv=los_cv, absence_model="none",
                         cancellation_rate=0, no_show_rate=0, patient_records="none")
    p = line_params(cfg, n_weeks=52, demand=7 * lam_day, acute=True, los=los, beds=c)
    outs = [run_replication(p, r) for r in range(40)]
    refused = np.array([o.transfers.sum() / o.admissions.sum() for o in outs])
    occupied = np.array([o.census.mean() for o in outs])
    b = erlang_b(c, a)
    ok, m, h = _ci_contains(refused, b)
    assert ok, f"refusal {m:.4f} ± {h:.4f} vs Erlang B {b:.4f}"
    ok, m, h = _ci_contains(occupied, a * (1 - b))
    assert ok, f"occupancy {m:.3f} ± {h:.3f} vs a(1-B) {a * (1 - b):.3f}"


def _mm1_cfg(**kw):
    return SimulateConfig(capacity_noise="poisson", cancellation_rate=0, no_show_rate=0,
                          absence_model="none", patient_records="all", **kw)


def test_single_list_obeys_littles_law_and_mm1():
    """Poisson arrivals, Poisson slots: an M/M/1 list; L = λW, and L = ρ/(1-ρ)."""
    lam, mu, n_weeks, burn = 10.0, 12.0, 260, 26
    p = line_params(_mm1_cfg(), n_weeks=n_weeks, demand=lam, capacity=mu)
    diffs, ls = [], []
    for r in range(20):
        o = run_replication(p, r)
        pt = o.patients
        window = (pt["arrival_day"] >= 7 * burn) & (pt["arrival_day"] < 7 * (n_weeks - 10))
        w_days = pt["service_day"][window] - pt["arrival_day"][window]
        assert not np.isnan(w_days).any()
        lam_hat = window.sum() / (n_weeks - 10 - burn)  # per week
        big_l = o.list_end[0, burn:n_weeks - 10].mean()
        diffs.append(big_l - lam_hat * w_days.mean() / 7.0)
        ls.append(big_l)
    ok, m, h = _ci_contains(np.array(diffs), 0.0)
    assert ok, f"L - λW = {m:.3f} ± {h:.3f}"
    rho = lam / mu
    ok, m, h = _ci_contains(np.array(ls), rho / (1 - rho))
    assert ok, f"L = {m:.3f} ± {h:.3f} vs M/M/1 {rho / (1 - rho):.3f}"


def test_kingman_target_capacity_gives_mean_wait_target_over_4():
    """NHSRwaitinglist: capacity = demand + (cv_d² + cv_c²)/2 · 4/target → mean wait target/4.

    With Poisson arrivals and Poisson slots (cv = 1 both) the list is M/M/1 and the mean
    time on the list is exactly 1/(μ - λ) = target/4: the slot matching is in continuous
    time, so the weekly process adds no discretisation error, and the tolerance is the CI.
    """
    target_weeks, lam = 2.0, 10.0
    mu = lam + (1 + 1) / 2 * 4 / target_weeks
    n_weeks, burn = 312, 26
    p = line_params(_mm1_cfg(), n_weeks=n_weeks, demand=lam, capacity=mu)
    waits = []
    for r in range(20):
        pt = run_replication(p, r).patients
        window = (pt["arrival_day"] >= 7 * burn) & (pt["arrival_day"] < 7 * (n_weeks - 10))
        waits.append(np.mean(pt["service_day"][window] - pt["arrival_day"][window]))
    ok, m, h = _ci_contains(np.array(waits), 7 * target_weeks / 4)
    assert ok, f"mean wait {m:.3f} ± {h:.3f} days vs target/4 = {7 * target_weeks / 4}"


def test_deterministic_ample_capacity_gives_exact_values():
    """Evenly spaced arrivals and slots, fixed LOS: every number is hand-computable."""
    cfg = SimulateConfig(demand_noise="fixed", arrival_times="even", slot_times="even",
                         cancellation_rate=0, no_show_rate=0, absence_model="none",
                         los_distribution="fixed", patient_records="all")
    # elective: 10 arrivals/week at 0.7i + 0.35, 20 slots at 0.35j + 0.175 → wait 0.175 d
    p = line_params(cfg, n_weeks=8, demand=10, capacity=20, h_per_case=1.5,
                    available_h=40.0)
    o = run_replication(p, 0)
    assert o.served[0].tolist() == [10.0] * 8
    assert o.list_end[0].tolist() == [0.0] * 8
    waits = o.patients["service_day"] - o.patients["arrival_day"]
    np.testing.assert_allclose(waits, 0.175, atol=1e-12)
    np.testing.assert_allclose(o.required_h[0, 0], 15.0)
    np.testing.assert_allclose(o.overtime_h[0, 0], 0.0)
    # acute inpatients: one a day at noon, 3-day stay → census 3 every morning, no overflow
    p2 = line_params(cfg, n_weeks=4, demand=7, acute=True, los=3.0, beds=3)
    o2 = run_replication(p2, 0)
    assert o2.census[0].tolist() == [3] * 28
    assert o2.full_admissions.sum() == 0
    assert o2.admissions[0].tolist() == [7] * 4


def test_initial_list_has_no_warm_up_bias_and_is_served_first():
    """A list of 30 patients who waited 100..129 days is served FIFO before new arrivals."""
    cfg = SimulateConfig(demand_noise="fixed", arrival_times="even", slot_times="even",
                         cancellation_rate=0, no_show_rate=0, absence_model="none",
                         patient_records="all")
    ages = np.arange(129, 99, -1, dtype=float)
    p = line_params(cfg, n_weeks=6, demand=5, capacity=10, initial_ages=ages)
    o = run_replication(p, 0)
    assert o.list_start[0] == 30
    assert o.over_start[0] == 30  # all past the 90-day guarantee
    pt = o.patients
    init = pt["initial"]
    # the first 10 slots of week 0 serve the 10 oldest patients
    first = np.sort(pt["service_day"][init])[:10]
    np.testing.assert_allclose(first, 0.35 + 0.7 * np.arange(10))
    assert o.served_within[0].sum() == o.served[0].sum() - 30


def test_poisson_slot_counts_match_planned_rate():
    """The Poisson capacity mode has mean = planned × (1 - cancellations)(1 - no-shows)."""
    cfg = SimulateConfig(capacity_noise="poisson", cancellation_rate=0.1, no_show_rate=0.05,
                         absence_model="none")
    p = line_params(cfg, n_weeks=52, demand=100, capacity=30)
    counts = np.concatenate([run_replication(p, r).served[0] for r in range(5)])
    # demand far above capacity: every slot is used
    rate = 30 * 0.9 * 0.95
    ok, m, h = _ci_contains(counts, rate)
    assert ok
    # a Poisson count: variance ≈ mean (chi-square interval on the variance)
    n = len(counts)
    v = counts.var(ddof=1)
    lo = (n - 1) * v / stats.chi2.ppf(1 - ALPHA / 2, n - 1)
    hi = (n - 1) * v / stats.chi2.ppf(ALPHA / 2, n - 1)
    assert lo <= rate <= hi


def test_priority_classes_match_the_two_class_formula():
    """Two classes on Poisson slots: class 1 alone is M/M/1 (W1 = 1/(μ-λ1)); the total is
    M/M/1 (L = ρ/(1-ρ)), so class 2 has W2 = (L - λ1·W1)/λ2 (Little, conservation)."""
    lam1, lam2, mu = 3.0, 7.0, 12.0
    n_weeks, burn = 260, 26
    p = line_params(_mm1_cfg(), n_weeks=n_weeks, demand=lam1 + lam2, capacity=mu,
                    class_shares=(lam1 / (lam1 + lam2), lam2 / (lam1 + lam2), 0.0, 0.0))
    w1s, w2s = [], []
    for r in range(20):
        pt = run_replication(p, r).patients
        window = (pt["arrival_day"] >= 7 * burn) & (pt["arrival_day"] < 7 * (n_weeks - 10))
        wait = (pt["service_day"] - pt["arrival_day"]) / 7.0
        w1s.append(wait[window & (pt["priority_class"] == 1)].mean())
        w2s.append(wait[window & (pt["priority_class"] == 2)].mean())
    w1 = 1 / (mu - lam1)
    rho = (lam1 + lam2) / mu
    w2 = (rho / (1 - rho) - lam1 * w1) / lam2
    ok, m, h = _ci_contains(np.array(w1s), w1)
    assert ok, f"class 1 wait {m:.4f} ± {h:.4f} vs {w1:.4f} weeks"
    ok, m, h = _ci_contains(np.array(w2s), w2)
    assert ok, f"class 2 wait {m:.4f} ± {h:.4f} vs {w2:.4f} weeks"
