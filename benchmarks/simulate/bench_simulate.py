"""Simulator benchmark: replications per minute, peak memory and growth.

Run from the repository root::

    .venv/bin/python benchmarks/simulate/bench_simulate.py            # all cases, markdown
    .venv/bin/python benchmarks/simulate/bench_simulate.py --quick    # smoke run

Each case runs in a fresh Python process so that its peak resident memory (ru_maxrss) is
its own. The plan simulated is a simple sound plan derived from each region's data
(``tests/simulate/builders.plan_from_data``: elective production = 1.05 × recent demand),
with a forecast of 5 % level uncertainty; the plan year is 2027 (52 weeks).
Benchmarks run serially (docs/performance-notes.md: two processes on this machine give ~1.0–1.1×).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import subprocess
import sys
import time

print = functools.partial(print, flush=True)  # noqa: A001 - progress as it runs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _region(name: str):
    from pks.data.io import read_csv_folder
    from pks.demo import generate_region, sized_spec

    if name == "demo":
        return read_csv_folder(os.path.join(ROOT, "data", "demo_region"))
    _, n_units, n_ct = name.split("_")
    return generate_region(sized_spec(int(n_units), int(n_ct)), seed=1)


def run_case(spec: dict) -> dict:
    sys.path.insert(0, ROOT)
    import numpy as np

    from pks.config.simulate import SimulateConfig
    from pks.simulate.executor import LocalExecutor, ProcessExecutor
    from pks.simulate.params import build_params
    from pks.simulate.runner import run_replications, simulate_params
    from tests.simulate.builders import forecast_for, plan_from_data

    t0 = time.perf_counter()
    data = _region(spec["region"])
    plan = plan_from_data(data, 2027)
    fc = forecast_for(plan["plan_production"], 0.05)
    cfg = SimulateConfig(patient_records="none",
                         process_grouping=spec.get("grouping", "region"))
    p = build_params(data, plan["plan_production"], plan["plan_staff"], plan["plan_beds"],
                     fc, cfg)
    scale = spec.get("scale", 1.0)
    if scale != 1.0:
        p = p.replace(demand_mean=p.demand_mean * scale, capacity_plan=p.capacity_plan * scale,
                      initial_ages=tuple(np.repeat(a, int(scale)) if scale >= 1 else
                                         a[:: int(round(1 / scale))] for a in p.initial_ages),
                      staff_required=p.staff_required * scale,
                      staff_available=p.staff_available * scale)
    t_build = time.perf_counter() - t0
    reps = spec["reps"]
    ex = ProcessExecutor(spec["workers"]) if spec.get("workers", 1) > 1 else LocalExecutor()
    t1 = time.perf_counter()
    if spec.get("analyse"):
        res = simulate_params(p, data.org_nodes, ex, replications=reps)
        outs = res.outputs
    else:
        outs, _, _ = run_replications(p, ex, replications=reps)
    t_run = time.perf_counter() - t1
    patients = float(np.mean([o.arrivals.sum() + o.list_start.sum() for o in outs]))
    return {
        **spec, "lines": p.n_lines, "units": len(p.units), "bed_units": int(p.has_beds.sum()),
        "patients_per_rep": patients, "build_s": t_build, "run_s": t_run,
        "s_per_rep": t_run / reps, "reps_per_min": 60 * reps / t_run,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(spec: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--case", json.dumps(spec)], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        err = (out.stderr.strip().splitlines() or ["?"])[-1]
        print(f"\n> case {spec} failed: {err}\n", flush=True)
        return {**spec, "lines": 0, "units": 0, "patients_per_rep": float("nan"),
                "s_per_rep": float("nan"), "reps_per_min": float("nan"),
                "peak_rss_mb": float("nan"), "run_s": float("nan"), "build_s": float("nan")}
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: list[dict], cols: list[tuple[str, str, str]]) -> str:
    head = "| " + " | ".join(c[1] for c in cols) + " |"
    sep = "|" + "|".join("---" for _ in cols) + "|"
    body = ["| " + " | ".join(format(r[c[0]], c[2]) if c[2] else str(r[c[0]])
                              for c in cols) + " |" for r in rows]
    return "\n".join([head, sep, *body])


COLS = [("region", "region", ""), ("lines", "unit × care type", ""), ("units", "units", ""),
        ("patients_per_rep", "patients/rep", ",.0f"), ("reps", "reps", ""),
        ("s_per_rep", "s/rep", ".3f"), ("reps_per_min", "reps/min", ".1f"),
        ("peak_rss_mb", "peak RSS MB", ".0f")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.case:
        print(json.dumps(run_case(json.loads(a.case))))
        return
    q = a.quick
    print(f"# Simulator benchmark\n\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
          f" Load average at start: {os.getloadavg()[0]:.2f}.\n")
    print("## Demo region, plan year (52 weeks)\n")
    rows = [measure({"region": "demo", "reps": 2 if q else 10})]
    if not q:
        rows.append(measure({"region": "demo", "reps": 100, "analyse": True}))
        rows.append(measure({"region": "demo", "reps": 20, "workers": 2}))
    print(table(rows, COLS))
    for r in rows:
        print(f"\n- {r['reps']} replications, workers={r.get('workers', 1)}, "
              f"analysis={'yes' if r.get('analyse') else 'no'}: {r['run_s']:.1f} s "
              f"(+ {r['build_s']:.1f} s reading data and building the params)")
    print("\n## Process grouping (what one weekly SimPy process serves; identical results)\n")
    rows = [measure({"region": "demo", "reps": 1 if q else 3, "grouping": g})
            for g in ("region", "unit", "line")]
    print(table(rows, [("grouping", "grouping", "")] + COLS[4:]))
    print("\n## Growth with patients (demo region, demand and capacity scaled)\n")
    rows = [measure({"region": "demo", "reps": 1 if q else 3, "scale": s})
            for s in ((0.5, 1.0) if q else (0.5, 1.0, 2.0))]
    print(table(rows, [("scale", "scale", "")] + COLS))
    print("\n## Growth with units (generated regions, 5 care types per unit)\n")
    sizes = (10, 25) if q else (25, 50, 100, 200)
    rows = [measure({"region": f"sized_{n}_5", "reps": 1 if q else 3}) for n in sizes]
    print(table(rows, COLS))
    print("\n## Growth with replications (demo region)\n")
    rows = [measure({"region": "demo", "reps": n}) for n in ((1, 2) if q else (5, 10, 20))]
    print(table(rows, COLS))
    print("\n## Large generated region (250 units × 8 care types)\n")
    rows = [measure({"region": "sized_50_8" if q else "sized_250_8", "reps": 1 if q else 2})]
    print(table(rows, COLS))


if __name__ == "__main__":
    main()
