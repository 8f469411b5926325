"""Weekly demand, production and waiting-list simulation with FIFO waiting-time cohorts.

One series = unit × care type × sex. Elective series keep a waiting list
``list(t) = list(t-1) + referrals(t) - production(t)`` exactly (whole cases); production is
the capacity of the week, but never takes the list below a booking buffer (patients already
booked for the coming weeks). From week ``control_from`` on (the budget year) production
follows a plan path: the week's capacity is moved towards the list's target by
``gain × (list(t−1) − target)``, at most ``max_adjust_pu`` of the expected referrals, and
then scaled by ``after_control`` (units behind plan). The waiting-time distribution is
tracked as weekly arrival cohorts served first in, first out, so ``waiting_over_guarantee``
counts the patients whose cohort is older than the guarantee. Acute series have no list:
production = referrals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SimResult:
    """Arrays ``(series, week)`` of the simulated weeks (whole cases)."""

    referrals: np.ndarray
    production: np.ndarray
    waiting: np.ndarray
    over_guarantee: np.ndarray


def simulate(ref_mean: np.ndarray, cap_mean: np.ndarray, acute: np.ndarray,
             buffer_cases: np.ndarray, initial_list: np.ndarray, guarantee_weeks: np.ndarray,
             rng: np.random.Generator, dispersion: float = 120.0,
             cap_noise_sd: float = 0.05, max_age_weeks: int = 60,
             target_list: np.ndarray | None = None, control_from: int | None = None,
             gain: float = 0.0, max_adjust_pu: float = 0.0,
             after_control: np.ndarray | None = None) -> SimResult:
    """Simulate every series over the weeks of ``ref_mean``.

    Parameters
    ----------
    ref_mean : expected referrals per series and week.
    cap_mean : expected production capacity per series and week (cases).
    acute : bool per series; acute series produce what arrives and keep no list.
    buffer_cases : booking buffer per series: production never takes the list below it.
    initial_list : waiting list per series before the first week, spread evenly over the
        most recent ``initial_list / ref_mean[:, 0]`` weeks of arrivals.
    guarantee_weeks : per series, waits longer than this many weeks count as over the
        guarantee (0 = no guarantee: never counted).
    rng : random generator.
    dispersion : negative-binomial size parameter of referrals (variance μ + μ²/r).
    cap_noise_sd : log-normal sd of the weekly production capacity.
    max_age_weeks : oldest tracked cohort; older patients stay in the last bucket.
    target_list : per series, the waiting list the plan path steers to (cases).
    control_from : first week of the plan path (None: never).
    gain : share of the gap to the target closed per week, 0..1.
    max_adjust_pu : largest weekly capacity change, relative to the expected referrals.
    after_control : (series, week) factor applied to the steered capacity (1 = none).
    """
    n, t = ref_mean.shape
    lam = rng.gamma(dispersion, np.maximum(ref_mean, 1e-9) / dispersion)
    referrals = rng.poisson(lam).astype(float)
    cap = np.floor(cap_mean * rng.lognormal(0.0, cap_noise_sd, size=(n, t)) + 0.5)
    production = referrals.copy()  # acute series: production = referrals, no list
    waiting = np.zeros((n, t))
    over = np.zeros((n, t))
    el = np.flatnonzero(~acute)
    m = len(el)
    if m == 0:
        return SimResult(referrals, production, waiting, over)
    ref_e = referrals[el]
    cap_e = cap[el]
    buf_e = buffer_cases[el]
    tgt_e = target_list[el] if target_list is not None else np.zeros(m)
    ref_mean_e = ref_mean[el]
    after_e = after_control[el] if after_control is not None else np.ones((m, t))
    start = t if control_from is None else control_from
    last_list = np.zeros(m)
    ages = max_age_weeks + 1
    cohorts = np.zeros((m, ages))
    init = initial_list[el]
    init_weeks = np.ceil(init / np.maximum(ref_mean[el, 0], 1e-9))
    init_weeks = np.clip(init_weeks, 1, max_age_weeks).astype(int)
    per = np.floor(init / init_weeks)
    cohorts[np.arange(ages)[None, :] < init_weeks[:, None]] = np.repeat(per, init_weeks)
    cohorts[:, 0] += init - per * init_weeks
    g = guarantee_weeks[el]
    over_mask = (np.arange(ages)[None, :] >= g[:, None]) & (g[:, None] > 0)
    prod_e = np.zeros((m, t))
    wait_e = np.zeros((m, t))
    over_e = np.zeros((m, t))
    zeros = np.zeros((m, 1))
    for w in range(t):
        # age the cohorts by one week (the oldest bucket accumulates)
        cohorts[:, -1] += cohorts[:, -2]
        cohorts[:, 1:-1] = cohorts[:, :-2]
        cohorts[:, 0] = ref_e[:, w]
        total = cohorts.sum(axis=1)
        cap_w = cap_e[:, w]
        if w >= start:
            limit = max_adjust_pu * ref_mean_e[:, w]
            adjust = np.clip(gain * (last_list - tgt_e), -limit, limit)
            cap_w = np.floor(np.maximum(cap_w + adjust, 0.0) * after_e[:, w] + 0.5)
        prod = np.minimum(cap_w, np.maximum(total - buf_e, 0.0))
        # remove prod cases from the oldest cohorts first (FIFO)
        cum = np.cumsum(cohorts[:, ::-1], axis=1)
        remaining = np.maximum(cum - prod[:, None], 0.0)
        cohorts = np.diff(np.concatenate([zeros, remaining], axis=1), axis=1)[:, ::-1].copy()
        prod_e[:, w] = prod
        wait_e[:, w] = total - prod
        last_list = total - prod
        over_e[:, w] = (cohorts * over_mask).sum(axis=1)
    production[el] = prod_e
    waiting[el] = wait_e
    over[el] = over_e
    return SimResult(referrals, production, np.round(waiting), np.round(over))
