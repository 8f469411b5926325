"""``pks sweep`` of 100 strategic demo scenarios, run for real through the CLI.

Run from the repository root::

    nice .venv/bin/python benchmarks/sweep/bench_sweep100.py --workers 2 --reps 5

The grid is 5 population scenarios × 20 frame levels (1,00 … 0,62 of the frames) = 100
scenarios, each forecast (5 distinct forecasts), planned at the strategic level and
simulated ``--reps`` replications, in a fresh SQLite store loaded with the demo inputs
(``pks load``, not timed). Wall seconds are measured
around the command; CPU seconds are user + system time of the command and all its worker
processes (``RUSAGE_CHILDREN``); the load average is read before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POPULATIONS = ("scb", "region", "political_goal", "industrial_growth", "no_change")
FRAME_LEVELS = 20
FRAME_STEP = 0.02


def main() -> None:
    """Run the sweep once and print wall s, CPU s and the load."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    frames = ",".join(f"{1.0 - FRAME_STEP * i:.2f}" for i in range(FRAME_LEVELS))
    pks = os.path.join(os.path.dirname(sys.executable), "pks")
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/sweep.db"
        subprocess.run([pks, "load", os.path.join(ROOT, "data", "demo_region"), "--db", db],
                       capture_output=True, check=True)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cmd = [pks, "sweep", "--grid", f"population={','.join(POPULATIONS)}",
               "--grid", f"frame_level={frames}", "-n", str(a.reps),
               "--workers", str(a.workers), "--db", db,
               "--model", os.path.join(ROOT, "models", "demo_region"), "--lang", "en"]
        load0 = os.getloadavg()
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        load1 = os.getloadavg()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = proc.stdout.splitlines()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"exit {proc.returncode}, workers={a.workers}, reps={a.reps}")
    print(f"load (1/5/15 min) before {load0[0]:.2f}/{load0[1]:.2f}/{load0[2]:.2f}, "
          f"after {load1[0]:.2f}/{load1[1]:.2f}/{load1[2]:.2f}")
    user, system = ru.ru_utime - ru0.ru_utime, ru.ru_stime - ru0.ru_stime
    print(f"100 scenarios: {wall:.1f} s wall, {user + system:.1f} s CPU "
          f"(user {user:.1f}, system {system:.1f}), {len(lines) - 3} result rows")
    if proc.returncode:
        print(proc.stderr[-2000:])


if __name__ == "__main__":
    main()
