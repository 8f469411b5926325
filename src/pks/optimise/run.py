"""Run the planning levels: strategic → tactical → operative with hand-offs, and store them.

Entry points:

* :func:`plan_level` — build, (optionally) solve and explain one level, given the result
  tables of the level above (or ``None``);
* :func:`plan_levels` — all three levels in sequence, in memory;
* :func:`run_levels` — the same, each plan saved as a draft plan run in the store;
  returns ``{level: run_id}``. This is what ``pks demo`` and ``pks plan`` call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.store import Store
from pks.data.weeks import add_weeks, weeks_of_year
from pks.optimise.explain import explanation_table, reallocation_proposal
from pks.optimise.frame_need import frame_need, need_as_gaps
from pks.optimise.handoff import tactical_gaps
from pks.optimise.inputs import demand_for
from pks.optimise.levels import BuiltLevel, LevelBuilder, operative, strategic, tactical
from pks.optimise.levels.strategic import strategic_years
from pks.optimise.linear import LinearModel
from pks.optimise.solve import SolveResult, solve
from pks.optimise.whole import whole_cases
from pks.types import LEVELS, Level

log = logging.getLogger(__name__)

ABOVE: dict[str, str | None] = {"strategic": None, "tactical": "strategic",
                                "operative": "tactical"}


@dataclass(frozen=True)
class LevelRun:
    """One solved level: the solver result and the tables to store."""

    level: str
    result: SolveResult
    tables: Mapping[str, pd.DataFrame]
    run_id: str | None = None
    timings: Mapping[str, float] = field(default_factory=dict)

    def explanation(self, lang: str = "sv") -> list[str]:
        """The explanation lines in ``lang``."""
        return list(self.tables["plan_explanation"][lang])


def horizon_weeks(cfg: ScenarioConfig) -> list[str]:
    """Every week any level needs demand for (plan years, outlook, operative window)."""
    weeks = [w for y in strategic_years(cfg) for w in weeks_of_year(y)]
    op = [add_weeks(cfg.data.as_of_week, i + 1) for i in range(cfg.build.operative_weeks)]
    return sorted(set(weeks) | set(op))


LEVEL_BUILDERS: Mapping[str, LevelBuilder] = {
    "strategic": strategic.build_level,
    "tactical": tactical.build_level,
    "operative": operative.build_level,
}
"""Each level's own ``inputs + build + hand-off`` (:data:`pks.optimise.levels.LevelBuilder`)."""


def build_level(data: PlanningData, cfg: ScenarioConfig, level: Level,
                upper: Mapping[str, pd.DataFrame] | None = None,
                demand: pd.DataFrame | None = None) -> tuple[LinearModel, BuiltLevel]:
    """Build the model of ``level`` (validating the hand-off first); no solve."""
    builder = LEVEL_BUILDERS.get(level)
    if builder is None:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    built = builder(data, cfg, upper, demand)
    return built.model, built


def plan_level(data: PlanningData, cfg: ScenarioConfig, level: Level,
               upper: Mapping[str, pd.DataFrame] | None = None,
               demand: pd.DataFrame | None = None, *, details: bool = True) -> LevelRun:
    """Build, solve and explain one level; ``upper`` = result tables of the level above.

    With ``build.strategic_by`` area or division the strategic level plans pooled units
    (:mod:`pks.optimise.aggregate`): the explanation and reallocation speak of the pooled
    nodes, and the plan tables are split back to units. ``details=False`` (a scenario
    sweep, which compares plans by their own tables) skips the shadow prices, the frame
    need, the reallocation proposal and the explanation.
    """
    m, built = build_level(data, cfg, level, upper, demand)
    solve_cfg = cfg.solve if details else cfg.solve.model_copy(update={"duals": False})
    return finish_level(data, cfg, level, upper, demand, built,
                        solve(m, solve_cfg, timings=built.timings), details=details)


def finish_level(raw_data: PlanningData, cfg: ScenarioConfig, level: Level,
                 upper: Mapping[str, pd.DataFrame] | None, demand: pd.DataFrame | None,
                 built: BuiltLevel, r: SolveResult, *, details: bool = True) -> LevelRun:
    """The stored tables of a solved level.

    Whole cases (operative), gaps to the level above, frame need, reallocation proposal
    and explanation (the last three only with ``details``); split back to units when
    pooled.

    Shared by :func:`plan_level` and the warm re-plan (:mod:`pks.optimise.rolling`), so a
    warm and a cold plan are finished the same way.
    """
    data = built.data
    tables = dict(r.tables)
    if not r.ok:
        return LevelRun(level, r, tables, timings=r.timings)
    if level == "operative":
        p = tables["plan_production"]
        tables["plan_production"] = p.assign(
            production_whole_cases=whole_cases(p, "production_cases",
                                               ["unit_id", "care_type", "week"]),
            external_whole_cases=whole_cases(p, "external_cases",
                                             ["unit_id", "care_type", "week"]))
    if built.handoff is not None:
        tables["plan_gaps"] = tactical_gaps(built.handoff, tables["plan_production"])
    if details and "plan_cost" in tables:
        need = _frame_need(raw_data, data, cfg, level, upper, demand, tables, r)
        cost = tables["plan_cost"]
        if need is not None and not need.empty:
            tables["plan_frame_need"] = need
            cost = need_as_gaps(cost, need)
        tables["plan_reallocation"] = reallocation_proposal(
            cost, data.org_nodes, tables["plan_production"], data.care_types)
    if details:
        tables["plan_explanation"] = explanation_table(
            tables, level, data.org_nodes, data.care_types, status=r.status.value,
            warnings=r.warnings)
    if built.pooled is not None:
        from pks.optimise.aggregate import split_tables

        tables = split_tables(tables, built.pooled)
    return LevelRun(level, r, tables, timings=r.timings)


def _frame_need(raw_data: PlanningData, data: PlanningData, cfg: ScenarioConfig, level: Level,
                upper: Mapping[str, pd.DataFrame] | None, demand: pd.DataFrame | None,
                tables: Mapping[str, pd.DataFrame], r: SolveResult) -> pd.DataFrame | None:
    """``plan_frame_need`` when binding frames hold care back, else None.

    See :mod:`pks.optimise.frame_need`: the level solved again care first with frames
    free to overrun.
    """
    from pks.optimise.linear import STAGE_CARE

    if cfg.build.frames != "binding" or r.objectives.get(STAGE_CARE, 0.0) <= 0.0:
        return None
    cost = tables["plan_cost"]
    fr = cost[cost["kind"] == "frame"]
    if fr.empty or not (fr["net_cost_sek"] >= fr["frame_sek"] + fr["frame_gap_sek"] - 1.0).any():
        return None
    free_cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={
        "frames": "soft", "frame_overrun_price_pu": 0.0, "objective": "lexicographic"})})
    m2, _ = build_level(raw_data, free_cfg, level, upper, demand)
    r2 = solve(m2, cfg.solve.model_copy(update={"duals": False}))
    if not r2.ok:
        log.warning("%s: care-first re-solve for the frame need not optimal (%s)", level,
                    r2.status.value)
        return None
    return frame_need(dict(tables), dict(r2.tables), data.org_nodes)


def plan_levels(data: PlanningData, cfg: ScenarioConfig,
                levels: Sequence[Level] = LEVELS,
                demand: pd.DataFrame | None = None) -> dict[str, LevelRun]:
    """Run ``levels`` in order, each with the tables of the one before as hand-off."""
    d = demand if demand is not None else demand_for(data, cfg, horizon_weeks(cfg))
    out: dict[str, LevelRun] = {}
    upper: Mapping[str, pd.DataFrame] | None = None
    for level in levels:
        above = ABOVE[level]
        up = out[above].tables if above in out else upper
        run = plan_level(data, cfg, level, up if above is not None else None, d)
        out[level] = run
        if not run.result.ok:
            log.warning("%s level not optimal (%s); stopping", level, run.result.status.value)
            break
        upper = run.tables
    return out


def save_level(store: Store, run: LevelRun, cfg: ScenarioConfig,
               parent_run_id: str | None = None, node_id: str | None = None) -> str:
    """Save one level's tables as a draft plan run; returns the run id."""
    tables = {k: v for k, v in run.tables.items() if v is not None and not v.empty}
    note = plan_note(run)
    return store.save_run("plan", tables, scenario=cfg.name,
                          level=run.level, node_id=node_id, config=cfg,
                          parent_run_id=parent_run_id, status="draft", note=note)


def plan_note(run: LevelRun) -> str:
    """One-line summary stored with a plan (and listed by ``pks plans``).

    Real net cost, care not given and frame overrun in their units, and the solver status — never an
    objective value in penalty kronor.
    """
    obj = run.tables.get("plan_objective")
    real = care = frame = 0.0
    if obj is not None and not obj.empty and "part" in obj:
        real = float(obj.loc[obj["part"] == "real_cost", "value"].sum())
        care = float(obj.loc[obj["component"] == "care_weighted", "value"].sum())
        frame = float(obj.loc[obj["part"] == "frame", "value"].sum())
    return (f"real net cost {real / 1e6:.1f} MSEK; care not given {care:.0f} weighted "
            f"case-weeks; unavoidable frame overrun {frame / 1e6:.1f} MSEK; "
            f"status {run.result.status.value}")


def run_levels(data: PlanningData, cfg: ScenarioConfig, store: Store,
               levels: Sequence[Level] = LEVELS,
               demand: pd.DataFrame | None = None) -> dict[str, str]:
    """Strategic → tactical → operative with hand-offs; every plan stored as a draft.

    Returns ``{level: run_id}``. Each run's ``parent_run_id`` is the plan of the level
    above. Nothing is stored for a level that did not solve to optimality (and the
    levels below it are not run).
    """
    runs = plan_levels(data, cfg, levels, demand)
    ids: dict[str, str] = {}
    root = data.org_nodes.loc[data.org_nodes["parent_id"].isna()
                              | (data.org_nodes["parent_id"] == ""), "node_id"]
    node = str(root.iloc[0]) if len(root) else None
    for level, run in runs.items():
        if not run.result.ok:
            break
        above = ABOVE[level]
        ids[level] = save_level(store, run, cfg, ids.get(above) if above else None, node)
    return ids


def stored_demand(store: Any, scenario: str) -> pd.DataFrame | None:
    """The latest stored forecast of ``scenario`` as weekly demand per unit × care type."""
    if store is None:
        return None
    info = store.latest_run("forecast", scenario=scenario)
    if info is None or "forecast_demand" not in info.tables:
        return None
    f = store.load_run_tables(info.run_id, ["forecast_demand"])["forecast_demand"]
    return f.groupby(["unit_id", "care_type", "week"], as_index=False)["demand_cases"].sum()


def upper_plan(store: Any, scenario: str, level: str
               ) -> tuple[str | None, dict[str, pd.DataFrame] | None]:
    """Run id and tables of the plan one level above ``level`` (adopted first, else newest)."""
    above = ABOVE[level]
    if store is None or above is None:
        return None, None
    info = store.latest_run("plan", scenario=scenario, level=above, status="adopted") or \
        store.latest_run("plan", scenario=scenario, level=above)
    if info is None:
        return None, None
    return info.run_id, store.load_run_tables(info.run_id)
