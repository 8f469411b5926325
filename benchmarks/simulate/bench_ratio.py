"""CPU seconds per replication: the SimPy simulator against a numpy weekly recursion.

Run from the repository root::

    .venv/bin/python benchmarks/simulate/bench_ratio.py            # demo region, 20 pairs
    .venv/bin/python benchmarks/simulate/bench_ratio.py --reps 5   # quicker

Both run the same plan of the demo region (``tests/simulate/builders.plan_from_data``, plan
year 2027, 52 weeks) in the same process, **interleaved** (simulator replication ``r``, then
recursion replication ``r``, ...), so machine load hits both alike; times are CPU seconds
(``time.process_time``). The recursion is the limit the simulator is held to: a numpy loop
over weeks producing the same output arrays (arrivals, treated, treated within the
guarantee, wait sums, list and overdue list at week end, daily census, admissions, full
admissions, staff factor and hours) from the same model ingredients (lognormal demand
path, Poisson arrivals, binomial slots after staff absence, cancellation and no-show, FIFO
lists in weekly arrival cohorts per priority class served in class order, the initial
list in cohorts by its age, a weekly bed balance). It is coarser than the simulator
(weekly cohorts instead of continuous time, no per-patient records), which is
why it is the floor.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import platform
import sys
import time

import numpy as np

print = functools.partial(print, flush=True)  # noqa: A001 - progress as it runs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "src"))

from pks.calendar import DAYS_PER_WEEK, DAYS_PER_WEEK_INT  # noqa: E402 - after the path


def demo_params():  # noqa: ANN201 - benchmark helper
    """SimParams of the demo region's simple sound plan (as bench_simulate.py)."""
    sys.path.insert(0, ROOT)
    from pks.config.simulate import SimulateConfig
    from pks.data.io import read_csv_folder
    from pks.simulate.params import build_params
    from tests.simulate.builders import forecast_for, plan_from_data

    data = read_csv_folder(os.path.join(ROOT, "data", "demo_region"))
    plan = plan_from_data(data, 2027)
    fc = forecast_for(plan["plan_production"], 0.05)
    cfg = SimulateConfig(patient_records="none")
    return build_params(data, plan["plan_production"], plan["plan_staff"], plan["plan_beds"],
                        fc, cfg)


def weekly_recursion(p, rep: int) -> dict[str, np.ndarray]:  # noqa: ANN001
    """One replication of the weekly recursion (numpy over lines, a loop over weeks)."""
    cfg = p.cfg
    rng = np.random.default_rng([cfg.seed, rep])
    n_l, n_w = p.n_lines, p.n_weeks
    n_u, n_k = len(p.units), len(p.staff_categories)
    # staff absence → staff factor per unit and week
    s2 = math.log1p(cfg.absence_cv**2)
    mult = np.exp(math.sqrt(s2) * rng.standard_normal((n_u, n_k, n_w)) - s2 / 2)
    extra = np.maximum(p.sick_plan * cfg.sick_leave_factor * mult - p.sick_plan, 0.0)
    avail = np.maximum(p.staff_available - extra * p.staff_contracted, 0.0)
    supply = avail + p.staff_overtime + p.staff_agency + p.staff_transfer
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(p.staff_required > 0, np.minimum(1.0, supply / p.staff_required), 1.0)
    factor = f.min(axis=1)
    # demand path and arrivals
    zl = rng.standard_normal((n_l, 1))
    zw = rng.standard_normal((n_l, n_w))
    sl, sw = p.demand_sigma_level[:, None], p.demand_sigma_week[:, None]
    mu = p.demand_mean * np.exp(sl * zl - sl**2 / 2 + sw * zw - sw**2 / 2)
    arrivals = rng.poisson(mu)
    # slots: planned × staff factor, fractional part by a coin, thinned by losses
    cap = p.capacity_plan * factor[p.line_unit_idx]
    whole = np.floor(cap + 1e-9)
    slots = whole + (rng.random((n_l, n_w)) < cap - whole)
    p_keep = (1 - cfg.cancellation_rate) * (1 - cfg.no_show_rate)
    slots = rng.binomial(slots.astype(np.int64), p_keep)
    slots[p.acute] = 0
    # FIFO lists in weekly cohorts per priority class (served in class order): column
    # k = patients who arrived in week k − PRE (PRE columns for the initial list's ages)
    used_classes = np.flatnonzero(p.class_shares.max(axis=0) > 0)
    n_c = len(used_classes)
    ages_w = [np.floor(a / DAYS_PER_WEEK).astype(np.int64) for a in p.initial_ages]
    pre = int(max((int(a.max()) + 1 for a in ages_w if len(a)), default=0))
    n_col = pre + n_w
    cohorts = np.zeros((n_c, n_l, n_col))
    for ln, a in enumerate(ages_w):
        if len(a):
            cum = np.cumsum(p.class_shares[ln, used_classes])
            split = np.minimum(np.searchsorted(cum / cum[-1], rng.random(len(a))), n_c - 1)
            np.add.at(cohorts, (split, ln, pre - 1 - a), 1.0)
    # the week's arrivals split over the classes (multinomial by conditional binomials)
    class_arrivals = np.zeros((n_c, n_l, n_w))
    rest = arrivals.astype(np.int64)
    share_left = np.ones(n_l)
    for i, c in enumerate(used_classes):
        prob = np.clip(p.class_shares[:, c] / np.maximum(share_left, 1e-12), 0, 1)
        k = rest if i == n_c - 1 else rng.binomial(rest, prob[:, None])
        class_arrivals[i] = k
        rest = rest - k
        share_left = share_left - p.class_shares[:, c]
    g_weeks = np.ceil(np.nan_to_num(p.guarantee_days, nan=1e9) / DAYS_PER_WEEK)
    col_week = np.arange(n_col) - pre
    served = np.zeros((n_l, n_w))
    within = np.zeros((n_l, n_w))
    wait_sum = np.zeros((n_l, n_w))
    list_end = np.zeros((n_l, n_w))
    over_end = np.zeros((n_l, n_w))
    elective = ~p.acute
    for w in range(n_w):
        cohorts[:, :, pre + w] = np.where(elective, class_arrivals[:, :, w], 0.0)
        now = pre + w + 1  # columns that can hold patients by now
        left = slots[:, w].astype(float)
        waited = np.maximum(w - col_week[:now], 0)[None, :]  # whole weeks waited per cohort
        late = waited > g_weeks[:, None]
        for c in range(n_c):
            open_ = cohorts[c, :, :now]
            before = np.cumsum(open_, axis=1) - open_
            take = np.clip(left[:, None] - before, 0.0, open_)
            open_ -= take
            got = take.sum(axis=1)
            left -= got
            served[:, w] += got
            within[:, w] += (take * ~late).sum(axis=1)
            wait_sum[:, w] += (take * waited).sum(axis=1) * DAYS_PER_WEEK
        served[:, w] += np.where(p.acute, arrivals[:, w], 0.0)
        on_list = cohorts[:, :, :now].sum(axis=0)
        list_end[:, w] = on_list.sum(axis=1)
        over_end[:, w] = (on_list * late).sum(axis=1)
    # beds: weekly balance occupancy' = occupancy · (1 − 7/LOS)⁺ + admissions
    adm_l = np.where(p.inpatient[:, None], served, 0.0)
    admissions = np.zeros((n_u, n_w))
    np.add.at(admissions, p.line_unit_idx, adm_l)
    los_u = np.zeros(n_u)
    np.maximum.at(los_u, p.line_unit_idx, p.mean_los)
    stay = np.clip(1 - DAYS_PER_WEEK / np.maximum(los_u, 1e-9), 0, 1)
    occ = np.zeros(n_u)
    census = np.zeros((n_u, n_w))
    full = np.zeros((n_u, n_w))
    for w in range(n_w):
        occ = occ * stay + admissions[:, w]
        census[:, w] = occ
        full[:, w] = np.where(occ > p.beds[:, w], occ - p.beds[:, w], 0.0)
    req = np.zeros((n_u, n_k, n_w))
    np.add.at(req, p.line_unit_idx, served[:, None, :] * p.h_per_case[:, :, None])
    overtime = np.maximum(req - avail - p.staff_agency - p.staff_transfer, 0.0)
    return {"arrivals": arrivals, "served": served, "served_within": within,
            "wait_sum_days": wait_sum, "list_end": list_end, "over_end": over_end,
            "census": np.repeat(census, DAYS_PER_WEEK_INT, axis=1), "admissions": admissions,
            "full_admissions": full, "capacity_factor": factor, "required_h": req,
            "overtime_h": overtime}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=20)
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from pks.simulate.model import run_replication

    p = demo_params()
    run_replication(p, 0)  # warm caches and imports on both sides
    weekly_recursion(p, 0)
    load0 = os.getloadavg()[0]
    sim, rec = [], []
    for r in range(a.reps):
        t = time.process_time()
        run_replication(p, r)
        sim.append(time.process_time() - t)
        t = time.process_time()
        weekly_recursion(p, r)
        rec.append(time.process_time() - t)
    load1 = os.getloadavg()[0]
    s, q = float(np.mean(sim)), float(np.mean(rec))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())};"
          f" load average {load0:.2f} at start, {load1:.2f} at end.")
    print(f"demo region, {p.n_lines} lines, {len(p.units)} units, {p.n_weeks} weeks, "
          f"{a.reps} interleaved pairs (CPU s per replication):")
    print(f"| simulator | numpy weekly recursion | ratio |\n|---:|---:|---:|\n"
          f"| {s:.4f} (median {np.median(sim):.4f}) | {q:.4f} (median {np.median(rec):.4f}) "
          f"| {s / q:.2f} (medians {np.median(sim) / np.median(rec):.2f}) |")


if __name__ == "__main__":
    main()
