"""Plan the strategic level under the frames the required result leaves (issue 11).

:func:`plan_under_required_result` computes the result each plan year needs
(:mod:`pks.economy.required`), tightens the frames of the modelled nodes accordingly,
plans the strategic level under them (:func:`pks.optimise.run.plan_level`) and checks the
planned result: either it reaches the requirement, or the check says by how much it falls
short and why (the frame gaps the plan priced and the care it left ungiven). A failed
solve is reported, never raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.economy.inputs import EconomyInputs
from pks.economy.outcome import EconomyOutcome, economy_outcome
from pks.economy.required import PlanCheck, check_plan, plan_modelled_cost, tightened_data
from pks.economy.results import modelled_nodes
from pks.economy.settings import EconomySettings, EconomyVariant


@dataclass(frozen=True)
class RequiredPlanRun:
    """The economy before and after a strategic plan under the tightened frames."""

    before: EconomyOutcome
    after: EconomyOutcome | None
    """``None`` when the solver found no plan (``status`` says why)."""
    check: PlanCheck | None
    status: str
    tables: Mapping[str, pd.DataFrame]
    """The strategic plan's tables (empty when no plan)."""


def plan_under_required_result(data: PlanningData, cfg: ScenarioConfig, econ: EconomyInputs,
                               settings: EconomySettings,
                               variant: EconomyVariant | None = None,
                               demand: pd.DataFrame | None = None) -> RequiredPlanRun:
    """Tighten the frames to the required result, plan the strategic level, check it."""
    from pks.optimise.run import plan_level

    before = economy_outcome(data, cfg, econ, settings, variant)
    tight = tightened_data(data, before.required, settings.modelled_level)
    run = plan_level(tight, cfg, "strategic", demand=demand)
    status = str(getattr(run.result.status, "value", run.result.status))
    if not run.result.ok or "plan_cost" not in run.tables:
        return RequiredPlanRun(before, None, None, status, dict(run.tables))
    nodes = modelled_nodes(data, settings.modelled_level)
    cost = plan_modelled_cost(run.tables["plan_cost"], nodes)
    after = economy_outcome(data, cfg, econ, settings, variant, plan_cost_mnkr=cost)
    return RequiredPlanRun(before, after, check_plan(before.required, after.budget, run.tables,
                                                     nodes), status, dict(run.tables))
