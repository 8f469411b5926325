"""Benchmark the tactical model: both product routes vs HiGHS reading MPS (the limit) and linopy.

Usage::

    .venv/bin/python benchmarks/optimise/bench_tactical.py [--sizes demo,small,medium,large]
        [--routes pks,mps,linopy,pyomo,pyomo_contrib] [--out benchmarks/optimise/RESULTS.md]

Routes: ``pks`` = the product's default ``solve.route: direct`` (the formulation blocks'
arrays to highspy); ``pyomo`` = the product's ``solve.route: pyomo`` (the same blocks as a
named Pyomo model, Pyomo's standard-form compiler, highspy); ``pyomo_contrib`` = that Pyomo
model through Pyomo's ``contrib.solver`` ``highs`` interface (the other Pyomo route, to show
which is faster); ``mps`` = HiGHS reading the model from an MPS file; ``linopy`` = the same
model written in linopy (``linopy_peer.py``).

Each (size, route) runs in a fresh process, so peak memory (``ru_maxrss``) is that
route's alone. Phases:

* ``handoff``: inputs aligned from PlanningData + demand (pure pandas/numpy);
* ``build``: the model object (our arrays / linopy / Pyomo);
* ``to_solver``: hand-off of the built model into HiGHS (matrix assembly, passModel;
  for the MPS limit: ``readModel``);
* ``solve``: HiGHS's own ``run()``;
* ``extract``: result tables (ours: all plan tables and duals; linopy: solution arrays).

Times are CPU seconds of the measuring process (``time.process_time``); linopy's and
Pyomo's solve calls are split into hand-off and HiGHS by HiGHS's own run time.

Every route uses the same HiGHS options (method chosen by size: simplex below
``IPM_FROM_COLS`` columns, else IPM), and all objectives must agree to 1e-6.
Prints a markdown table; numbers are medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"demo": None, "small": (30, 5), "medium": (100, 8), "large": (300, 10)}


def load(size: str):
    from pks.config.schema import ScenarioConfig
    from pks.data.weeks import weeks_of_year
    from pks.demo import demo_spec, generate_region, sized_spec
    from pks.optimise.inputs import demand_from_history

    spec = demo_spec() if SIZES[size] is None else sized_spec(*SIZES[size])
    data = generate_region(spec, 1)
    cfg = ScenarioConfig.model_validate({"data": {"budget_year": 2026}})
    demand = demand_from_history(data, weeks_of_year(2026))
    return data, cfg, demand


IPM_FROM_COLS = 1_000_000
"""All routes use simplex below this many columns and IPM above, as the product default
(``SolveConfig.ipm_threshold_cols``); every route gets the same HiGHS options. Pinned here
so results stay comparable if the product default moves."""


def method_for(n_cols: int) -> str:
    import os

    limit = int(os.environ.get("PKS_BENCH_IPM_FROM_COLS", IPM_FROM_COLS))
    return "ipm" if n_cols >= limit else "simplex"


def clock() -> float:
    """CPU seconds of this process (all threads): robust to other load on the machine."""
    return time.process_time()


def run_one(size: str, route: str, mps_path: str) -> dict:
    from pks.optimise.levels.tactical import build_tactical, tactical_inputs

    data, cfg, demand = load(size)
    out: dict = {"size": size, "route": route}
    t0 = clock()
    inp = tactical_inputs(data, cfg, demand=demand)
    out["handoff"] = clock() - t0
    if route == "pks":
        import highspy

        from pks.config.optimise import SolveConfig
        from pks.optimise.highs_run import _run_highs, set_options
        from pks.optimise.solve import _finish

        t0 = clock()
        m = build_tactical(inp, cfg)
        out["build"] = clock() - t0
        method = method_for(m.n_vars)
        scfg = SolveConfig(method=method, time_limit_s=1e6)  # as the other routes: no limit
        t0 = clock()
        h = highspy.Highs()
        set_options(h, scfg, m.n_vars)
        h.passModel(m.to_highs_lp())
        t1 = clock()
        raw = _run_highs(h)
        t2 = clock()
        # shadow-price parts are solved inside the staged run (highs_run.run_stages)
        r = _finish(m, raw, scfg, {})
        t3 = clock()
        out.update(to_solver=t1 - t0, solve=t2 - t1, extract=t3 - t2,
                   objective=r.objective_sek, **m.counts(), method=method)
        m.write_mps(mps_path)
    elif route == "mps":
        import highspy

        n = int(json.loads(Path(mps_path + ".json").read_text())["n_vars"])
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("solver", method_for(n))
        t0 = clock()
        h.readModel(mps_path)
        out["to_solver"] = clock() - t0
        t0 = clock()
        h.run()
        out["solve"] = clock() - t0
        t0 = clock()
        _ = h.getSolution().col_value
        out["extract"] = clock() - t0
        out["objective"] = h.getInfo().objective_function_value
        out["handoff"] = 0.0
        out["build"] = 0.0
    elif route == "linopy":
        sys.path.insert(0, str(HERE))
        from linopy_peer import build_linopy

        t0 = clock()
        lm, offset = build_linopy(inp, cfg.build)
        out["build"] = clock() - t0
        n = int(json.loads(Path(mps_path + ".json").read_text())["n_vars"])
        t0, w0 = clock(), time.perf_counter()
        status, _ = lm.solve("highs", io_api="direct", output_flag=False, solver=method_for(n))
        total, wall = clock() - t0, time.perf_counter() - w0
        hs = lm.solver_model
        # HiGHS's share of the call, split by its own (wall) run time
        share = min(float(hs.getRunTime()) / wall, 1.0) if hs is not None and wall > 0 else 1.0
        out["solve"] = total * share
        out["to_solver"] = total * (1 - share)
        t0 = clock()
        _ = {k: v.solution for k, v in lm.variables.items()}
        out["extract"] = clock() - t0
        out["objective"] = float(lm.objective.value) + offset
    elif route in ("pyomo", "pyomo_contrib"):
        # the product's Pyomo route (solve.route: pyomo): the named Pyomo model of the same
        # blocks, then Pyomo's standard-form compiler into one HighsLp; or the same Pyomo
        # model through Pyomo's contrib.solver ``highs`` interface
        import highspy

        from pks.config.optimise import SolveConfig
        from pks.optimise.highs_run import _run_highs, set_options
        from pks.optimise.pyomo_route import to_highs_lp, to_pyomo

        t0 = clock()
        m = build_tactical(inp, cfg)
        build = to_pyomo(m)
        out["build"] = clock() - t0
        method = method_for(m.n_vars)
        if route == "pyomo":
            t0 = clock()
            lp, _, _ = to_highs_lp(build)
            h = highspy.Highs()
            set_options(h, SolveConfig(method=method, time_limit_s=1e6), m.n_vars)
            h.passModel(lp)
            t1 = clock()
            raw = _run_highs(h)
            out.update(to_solver=t1 - t0, solve=clock() - t1, objective=raw.objective)
        else:
            from pyomo.contrib.solver.common.factory import SolverFactory

            opt = SolverFactory("highs")
            t0, w0 = clock(), time.perf_counter()
            res = opt.solve(build.model, load_solutions=True,
                            solver_options={"solver": method, "output_flag": False})
            total, wall = clock() - t0, time.perf_counter() - w0
            share = min(float(opt._solver_model.getRunTime()) / wall, 1.0)
            out.update(to_solver=total * (1 - share), solve=total * share,
                       objective=float(res.incumbent_objective))
        out["extract"] = 0.0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return out


def child(size: str, route: str, mps_path: str) -> dict:
    cmd = [sys.executable, __file__, "--child", size, route, mps_path]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"{size}/{route} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="demo,small,medium,large")
    ap.add_argument("--routes", default="pks,mps,linopy,pyomo,pyomo_contrib")
    ap.add_argument("--pyomo-max", default="large", help="largest size for the Pyomo route")
    ap.add_argument("--contrib-max", default="small",
                    help="largest size for Pyomo's contrib.solver highs interface")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", default="")
    ap.add_argument("--store", default=str(HERE / "results.json"),
                    help="JSON file of measured rows: new rows replace the same (size, route) "
                    "there, and the report covers all stored rows ('' = only this run's)")
    ap.add_argument("--child", nargs=3)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_one(*a.child)))
        return
    rows = []
    order = list(SIZES)
    for size in a.sizes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            mps = str(Path(tmp) / f"{size}.mps")
            for route in a.routes.split(","):
                if route == "pyomo" and order.index(size) > order.index(a.pyomo_max):
                    continue
                if route == "pyomo_contrib" and order.index(size) > order.index(a.contrib_max):
                    continue
                reps = [child(size, route, mps) for _ in range(a.repeat)]
                if route == "pks":
                    Path(mps + ".json").write_text(json.dumps(reps[0]))
                med = {k: (statistics.median(r[k] for r in reps)
                           if isinstance(reps[0][k], float) else reps[0][k]) for k in reps[0]}
                rows.append(med)
                print(json.dumps(med), file=sys.stderr)
    if a.store:
        rows = merge(Path(a.store), rows)
    print(report(rows))
    if a.out:
        write_report(Path(a.out), report(rows))


ROUTES = ("pks", "mps", "linopy", "pyomo", "pyomo_contrib")
BEGIN, END = "<!-- bench_tactical: begin -->", "<!-- bench_tactical: end -->"


def write_report(path: Path, table: str) -> None:
    """Write the table into ``path`` between the markers (the text around them is kept)."""
    old = path.read_text() if path.exists() else ""
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        path.write_text(f"{head}{BEGIN}\n{table}\n{END}{rest.split(END, 1)[1]}")
    else:
        path.write_text(f"{BEGIN}\n{table}\n{END}\n{old}")


def merge(path: Path, new: list[dict]) -> list[dict]:
    """Stored rows updated with ``new`` (same size and route replaced), in report order."""
    old = json.loads(path.read_text()) if path.exists() else []
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    by = {(r["size"], r["route"]): r for r in old}
    by.update({(r["size"], r["route"]): {**r, "measured": stamp} for r in new})
    order = list(SIZES)
    rows = sorted(by.values(), key=lambda r: (order.index(r["size"]), ROUTES.index(r["route"])))
    path.write_text(json.dumps(rows, indent=1) + "\n")
    return rows


def report(rows: list[dict]) -> str:
    by = {(r["size"], r["route"]): r for r in rows}
    lines = [
        "# Tactical model benchmark",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. One run per cell, each in a "
        "fresh process; CPU seconds of that process (time.process_time, so other load on "
        "the shared machine does not inflate them); peak = max resident set of that process.",
        "",
        "| size | vars | cons | nnz | method | route | handoff | build | to solver | HiGHS solve "
        "| extract | total | outside HiGHS | × limit | × linopy | peak MB | objective | measured |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = by.get((r["size"], "pks"), {})
        total = sum(r.get(k, 0.0) for k in ("handoff", "build", "to_solver", "solve", "extract"))
        lim = by.get((r["size"], "mps"))
        lin = by.get((r["size"], "linopy"))

        def tot(x: dict | None) -> float:
            return sum(x.get(k, 0.0) for k in ("handoff", "build", "to_solver", "solve",
                                               "extract")) if x else float("nan")
        outside = (total - r.get("solve", 0.0)) / total if total else float("nan")
        lines.append(
            f"| {r['size']} | {base.get('n_vars', '')} | {base.get('n_cons', '')} "
            f"| {base.get('n_nz', '')} | {base.get('method', '')} | {r['route']} "
            f"| {r.get('handoff', 0):.2f} | {r.get('build', 0):.2f} | {r.get('to_solver', 0):.2f} "
            f"| {r.get('solve', 0):.2f} | {r.get('extract', 0):.2f} | {total:.2f} "
            f"| {100 * outside:.0f} % | {total / tot(lim):.2f} | {total / tot(lin):.2f} "
            f"| {r['peak_mb']:.0f} | {r['objective']:.6e} | {r.get('measured', '')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
