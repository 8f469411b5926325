"""Load what one economy scenario needs: configuration, planning data, economy inputs.

An economy scenario is a planning scenario of ``scenarios.yaml`` (its population scenario
moves revenue and need) or an economy-only variant of ``economy.yaml`` (a planning scenario
plus changed economic inputs, e.g. higher cost). The economy tables come from the store
with the planning inputs when those hold them (a store after ``pks economy load``, or
``<table>.csv`` files next to the planning tables), else from ``<instance_dir>/economy/``
(where the demo regions keep them, apart from the generated tables); a scenario's
``data_edits`` of economy tables apply in both cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pks.config.loader import load_scenario, scenario_names
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.economy.inputs import (
    ECONOMY_TABLES,
    EconomyInputs,
    economy_folder,
    economy_from_tables,
    read_economy,
)
from pks.economy.outcome import EconomyOutcome, economy_outcome
from pks.economy.required import plan_modelled_cost
from pks.economy.results import modelled_nodes
from pks.economy.settings import EconomySettings, EconomyVariant, load_settings
from pks.types import Language

if TYPE_CHECKING:  # pragma: no cover
    from pks.data.store import Store


@dataclass(frozen=True)
class EconomyScenario:
    """The inputs of one economy scenario."""

    name: str
    cfg: ScenarioConfig
    variant: EconomyVariant
    settings: EconomySettings
    data: PlanningData
    econ: EconomyInputs
    source: str

    def outcome(self, plan_cost_mnkr: Mapping[int, float] | None = None) -> EconomyOutcome:
        """The scenario's economy (frames as the plans' cost unless a plan's cost is given)."""
        return economy_outcome(self.data, self.cfg, self.econ, self.settings, self.variant,
                               self.name, plan_cost_mnkr)

    def plan_outcome(self, plan_cost: pd.DataFrame) -> EconomyOutcome:
        """The scenario's economy with a strategic plan's cost as the plans' part of net cost.

        ``plan_cost`` is the plan's ``plan_cost`` table; its modelled nodes' net cost per
        year (:func:`pks.economy.required.plan_modelled_cost`) replaces the frames, as in
        :func:`pks.economy.planning.plan_under_required_result`.
        """
        nodes = modelled_nodes(self.data, self.settings.modelled_level)
        return self.outcome(plan_modelled_cost(plan_cost, nodes))


def economy_scenario_names(model_dir: str | Path) -> list[str]:
    """Planning scenarios (``base`` first) followed by the economy-only variants."""
    return list(dict.fromkeys([*scenario_names(model_dir),
                               *load_settings(model_dir).variants]))


def load_economy_scenario(model_dir: str | Path, name: str = "base",
                          store: Store | None = None, lang: Language = "sv",
                          data: PlanningData | None = None) -> EconomyScenario:
    """Resolve ``name`` and load its inputs.

    ``data`` are the planning inputs when the caller holds them already (the scenario's
    ``data_edits`` are applied to them); else they are loaded from ``store`` or the folder.

    Raises
    ------
    pks.config.loader.ConfigError
        Unknown scenario or invalid configuration.
    pks.economy.settings.EconomySettingsError
        ``economy.yaml`` is invalid.
    pks.data.checks.ValidationFailed
        The planning or economy tables are invalid (every problem listed).
    """
    from pks.config.edits import apply_edits
    from pks.forecast.runs import load_inputs

    settings = load_settings(model_dir)
    variant = settings.variants.get(name)
    cfg = load_scenario(model_dir, variant.planning_scenario if variant else name)
    if data is None:
        data, source = load_inputs(cfg, store)
    else:  # planning inputs already loaded (e.g. the dashboard's snapshot)
        data, source = apply_edits(data, cfg.data_edits), "given inputs"
    if not data.economy_budget.empty:
        econ = economy_from_tables(
            {n: t for n, t in data.tables().items() if n in ECONOMY_TABLES}, cfg.data.years,
            lang)
        esrc = "planning inputs"
    else:
        folder = economy_folder(cfg.data.instance_dir)
        econ, esrc = read_economy(folder, cfg.data.years, lang), str(folder)
        edits = [e for e in cfg.data_edits if e.table in ECONOMY_TABLES]
        if edits:  # the scenario's edits of economy tables, applied to the folder's tables
            edited = apply_edits(data.replace(**econ.tables()), edits)
            econ = EconomyInputs(edited.economy_budget, edited.economy_cost_items,
                                 edited.financial_targets)
    return EconomyScenario(name, cfg, variant or EconomyVariant(planning_scenario=cfg.name),
                           settings, data, econ, f"{source}; {esrc}")
