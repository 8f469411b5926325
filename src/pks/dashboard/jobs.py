"""Background jobs started from the dashboard: an operative re-plan and a simulation.

They call the same Python entry points as ``pks plan`` and ``pks simulate`` and save their
results as runs in the store, with provenance. They run in a background process (Dash
background callbacks); ``progress(done, total, step)`` reports how far they are.
"""

from __future__ import annotations

import importlib
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


# Entry points tried in order: (module, function). The function takes
# ``(store, model_dir, scenario, level, progress=None)`` and returns the saved run id.
REPLAN_ENTRIES: tuple[tuple[str, str], ...] = (
    ("pks.optimise.run", "plan_and_save"),
    ("pks.optimise", "plan_and_save"),
)


def _entry(candidates: tuple[tuple[str, str], ...]) -> Callable[..., Any] | None:
    for mod, fn in candidates:
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError:
            continue
        f = getattr(m, fn, None)
        if callable(f):
            return f
    return None


def replan_available() -> bool:
    """True when the optimiser exposes a plan-and-save entry point."""
    return _entry(REPLAN_ENTRIES) is not None


def run_replan(settings: DashboardSettings, spec: JobSpec, progress: ProgressFn) -> str:
    """Operative re-plan of the scenario from the latest actuals; returns the new run id."""
    from pks.data.store import Store

    entry = _entry(REPLAN_ENTRIES)
    if entry is None:
        raise JobUnavailable("optimiser re-plan")
    progress(0, 3, "load")
    store = Store.open(settings.db_url)
    try:
        progress(1, 3, "solve")
        run_id = entry(store, settings.model_dir, spec.scenario, "operative")
        progress(3, 3, "save")
        return str(run_id)
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
    return run_simulation(settings, spec, progress)
