"""Tactical model: how the objective stages are run, three ways in one process.

    .venv/bin/python benchmarks/optimise/bench_stages.py --sizes demo,small [--repeat 1]

Per size the model is built once, then solved (the product's ``solve``, shadow prices
included) by

* ``dual``: every stage by dual simplex, the frame-overrun stage solved (before 2026-12-06);
* ``primal``: later stages by primal simplex from the previous stage's optimum, the
  overrun stage solved;
* ``bounds``: as now: the overrun stage held by fixing the frame gaps at 0
  (``highs_run.zero_bound_columns``), the care stage by dual simplex, the cost stage by
  primal.

The variants alternate within each repeat. Prints per variant the HiGHS seconds of each
stage run, the CPU seconds of the whole solve (``time.process_time``), the 1-minute load
and the largest relative difference of any stage value from ``dual``'s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tactical import load  # noqa: E402

VARIANTS = ("dual", "primal", "bounds")


def run(size: str, repeat: int) -> list[str]:
    from pks.optimise import highs_run
    from pks.optimise.levels.tactical import build_tactical, tactical_inputs
    from pks.optimise.solve import solve

    data, cfg, demand = load(size)
    m = build_tactical(tactical_inputs(data, cfg, demand=demand), cfg)
    run_highs, zero_cols = highs_run._run_highs, highs_run.zero_bound_columns
    primal = highs_run.SIMPLEX_STRATEGY_PRIMAL
    rows, ref = [], None
    for _ in range(repeat):
        for variant in VARIANTS:
            stage_s: list[float] = []

            def spy(h, c, stage_s=stage_s):
                raw = run_highs(h, c)
                stage_s.append(raw.solve_s)
                return raw

            highs_run._run_highs = spy
            highs_run.zero_bound_columns = zero_cols if variant == "bounds" else (
                lambda h, c: None)
            highs_run.SIMPLEX_STRATEGY_PRIMAL = (highs_run.SIMPLEX_STRATEGY_DUAL
                                                 if variant == "dual" else primal)
            load_avg = os.getloadavg()[0]
            c0 = time.process_time()
            res = solve(m)
            cpu = time.process_time() - c0
            ref = ref or dict(res.objectives)
            diff = max(abs(v - ref[k]) / max(1.0, abs(ref[k])) for k, v in res.objectives.items())
            rows.append(f"| {size} | {m.n_vars} | {variant} | "
                        f"{' / '.join(f'{s:.1f}' for s in stage_s)} | {cpu:.1f} | "
                        f"{load_avg:.1f} | {diff:.0e} |")
            print(rows[-1], file=sys.stderr, flush=True)
    highs_run._run_highs, highs_run.zero_bound_columns = run_highs, zero_cols
    highs_run.SIMPLEX_STRATEGY_PRIMAL = primal
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="demo,small")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    print("| size | columns | variant | HiGHS s per stage run | CPU s | load | rel. diff |")
    print("|---|---:|---|---|---:|---:|---:|")
    for size in args.sizes.split(","):
        print("\n".join(run(size, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
