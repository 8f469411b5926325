"""Background jobs started from the dashboard: an operative re-plan and a simulation.

They call the same Python entry points as ``pks plan`` and ``pks simulate`` and save their
results as runs in the store, with provenance. They run in a background process (Dash
background callbacks); ``progress(done, total, step)`` reports how far they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pks.dashboard.settings import DashboardSettings

log = logging.getLogger(__name__)

JobKind = Literal["replan", "simulate"]
ProgressFn = Callable[[int, int, str], None]


class JobUnavailable(RuntimeError):
    """The job cannot start: what it needs (e.g. a tactical plan) is not in the store."""


@dataclass(frozen=True)
class JobSpec:
    """What to run, for whom."""

    kind: JobKind
    scenario: str
    node_id: str
    username: str


def run_replan(settings: DashboardSettings, spec: JobSpec, progress: ProgressFn) -> str:
    """Operative re-plan from the latest actuals, as ``pks plan --level operative``.

    The scenario's data (with its edits) and the tactical plan (adopted, else newest) as
    hand-off go to :func:`pks.optimise.rolling.replan_operative`, which warm-starts HiGHS
    from the optimal basis stored with the scenario's previous operative plan (the job runs
    in a fresh process, so the basis travels through the store); the result, with its own
    basis, is saved as a draft operative plan run whose parent is the tactical plan. Returns
    the new run id.
    """
    from pks.config import load_scenario
    from pks.config.edits import apply_edits
    from pks.data.store import Store
    from pks.optimise.inputs import demand_for
    from pks.optimise.rolling import replan_operative, stored_basis
    from pks.optimise.run import horizon_weeks, save_level, stored_demand, upper_plan

    progress(0, 3, "load")
    cfg = load_scenario(settings.model_dir, spec.scenario)
    store = Store.open(settings.db_url)
    try:
        data = apply_edits(store.read_inputs(), cfg.data_edits)
        upper_id, upper = upper_plan(store, cfg.name, "operative")
        demand = stored_demand(store, cfg.name)
        if demand is None:
            demand = demand_for(data, cfg, horizon_weeks(cfg))
        progress(1, 3, "solve")
        _, basis = stored_basis(store, cfg.name)
        run, _ = replan_operative(data, cfg, upper, demand, basis)
        if not run.result.ok:
            raise RuntimeError(f"the operative plan did not solve ({run.result.status.value})")
        progress(2, 3, "save")
        return save_level(store, run, cfg, upper_id)
    finally:
        store.close()


def run_simulation(settings: DashboardSettings, spec: JobSpec, progress: ProgressFn,
                   replications: int | None = 20) -> str:
    """Simulate the scenario's tactical plan (adopted, else newest); returns the run id.

    The same entry point as ``pks simulate`` (:func:`pks.simulate.store_io.run_and_store`):
    the plan, the scenario's data with its edits and the stored forecast go to the simulator;
    the result is saved as a ``simulation`` run whose parent is the plan run.
    """
    from pks.config import load_scenario
    from pks.data.store import Store
    from pks.simulate.store_io import run_and_store

    progress(0, 1, "load")
    cfg = load_scenario(settings.model_dir, spec.scenario)
    store = Store.open(settings.db_url)
    try:
        plan = store.latest_run("plan", scenario=spec.scenario, level="tactical",
                                status="adopted") or store.latest_run(
            "plan", scenario=spec.scenario, level="tactical")
        if plan is None:
            raise JobUnavailable(f"tactical plan of scenario {spec.scenario}")

        def on_progress(done: int, total: int) -> None:
            progress(done, max(total, 1), "simulate")

        run = run_and_store(store, plan.run_id, cfg, replications=replications,
                            progress=on_progress, note=f"dashboard: {spec.username}")
        progress(1, 1, "save")
        return run.run_id
    finally:
        store.close()


def run_job(settings: DashboardSettings, spec: JobSpec, progress: ProgressFn) -> str:
    """Run ``spec`` and return the saved run id."""
    log.info("dashboard job %s for %s (%s)", spec.kind, spec.username, spec.scenario)
    if spec.kind == "replan":
        return run_replan(settings, spec, progress)
    return run_simulation(settings, spec, progress, settings.job_replications)
