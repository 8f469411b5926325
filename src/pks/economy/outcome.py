"""One scenario's economy: results budget, target verdicts, restoration, reserves, frames.

:func:`economy_outcome` composes the concept modules into one frozen result; it is pure
(data in, result out). :mod:`pks.economy.scenario` loads the inputs for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.economy.balanced import RestorationSchedule, YearResult, restoration_schedule
from pks.economy.frames import FrameProjection, project_frames
from pks.economy.inputs import EconomyInputs
from pks.economy.required import RequiredResult, required_results
from pks.economy.reserves import ReserveKind, reservation_limit, use_limit
from pks.economy.results import ResultsBudget, frames_cost_mnkr, modelled_nodes, results_budget
from pks.economy.revenue import PopulationEffect, population_effect
from pks.economy.settings import EconomySettings, EconomyVariant
from pks.economy.verdicts import TargetEvaluation, evaluate_targets, select_targets


@dataclass(frozen=True)
class EconomyOutcome:
    """Everything the economy says about one scenario."""

    scenario: str
    years: tuple[int, ...]
    """Budget year and plan years."""
    budget: ResultsBudget
    evaluation: TargetEvaluation
    schedule: RestorationSchedule
    required: RequiredResult
    population: PopulationEffect
    projection: FrameProjection
    reserves: pd.DataFrame
    """Per year and reserve (RER, RUR): reservation and use limits with their reasons."""
    bases: Mapping[str, Any] = field(default_factory=dict)
    """Calculation bases of the run (R-40): indices, population, efficiency, targets."""


def evaluation_date(cfg: ScenarioConfig, settings: EconomySettings) -> dt.date:
    """Date the financial targets are looked up on (1 January of the budget year)."""
    return settings.evaluate_on or dt.date(cfg.data.budget_year, 1, 1)


def reserve_table(budget: ResultsBudget, settings: EconomySettings) -> pd.DataFrame:
    """RER and RUR limits per economy year (balances as configured; RF decides the use)."""
    rows = []
    for r in budget.table.itertuples(index=False):
        ratio = r.equity_ratio_incl_pension_pu
        negative = bool(ratio is not None and not pd.isna(ratio) and ratio < 0)
        balances: tuple[tuple[ReserveKind, float], ...] = (("RER", settings.rer_balance_mnkr),
                                                           ("RUR", settings.rur_balance_mnkr))
        for kind, bal in balances:
            res = reservation_limit(int(r.year), kind, float(r.year_result_mnkr),
                                    float(r.balanced_result_mnkr), float(r.revenue_base_mnkr),
                                    negative, bal)
            use = use_limit(int(r.year), kind, float(r.balanced_result_mnkr), bal,
                            unforeseen_event=settings.tax_base_growth_below_average)
            rows.append({"year": int(r.year), "reserve": kind, "balance_mnkr": bal,
                         "reservation_max_mnkr": res.max_mnkr, "reservation_reason": res.reason,
                         "use_max_mnkr": use.max_mnkr, "use_reason": use.reason})
    return pd.DataFrame(rows)


def _projection(data: PlanningData, cfg: ScenarioConfig, settings: EconomySettings
                ) -> FrameProjection:
    nodes = modelled_nodes(data, settings.modelled_level)
    bf = data.budget_frames
    base = bf[(bf["year"] == cfg.data.budget_year) & bf["node_id"].isin(nodes)]
    years = cfg.data.years[1:]
    eff = {(str(r.node_id), y): float(r.efficiency_pu) for r in base.itertuples() for y in years}
    return project_frames(dict(zip(base["node_id"], base["frame_sek"].astype(float),
                                   strict=True)),
                          cfg.data.budget_year, years, settings.rules(), data.cost_indices,
                          eff, hard_nodes=settings.hard_frame_nodes)


def economy_outcome(data: PlanningData, cfg: ScenarioConfig, econ: EconomyInputs,
                    settings: EconomySettings, variant: EconomyVariant | None = None,
                    scenario: str | None = None,
                    plan_cost_mnkr: Mapping[int, float] | None = None) -> EconomyOutcome:
    """The economy of one scenario.

    ``plan_cost_mnkr`` (year → planned cost of the modelled nodes) replaces the frames as
    the plans' part of net cost when a plan has been made.
    """
    years = tuple(cfg.data.years)
    pop = population_effect(data, cfg.data.county, cfg.data.population_scenario,
                            settings.revenue_population_scenario, econ.years,
                            settings.revenue_per_person_mnkr)
    modelled = dict(plan_cost_mnkr) if plan_cost_mnkr is not None else \
        frames_cost_mnkr(data, settings.modelled_level)
    budget = results_budget(econ, modelled, pop, variant,
                            "plan" if plan_cost_mnkr is not None else "frames",
                            from_year=cfg.data.budget_year)
    on = evaluation_date(cfg, settings)
    evaluation = evaluate_targets(budget, econ.targets, years, on, settings.target_set)
    schedule = restoration_schedule(
        [YearResult(int(r.year), float(r.balanced_result_mnkr), float(r.exempt_mnkr))
         for r in budget.table.itertuples(index=False)], settings.restoration_years)
    chosen = select_targets(econ.targets, on, settings.target_set)
    binding = chosen[chosen["binding"].astype(bool)].set_index("target")["min_pu"]
    required = required_results(
        budget, years, settings.restoration_years,
        float(binding.get("operating_result_share", 0.0) or 0.0),
        float(binding.get("balanced_result_share", 0.0) or 0.0))
    bases = {
        "scenario": scenario or cfg.name, "years": list(years),
        "population_scenario": cfg.data.population_scenario,
        "revenue_population_scenario": settings.revenue_population_scenario,
        "revenue_per_person_mnkr": settings.revenue_per_person_mnkr,
        "target_set": evaluation.target_set, "target_version": evaluation.version,
        "targets_valid_from": evaluation.valid_from.isoformat(),
        "evaluated_on": on.isoformat(),
        "cost_indices": data.cost_indices[data.cost_indices["year"].isin(years)]
        .to_dict("records"),
        "efficiency_pu": data.budget_frames[["node_id", "year", "efficiency_pu"]]
        .to_dict("records"),
        "variant": (variant or EconomyVariant()).model_dump(),
        "modelled_cost_source": "plan" if plan_cost_mnkr is not None else "frames",
    }
    return EconomyOutcome(scenario or cfg.name, years, budget, evaluation, schedule, required,
                          pop, _projection(data, cfg, settings), reserve_table(budget, settings),
                          bases)
