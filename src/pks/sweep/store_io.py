"""The store edge of a sweep: run the scenarios not yet stored, read the comparison back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pks.simulate.executor import Executor, LocalExecutor
from pks.sweep.run import (
    PLAN_COST_KEY,
    PLAN_COST_TABLE,
    RESULT_TABLE,
    SWEEP_PREFIX,
    SweepContext,
    SweepJob,
    forecast_key,
    forecasts,
    run_job,
)
from pks.sweep.spec import SweepScenario, resolve

if TYPE_CHECKING:
    from pks.data.planning_data import PlanningData
    from pks.data.store import Store

Progress = Callable[[int, int], None]
SWEEP_RUN_KIND = "simulation"
"""Each finished scenario is a simulation run (its scenario name carries the sweep id)."""


def sweep_id_of(base: str, scenarios: Sequence[SweepScenario], replications: int) -> str:
    """A stable id of a sweep spec: the same spec resumes the same sweep."""
    text = json.dumps([base, replications, [[s.name, s.overrides] for s in scenarios]],
                      sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _run_scenario_name(sweep_id: str, name: str) -> str:
    return f"{SWEEP_PREFIX}:{sweep_id}:{name}"


def done_scenarios(store: Store, sweep_id: str) -> set[str]:
    """Names of the scenarios of ``sweep_id`` already stored."""
    runs = store.runs(kind=SWEEP_RUN_KIND)
    prefix = _run_scenario_name(sweep_id, "")
    return {s[len(prefix):] for s in runs["scenario"] if str(s).startswith(prefix)}


def run_sweep(
    store: Store,
    data: PlanningData,
    model_dir: str | Path,
    base: str,
    scenarios: Sequence[SweepScenario],
    replications: int = 10,
    executor: Executor | None = None,
    progress: Progress | None = None,
    redo: Collection[str] = (),
) -> tuple[str, int]:
    """Run every scenario of the sweep not yet in ``store``; returns (sweep id, scenarios run).

    Scenarios are validated first (:func:`pks.sweep.spec.resolve`, every problem at once);
    each result is stored as soon as it finishes, so an interrupted sweep loses only the
    scenarios that were running.
    Scenarios named in ``redo`` are run again even when stored (their new result supersedes
    the old one).
    """
    cfgs = resolve(model_dir, base, scenarios)
    sweep_id = sweep_id_of(base, scenarios, replications)
    done = done_scenarios(store, sweep_id) - set(redo)
    todo = [c for c in cfgs if c.name not in done]
    total = len(cfgs)
    if progress:
        progress(len(done), total)
    if not todo:
        return sweep_id, 0
    demand = forecasts(data, todo)
    jobs = tuple(SweepJob(c, demand[forecast_key(c)], replications) for c in todo)
    finished = len(done)

    def keep(k: int, row: dict[str, Any]) -> None:
        nonlocal finished
        row = dict(row)
        cost = row.pop(PLAN_COST_KEY, None)
        tables = {RESULT_TABLE: pd.DataFrame([row])}
        if cost is not None:
            tables[PLAN_COST_TABLE] = cost
        store.save_run(SWEEP_RUN_KIND, tables,
                       scenario=_run_scenario_name(sweep_id, jobs[k].cfg.name),
                       level="strategic", config=jobs[k].cfg, note=f"sweep {sweep_id}")
        finished += 1
        if progress:
            progress(finished, total)

    # one context for the whole sweep: a worker receives it (and the few distinct forecasts
    # the jobs share) once, and each result is stored as soon as it arrives
    (executor or LocalExecutor()).run(run_job, [SweepContext(data, jobs)],
                                      [(0, k) for k in range(len(jobs))], on_result=keep)
    return sweep_id, len(todo)


def sweep_comparison(store: Store, sweep_id: str) -> pd.DataFrame:
    """One row per stored scenario of ``sweep_id`` (latest run each), in name order.

    Columns: ``scenario, year, cost_mnkr, fte_<category>..., agency_share_pu,
    unmet_cases, guarantee_probability_pu, status`` (:func:`pks.sweep.run.comparison_row`).
    Empty when the sweep has no stored scenario.
    """
    runs = store.runs(kind=SWEEP_RUN_KIND)
    prefix = _run_scenario_name(sweep_id, "")
    runs = runs[runs["scenario"].astype(str).str.startswith(prefix)]
    runs = runs.sort_values("created_at").groupby("scenario").tail(1)
    frames = [store.load_run_tables(r, [RESULT_TABLE])[RESULT_TABLE] for r in runs["run_id"]]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).sort_values("scenario").reset_index(drop=True)
