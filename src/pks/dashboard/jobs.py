"""Background jobs started from the dashboard: an operative re-plan and a simulation.

They call the same Python entry points as ``pks plan`` and ``pks simulate`` and save their
results as runs in the store, with provenance. They run in a background process (Dash
background callbacks); ``progress(done, total, step)`` reports how far they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pks.dashboard.settings import DashboardSettings

log = logging.getLogger(__name__)

JobKind = Literal["replan", "simulate"]
ProgressFn = Callable[[int, int, str], None]


class JobUnavailable(RuntimeError):
    """The installed pks has no entry point for this job yet."""


@dataclass(frozen=True)
class JobSpec:
    """What to run, for whom."""

    kind: JobKind
    scenario: str
    node_id: str
    username: str


def _upper_plan(store: Any, scenario: str, level: str) -> tuple[str | None, dict[str, Any] | None]:
    """Tables of the plan one level up (adopted first, else the newest), as ``pks plan``."""
    info = store.latest_run("plan", scenario=scenario, level=level, status="adopted") or \
        store.latest_run("plan", scenario=scenario, level=level)
    if info is None:
        return None, None
    return info.run_id, store.load_run_tables(info.run_id)


def _stored_demand(store: Any, scenario: str) -> Any:
    """The latest stored forecast of the scenario as weekly demand, if any."""
    info = store.latest_run("forecast", scenario=scenario)
    if info is None or "forecast_demand" not in info.tables:
        return None
    f = store.load_run_tables(info.run_id, ["forecast_demand"])["forecast_demand"]
    return f.groupby(["unit_id", "care_type", "week"], as_index=False)["demand_cases"].sum()


def run_replan(settings: DashboardSettings, spec: JobSpec, progress: ProgressFn) -> str:
    """Operative re-plan from the latest actuals, as ``pks plan --level operative``.

    The scenario's data (with its edits) and the tactical plan (adopted, else newest) as
    hand-off go to :func:`pks.optimise.run.plan_level`; the result is saved as a draft
    operative plan run whose parent is the tactical plan. Returns the new run id.
    """
    from pks.config import load_scenario
    from pks.config.edits import apply_edits
    from pks.data.store import Store

    try:
        from pks.optimise.inputs import demand_for
        from pks.optimise.run import horizon_weeks, plan_level, save_level
    except ImportError as exc:  # pragma: no cover - depends on the installed layers
        raise JobUnavailable("optimiser re-plan") from exc
    progress(0, 3, "load")
    cfg = load_scenario(settings.model_dir, spec.scenario)
    store = Store.open(settings.db_url)
    try:
        data = apply_edits(store.read_inputs(), cfg.data_edits)
        upper_id, upper = _upper_plan(store, cfg.name, "tactical")
        demand = _stored_demand(store, cfg.name)
        if demand is None:
            demand = demand_for(data, cfg, horizon_weeks(cfg))
        progress(1, 3, "solve")
        run = plan_level(data, cfg, "operative", upper, demand)
        if not run.result.ok:
            raise RuntimeError(f"the operative plan did not solve ({run.result.status.value})")
        progress(2, 3, "save")
        return save_level(store, run, cfg, upper_id)
    finally:
        store.close()


def run_simulation(settings: DashboardSettings, spec: JobSpec, progress: ProgressFn,
                   replications: int | None = 20) -> str:
    """Simulate the scenario's tactical plan (adopted, else newest); returns the run id.

    Same steps as ``pks simulate``: the plan's tables and the scenario's data (with its
    edits) go to :func:`pks.simulate.runner.simulate_plan`; the result tables are saved as
    a run of kind ``simulation`` whose parent is the plan run.
    """
    from pks.config import load_scenario
    from pks.config.edits import apply_edits
    from pks.data.store import Store

    try:
        from pks.simulate.runner import simulate_plan
    except ImportError as exc:  # pragma: no cover - depends on the installed layers
        raise JobUnavailable("simulator") from exc
    progress(0, 1, "load")
    cfg = load_scenario(settings.model_dir, spec.scenario)
    store = Store.open(settings.db_url)
    try:
        plan = store.latest_run("plan", scenario=spec.scenario, level="tactical",
                                status="adopted") or store.latest_run(
            "plan", scenario=spec.scenario, level="tactical")
        if plan is None:
            raise JobUnavailable(f"tactical plan of scenario {spec.scenario}")
        tables = store.load_run_tables(plan.run_id)
        data = apply_edits(store.read_inputs(), cfg.data_edits)

        def on_progress(done: int, total: int) -> None:
            progress(done, max(total, 1), "simulate")
        result = simulate_plan(tables, data, None, cfg.simulate,
                               target_set=cfg.data.target_set, replications=replications,
                               progress=on_progress)
        progress(1, 1, "save")
        return store.save_run("simulation", result.tables, scenario=spec.scenario,
                              level="tactical", config=cfg, parent_run_id=plan.run_id,
                              note=f"dashboard: {spec.username}")
    finally:
        store.close()


def run_job(settings: DashboardSettings, spec: JobSpec, progress: ProgressFn) -> str:
    """Run ``spec`` and return the saved run id."""
    log.info("dashboard job %s for %s (%s)", spec.kind, spec.username, spec.scenario)
    if spec.kind == "replan":
        return run_replan(settings, spec, progress)
    return run_simulation(settings, spec, progress, settings.job_replications)
