"""Weekly demand, production and waiting-list simulation with FIFO waiting-time cohorts.

One series = unit × care type × sex. Elective series keep a waiting list
``list(t) = list(t-1) + referrals(t) - production(t)`` exactly (whole cases); production is
the capacity of the week, but never takes the list below a booking buffer (patients already
booked for the coming weeks). The waiting-time distribution is tracked as weekly arrival
cohorts served first in, first out, so ``waiting_over_guarantee`` counts the patients whose
cohort is older than the guarantee. Acute series have no list: production = referrals.
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
             rng: np.random.Generator, dispersion: float = 40.0,
             cap_noise_sd: float = 0.05, max_age_weeks: int = 156) -> SimResult:
    """Simulate every series over the weeks of ``ref_mean``.

    Parameters
    ----------
    ref_mean : expected referrals per series and week.
    cap_mean : expected production capacity per series and week (cases).
    acute : bool per series; acute series produce what arrives and keep no list.
    buffer_cases : booking buffer per series: production never takes the list below it.
    initial_list : waiting list per series before the first week (spread evenly over
        the ages ``0 .. initial_weeks``, see ``initial_list`` construction below).
    guarantee_weeks : per series, waits longer than this many weeks count as over the
        guarantee (0 = no guarantee: never counted).
    rng : random generator.
    dispersion : negative-binomial size parameter of referrals (variance μ + μ²/r).
    cap_noise_sd : log-normal sd of the weekly production capacity.
    max_age_weeks : oldest tracked cohort; older patients stay in the last bucket.
    """
    n, t = ref_mean.shape
    lam = rng.gamma(dispersion, np.maximum(ref_mean, 1e-9) / dispersion)
    referrals = rng.poisson(lam).astype(float)
    cap = np.floor(cap_mean * rng.lognormal(0.0, cap_noise_sd, size=(n, t)) + 0.5)
    production = np.zeros((n, t))
    waiting = np.zeros((n, t))
    over = np.zeros((n, t))
    ages = max_age_weeks + 1
    cohorts = np.zeros((n, ages))
    init_weeks = np.maximum(1, np.ceil(initial_list / np.maximum(ref_mean[:, 0], 1e-9))).astype(int)
    init_weeks = np.minimum(init_weeks, max_age_weeks)
    for i in range(n):
        if acute[i] or initial_list[i] <= 0:
            continue
        k = init_weeks[i]
        per = np.floor(initial_list[i] / k)
        cohorts[i, :k] = per
        cohorts[i, 0] += initial_list[i] - per * k
    age_idx = np.arange(ages)
    over_mask = (age_idx[None, :] >= guarantee_weeks[:, None]) & (guarantee_weeks[:, None] > 0)
    elective = ~acute
    for w in range(t):
        # age the cohorts by one week (the oldest bucket accumulates)
        cohorts[:, -1] += cohorts[:, -2]
        cohorts[:, 1:-1] = cohorts[:, :-2]
        cohorts[:, 0] = referrals[:, w]
        total = cohorts.sum(axis=1)
        prod = np.where(elective, np.minimum(cap[:, w], np.maximum(total - buffer_cases, 0.0)),
                        referrals[:, w])
        prod = np.maximum(prod, 0.0)
        # remove prod cases from the oldest cohorts first (FIFO)
        rev = cohorts[:, ::-1]
        cum = np.cumsum(rev, axis=1)
        remaining = np.maximum(cum - prod[:, None], 0.0)
        new_rev = np.diff(np.concatenate([np.zeros((n, 1)), remaining], axis=1), axis=1)
        cohorts = new_rev[:, ::-1].copy()
        cohorts[acute] = 0.0
        production[:, w] = prod
        waiting[:, w] = np.where(elective, cohorts.sum(axis=1), 0.0)
        over[:, w] = np.where(elective, (cohorts * over_mask).sum(axis=1), 0.0)
    return SimResult(referrals, production, np.round(waiting), np.round(over))
