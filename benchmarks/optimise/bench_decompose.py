"""Tactical model: monolithic solve vs division-block decomposition (issue 14 Build 4).

    .venv/bin/python benchmarks/optimise/bench_decompose.py --sizes demo,medium
    .venv/bin/python benchmarks/optimise/bench_decompose.py --sizes large \
        --only decomposed --sequential

One process; per size the model is built once and solved monolithically (dual simplex,
as ``bench_tactical.py``) and decomposed (``SolveConfig(decompose=True)``: the region's
frame relaxed and checked, one block per division, blocks in a local process pool).
CPU seconds = this process's ``time.process_time`` plus the CPU of the pool's worker
processes (``RUSAGE_CHILDREN``, counted when the pool has ended); wall seconds beside
them; the 1-minute load average before each solve. Prints one Markdown row per size, and
each solve's line on stderr as soon as it ends (the objective in full precision, to
compare solves run separately).

``--only`` runs one of the two solves. ``--sequential`` solves the blocks one after
another in this process (as models below ``POOL_MIN_NNZ`` are) and prints each block's
CPU seconds and the makespan of those blocks on a pool of two processes (longest block
first): for measuring the decomposition on one core while the other is busy.
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

POOL = 2
"""Processes of the local pool on this machine (its cores)."""


def cpu() -> float:
    """CPU seconds of this process and its ended children."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


def makespan(seconds: list[float], workers: int) -> float:
    """Finish time of ``seconds`` on ``workers`` processes, longest first to the least loaded."""
    load_s = [0.0] * workers
    for s in sorted(seconds, reverse=True):
        load_s[load_s.index(min(load_s))] += s
    return max(load_s)


def timed(fn, label: str, **kw):
    """Run ``fn``; print its CPU and wall seconds and objective on stderr; return them."""
    load_avg = os.getloadavg()[0]
    c0, w0 = cpu(), time.perf_counter()
    res = fn()
    c, w = cpu() - c0, time.perf_counter() - w0
    print(f"{label}: {c:.1f} s CPU, {w:.1f} s wall, load {load_avg:.1f}, objective "
          f"{res.objective_sek!r}, blocks {res.n_blocks}", file=sys.stderr, flush=True)
    return res, c, w, load_avg


def run(size: str, only: str | None, sequential: bool) -> str:
    from pks.config.optimise import SolveConfig
    from pks.optimise import solve as solve_mod
    from pks.optimise.levels.tactical import build_tactical, tactical_inputs

    data, cfg, demand = load(size)
    m = build_tactical(tactical_inputs(data, cfg, demand=demand), cfg)
    base = SolveConfig(method="simplex", time_limit_s=1e6)
    block_s: list[float] = []
    if sequential:
        solve_block = solve_mod.solve_block

        def one_block(arrays, c):
            t0 = time.process_time()
            out = solve_block(arrays, c)
            block_s.append(time.process_time() - t0)
            return out

        solve_mod.POOL_MIN_NNZ = float("inf")  # type: ignore[assignment]
        solve_mod.solve_block = one_block  # type: ignore[assignment]
    mono = dec = None
    if only != "decomposed":
        mono, cm, wm, lm = timed(lambda: solve_mod.solve(m, base), f"{size} monolithic")
    if only != "monolithic":
        dec, cd, wd, ld = timed(lambda: solve_mod.solve(m, base.model_copy(
            update={"decompose": True, "max_block_nnz": 1})), f"{size} decomposed")
        if block_s:
            print(f"{size} blocks (CPU s): {', '.join(f'{s:.1f}' for s in block_s)}; "
                  f"on a pool of {POOL}: {makespan(block_s, POOL):.1f} s",
                  file=sys.stderr, flush=True)
    if mono is None or dec is None:
        return ""
    rel = abs(dec.objective_sek - mono.objective_sek) / max(1.0, abs(mono.objective_sek))
    return (f"| {size} | {m.n_vars} | {dec.n_blocks} | {cm:.1f} | {wm:.1f} | {lm:.1f} | "
            f"{cd:.1f} | {wd:.1f} | {ld:.1f} | {cd / cm:.2f} | {wd / wm:.2f} | "
            f"{mono.objective_sek:.6e} | {rel:.1e} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="demo,medium")
    ap.add_argument("--only", choices=["monolithic", "decomposed"])
    ap.add_argument("--sequential", action="store_true")
    args = ap.parse_args()
    print("| size | vars | blocks | mono CPU s | mono wall s | load | decomposed CPU s | "
          "decomposed wall s | load | CPU ratio | wall ratio | objective | rel. diff |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        print(run(size, args.only, args.sequential), flush=True)


if __name__ == "__main__":
    main()
