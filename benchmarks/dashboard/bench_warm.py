"""Warm vs cold re-solves on the demo region: tactical what-ifs and the operative re-plan.

    .venv/bin/python benchmarks/dashboard/bench_warm.py [--model models/demo_region]

Tactical: the kept model (:class:`pks.optimise.whatif.KeptTactical`, built and solved once)
answers one what-if of each kind warm; the cold reference builds the edited model and solves
it from scratch. Operative: the plan of week ``as_of`` is solved cold, then the plan of the
next week both cold and warm from the first plan's basis
(:func:`pks.optimise.rolling.replan_operative`). CPU seconds of this process
(``time.process_time``) and HiGHS's own solve time. Prints markdown. Not run by the tests.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

from pks.config import load_scenario
from pks.data.io import read_csv_folder
from pks.data.weeks import add_weeks
from pks.optimise.inputs import demand_for
from pks.optimise.rolling import BASIS_TABLE, replan_operative
from pks.optimise.run import horizon_weeks
from pks.optimise.solve import Basis, solve
from pks.optimise.whatif import KeptTactical, WhatIf


def cpu(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/demo_region")
    a = ap.parse_args()
    cfg = load_scenario(a.model, "base")
    cfg = cfg.model_copy(update={"solve": cfg.solve.model_copy(update={"method": "simplex"})})
    data = read_csv_folder(cfg.data.instance_dir)
    demand = demand_for(data, cfg, horizon_weeks(cfg))
    unit = data.unit_ids[0]
    cat = str(data.staffing.loc[data.staffing["unit_id"] == unit, "staff_category"].iloc[0])
    fte = float(data.staffing.loc[(data.staffing["unit_id"] == unit)
                                  & (data.staffing["staff_category"] == cat),
                                  "staffing_target_fte"].iloc[0])
    bf = data.budget_frames
    node = str(bf.loc[bf["year"] == cfg.data.budget_year, "node_id"].iloc[0])
    frame = float(bf.loc[(bf["node_id"] == node) & (bf["year"] == cfg.data.budget_year),
                         "frame_sek"].iloc[0])
    kept, first_cpu = cpu(lambda: KeptTactical(data, cfg, None, demand))
    print(f"<!-- load avg {os.getloadavg()[0]:.1f} at start; first tactical build+solve "
          f"{first_cpu:.2f} s CPU (HiGHS {kept.base.timings.get('solve', 0):.2f} s) -->")
    print("| re-solve | cold CPU s (HiGHS s) | warm CPU s (HiGHS s) | warm update+solve CPU s "
          "| objective rel. diff |")
    print("|---|---:|---:|---:|---:|")
    for w in (WhatIf("fte", unit, max(fte - 2.0, 0.0), cat), WhatIf("frame", node, 0.97 * frame),
              WhatIf("demand", unit, 10.0)):
        m = kept.edited_model(w)
        cold, c_cpu = cpu(lambda m=m: solve(m, cfg.solve))  # type: ignore[misc]
        n = kept.resolver.update(m)
        warm, w_cpu = cpu(kept.resolver.solve)
        _, ask_cpu = cpu(lambda w=w: kept.ask(w))  # type: ignore[misc]
        rel = abs(warm.objective_sek - cold.objective_sek) / max(1.0, abs(cold.objective_sek))
        print(f"| tactical what-if {w.kind} ({n} values) | {c_cpu:.2f} "
              f"({cold.timings.get('solve', 0):.2f}) | {w_cpu:.2f} "
              f"({warm.timings.get('solve', 0):.2f}) | {ask_cpu:.2f} | {rel:.1e} |")
    first, _ = cpu(lambda: replan_operative(data, cfg, None, demand))
    run0, _ = first
    basis = Basis.from_table(run0.tables[BASIS_TABLE])
    nxt = cfg.model_copy(update={"data": cfg.data.model_copy(update={
        "as_of_week": add_weeks(cfg.data.as_of_week, 1)})})
    (cold_run, _), c_cpu = cpu(lambda: replan_operative(data, nxt, None, demand))
    (warm_run, ok), w_cpu = cpu(lambda: replan_operative(data, nxt, None, demand, basis))
    rel = abs(warm_run.result.objective_sek - cold_run.result.objective_sek) / max(
        1.0, abs(cold_run.result.objective_sek))
    print(f"| operative re-plan next week (build+solve; warm={ok}) | {c_cpu:.2f} "
          f"({cold_run.result.timings.get('solve', 0):.2f}) | {w_cpu:.2f} "
          f"({warm_run.result.timings.get('solve', 0):.2f}) | – | {rel:.1e} |")
    print(f"<!-- load avg {os.getloadavg()[0]:.1f} at end -->")


if __name__ == "__main__":
    main()
