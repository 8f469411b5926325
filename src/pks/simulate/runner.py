"""Run replications of a plan (pure library entry points; no I/O).

Replication count (precision rule)
----------------------------------
``precision_rule = "fixed"`` runs ``replications`` (or the number given). ``"sequential"``
runs ``min_replications``, then adds ``batch_size`` at a time until the Student-t
``1 - alpha`` confidence-interval half-width of the key KPI — the region's share of patients
within the care guarantee, averaged over replications — is at most ``target_half_width``,
or ``max_replications`` is reached. Replication ``r`` always uses the same random numbers,
so a sequential run of N replications equals a fixed run of N.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from pks.config.simulate import SimulateConfig
from pks.data.planning_data import PlanningData
from pks.simulate.analysis import (
    key_kpi,
    kpi_frames,
    mean_ci,
    node_kpis,
    patient_frame,
    summarise_weekly,
)
from pks.simulate.executor import Executor, LocalExecutor, Progress
from pks.simulate.model import ReplicationOutput, run_replication
from pks.simulate.params import SimParams, build_params


@dataclass(frozen=True, eq=False)
class SimResult:
    """Outputs of all replications of one plan, and their tidy tables."""

    params: SimParams
    outputs: tuple[ReplicationOutput, ...]
    key_kpi_mean: float
    key_kpi_half_width: float
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def n_replications(self) -> int:
        """Number of replications run."""
        return len(self.outputs)

    @property
    def verdicts(self) -> pd.DataFrame:
        """``sim_verdicts``: probability of meeting each target per node, with Wilson CI."""
        return self.tables["sim_verdicts"]


def _replicate(params: SimParams, item: tuple[int, int]) -> ReplicationOutput:
    return run_replication(params, item[1])


def run_replications(
    params: SimParams,
    executor: Executor | None = None,
    replications: int | None = None,
    progress: Progress | None = None,
) -> tuple[list[ReplicationOutput], float, float]:
    """Run replications by the precision rule; returns outputs, key-KPI mean and half-width."""
    cfg = params.cfg
    ex = executor or LocalExecutor()
    if replications is not None and replications < 1:
        raise ValueError("replications must be at least 1")
    if replications is not None or cfg.precision_rule == "fixed":
        n = replications if replications is not None else cfg.replications
        outs = ex.run(_replicate, [params], [(0, r) for r in range(n)], progress)
        m, h = mean_ci(key_kpi(params, outs), cfg.alpha)
        return outs, m, h
    outs = []
    n_target = cfg.min_replications
    while True:
        todo = [(0, r) for r in range(len(outs), n_target)]
        done0 = len(outs)

        def prog(d: int, t: int, done0: int = done0, n_target: int = n_target) -> None:
            if progress:
                progress(done0 + d, max(n_target, done0 + t))

        outs += ex.run(_replicate, [params], todo, prog)
        m, h = mean_ci(key_kpi(params, outs), cfg.alpha)
        if h <= cfg.target_half_width or len(outs) >= cfg.max_replications:
            return outs, m, h
        n_target = min(len(outs) + cfg.batch_size, cfg.max_replications)


def result_tables(params: SimParams, outputs: Sequence[ReplicationOutput],
                  org_nodes: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """All tidy result tables of a run (see CONTRACTS.md "Simulator")."""
    long, verdicts = node_kpis(params, outputs, org_nodes)
    weekly = kpi_frames(params, outputs)
    if params.cfg.kpi_detail == "summary":
        weekly = {
            "sim_kpis": summarise_weekly(weekly["sim_kpis"], ["unit_id", "care_type", "week"]),
            "sim_beds": summarise_weekly(weekly["sim_beds"], ["unit_id", "week"]),
            "sim_staff": summarise_weekly(weekly["sim_staff"],
                                          ["unit_id", "staff_category", "week"]),
        }
    return {
        "sim_verdicts": verdicts,
        "sim_node_kpis": long,
        **weekly,
        "sim_patients": patient_frame(params, outputs),
        "sim_replications": pd.DataFrame({
            "replication": [o.replication for o in outputs],
            "key_kpi_pu": key_kpi(params, outputs),
        }),
    }


def simulate_params(
    params: SimParams,
    org_nodes: pd.DataFrame | None = None,
    executor: Executor | None = None,
    replications: int | None = None,
    progress: Progress | None = None,
) -> SimResult:
    """Simulate prepared SimParams and analyse the outputs."""
    outs, m, h = run_replications(params, executor, replications, progress)
    return SimResult(params=params, outputs=tuple(outs), key_kpi_mean=m, key_kpi_half_width=h,
                     tables=result_tables(params, outs, org_nodes))


def simulate_plan(
    plan_tables: Mapping[str, pd.DataFrame],
    data: PlanningData,
    demand: pd.DataFrame | None,
    cfg: SimulateConfig,
    *,
    target_set: str = "vardgaranti_0_3_90_90",
    executor: Executor | None = None,
    replications: int | None = None,
    progress: Progress | None = None,
) -> SimResult:
    """Simulate a plan: plan tables + planning data + demand forecast → SimResult (pure).

    Parameters
    ----------
    plan_tables : ``plan_production`` (required), ``plan_staff`` and ``plan_beds`` (optional).
    data : the planning data the plan was made from (with the scenario's edits applied).
    demand : ``forecast_demand`` with prediction intervals, or ``None``.
    cfg : simulation settings.
    target_set : the target set in force.
    executor : where replications run (default: sequentially here).
    replications : fixed number of replications (overrides the precision rule).
    progress : ``progress(done, total)`` callback.
    """
    params = build_params(data, plan_tables["plan_production"], plan_tables.get("plan_staff"),
                          plan_tables.get("plan_beds"), demand, cfg, target_set)
    return simulate_params(params, data.org_nodes, executor, replications, progress)


def run_batch(
    params_list: Sequence[SimParams],
    replications: int,
    org_nodes: pd.DataFrame | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[SimResult]:
    """Simulate several plans or scenarios in one executor batch (common random numbers).

    Every plan's replication ``r`` uses the same random streams, so differences between the
    plans are not blurred by different random numbers.
    """
    ex = executor or LocalExecutor()
    items = [(i, r) for i in range(len(params_list)) for r in range(replications)]
    outs = ex.run(_replicate, list(params_list), items, progress)
    results = []
    for i, p in enumerate(params_list):
        mine = [o for (j, _), o in zip(items, outs, strict=True) if j == i]
        m, h = mean_ci(key_kpi(p, mine), p.cfg.alpha)
        results.append(SimResult(params=p, outputs=tuple(mine), key_kpi_mean=m,
                                 key_kpi_half_width=h,
                                 tables=result_tables(p, mine, org_nodes)))
    return results
