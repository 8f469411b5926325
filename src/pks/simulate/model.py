"""One replication of a weekly plan: SimPy processes serving patient records held in arrays.

Design (see ``benchmarks/simulate/README.md`` for the measurements behind it)
---------------------------------------------------------------------------
* Every random number of a replication is drawn up front from streams keyed by
  (seed, replication, unit, care type, kind) (:mod:`pks.simulate.streams`): arrivals with their
  priority class, sex, age band and length of stay; the slots of each week; the sick leave
  of each unit, staff category and week; the initial bed occupants. Patients are rows of
  numpy arrays ordered by (priority class, line, arrival time).
* A **weekly waiting-list process** (SimPy) serves, at the start of each week, the week's
  slots of its lines: each slot serves the most urgent patient present at the slot time,
  first come first served within a class (:func:`pks.simulate.week_kernels.serve_week`, exact in
  continuous time, no weekly batching error). ``process_grouping`` chooses whether one
  process serves one unit × care type, one unit, or the whole region: the results are
  identical, the region-wide process is fastest.
* A **daily bed process** per inpatient unit admits the week's elective patients (at their
  treatment time) and acute arrivals in time order; each holds a bed for its sampled length
  of stay. A full ward gives an overflow (the patient is admitted above the staffed beds) or
  a transfer (the patient leaves), by ``overflow_policy``. The census is taken at the start
  of each day.
* Capacity: the plan's ``production_cases + external_cases`` per line and week, times the
  unit's staff factor ``min_k min(1, realised supply_k / planned required_k)`` over staff
  categories ``k`` (the binding category), where realised supply = planned available hours
  − sick leave beyond the planned level + planned overtime + planned agency hours + net
  planned transfers between units; then thinned by cancellations and no-shows. Sick leave
  per unit, category and week is lognormal around ``sick_leave_factor`` × the planned
  share (``staff_availability.sick_leave_pu``) with CV ``absence_cv``; only the part above
  the planned share costs hours.
* Workload per unit, category and week: hours required = treated cases × staff hours per
  case; overtime = hours required beyond own available hours, planned agency and
  transfers; utilisation = required / supply.
* Acute care is not wait-listed: acute patients are treated on arrival (and inpatients
  take a bed).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from scipy import stats

from pks.calendar import DAYS_PER_WEEK
from pks.simulate import week_kernels
from pks.simulate.beds import Wards
from pks.simulate.constants import BED_TOLERANCE, N_CLASSES
from pks.simulate.generation import draw_patients, draw_slots, lost_slot_share
from pks.simulate.params import SimParams
from pks.simulate.streams import stream

__all__ = ["N_CLASSES", "ReplicationOutput", "capacity_factor", "groups", "run_replication"]


@dataclass(frozen=True, eq=False)
class ReplicationOutput:
    """Weekly results of one replication (arrays; see :func:`run_replication`).

    Axes: ``[line, week]``, ``[unit, week]``, ``[unit, staff_category, week]``,
    ``[unit, day]``.
    """

    replication: int
    arrivals: np.ndarray
    served: np.ndarray
    served_within: np.ndarray
    wait_sum_days: np.ndarray
    list_end: np.ndarray
    over_end: np.ndarray
    list_start: np.ndarray
    over_start: np.ndarray
    census: np.ndarray
    admissions: np.ndarray
    full_admissions: np.ndarray
    transfers: np.ndarray
    capacity_factor: np.ndarray
    required_h: np.ndarray
    available_h: np.ndarray
    supply_h: np.ndarray
    overtime_h: np.ndarray
    patients: dict[str, np.ndarray] | None

    def equals(self, other: ReplicationOutput) -> bool:
        """Exact equality of every array (used to check sequential == parallel)."""
        for name in self.__dataclass_fields__:
            a, b = getattr(self, name), getattr(other, name)
            if isinstance(a, np.ndarray):
                if not np.array_equal(a, b, equal_nan=True):
                    return False
            elif isinstance(a, dict):
                if not isinstance(b, dict) or a.keys() != b.keys():
                    return False
                if not all(np.array_equal(a[k], b[k], equal_nan=True) for k in a):
                    return False
            elif a != b:
                return False
        return True


def capacity_factor(p: SimParams, rep: int) -> tuple[np.ndarray, np.ndarray]:
    """Staff factor ``[unit, week]`` and realised own available hours ``[unit, category, week]``.

    Realised sick leave share = planned share × ``sick_leave_factor`` × ``M`` with ``M``
    lognormal of mean 1 and CV ``absence_cv`` (``ln M ~ N(−s²/2, s²)``, ``s² = ln(1 + CV²)``).
    Only the part above the planned share costs hours: available = planned available −
    extra share × contracted hours. The staff factor is
    ``min_k min(1, supply_k / required_k)`` over staff categories (the binding one).
    """
    cfg = p.cfg
    n_units, n_cats, n_weeks = p.staff_available.shape
    absence_mult = np.ones((n_units, n_cats, n_weeks))
    if cfg.absence_model == "lognormal" and cfg.absence_cv > 0:
        log_var = math.log1p(cfg.absence_cv**2)
        for u, unit in enumerate(p.units):
            for k, cat in enumerate(p.staff_categories):
                z = stream(cfg.seed, rep, unit, cat, kind="absence").standard_normal(n_weeks)
                absence_mult[u, k] = np.exp(math.sqrt(log_var) * z - log_var / 2)
    sick_realised = p.sick_plan * cfg.sick_leave_factor * absence_mult
    sick_extra = np.maximum(sick_realised - p.sick_plan, 0.0)
    available = np.maximum(p.staff_available - sick_extra * p.staff_contracted, 0.0)
    supply = available + p.staff_overtime + p.staff_agency + p.staff_transfer
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(p.staff_required > 0,
                          np.minimum(1.0, supply / p.staff_required), 1.0)
    return (factor.min(axis=1) if n_cats else np.ones((n_units, n_weeks))), available


class _Replication:
    """Mutable state of one replication while SimPy runs it (internal).

    Patients are rows of :class:`~pks.simulate.generation.Patients` in class-major order:
    the patients of class ``c`` and line ``l`` are the rows ``first_row[c, l]`` onwards,
    in arrival order. A waiting list is therefore a window of rows: its head is
    ``first_row + n_served`` and its end (the patients arrived by the end of week ``w``)
    ``first_row + arrived_by_week[c, l, w]``.
    """

    def __init__(self, p: SimParams, rep: int) -> None:
        self.p = p
        self.rep = rep
        n_lines, n_weeks = p.n_lines, p.n_weeks
        self.staff_factor, self.available_h = capacity_factor(p, rep)
        self.patients, line_draws = draw_patients(p, rep, _keeps_patients(p, rep))
        self.slots = draw_slots(p, line_draws, self.staff_factor)
        pt = self.patients
        self.service_day = np.full(len(pt.arrival_day), np.nan)
        acute = p.acute[pt.line]
        self.service_day[acute] = pt.arrival_day[acute]  # acute care is not wait-listed
        class_line = pt.class_idx * n_lines + pt.line
        per_class_line = np.bincount(class_line, minlength=N_CLASSES * n_lines)
        self.first_row = (np.cumsum(per_class_line) - per_class_line).reshape(N_CLASSES, n_lines)
        arrival_week = np.clip(np.floor(pt.arrival_day / DAYS_PER_WEEK).astype(np.int64), 0,
                               n_weeks - 1)
        per_week = np.bincount(class_line * n_weeks + arrival_week,
                               minlength=N_CLASSES * n_lines * n_weeks)
        self.arrived_by_week = np.cumsum(per_week.reshape(N_CLASSES, n_lines, n_weeks), axis=2)
        self.listed_by_week = self.arrived_by_week.copy()  # what the waiting lists hold
        self.listed_by_week[:, p.acute, :] = 0
        self.n_served = np.zeros((N_CLASSES, n_lines), dtype=np.int64)
        # weekly counts [line, week], added to as the lists are served (week_kernels.serve_week)
        self.served = np.where(p.acute[:, None], pt.arrivals_per_week, 0).astype(float)
        self.served_within = np.zeros((n_lines, n_weeks))
        self.wait_sum_days = np.zeros((n_lines, n_weeks))
        self.overdue_left = np.zeros((n_lines, n_weeks + 1))
        self._served_inpatients: dict[int, list[np.ndarray]] = {}
        self._acute_inpatient_lines = np.flatnonzero(p.acute & p.inpatient)
        bed_units = np.flatnonzero(p.has_beds).tolist()
        initial = [_initial_discharges(p, rep, u) if u in bed_units else []
                   for u in range(len(p.units))]
        self.wards = Wards(len(p.units), n_weeks, p.beds, p.cfg.overflow_policy == "transfer",
                           initial)

    def serve_week(self, l0: int, l1: int, w: int) -> None:
        """Serve week ``w`` of lines ``[l0, l1)`` (non-pre-emptive priority, FIFO in class).

        The loop over the week's slots is :func:`pks.simulate.week_kernels.serve_week`; it adds
        the treated patients to the weekly counts. A patient is overdue from week
        ``⌊(arrival + G)/7⌋`` (``G`` the guarantee in days) and leaves the overdue count in
        the week it is treated, ``max(that week, w)`` (the two cancel when it is treated
        before it is overdue).
        """
        p = self.p
        inpatients = week_kernels.serve_week(
            w, l0, l1, self.slots.day, self.slots.start, self.patients.arrival_day,
            self.first_row, self.n_served, self.listed_by_week[:, :, w],
            self.service_day, p.guarantee_days, p.inpatient, self.served,
            self.served_within, self.wait_sum_days, self.overdue_left)
        if len(inpatients):
            self._served_inpatients[w] = [*self._served_inpatients.get(w, []), inpatients]

    def week_admissions(self, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit, admission day and discharge day of week ``w``'s admissions.

        Sorted by unit and time: elective inpatients at their treatment time (known once
        the week's lists are served), acute inpatients at arrival.
        """
        p, pt = self.p, self.patients
        parts = self._served_inpatients.pop(w, [])
        elective_rows = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return week_kernels.week_admissions(
            w, elective_rows, self._acute_inpatient_lines, self.arrived_by_week,
            self.first_row, self.service_day, pt.line, p.line_unit_idx, len(p.units), pt.los_days)


def _keeps_patients(p: SimParams, rep: int) -> bool:
    """Whether replication ``rep`` keeps per-patient records (``patient_records``)."""
    return p.cfg.patient_records == "all" or (p.cfg.patient_records == "first" and rep == 0)


def _initial_discharges(p: SimParams, rep: int, u: int) -> list[float]:
    """Discharge times of the patients in unit ``u``'s ward at the start (stationary start).

    The number present is Poisson with the offered load ``a = Σ rate · mean LOS`` (truncated
    at the beds under the transfer policy: the Erlang loss system's stationary law); each
    patient's line is drawn by its share of the load, the full stay is length-biased
    (gamma with shape + 1) and the time already spent uniform on it (the residual stay).
    """
    lines = np.flatnonzero((p.line_unit_idx == u) & p.inpatient)
    if len(lines) == 0:
        return []
    rate_per_day = np.where(p.acute[lines], p.demand_mean[lines, 0],
                            p.capacity_plan[lines, 0] * (1 - lost_slot_share(p))) / DAYS_PER_WEEK
    load = rate_per_day * p.mean_los[lines]
    offered = float(load.sum())
    gen = stream(p.cfg.seed, rep, p.units[u], kind="beds")
    count_uniform = gen.random()
    if offered <= 0:
        return []
    fixed_los = p.cfg.los_distribution == "fixed" or p.cfg.los_cv <= 0
    if p.cfg.demand_noise == "fixed" and fixed_los:
        # deterministic start: the steady state of evenly spaced admissions
        n = int(round(offered))
        quantile = (np.arange(n) + 0.5) / max(n, 1)  # mid-points of n equal shares
        which = np.minimum(np.searchsorted(np.cumsum(load) / offered, quantile, side="right"),
                           len(lines) - 1)
        return sorted((quantile * p.mean_los[lines][which]).tolist())
    if p.cfg.overflow_policy == "transfer":
        n_beds = int(math.floor(p.beds[u, 0] + BED_TOLERANCE))
        pmf = stats.poisson.pmf(np.arange(n_beds + 1), offered)
        cdf = np.cumsum(pmf) / pmf.sum()
        n = int(np.searchsorted(cdf, count_uniform, side="right"))
    else:
        n = int(stats.poisson.ppf(count_uniform, offered))
    n = max(n, 0)
    which = np.searchsorted(np.cumsum(load) / offered, gen.random(n), side="right")
    which = np.minimum(which, len(lines) - 1)
    means = p.mean_los[lines][which]
    if fixed_los:
        full = means
    else:  # length-biased gamma: shape + 1
        shape = 1.0 / p.cfg.los_cv**2
        full = gen.gamma(shape + 1.0, means / shape)
    return sorted((gen.random(n) * full).tolist())


def _list_process(env: simpy.Environment, rep: _Replication, l0: int, l1: int
                  ) -> Generator[Any]:
    """Weekly waiting-list process of lines ``[l0, l1)``."""
    for w in range(rep.p.n_weeks):
        rep.serve_week(l0, l1, w)
        yield env.timeout(DAYS_PER_WEEK)


def _ward_process(env: simpy.Environment, rep: _Replication) -> Generator[Any]:
    """Weekly process of every ward: the week's admissions and daily census.

    Started after the list processes, so at each week's start it runs after them and sees
    the week's treatment times.
    """
    for w in range(rep.p.n_weeks):
        rep.wards.week(w, *rep.week_admissions(w))
        yield env.timeout(DAYS_PER_WEEK)


def groups(p: SimParams) -> list[tuple[int, int]]:
    """Line ranges served by one weekly process each (``process_grouping``)."""
    g = p.cfg.process_grouping
    if g == "region" or p.n_lines == 0:
        return [(0, p.n_lines)]
    if g == "line":
        return [(i, i + 1) for i in range(p.n_lines)]
    cuts = np.flatnonzero(np.diff(p.line_unit_idx)) + 1
    bounds = [0, *cuts.tolist(), p.n_lines]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def run_replication(p: SimParams, rep: int) -> ReplicationOutput:
    """Simulate replication ``rep`` of the plan in ``p`` (deterministic given seed and rep)."""
    state = _Replication(p, rep)
    env = simpy.Environment()
    for l0, l1 in groups(p):
        env.process(_list_process(env, state, l0, l1))
    if p.has_beds.any():
        env.process(_ward_process(env, state))
    env.run(until=DAYS_PER_WEEK * p.n_weeks + 0.5)  # let the last week's bookkeeping run
    return _collect(state)


def _collect(state: _Replication) -> ReplicationOutput:
    """Weekly arrays of a finished replication (see :class:`ReplicationOutput`)."""
    p, pt = state.p, state.patients
    n_weeks = p.n_weeks
    service = state.service_day
    served = state.served
    elective_line = ~p.acute
    listed, overdue, list_start, over_start = week_kernels.year_counts(
        pt.line, pt.arrival_day, pt.initial, elective_line, p.guarantee_days, n_weeks)
    # on an elective list at the end of week w = arrived by then − treated by then
    list_end = ((np.cumsum(listed, axis=1)[:, :n_weeks] - np.cumsum(served, axis=1))
                * elective_line[:, None])
    # overdue at the end of week w = became overdue by then − left the list overdue by then
    over_end = (np.cumsum(overdue, axis=1)
                - np.cumsum(state.overdue_left, axis=1))[:, :n_weeks].astype(float)
    # staff workload: hours required = treated cases × hours per case, summed per unit
    required_by_line = served[:, None, :] * p.h_per_case[:, :, None]
    n_units, n_cats = len(p.units), len(p.staff_categories)
    required = np.zeros((n_units, n_cats, n_weeks))
    np.add.at(required, p.line_unit_idx, required_by_line)
    supply = state.available_h + p.staff_overtime + p.staff_agency + p.staff_transfer
    overtime = np.maximum(required - state.available_h - p.staff_agency - p.staff_transfer, 0.0)
    patients: dict[str, np.ndarray] | None = None
    if _keeps_patients(p, state.rep) and pt.demo is not None:
        patients = {
            "line": pt.line, "priority_class": pt.class_idx + 1, "demo": pt.demo,
            "arrival_day": pt.arrival_day, "service_day": service, "los_days": pt.los_days,
            "initial": pt.initial,
        }
    wards = state.wards
    return ReplicationOutput(
        replication=state.rep, arrivals=pt.arrivals_per_week.astype(float),
        served=served, served_within=state.served_within, wait_sum_days=state.wait_sum_days,
        list_end=list_end, over_end=over_end, list_start=list_start, over_start=over_start,
        census=wards.census, admissions=wards.admissions,
        full_admissions=wards.full_admissions, transfers=wards.transfers,
        capacity_factor=state.staff_factor, required_h=required,
        available_h=state.available_h, supply_h=supply, overtime_h=overtime,
        patients=patients,
    )
