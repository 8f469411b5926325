"""Operative level: the coming 4–8 weeks per unit, from actual lists and actual staffing."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from pks.calendar import WEEKS_PER_YEAR
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import add_weeks
from pks.optimise import constraints as c
from pks.optimise.handoff import OperativeHandoff
from pks.optimise.inputs import ModelInputs, demand_for, prepare, weekly_grid
from pks.optimise.levels import BuiltLevel, build_from_pieces
from pks.optimise.linear import LinearModel

if TYPE_CHECKING:
    from pks.optimise.solve import SolveConfig

PIECES = (c.PRODUCTION, c.WAITING_LIST, c.PRIORITY, c.GUARANTEE, c.STAFF_CAPACITY, c.BEDS,
          c.THEATRE, c.LEVELLING, c.WORKING_TIME, c.DEVIATION, c.RAMP)


def actual_sick_leave(data: PlanningData, as_of_week: str) -> pd.DataFrame | None:
    """Sick-leave share per unit × category in the latest actuals week ≤ ``as_of_week``."""
    a = data.actuals_staff
    if a.empty:
        return None
    a = a[a["week"] <= as_of_week]
    if a.empty:
        return None
    last = a[a["week"] == a["week"].max()]
    st = data.staffing.merge(data.staff_categories, on="staff_category")
    st["contracted_h_week"] = (st["staffing_target_fte"] * st["contracted_h_per_fte_year"]
                               / WEEKS_PER_YEAR)
    j = last.merge(st[["unit_id", "staff_category", "contracted_h_week"]],
                   on=["unit_id", "staff_category"])
    j["sick_leave_pu"] = (j["sick_leave_h"] / j["contracted_h_week"].where(
        j["contracted_h_week"] > 0)).clip(0, 1).fillna(0.0)
    return j[["unit_id", "staff_category", "sick_leave_pu"]]


def operative_inputs(data: PlanningData, cfg: ScenarioConfig,
                     handoff: OperativeHandoff | None = None,
                     demand: pd.DataFrame | None = None,
                     as_of_week: str | None = None,
                     extra_lists: pd.DataFrame | None = None) -> ModelInputs:
    """Inputs of the operative window starting the week after ``as_of_week``.

    ``extra_lists`` (unit_id, care_type, week, waiting_list_cases) adds waiting lists for
    weeks without actuals — the rolling re-plan passes the list the previous plan left.
    """
    as_of = as_of_week or cfg.data.as_of_week
    grid = weekly_grid(add_weeks(as_of, 1), cfg.build.operative_weeks)
    weeks = list(grid.periods)
    d = demand if demand is not None else demand_for(data, cfg, weeks)
    hist = data.demand_history
    act = data.actuals_production
    src = pd.concat([hist, act], ignore_index=True) if not act.empty else hist
    if extra_lists is not None and not extra_lists.empty:
        src = pd.concat([src, extra_lists.assign(sex="female")], ignore_index=True)
    src = src.drop_duplicates(["unit_id", "care_type", "week", "sex"], keep="last")
    inputs = prepare(data, d, grid, level="operative", budget_year=cfg.data.budget_year,
                   target_set=cfg.data.target_set, build=cfg.build,
                   fte=None if handoff is None else handoff.fte,
                   list_source=src, sick_leave_pu=actual_sick_leave(data, as_of),
                   plan_target=None if handoff is None else handoff.production,
                   transfers=True)
    recent = recent_production(act if not act.empty else hist, as_of, cfg.build.ramp_weeks)
    key = inputs.uc[["unit_id", "care_type"]].merge(recent, on=["unit_id", "care_type"],
                                                    how="left")
    return replace(inputs, recent_production=key["production_cases"].to_numpy(float))


def build_level(data: PlanningData, cfg: ScenarioConfig,
                upper: Mapping[str, pd.DataFrame] | None = None,
                demand: pd.DataFrame | None = None) -> BuiltLevel:
    """Operative inputs (with the tactical plan's hand-off when ``upper`` is given) and model."""
    from pks.optimise.handoff import operative_inputs_from_tactical

    t0 = time.perf_counter()
    weeks = [add_weeks(cfg.data.as_of_week, i + 1) for i in range(cfg.build.operative_weeks)]
    h = operative_inputs_from_tactical(upper, data, weeks) if upper is not None else None
    inputs = operative_inputs(data, cfg, h, demand)
    t1 = time.perf_counter()
    m = build_operative(inputs, cfg)
    return BuiltLevel(m, data, timings={"handoff": t1 - t0, "build": time.perf_counter() - t1})


def recent_production(actuals: pd.DataFrame, as_of_week: str, weeks: int) -> pd.DataFrame:
    """Mean weekly production per unit × care type over the last reported weeks.

    The last ``weeks`` reported weeks up to ``as_of_week`` (summed over sex; a week a
    unit did not report counts as missing, not as zero): ``unit_id, care_type, production_cases``.
    """
    a = actuals[(actuals["week"] <= as_of_week) & actuals["production_cases"].notna()]
    if a.empty:
        return pd.DataFrame(columns=["unit_id", "care_type", "production_cases"])
    w = a.groupby(["unit_id", "care_type", "week"], as_index=False)["production_cases"].sum()
    w = w.sort_values("week").groupby(["unit_id", "care_type"]).tail(weeks)
    return w.groupby(["unit_id", "care_type"], as_index=False)["production_cases"].mean()


def build_operative(inputs: ModelInputs, cfg: ScenarioConfig) -> LinearModel:
    """The operative LP from prepared inputs."""
    return build_from_pieces(inputs, cfg.build, PIECES, "operative")


def roll_forward(data: PlanningData, cfg: ScenarioConfig, tactical: object, steps: int,
                 demand: pd.DataFrame | None = None, solve_cfg: SolveConfig | None = None
                 ) -> list[object]:
    """Re-plan the operative window week by week, reusing the built model in HiGHS.

    Step ``i`` plans from the week after ``as_of_week + i``. The waiting list entering a
    step is the actual list where ``actuals_production`` has the week, else the list the
    previous step's plan leaves after its first week. Each step rebuilds the model arrays
    from the new inputs (cheap, pure) and pushes only the changed bounds and coefficients
    into the persistent HiGHS object (:class:`pks.optimise.solve.Resolver`), which
    warm-starts from the previous basis. Returns one ``SolveResult`` per step.
    """
    from pks.optimise.handoff import operative_inputs_from_tactical
    from pks.optimise.solve import Resolver, SolveConfig

    as_of = cfg.data.as_of_week
    n = cfg.build.operative_weeks
    d = demand if demand is not None else demand_for(
        data, cfg, [add_weeks(as_of, i + 1) for i in range(n + steps)])
    results: list[object] = []
    resolver: Resolver | None = None
    extra: pd.DataFrame | None = None
    for i in range(steps):
        a = add_weeks(as_of, i)
        weeks = [add_weeks(a, k + 1) for k in range(n)]
        h = operative_inputs_from_tactical(tactical, data, weeks)
        inputs = operative_inputs(data, cfg, h, d, as_of_week=a, extra_lists=extra)
        m = build_operative(inputs, cfg)
        if resolver is None:
            resolver = Resolver(m, solve_cfg or SolveConfig(method="simplex"))
        else:
            resolver.update(m)
        r = resolver.solve()
        results.append(r)
        if not r.ok:
            break
        p = r.tables["plan_production"]
        first = p[p["week"] == weeks[0]]
        lst = first.groupby(["unit_id", "care_type", "week"], as_index=False)[
            "waiting_list_cases"].sum()
        extra = lst if extra is None else pd.concat([extra, lst], ignore_index=True)
    return results
