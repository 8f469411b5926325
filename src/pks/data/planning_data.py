"""The PlanningData container: every input table of one region, as tidy pandas frames."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from pks.data.parse import coerce_table
from pks.data.schema import TABLE_NAMES, empty_table


def empty_canonical(name: str) -> pd.DataFrame:
    """An empty table ``name`` in the schema's canonical dtypes (as read from a file)."""
    return coerce_table(name, empty_table(name))


@dataclass(frozen=True)
class PlanningData:
    """All planning input tables of one region (frozen; edits return a new object).

    Each attribute is a long-format frame whose columns follow the schema of the table
    with the same name in ``pks/data/schema/`` (see ``docs/data-model.md``). The frames
    use a plain RangeIndex; key columns are ordinary columns.
    """

    org_nodes: pd.DataFrame
    care_types: pd.DataFrame
    care_type_priorities: pd.DataFrame
    staff_categories: pd.DataFrame
    resource_use: pd.DataFrame
    staffing: pd.DataFrame
    staff_availability: pd.DataFrame
    unit_capacity: pd.DataFrame
    unit_finance: pd.DataFrame
    demand_history: pd.DataFrame
    demand_age_profile: pd.DataFrame
    population: pd.DataFrame
    budget_frames: pd.DataFrame
    cost_indices: pd.DataFrame
    targets: pd.DataFrame
    actuals_production: pd.DataFrame = field(
        default_factory=lambda: empty_table("actuals_production")
    )
    actuals_staff: pd.DataFrame = field(default_factory=lambda: empty_table("actuals_staff"))
    actuals_unit: pd.DataFrame = field(default_factory=lambda: empty_table("actuals_unit"))
    # region economy (pks.economy): optional; the demo keeps them in <instance>/economy/
    economy_budget: pd.DataFrame = field(
        default_factory=lambda: empty_canonical("economy_budget"))
    economy_cost_items: pd.DataFrame = field(
        default_factory=lambda: empty_canonical("economy_cost_items"))
    financial_targets: pd.DataFrame = field(
        default_factory=lambda: empty_canonical("financial_targets"))

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> PlanningData:
        """Build from a mapping table name → frame; optional tables may be missing."""
        unknown = set(tables) - set(TABLE_NAMES)
        if unknown:
            raise KeyError(f"unknown tables: {sorted(unknown)}")
        kwargs = {name: tables[name] for name in TABLE_NAMES if name in tables}
        return cls(**kwargs)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return all tables as a dict in schema order."""
        return {name: getattr(self, name) for name in TABLE_NAMES}

    def replace(self, **tables: pd.DataFrame) -> PlanningData:
        """Return a copy with some tables replaced."""
        return dataclasses.replace(self, **tables)

    @property
    def unit_ids(self) -> list[str]:
        """Producing units: org nodes that have at least one care type, sorted."""
        return sorted(self.care_types["unit_id"].unique())
