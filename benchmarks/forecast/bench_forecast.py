"""Time the demo-region demand forecast (all units, budget year + 2 plan years, weekly).

Run from the repository root::

    python benchmarks/forecast/bench_forecast.py [--repeats 3] [--model models/demo_region]

Prints one markdown table row per measured step (median of the repeats, wall clock,
serial, one process). Input loading is timed separately and is not part of the forecast.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np


def _time(fn, repeats: int):  # noqa: ANN001, ANN202
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="models/demo_region")
    ap.add_argument("--scenario", default="base")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    from pks.config import load_scenario
    from pks.config.edits import apply_edits
    from pks.data.io import read_csv_folder
    from pks.forecast.demand import forecast_demand
    from pks.forecast.need import compute_need

    cfg = load_scenario(args.model, args.scenario)
    t_load, _, data = _time(lambda: apply_edits(read_csv_folder(cfg.data.instance_dir),
                                                cfg.data_edits), 1)
    n_units = data.care_types["unit_id"].nunique()
    n_series = len(data.care_types)
    t_fc, t_fc_min, res = _time(lambda: forecast_demand(data, cfg), args.repeats)
    t_need, _, _ = _time(lambda: compute_need(data, cfg, res), args.repeats)
    rng = np.random.default_rng(1)
    t_paths, _, paths = _time(lambda: res.sample_paths(100, rng), args.repeats)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"<!-- {platform.node()} python {platform.python_version()}, "
          f"load avg {load:.1f} at end, {args.repeats} repeats, median (min) -->")
    print("| step | units | series (unit × care type) | weeks | rows | time s |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| read + validate inputs (not forecast) | {n_units} | {n_series} | – | – | "
          f"{t_load:.1f} |")
    print(f"| forecast_demand (fit + intervals) | {n_units} | {n_series} | {len(res.weeks)} | "
          f"{len(res.forecast_demand)} | {t_fc:.1f} ({t_fc_min:.1f}) |")
    print(f"| compute_need (capacity, staff, beds) | {n_units} | {n_series} | {len(res.weeks)} | "
          f"– | {t_need:.1f} |")
    print(f"| sample_paths(100) | {n_units} | {n_series} | {len(res.weeks)} | "
          f"{paths.size} values | {t_paths:.2f} |")
    print(f"| per series (forecast) | | | | | {t_fc / n_series * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
