"""``pks sweep`` on the demo region: CPU and wall seconds for N strategic scenarios.

Run from the repository root::

    .venv/bin/python benchmarks/simulate/bench_sweep.py --frames 5 --populations 2 --reps 5

The grid is ``population × frame_level`` (``--populations`` population scenarios, so that
many forecasts, × ``--frames`` frame levels); every scenario is planned at the strategic
level and simulated ``--reps`` replications. Forecast time and per-scenario time are
reported separately, so a larger sweep can be extrapolated:
``T(N, F) ≈ F · t_forecast + N · t_scenario`` (``F`` distinct forecasts).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POPULATIONS = ("scb", "region", "political_goal", "industrial_growth", "no_change")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=5)
    ap.add_argument("--populations", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from pks.data.io import read_csv_folder
    from pks.data.store import Store
    from pks.simulate.executor import make_executor
    from pks.sweep.run import forecasts
    from pks.sweep.spec import grid_scenarios, resolve
    from pks.sweep.store_io import run_sweep

    model = os.path.join(ROOT, "models", "demo_region")
    frames = ",".join(f"{1.0 - 0.02 * i:.2f}" for i in range(a.frames))
    sc = grid_scenarios([f"population={','.join(POPULATIONS[:a.populations])}",
                         f"frame_level={frames}"])
    cfgs = resolve(model, "base", sc)
    data = read_csv_folder(cfgs[0].data.instance_dir)
    load0 = os.getloadavg()[0]
    c0 = time.process_time()
    forecasts(data, cfgs)
    c_fc = time.process_time() - c0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        t0, c0 = time.perf_counter(), time.process_time()
        run_sweep(store, data, model, "base", sc, a.reps, make_executor(None, a.workers))
        t_all, c_all = time.perf_counter() - t0, time.process_time() - c0
    n, f = len(sc), a.populations
    # the sweep recomputes its forecasts: subtract them once (CPU of this process; with
    # --workers > 1 the workers' CPU is not counted, so measure with one worker)
    c_per = (c_all - c_fc) / n
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load "
          f"{load0:.2f} → {os.getloadavg()[0]:.2f}; workers={a.workers}, reps={a.reps}")
    print(f"{n} scenarios, {f} forecasts: sweep {t_all:.1f} s wall, {c_all:.1f} s CPU; "
          f"one forecast {c_fc / f:.1f} s CPU; per scenario (strategic plan + simulation + "
          f"store) {c_per:.2f} s CPU")
    total = 5 * c_fc / f + 100 * c_per
    print(f"extrapolated 100 scenarios with 5 forecasts: {total:.0f} s CPU; on 2 idle cores "
          f"(--workers 2, forecasts in the parent) ≈ {5 * c_fc / f + 100 * c_per / 2:.0f} s wall")

if __name__ == "__main__":
    main()
