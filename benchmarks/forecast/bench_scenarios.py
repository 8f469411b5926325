"""First vs second population scenario of the demo-region forecast (fit reuse, issue 14.3).

Run from the repository root::

    python benchmarks/forecast/bench_scenarios.py [--model models/demo_region]

Forecasts ``base`` (population ``scb``) and then ``industrial_growth`` in one process and
prints the CPU seconds (``time.process_time``, one BLAS thread) of each, the number of
fits computed and whether the second scenario's fitted models are the first's. A third
run, ``industrial_growth`` after clearing the fit cache, gives its cost without reuse.
"""

from __future__ import annotations

import argparse
import os
import platform
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="models/demo_region")
    args = ap.parse_args()

    from pks.config import load_scenario
    from pks.config.edits import apply_edits
    from pks.data.io import read_csv_folder
    from pks.forecast.demand import forecast_demand
    from pks.forecast.fitcache import cached_fits, clear_fit_cache

    base = load_scenario(args.model, "base")
    growth = load_scenario(args.model, "industrial_growth")
    data = apply_edits(read_csv_folder(base.data.instance_dir), base.data_edits)
    clear_fit_cache()

    def cpu(cfg):  # noqa: ANN001, ANN202
        t0 = time.process_time()
        res = forecast_demand(data, cfg)
        return time.process_time() - t0, res

    t1, r1 = cpu(base)
    n1 = cached_fits()
    t2, r2 = cpu(growth)
    n2 = cached_fits() - n1
    same = all(a.fitted is b.fitted for a, b in zip(r1.series, r2.series, strict=True))
    clear_fit_cache()
    t3, _ = cpu(growth)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"<!-- {platform.node()} python {platform.python_version()}, "
          f"load avg {load:.1f} at end, CPU seconds of this process -->")
    print("| run | population scenario | new fits | CPU s | ratio to first |")
    print("|---|---|---:|---:|---:|")
    print(f"| first scenario (`base`) | {base.data.population_scenario} | {n1} | {t1:.2f} | 1 |")
    print(f"| second scenario, fits reused | {growth.data.population_scenario} | {n2} | "
          f"{t2:.2f} | {t2 / t1:.3f} |")
    print(f"| second scenario, cache cleared | {growth.data.population_scenario} | "
          f"{len(r2.series)} | {t3:.2f} | {t3 / t1:.3f} |")
    print(f"\nFitted models of the second scenario identical objects to the first's: {same}")


if __name__ == "__main__":
    main()
