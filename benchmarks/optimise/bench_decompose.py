"""Tactical model: monolithic solve vs division-block decomposition (issue 14 Build 4).

    .venv/bin/python benchmarks/optimise/bench_decompose.py --sizes demo,medium

One process; per size the model is built once and solved monolithically (dual simplex,
as ``bench_tactical.py``) and decomposed (``SolveConfig(decompose=True)``: the region's
frame relaxed and checked, one block per division, blocks in a local process pool).
CPU seconds = this process's ``time.process_time`` plus the CPU of the pool's worker
processes (``RUSAGE_CHILDREN``, counted when the pool has ended); wall seconds beside
them; the 1-minute load average before each solve. Prints one Markdown row per size.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tactical import load  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process and its ended children."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


def run(size: str) -> str:
    from pks.config.optimise import SolveConfig
    from pks.optimise.levels.tactical import build_tactical, tactical_inputs
    from pks.optimise.solve import solve

    data, cfg, demand = load(size)
    m = build_tactical(tactical_inputs(data, cfg, demand=demand), cfg)
    base = SolveConfig(method="simplex", time_limit_s=1e6)
    load_mono = os.getloadavg()[0]
    c0, w0 = cpu(), time.perf_counter()
    mono = solve(m, base)
    c1, w1 = cpu(), time.perf_counter()
    print(f"{size}: monolithic {c1 - c0:.1f} s CPU, {w1 - w0:.1f} s wall, objective "
          f"{mono.objective_sek!r}", file=sys.stderr, flush=True)
    load_dec = os.getloadavg()[0]
    dec = solve(m, base.model_copy(update={"decompose": True, "max_block_nnz": 1}))
    c2, w2 = cpu(), time.perf_counter()
    rel = abs(dec.objective_sek - mono.objective_sek) / max(1.0, abs(mono.objective_sek))
    return (f"| {size} | {m.n_vars} | {dec.n_blocks} | {c1 - c0:.1f} | {w1 - w0:.1f} | "
            f"{load_mono:.1f} | {c2 - c1:.1f} | {w2 - w1:.1f} | {load_dec:.1f} | "
            f"{(c2 - c1) / (c1 - c0):.2f} | {(w2 - w1) / (w1 - w0):.2f} | "
            f"{mono.objective_sek:.6e} | {rel:.1e} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="demo,medium")
    args = ap.parse_args()
    print("| size | vars | blocks | mono CPU s | mono wall s | load | decomposed CPU s | "
          "decomposed wall s | load | CPU ratio | wall ratio | objective | rel. diff |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        print(run(size), flush=True)


if __name__ == "__main__":
    main()
