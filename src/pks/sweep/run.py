"""Run a sweep: forecast, strategic plan and simulation per scenario; resumable.

Each finished scenario is stored as a run of kind ``simulation`` whose scenario name is
``sweep:<sweep_id>:<scenario>`` and whose one table ``sweep_result`` holds its comparison
row and whose table ``sweep_plan_cost`` the strategic plan's ``plan_cost`` (net cost per
node and year, which the economy turns into the scenario's results budget); a re-run of
the same sweep id skips every scenario already stored.

Per scenario:

1. **Forecast** — the weekly demand of the horizon (:func:`pks.optimise.inputs.demand_for`,
   what ``pks plan`` uses). Forecasts are shared between scenarios whose forecast inputs are
   equal: the data section, the forecast section and the data edits of tables other than
   the economy tables (:data:`ECONOMY_TABLES`, which no forecast reads).
2. **Strategic plan** — :func:`pks.optimise.run.plan_level` at level ``strategic``, without
   the details a comparison does not read (shadow prices, frame need, reallocation,
   explanation).
3. **Simulation** — the strategic plan's first plan year spread evenly over its weeks
   (yearly cases and hours ÷ weeks of the year, beds as planned), simulated with the
   scenario's simulator settings and ``replications`` replications
   (:func:`pks.simulate.runner.simulate_plan`).

The comparison row (:func:`comparison_row`): net cost of the region in the simulated year
(``cost_mnkr``, the sum over units), FTE per staff category (``fte_<category>``), agency
share of staff hours (``agency_share_pu`` = agency h / (own h + overtime h + agency h)),
care not given
(``unmet_cases``, planned unmet demand of the year) and the probability that the region
meets the care-guarantee target (``guarantee_probability_pu``, from the simulation).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import weeks_of_year

ECONOMY_TABLES = frozenset({"budget_frames", "staffing", "unit_finance", "cost_indices"})
"""Tables the forecast does not read: edits to them leave a forecast reusable."""
SWEEP_PREFIX = "sweep"
RESULT_TABLE = "sweep_result"
PLAN_COST_TABLE = "sweep_plan_cost"
PLAN_COST_KEY = "_plan_cost"
"""Key of :func:`run_job`'s result holding the plan's ``plan_cost`` (not a comparison column)."""
SEK_PER_MNKR = 1e6


@dataclass(frozen=True)
class SweepJob:
    """Everything one scenario needs (sent to a worker)."""

    cfg: ScenarioConfig
    demand: pd.DataFrame
    replications: int


@dataclass(frozen=True)
class SweepContext:
    """Shared by every job of a sweep: the planning data before the scenarios' edits."""

    data: PlanningData
    jobs: tuple[SweepJob, ...] = field(default=())


def forecast_key(cfg: ScenarioConfig) -> str:
    """Equal keys ⇒ equal forecasts (see the module docstring)."""
    edits = [e.model_dump() for e in cfg.data_edits if e.table not in ECONOMY_TABLES]
    return json.dumps([cfg.data.model_dump(), cfg.forecast.model_dump(), edits],
                      sort_keys=True, default=str)


def scenario_data(data: PlanningData, cfg: ScenarioConfig) -> PlanningData:
    """The planning data with the scenario's data edits applied."""
    from pks.config.edits import apply_edits

    return apply_edits(data, cfg.data_edits)


def forecasts(data: PlanningData, cfgs: Sequence[ScenarioConfig],
              progress: Callable[[int, int], None] | None = None) -> dict[str, pd.DataFrame]:
    """One demand forecast per distinct :func:`forecast_key` of ``cfgs``."""
    from pks.optimise.inputs import demand_for
    from pks.optimise.run import horizon_weeks

    firsts: dict[str, ScenarioConfig] = {}
    for c in cfgs:
        firsts.setdefault(forecast_key(c), c)
    out = {}
    for n, (key, c) in enumerate(firsts.items(), 1):
        out[key] = demand_for(scenario_data(data, c), c, horizon_weeks(c))
        if progress:
            progress(n, len(firsts))
    return out


def simulated_year(cfg: ScenarioConfig) -> int:
    """The first plan year after the budget year (the budget year when there is none)."""
    return cfg.data.budget_year + 1 if cfg.data.plan_years > 0 else cfg.data.budget_year


def weekly_plan(tables: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    """A strategic (yearly) plan's ``year`` as weekly tables: flows ÷ weeks, beds as planned."""
    weeks = weeks_of_year(year)
    n = len(weeks)
    wk = pd.DataFrame({"week": weeks})

    def spread(name: str, flows: Sequence[str]) -> pd.DataFrame:
        df = tables[name]
        df = df[df["year"].astype(int) == year].drop(columns=["week"])
        df = df.assign(**{c: pd.to_numeric(df[c], errors="coerce") / n
                          for c in flows if c in df})
        return df.merge(wk, how="cross")

    prod = spread("plan_production", ["demand_cases", "production_cases", "external_cases",
                                      "unmet_cases"])
    staff = spread("plan_staff", ["available_h", "own_h", "overtime_h", "agency_h",
                                  "required_h", "transfer_in_h", "transfer_out_h"])
    beds = spread("plan_beds", ["bed_days_required", "bed_days_available",
                                "bed_overflow_days"])
    return {"plan_production": prod, "plan_staff": staff, "plan_beds": beds}


def comparison_row(cfg: ScenarioConfig, tables: dict[str, pd.DataFrame],
                   verdicts: pd.DataFrame, year: int) -> dict[str, Any]:
    """The scenario's comparison row (columns in the module docstring)."""
    cost = tables["plan_cost"]
    cost = cost[(cost["year"].astype(int) == year)
                & ((cost["kind"] == "unit") if "kind" in cost else True)]
    fte = tables["plan_fte"]
    fte = fte[fte["year"].astype(int) == year].groupby("staff_category")["fte"].sum()
    staff = tables["plan_staff"]
    staff = staff[staff["year"].astype(int) == year]
    hours = float(staff[["own_h", "overtime_h", "agency_h"]].to_numpy().sum())
    prod = tables["plan_production"]
    unmet = float(prod.loc[prod["year"].astype(int) == year, "unmet_cases"].sum())
    g = verdicts[(verdicts["node_type"] == "region") & (verdicts["target"] == "guarantee")]
    row: dict[str, Any] = {
        "scenario": cfg.name, "year": year,
        "cost_mnkr": float(cost["net_cost_sek"].sum()) / SEK_PER_MNKR,
        **{f"fte_{k}": float(v) for k, v in fte.items()},
        "agency_share_pu": float(staff["agency_h"].sum()) / hours if hours > 0 else 0.0,
        "unmet_cases": unmet,
        "guarantee_probability_pu": float(g["probability"].iloc[0]) if len(g) else float("nan"),
    }
    return row


def run_job(ctx: SweepContext, item: tuple[int, int]) -> dict[str, Any]:
    """Strategic plan and simulation of job ``item[1]`` (an executor task)."""
    from pks.optimise.run import plan_level
    from pks.simulate.runner import simulate_plan

    job = ctx.jobs[item[1]]
    cfg = job.cfg
    data = scenario_data(ctx.data, cfg)
    plan = plan_level(data, cfg, "strategic", None, job.demand, details=False)
    if not plan.result.ok:
        return {"scenario": cfg.name, "status": plan.result.status.value}
    tables = dict(plan.tables)
    year = simulated_year(cfg)
    weekly = weekly_plan(tables, year)
    weeks = set(weeks_of_year(year))
    demand = job.demand[job.demand["week"].isin(weeks)]
    sim = simulate_plan(weekly, data, demand, cfg.simulate.model_copy(
        update={"patient_records": "none"}), target_set=cfg.data.target_set,
        replications=job.replications)
    return {**comparison_row(cfg, tables, sim.verdicts, year), "status": "optimal",
            PLAN_COST_KEY: tables["plan_cost"]}
