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
  first come first served within a class (:func:`pks.simulate.matching.fifo_match`, exact in
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

import heapq
import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from scipy import stats

from pks.simulate.matching import fifo_match, ranges
from pks.simulate.params import SimParams
from pks.simulate.streams import counter_uniform, stream

N_CLASSES = 4


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


def _p_lost(p: SimParams) -> float:
    return 1.0 - (1.0 - p.cfg.cancellation_rate) * (1.0 - p.cfg.no_show_rate)


def capacity_factor(p: SimParams, rep: int) -> tuple[np.ndarray, np.ndarray]:
    """Staff factor ``[unit, week]`` and realised own available hours ``[unit, category, week]``."""
    cfg = p.cfg
    n_u, n_k, n_w = p.staff_available.shape
    mult = np.ones((n_u, n_k, n_w))
    if cfg.absence_model == "lognormal" and cfg.absence_cv > 0:
        s2 = math.log1p(cfg.absence_cv**2)
        for u, unit in enumerate(p.units):
            for k, cat in enumerate(p.staff_categories):
                z = stream(cfg.seed, rep, unit, cat, kind="absence").standard_normal(n_w)
                mult[u, k] = np.exp(math.sqrt(s2) * z - s2 / 2)
    sick_real = p.sick_plan * cfg.sick_leave_factor * mult
    extra = np.maximum(sick_real - p.sick_plan, 0.0)
    avail = np.maximum(p.staff_available - extra * p.staff_contracted, 0.0)
    supply = avail + p.staff_overtime + p.staff_agency + p.staff_transfer
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(p.staff_required > 0, np.minimum(1.0, supply / p.staff_required), 1.0)
    return f.min(axis=1) if n_k else np.ones((n_u, n_w)), avail


class _State:
    """Mutable arrays of one replication (internal)."""

    def __init__(self, p: SimParams, rep: int) -> None:
        self.p = p
        self.rep = rep
        cfg = p.cfg
        n_l, n_w = p.n_lines, p.n_weeks
        self.factor, self.avail = capacity_factor(p, rep)
        p_lost = _p_lost(p)
        # ---- patients -------------------------------------------------------
        counts = np.zeros((n_l, n_w), dtype=np.int64)
        t_parts, c_parts, d_parts, los_parts, line_parts, init_parts = [], [], [], [], [], []
        cls_cum = np.cumsum(p.class_shares, axis=1)
        demo_cum = np.cumsum(p.demo_shares, axis=1)
        week_idx = np.arange(n_w)
        u_week = np.zeros((n_l, n_w))
        keys = np.zeros(n_l, dtype=np.uint64)
        for ln in range(n_l):
            # One stream per line. Draws whose count is fixed by the data come first (slot
            # uniforms, the initial list), so they stay common to plans and demand scenarios.
            unit, ct = p.line_unit[ln], p.line_care_type[ln]
            g = stream(cfg.seed, rep, unit, ct, kind="line")
            u_week[ln] = g.random(n_w)
            keys[ln] = g.integers(0, 2**63, dtype=np.uint64)
            ages = p.initial_ages[ln]
            n0 = len(ages)
            c0 = np.searchsorted(cls_cum[ln], g.random(n0) * cls_cum[ln, -1], side="right")
            d0 = np.searchsorted(demo_cum[ln], g.random(n0) * demo_cum[ln, -1], side="right")
            l0 = self._los(g, ln, n0)
            zl = g.standard_normal()
            zw = g.standard_normal(n_w)
            sl, sw = p.demand_sigma_level[ln], p.demand_sigma_week[ln]
            mu = p.demand_mean[ln] * np.exp(sl * zl - sl**2 / 2 + sw * zw - sw**2 / 2)
            if cfg.demand_noise == "poisson":
                cnt = g.poisson(mu)
            elif cfg.demand_noise == "negbin" and cfg.negbin_dispersion > 0:
                d = cfg.negbin_dispersion
                cnt = g.poisson(mu * g.gamma(1.0 / d, d, n_w))
            else:
                cum = np.floor(np.cumsum(mu) + 0.5)
                cnt = np.diff(np.concatenate([[0.0], cum])).astype(np.int64)
            counts[ln] = cnt
            n = int(cnt.sum())
            wk = np.repeat(week_idx, cnt)
            if cfg.arrival_times == "uniform":
                t = np.sort(7.0 * wk + 7.0 * g.random(n))
            else:
                rank = np.arange(n) - np.repeat(np.cumsum(cnt) - cnt, cnt)
                t = 7.0 * wk + 7.0 * (rank + 0.5) / np.repeat(np.maximum(cnt, 1), cnt)
            cls = np.searchsorted(cls_cum[ln], g.random(n) * cls_cum[ln, -1], side="right")
            dem = np.searchsorted(demo_cum[ln], g.random(n) * demo_cum[ln, -1], side="right")
            los = self._los(g, ln, n)
            t_parts += [-ages, t]
            c_parts += [c0, cls]
            d_parts += [d0, dem]
            los_parts += [l0, los]
            line_parts.append(np.full(n0 + n, ln, dtype=np.int64))
            init_parts += [np.ones(n0, dtype=bool), np.zeros(n, dtype=bool)]
        self.counts = counts
        t_all = np.concatenate(t_parts) if t_parts else np.zeros(0)
        c_all = np.minimum(np.concatenate(c_parts), N_CLASSES - 1).astype(np.int64)
        order = np.argsort(c_all, kind="stable")  # class-major, then line, then time
        self.arr = t_all[order]
        self.cls = c_all[order]
        self.line = np.concatenate(line_parts)[order]
        self.demo = np.concatenate(d_parts)[order].astype(np.int64)
        self.los = np.concatenate(los_parts)[order]
        self.initial = np.concatenate(init_parts)[order]
        self.service = np.full(len(self.arr), np.nan)
        acute = p.acute[self.line]
        self.service[acute] = self.arr[acute]
        n_cl = np.bincount(self.cls * n_l + self.line, minlength=N_CLASSES * n_l)
        self.pstart = (np.cumsum(n_cl) - n_cl).reshape(N_CLASSES, n_l)
        wk_arr = np.clip(np.floor(self.arr / 7.0).astype(np.int64), 0, n_w - 1)
        by_week = np.bincount((self.cls * n_l + self.line) * n_w + wk_arr,
                              minlength=N_CLASSES * n_l * n_w).reshape(N_CLASSES, n_l, n_w)
        self.tail_all = np.cumsum(by_week, axis=2)
        self.tail = self.tail_all.copy()
        self.tail[:, p.acute, :] = 0
        self.head = np.zeros((N_CLASSES, n_l), dtype=np.int64)
        self.head_hist = np.zeros((N_CLASSES, n_l, n_w + 1), dtype=np.int64)
        # ---- slots ------------------------------------------------------------
        cap_plan = p.capacity_plan
        cap_real = cap_plan * self.factor[p.line_unit_idx]
        if cfg.capacity_noise == "binomial":
            cand = np.ceil(cap_plan - 1e-9).astype(np.int64)
        else:
            cand = np.ceil(cap_plan + 8 * np.sqrt(cap_plan) + 10).astype(np.int64)
        cand[p.acute] = 0
        # Slot r of line l in week w draws its uniforms from a counter-based generator keyed
        # by (line stream key, week, r, purpose): common random numbers survive any change
        # of capacity in other weeks or lines.
        flat = cand.ravel()
        lw = np.repeat(np.arange(n_l * n_w), flat)
        rank = np.arange(len(lw)) - np.repeat(np.cumsum(flat) - flat, flat)
        lkey = keys[lw // n_w]
        ut = counter_uniform(0, lkey, lw % n_w, rank, np.zeros(1, dtype=np.int64))
        uk = counter_uniform(0, lkey, lw % n_w, rank, np.ones(1, dtype=np.int64))
        if cfg.capacity_noise == "binomial":
            base = np.floor(cap_real + 1e-9).ravel()
            frac = (cap_real.ravel() - base)
            keep = (rank < base[lw]) | ((rank == base[lw]) & (u_week.ravel()[lw] < frac[lw]))
            keep &= uk >= p_lost
        else:
            k_pois = stats.poisson.ppf(u_week, cap_real * (1 - p_lost))
            k_pois = np.nan_to_num(k_pois, nan=0.0).ravel()
            keep = rank < k_pois[lw]
        lw = lw[keep]
        n_kept = np.bincount(lw, minlength=n_l * n_w)
        w_of = lw % n_w
        if cfg.slot_times == "uniform":
            st = 7.0 * w_of + 7.0 * ut[keep]
        else:
            r2 = np.arange(len(lw)) - np.repeat(np.cumsum(n_kept) - n_kept, n_kept)
            st = 7.0 * w_of + 7.0 * (r2 + 0.5) / n_kept[lw]
        o = np.argsort(lw * 8.0 + (st - 7.0 * w_of), kind="stable")  # by line, week, time
        self.slot_t = st[o]
        self.soff = np.concatenate([[0], np.cumsum(n_kept)])
        # ---- beds ---------------------------------------------------------------
        self._served_inpatient: dict[int, list[np.ndarray]] = {}
        self._acute_inpatient_lines = np.flatnonzero(p.acute & p.inpatient)
        self._adm_week = -1
        self._adm: tuple[list[float], list[float], list[int]] = ([], [], [0])
        n_u = len(p.units)
        self.census = np.zeros((n_u, 7 * n_w), dtype=np.int64)
        self.admissions = np.zeros((n_u, n_w), dtype=np.int64)
        self.full = np.zeros((n_u, n_w), dtype=np.int64)
        self.transfers = np.zeros((n_u, n_w), dtype=np.int64)

    def _los(self, g: np.random.Generator, ln: int, n: int) -> np.ndarray:
        p = self.p
        mean = p.mean_los[ln]
        if mean <= 0 or n == 0:
            return np.zeros(n)
        if p.cfg.los_distribution == "fixed" or p.cfg.los_cv <= 0:
            return np.full(n, mean)
        shape = 1.0 / p.cfg.los_cv**2
        return g.gamma(shape, mean / shape, n)

    # ------------------------------------------------------------------------
    def serve_week(self, l0: int, l1: int, w: int) -> None:
        """Serve week ``w`` of lines ``[l0, l1)`` (non-pre-emptive priority, FIFO in class)."""
        p = self.p
        n_w = p.n_weeks
        nseg = l1 - l0
        lines = np.arange(l0, l1)
        s_lo, s_hi = self.soff[lines * n_w + w], self.soff[lines * n_w + w + 1]
        sidx = ranges(s_lo, s_hi - s_lo)
        sseg = np.repeat(np.arange(nseg), s_hi - s_lo)
        stt = self.slot_t[sidx]
        self.head_hist[:, l0:l1, w] = self.head[:, l0:l1]
        for c in range(N_CLASSES):
            if len(stt) == 0:
                break
            heads = self.head[c, l0:l1]
            lens = self.tail[c, l0:l1, w] - heads
            if lens.sum() == 0:
                continue
            pidx = ranges(self.pstart[c, l0:l1] + heads, lens)
            pseg = np.repeat(np.arange(nseg), lens)
            used, served = fifo_match(pseg, self.arr[pidx], sseg, stt, nseg)
            if served.any():
                lstart = np.cumsum(lens) - lens
                sel = pidx[ranges(lstart, served)]
                self.service[sel] = stt[used]
                self.head[c, l0:l1] += served
                inp = sel[p.inpatient[self.line[sel]]]
                if len(inp):
                    self._served_inpatient.setdefault(w, []).append(inp)
                keep = ~used
                sseg, stt = sseg[keep], stt[keep]
        self.head_hist[:, l0:l1, w + 1] = self.head[:, l0:l1]

    def week_admissions(self, u: int, w: int) -> tuple[list[float], list[float]]:
        """Admission times and discharge times of unit ``u`` in week ``w``, in time order.

        Elective inpatients are admitted at their treatment time (known once the week's
        list process has run), acute inpatients at arrival. All units' admissions of a week
        are sorted in one pass the first time a bed process asks for the week.
        """
        if self._adm_week != w:
            p = self.p
            parts = self._served_inpatient.pop(w, [])
            ac = self._acute_inpatient_lines
            for c in range(N_CLASSES):
                lo = self.tail_all[c, ac, w - 1] if w > 0 else np.zeros(len(ac), dtype=np.int64)
                hi = self.tail_all[c, ac, w]
                parts.append(ranges(self.pstart[c, ac] + lo, hi - lo))
            idx = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            t = self.service[idx]
            unit = p.line_unit_idx[self.line[idx]]
            o = np.lexsort((t, unit))
            t, idx, unit = t[o], idx[o], unit[o]
            n = np.bincount(unit, minlength=len(p.units))
            self._adm = (t.tolist(), (t + self.los[idx]).tolist(),
                         np.concatenate([[0], np.cumsum(n)]).tolist())
            self._adm_week = w
        t_l, d_l, off = self._adm
        return t_l[off[u]:off[u + 1]], d_l[off[u]:off[u + 1]]

    def initial_beds(self, u: int) -> list[float]:
        """Discharge times of the patients in the ward at the start (stationary start)."""
        p = self.p
        lines = np.flatnonzero((p.line_unit_idx == u) & p.inpatient)
        if len(lines) == 0:
            return []
        rate = np.where(p.acute[lines], p.demand_mean[lines, 0],
                        p.capacity_plan[lines, 0] * (1 - _p_lost(p))) / 7.0
        load = rate * p.mean_los[lines]
        a = float(load.sum())
        g = stream(p.cfg.seed, self.rep, p.units[u], kind="beds")
        u0 = g.random()
        if a <= 0:
            return []
        fixed_los = p.cfg.los_distribution == "fixed" or p.cfg.los_cv <= 0
        if p.cfg.demand_noise == "fixed" and fixed_los:
            # deterministic start: the steady state of evenly spaced admissions
            n = int(round(a))
            q = (np.arange(n) + 0.5) / max(n, 1)
            which = np.minimum(np.searchsorted(np.cumsum(load) / a, q, side="right"),
                               len(lines) - 1)
            return sorted((q * p.mean_los[lines][which]).tolist())
        if p.cfg.overflow_policy == "transfer":
            c = int(math.floor(p.beds[u, 0] + 1e-9))
            pmf = stats.poisson.pmf(np.arange(c + 1), a)
            cdf = np.cumsum(pmf) / pmf.sum()
            n = int(np.searchsorted(cdf, u0, side="right"))
        else:
            n = int(stats.poisson.ppf(u0, a))
        n = max(n, 0)
        which = np.searchsorted(np.cumsum(load) / a, g.random(n), side="right")
        which = np.minimum(which, len(lines) - 1)
        means = p.mean_los[lines][which]
        if p.cfg.los_distribution == "fixed" or p.cfg.los_cv <= 0:
            full = means
        else:  # length-biased gamma: shape + 1
            shape = 1.0 / p.cfg.los_cv**2
            full = g.gamma(shape + 1.0, means / shape)
        return sorted((g.random(n) * full).tolist())


def _list_process(env: simpy.Environment, st: _State, l0: int, l1: int) -> Generator[Any]:
    for w in range(st.p.n_weeks):
        st.serve_week(l0, l1, w)
        yield env.timeout(7)


def _bed_process(env: simpy.Environment, st: _State, u: int) -> Generator[Any]:
    p = st.p
    transfer = p.cfg.overflow_policy == "transfer"
    heap = st.initial_beds(u)
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    census = st.census[u]
    for w in range(p.n_weeks):
        tl, dl = st.week_admissions(u, w)
        n, i = len(tl), 0
        beds = float(p.beds[u, w])
        full = tr = 0
        for day in range(7):
            d = 7 * w + day
            while heap and heap[0] <= d:
                pop(heap)
            census[d] = len(heap)
            end = d + 1
            while i < n and tl[i] < end:
                t = tl[i]
                while heap and heap[0] <= t:
                    pop(heap)
                if len(heap) >= beds - 1e-9:
                    full += 1
                    if transfer:
                        tr += 1
                        i += 1
                        continue
                push(heap, dl[i])
                i += 1
            yield env.timeout(1)
        st.admissions[u, w] = n
        st.full[u, w] = full
        st.transfers[u, w] = tr


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
    st = _State(p, rep)
    env = simpy.Environment()
    for l0, l1 in groups(p):
        env.process(_list_process(env, st, l0, l1))
    for u in np.flatnonzero(p.has_beds):
        env.process(_bed_process(env, st, int(u)))
    env.run(until=7 * p.n_weeks + 0.5)  # let the last day's bookkeeping run
    return _collect(st)


def _collect(st: _State) -> ReplicationOutput:
    p = st.p
    n_l, n_w = p.n_lines, p.n_weeks
    served_mask = ~np.isnan(st.service)
    sw = np.where(served_mask, np.floor(np.nan_to_num(st.service) / 7.0), n_w).astype(np.int64)
    sw = np.minimum(sw, n_w)
    key = st.line * (n_w + 1) + sw
    served = np.bincount(key, minlength=n_l * (n_w + 1)).reshape(n_l, n_w + 1)[:, :n_w]
    wait = np.where(served_mask, st.service - st.arr, 0.0)
    g = p.guarantee_days[st.line]
    within = served_mask & (wait <= g + 1e-9)
    served_within = np.bincount(key, weights=within, minlength=n_l * (n_w + 1)).reshape(
        n_l, n_w + 1)[:, :n_w]
    wait_sum = np.bincount(key, weights=wait, minlength=n_l * (n_w + 1)).reshape(
        n_l, n_w + 1)[:, :n_w]
    elective = ~p.acute[st.line]
    # on the list at the end of week w: arrived in week <= w, treated in a later week
    aw = np.clip(np.floor(st.arr / 7.0).astype(np.int64), 0, n_w)
    aw = np.where(st.arr < 0, 0, aw)

    def interval_count(lo: np.ndarray, hi: np.ndarray, mask: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(lo, n_w), np.minimum(hi, n_w)
        m = mask & (lo < hi)
        size = n_l * (n_w + 1)
        diff = (np.bincount(st.line[m] * (n_w + 1) + lo[m], minlength=size)
                - np.bincount(st.line[m] * (n_w + 1) + hi[m], minlength=size))
        return np.cumsum(diff.reshape(n_l, n_w + 1), axis=1)[:, :n_w].astype(float)

    list_end = interval_count(aw, sw, elective)
    has_g = ~np.isnan(g)
    gg = np.where(has_g, g, 0.0)
    w_over = np.maximum(np.floor((st.arr + gg) / 7.0).astype(np.int64), 0)
    over_end = interval_count(w_over, sw, elective & has_g)
    initial = st.initial & elective
    list_start = np.bincount(st.line[initial], minlength=n_l).astype(float)
    over_start = np.bincount(st.line[initial & has_g & (-st.arr > gg)], minlength=n_l).astype(float)
    # staff workload
    req_l = served[:, None, :] * p.h_per_case[:, :, None]
    n_u, n_k = len(p.units), len(p.staff_categories)
    required = np.zeros((n_u, n_k, n_w))
    np.add.at(required, p.line_unit_idx, req_l)
    supply = st.avail + p.staff_overtime + p.staff_agency + p.staff_transfer
    overtime = np.maximum(required - st.avail - p.staff_agency - p.staff_transfer, 0.0)
    patients = None
    if p.cfg.patient_records == "all" or (p.cfg.patient_records == "first" and st.rep == 0):
        patients = {
            "line": st.line, "priority_class": st.cls + 1, "demo": st.demo,
            "arrival_day": st.arr, "service_day": st.service, "los_days": st.los,
            "initial": st.initial,
        }
    return ReplicationOutput(
        replication=st.rep, arrivals=st.counts.astype(float), served=served.astype(float),
        served_within=served_within, wait_sum_days=wait_sum, list_end=list_end,
        over_end=over_end, list_start=list_start, over_start=over_start, census=st.census,
        admissions=st.admissions, full_admissions=st.full, transfers=st.transfers,
        capacity_factor=st.factor, required_h=required, available_h=st.avail,
        supply_h=supply, overtime_h=overtime, patients=patients,
    )
