"""The store edge of the simulator: read a plan run, simulate it, save the result next to it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from pks.simulate.executor import Executor, Progress
from pks.simulate.params import SimInputError
from pks.simulate.runner import SimResult, simulate_plan

if TYPE_CHECKING:
    from pks.config.schema import ScenarioConfig
    from pks.data.store import RunInfo, Store

log = logging.getLogger(__name__)

PLAN_TABLES = ("plan_production", "plan_staff", "plan_beds")


@dataclass(frozen=True)
class SimulationRun:
    """A stored simulation: its run id, the plan it checked, and the in-memory result."""

    run_id: str
    plan_run_id: str
    result: SimResult


def resolve_plan(store: Store, plan: str, scenario: str | None) -> RunInfo:
    """The plan run ``plan`` (a run id, or ``latest``: adopted first, else newest).

    Raises
    ------
    SimInputError
        Unknown run, not a plan, or a plan of another scenario.
    """
    if plan == "latest":
        info = None
        for level in ("tactical", "operative"):
            info = (store.latest_run("plan", scenario=scenario, level=level, status="adopted")
                    or store.latest_run("plan", scenario=scenario, level=level))
            if info is not None:
                break
        if info is None:
            raise SimInputError([f"no tactical or operative plan stored for scenario "
                                 f"{scenario!r}"])
    else:
        try:
            info = store.run(plan)
        except KeyError:
            raise SimInputError([f"plan run {plan!r} does not exist"]) from None
    problems = []
    if info.kind != "plan":
        problems.append(f"run {info.run_id} is a {info.kind} run, not a plan")
    if scenario is not None and info.scenario != scenario:
        problems.append(f"plan {info.run_id} is for scenario {info.scenario!r}, "
                        f"not {scenario!r}")
    if "plan_production" not in info.tables:
        problems.append(f"plan {info.run_id} has no plan_production table "
                        f"(a strategic plan cannot be simulated week by week)")
    if problems:
        raise SimInputError(problems)
    return info


def _forecast_for(store: Store, info: RunInfo) -> pd.DataFrame | None:
    """``forecast_demand`` of the plan's ancestor forecast run, else the scenario's latest."""
    seen: set[str] = set()
    run: RunInfo | None = info
    while run is not None and run.parent_run_id and run.parent_run_id not in seen:
        seen.add(run.parent_run_id)
        try:
            run = store.run(run.parent_run_id)
        except KeyError:
            break
        if run.kind == "forecast" and "forecast_demand" in run.tables:
            return store.load_run_tables(run.run_id, ["forecast_demand"])["forecast_demand"]
    latest = store.latest_run("forecast", scenario=info.scenario)
    if latest is not None and "forecast_demand" in latest.tables:
        return store.load_run_tables(latest.run_id, ["forecast_demand"])["forecast_demand"]
    log.warning("no forecast run found: demand = the plan's demand_cases, no forecast error")
    return None


def scale_capacity(plan_production: pd.DataFrame, capacity_scale: Mapping[str, float]
                   ) -> pd.DataFrame:
    """What-if: the plan as it would be carried out if unit ``u`` only managed ``f`` of it.

    Production and external cases of every care type of each unit are multiplied by the factor.
    """
    pp = plan_production.copy()
    for unit, f in capacity_scale.items():
        m = pp["unit_id"] == unit
        for c in ("production_cases", "external_cases"):
            if c in pp:
                pp.loc[m, c] = pd.to_numeric(pp.loc[m, c]) * f
    return pp


def run_and_store(
    store: Store,
    plan_run_id: str,
    cfg: ScenarioConfig,
    *,
    replications: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    note: str = "",
    capacity_scale: Mapping[str, float] | None = None,
) -> SimulationRun:
    """Simulate a stored plan and save the result as a ``simulation`` run (child of the plan).

    Parameters
    ----------
    store : the store holding inputs, the plan and (optionally) its forecast.
    plan_run_id : a plan run id or ``latest``.
    cfg : the resolved scenario configuration; its ``simulate`` section drives the run and
        it must be the plan's scenario.
    replications : fixed replication count (overrides the precision rule).
    executor : where replications run (default: locally, sequentially).
    progress : ``progress(done, total)`` callback.
    capacity_scale : what-if ``unit_id -> factor`` applied to the plan's production (e.g. an
        under-staffed variant: ``{"NLL-RS-DOS-ORT-SUN": 0.7}``); recorded in the run's note.

    Raises
    ------
    SimInputError
        Listing every problem; nothing is written.
    """
    if replications is not None and replications < 1:
        raise SimInputError([f"replications must be at least 1 (got {replications})"])
    info = resolve_plan(store, plan_run_id, cfg.name)
    names = [n for n in PLAN_TABLES if n in info.tables]
    tables = store.load_run_tables(info.run_id, names)
    if capacity_scale:
        units = set(tables["plan_production"]["unit_id"])
        bad = [f"--cut: unit {u!r} is not in the plan" for u in capacity_scale if u not in units]
        bad += [f"--cut: factor for {u!r} must be >= 0 (got {f})"
                for u, f in capacity_scale.items() if f < 0]
        if bad:
            raise SimInputError(bad)
        tables["plan_production"] = scale_capacity(tables["plan_production"], capacity_scale)
        cut = ", ".join(f"{u}×{f:g}" for u, f in capacity_scale.items())
        note = f"{note} capacity what-if: {cut}".strip()
    from pks.config.edits import apply_edits

    data = apply_edits(store.read_inputs(), cfg.data_edits)
    demand = _forecast_for(store, info)
    result = simulate_plan(tables, data, demand, cfg.simulate, target_set=cfg.data.target_set,
                           executor=executor, replications=replications, progress=progress)
    config: dict[str, Any] = cfg.model_dump(mode="json")
    config["simulate_run"] = {"capacity_scale": dict(capacity_scale or {}),
                              "replications": result.n_replications,
                              "key_kpi_mean": result.key_kpi_mean,
                              "key_kpi_half_width": result.key_kpi_half_width}
    run_id = store.save_run("simulation", dict(result.tables), scenario=info.scenario,
                            level=info.level, node_id=info.node_id, config=config,
                            parent_run_id=info.run_id, note=note)
    return SimulationRun(run_id=run_id, plan_run_id=info.run_id, result=result)
