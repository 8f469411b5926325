"""The resolved configuration of one scenario of a model instance.

A model instance is ``models/<name>/model.yaml`` plus ``scenarios.yaml``; the loader merges
the named overrides and validates the result into :class:`ScenarioConfig`. Each section is
owned by the layer that uses it.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from pks.base import FrozenModel
from pks.config.dashboard import DashboardConfig
from pks.config.forecast import ForecastConfig
from pks.config.optimise import BuildConfig, SolveConfig
from pks.config.simulate import SimulateConfig
from pks.types import Language


class DataConfig(FrozenModel):
    """Which data, which years, which targets."""

    instance_dir: str = "data/demo_region"
    """Folder of the input tables (CSV), relative to the repository root or absolute."""
    region_name: str = "Region"
    """Display name of the region."""
    county: str = "Norrbottens län"
    """County whose population drives demand (joins ``population.county``)."""
    budget_year: int = 2026
    """Budget year; the plan years are the two years after it."""
    plan_years: int = 2
    """Number of plan years after the budget year (Norrbotten: 2; Västerbotten: 3)."""
    as_of_week: str = "2026-W46"
    """Last ISO week with actuals; the operative level re-plans from the week after."""
    population_scenario: str = "scb"
    """Population projection scenario driving demand."""
    target_set: str = "vardgaranti_0_3_90_90"
    """Target set (care guarantee and workload targets) in force."""
    language: Language = "sv"
    """Language of reports and messages (sv or en)."""

    @property
    def years(self) -> list[int]:
        """Budget year and plan years."""
        return [self.budget_year + i for i in range(self.plan_years + 1)]


class DataEdit(FrozenModel):
    """An edit of one input table applied by a scenario override.

    Rows are selected by ``where`` (column → list of allowed values; all rows when empty);
    ``scale`` multiplies columns, ``set`` assigns them.
    """

    table: str
    """Table to edit."""
    where: dict[str, list[Any]] = Field(default_factory=dict)
    """Row filter: column → allowed values."""
    scale: dict[str, float] = Field(default_factory=dict)
    """Column → factor."""
    set: dict[str, Any] = Field(default_factory=dict)
    """Column → new value."""


class ScenarioConfig(FrozenModel):
    """Resolved configuration of one named scenario."""

    name: str = "base"
    """Scenario name."""
    description: str = ""
    """What the scenario changes, in the planners' words."""
    data: DataConfig = DataConfig()
    data_edits: tuple[DataEdit, ...] = ()
    """Edits of input tables applied after loading (e.g. an under-staffed variant)."""
    forecast: ForecastConfig = ForecastConfig()
    build: BuildConfig = BuildConfig()
    solve: SolveConfig = SolveConfig()
    simulate: SimulateConfig = SimulateConfig()
    dashboard: DashboardConfig = DashboardConfig()
