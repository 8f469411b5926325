"""Draw one replication's patients and treatment slots, region-wide.

Random numbers come from one stream per line (unit × care type, keyed by their names:
:func:`pks.simulate.streams.stream`), so a change to one line leaves every other line's
patients untouched (common random numbers). Per line only a handful of bulk draws are made
(into preallocated region-wide buffers); everything else is one region-wide pass.

Patients
--------
Weekly counts: ``N_{l,w} ~ Poisson(μ_{l,w})`` (or negative binomial, or the rounded
cumulative mean when ``demand_noise`` is ``fixed``), with the demand path
``μ_{l,w} = m_{l,w} · exp(σ_L z_l − σ_L²/2 + σ_W z_{l,w} − σ_W²/2)`` (a year-long level error
``z_l`` and weekly errors ``z_{l,w}``, both standard normal; the ``−σ²/2`` keeps the mean).

Arrival times come out in time order without sorting: the order statistics of ``n``
uniforms on a week equal the normalised partial sums of ``n + 1`` standard exponentials,
``U_(k) = (E_1 + … + E_k) / (E_1 + … + E_{n+1})`` (Rényi's representation). One cumulative
sum over the whole region gives every week of every line at once.

The priority class of a patient is ``#{c < 3 : F_c ≤ u}`` for a uniform ``u`` and the
line's cumulative class shares ``F``. Patients are held in class-major order (class, line,
arrival time), built by a counting sort on the class from the line-major arrays (which are
already in line and time order).

Slots
-----
Candidate slot ``r`` of line ``l`` in week ``w`` draws its uniforms from a counter-based
hash of (line key, week, r) (:func:`pks.simulate.streams.counter_hash`), so adding capacity
adds slots and never moves the existing ones (what makes "more capacity never lengthens a
wait" hold patient by patient). ``binomial`` capacity keeps the first ``⌊c⌋`` candidates,
the next with probability ``c − ⌊c⌋`` (``c`` = planned × staff factor), then thins each by
cancellation and no-show. ``poisson`` capacity keeps the first ``F⁻¹(u_w)`` candidates
(``F`` the Poisson CDF with the thinned rate). A kept slot's time in the week is
``7 u`` for its time uniform ``u``, sorted within the (week, line).

The loops are compiled (:mod:`pks.simulate.draw_kernels`); the random numbers come from
the numpy streams.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from pks.calendar import DAYS_PER_WEEK
from pks.simulate import draw_kernels
from pks.simulate.constants import N_CLASSES
from pks.simulate.params import SimParams
from pks.simulate.streams import stream

ROUND_TOL = 1e-9
"""Planned slot counts within this of an integer are that integer (solver round-off)."""
POISSON_SLOT_SD = 8.0
"""Poisson capacity: candidate slots reach ``λ + POISSON_SLOT_SD·√λ + POISSON_SLOT_PAD``.
The Poisson count exceeds that bound with probability below 1e-12 for every ``λ``, so the
candidates always cover the drawn count."""
POISSON_SLOT_PAD = 10.0
"""Additive pad of the Poisson candidate bound (covers small ``λ``; see POISSON_SLOT_SD)."""


def lost_slot_share(p: SimParams) -> float:
    """Share of planned slots lost: ``1 − (1 − cancellation)(1 − no-show)``."""
    return 1.0 - (1.0 - p.cfg.cancellation_rate) * (1.0 - p.cfg.no_show_rate)


@dataclass(frozen=True, eq=False)
class Patients:
    """Every patient of one replication, in class-major order (class, line, arrival time).

    ``arrival_day`` is negative for the initial waiting list (days waited before the
    plan's start); ``demo`` is the index into ``params.DEMOGRAPHICS`` (``None`` when no
    patient records are kept: then it is not drawn).
    """

    arrival_day: np.ndarray
    class_idx: np.ndarray
    line: np.ndarray
    los_days: np.ndarray
    initial: np.ndarray
    demo: np.ndarray | None
    arrivals_per_week: np.ndarray
    """New arrivals ``[line, week]`` (the initial list not included)."""


@dataclass(frozen=True, eq=False)
class Slots:
    """Treatment slots that survived cancellation and no-shows, week-major.

    ``day`` holds the slot times sorted by (week, line, time) and ``line`` their line; the
    slots of line ``l`` in week ``w`` are ``day[start[w·L + l] : start[w·L + l + 1]]``
    (``L`` lines), so one week of any range of lines is one contiguous slice.
    """

    day: np.ndarray
    line: np.ndarray
    start: np.ndarray


@dataclass(frozen=True, eq=False)
class LineDraws:
    """Per-line draws shared by patients and slots."""

    week_uniform: np.ndarray
    """``[line, week]`` uniform that rounds fractional capacity (or picks the Poisson count)."""
    slot_key: np.ndarray
    """``[line]`` 64-bit key of the line's counter-based slot uniforms."""


def _demand_path(p: SimParams, normals: np.ndarray) -> np.ndarray:
    """Mean arrivals ``[line, week]`` of this replication (lognormal level and weekly error)."""
    level_sd, week_sd = p.demand_sigma_level[:, None], p.demand_sigma_week[:, None]
    log_factor = (level_sd * normals[:, :1] - level_sd**2 / 2
                  + week_sd * normals[:, 1:] - week_sd**2 / 2)
    return np.asarray(p.demand_mean * np.exp(log_factor))


def _fixed_counts(mean: np.ndarray) -> np.ndarray:
    """Deterministic weekly counts whose running total is the rounded running mean."""
    cumulative = np.floor(np.cumsum(mean, axis=1) + 0.5)
    return np.diff(cumulative, axis=1, prepend=0.0).astype(np.int64)


def _even_arrival_days(counts: np.ndarray) -> np.ndarray:
    """Evenly spaced arrivals ``7 (w + (k + ½)/N)``, line-major.

    The same expression as evenly spaced slots, so that an arrival and a slot at the same
    time compare equal.
    """
    n_weeks = counts.shape[1]
    flat = counts.ravel()
    week = np.repeat(np.tile(np.arange(n_weeks), counts.shape[0]), flat)
    rank = np.arange(int(flat.sum())) - np.repeat(np.cumsum(flat) - flat, flat)
    return DAYS_PER_WEEK * (week + (rank + 0.5) / np.repeat(np.maximum(flat, 1), flat))


def _category_of(uniform: np.ndarray, line: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Index of the category drawn by ``uniform`` from each line's shares (one search)."""
    n_cat = shares.shape[1]
    cumulative = np.cumsum(shares, axis=1)
    cumulative /= cumulative[:, -1:]
    # line l's cut points live in (l, l + 1]: one sorted array serves every line
    cuts = (np.arange(len(shares))[:, None] + cumulative).ravel()
    idx = np.searchsorted(cuts, line + uniform, side="right") - line * n_cat
    return np.minimum(idx, n_cat - 1)


def draw_patients(p: SimParams, rep: int, keep_demography: bool
                  ) -> tuple[Patients, LineDraws]:
    """All patients of replication ``rep`` (initial list and new arrivals).

    Per line, in this order from the line's stream: the week uniforms, the slot key and
    the demand normals (their number is fixed by the data, so they are common to plans and
    demand scenarios), then the weekly counts, the arrival-time exponentials, the class
    uniforms, the lengths of stay (inpatient lines) and, last and only when patient
    records are kept, the demography uniforms.
    """
    cfg = p.cfg
    n_lines, n_weeks = p.n_lines, p.n_weeks
    gens = [stream(cfg.seed, rep, p.line_unit[ln], p.line_care_type[ln], kind="line")
            for ln in range(n_lines)]
    week_uniform = np.empty((n_lines, n_weeks))
    slot_key = np.empty(n_lines, dtype=np.uint64)
    normals = np.empty((n_lines, 1 + n_weeks))
    for ln, g in enumerate(gens):
        g.random(out=week_uniform[ln])
        slot_key[ln] = g.integers(0, 2**63, dtype=np.uint64)
        g.standard_normal(out=normals[ln])
    mean = _demand_path(p, normals)
    if cfg.demand_noise == "fixed":
        counts = _fixed_counts(mean)
    else:
        counts = np.empty((n_lines, n_weeks), dtype=np.int64)
        negbin = cfg.demand_noise == "negbin" and cfg.negbin_dispersion > 0
        d = cfg.negbin_dispersion
        for ln, g in enumerate(gens):
            lam = mean[ln] * g.gamma(1.0 / d, d, n_weeks) if negbin else mean[ln]
            counts[ln] = g.poisson(lam)
    n_initial = np.array([len(a) for a in p.initial_ages], dtype=np.int64)
    n_new = counts.sum(axis=1)
    n_line = n_initial + n_new
    line_start = np.cumsum(n_line) - n_line  # each line's first patient, line-major
    total = int(n_line.sum())
    uniform_times = cfg.arrival_times == "uniform"
    exps = np.empty(int(n_new.sum()) + n_lines * n_weeks) if uniform_times else None
    class_u = np.empty(total)
    los = np.zeros(total)
    demo_u = np.empty(total) if keep_demography else None
    fixed_los = cfg.los_distribution == "fixed" or cfg.los_cv <= 0
    gamma_shape = 1.0 / cfg.los_cv**2 if not fixed_los else 0.0
    exp_pos = 0
    for ln, g in enumerate(gens):
        a, b = int(line_start[ln]), int(line_start[ln] + n_line[ln])
        if exps is not None:
            m = int(n_new[ln]) + n_weeks
            g.standard_exponential(out=exps[exp_pos:exp_pos + m])
            exp_pos += m
        g.random(out=class_u[a:b])
        mean_los = p.mean_los[ln]
        if mean_los > 0 and b > a:
            los[a:b] = mean_los if fixed_los else g.gamma(gamma_shape, mean_los / gamma_shape,
                                                          b - a)
        if demo_u is not None:
            g.random(out=demo_u[a:b])
    new_days = (_even_arrival_days(counts) if exps is None
                else draw_kernels.new_arrival_days(counts, exps))
    initial_days = (-np.concatenate(p.initial_ages) if n_initial.sum()
                    else np.zeros(0))  # held oldest first (ages stored descending)
    cumulative = np.cumsum(p.class_shares, axis=1)
    cumulative /= cumulative[:, -1:]
    order, per_class, arrival, line, los_sorted, initial = draw_kernels.class_major(
        n_initial, initial_days, n_new, new_days, class_u, cumulative, los)
    demo = (None if demo_u is None
            else _category_of(demo_u, np.repeat(np.arange(n_lines), n_line),
                              p.demo_shares)[order])
    patients = Patients(
        arrival_day=arrival, class_idx=np.repeat(np.arange(N_CLASSES), per_class), line=line,
        los_days=los_sorted, initial=initial, demo=demo, arrivals_per_week=counts)
    return patients, LineDraws(week_uniform=week_uniform, slot_key=slot_key)


def draw_slots(p: SimParams, draws: LineDraws, staff_factor: np.ndarray) -> Slots:
    """Slots of every elective line and week after staff shortfall, cancellation, no-show.

    ``staff_factor`` is ``[unit, week]`` (:func:`pks.simulate.model.capacity_factor`).
    """
    cfg = p.cfg
    planned = p.capacity_plan
    realised = planned * staff_factor[p.line_unit_idx]
    lost = lost_slot_share(p)
    binomial = cfg.capacity_noise == "binomial"
    if binomial:
        n_candidates = np.ceil(planned - ROUND_TOL).astype(np.int64)
    else:
        n_candidates = np.ceil(planned + POISSON_SLOT_SD * np.sqrt(planned)
                               + POISSON_SLOT_PAD).astype(np.int64)
    n_candidates[p.acute] = 0
    if binomial:
        # candidates kept before losses: the first ⌊c⌋, and one more with probability c − ⌊c⌋
        whole = np.floor(realised + ROUND_TOL)
        n_kept_max = whole + (draws.week_uniform < realised - whole)
    else:
        n_kept_max = np.nan_to_num(
            stats.poisson.ppf(draws.week_uniform, realised * (1 - lost)), nan=0.0)
    # groups week-major: group g = week · L + line
    day, line, start = draw_kernels.slot_days(
        n_candidates.T.ravel(), n_kept_max.T.ravel(), binomial, lost, draws.slot_key,
        cfg.slot_times == "uniform")
    return Slots(day=day, line=line, start=start)
