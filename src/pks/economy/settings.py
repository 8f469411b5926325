"""Economy parameters of a model instance: ``models/<instance>/economy.yaml``.

The financial targets themselves are versioned data (table ``financial_targets`` with a
valid-from date per version); this file holds the parameters around them: how population
moves revenue (R-51), which organisation level pks's plans cover, the reserve balances,
the frame-projection rules per cost type (R-28..R-31)
and economy-only scenario variants (e.g. a cost increase).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from pks.base import FrozenModel
from pks.economy.frames import CostTypeRule

SETTINGS_FILE = "economy.yaml"
"""File name of the economy parameters inside a model instance folder."""


class CostTypeSetting(FrozenModel):
    """One cost type of the frame projection."""

    cost_type: str
    """hourly_wage, social_charges, consumption, pharmaceuticals, purchased_care, ..."""
    share_pu: float = Field(ge=0, le=1)
    """Share of the frame (all shares sum to 1)."""
    basis: str = "lpik"
    """lpik, april_forecast (pharmaceuticals) or contract (purchased care, air ambulance)."""
    index: str = ""
    """LPIK component in cost_indices (default: the cost type)."""
    rate_by_year: dict[int, float] = Field(default_factory=dict)
    """Uprating per year (April forecast, contract prices, or LPIK overrides)."""

    def rule(self) -> CostTypeRule:
        """The projection rule."""
        return CostTypeRule(self.cost_type, self.share_pu, self.basis, self.index,
                            tuple(sorted(self.rate_by_year.items())))


class EconomyVariant(FrozenModel):
    """An economy-only scenario: a planning scenario plus changed economic inputs."""

    planning_scenario: str = "base"
    """Scenario of scenarios.yaml whose population and data the variant uses."""
    description: str = ""
    """What the variant changes."""
    outside_cost_scale: float = Field(default=1.0, gt=0)
    """Factor on the net cost outside pks's plans (cost up > 1)."""
    modelled_cost_scale: float = Field(default=1.0, gt=0)
    """Factor on the planned units' cost (frames or plan)."""
    revenue_scale: float = Field(default=1.0, gt=0)
    """Factor on tax revenue and general grants (a weaker tax-base forecast < 1)."""


class EconomySettings(FrozenModel):
    """Economy parameters of one model instance."""

    target_set: str = ""
    """Financial target set; empty: the set whose latest version is valid on the
    evaluation date (1 January of the budget year) and most recent."""
    evaluate_on: dt.date | None = None
    """Date the targets are looked up on (default: 1 January of the budget year)."""
    revenue_per_person_mnkr: float = Field(default=0.036, ge=0)
    """Tax and grant revenue per additional inhabitant: +100 persons ≈ +3,6 mnkr
    (Norrbotten, [002:1805–1809])."""
    revenue_population_scenario: str = "scb"
    """Population scenario the tax-base forecast in ``economy_budget`` assumes."""
    modelled_level: str = "strategic"
    """pks level of the frame nodes whose frames (or plan cost) make up the planned part
    of the net cost."""
    restoration_years: int = Field(default=3, ge=1)
    """Years within which a negative balanced-budget result is restored (KL: 3)."""
    rer_balance_mnkr: float = Field(default=0.0, ge=0)
    """Balance of the result reserve (RER) before the first economy year."""
    rur_balance_mnkr: float = Field(default=0.0, ge=0)
    """Balance of the result equalisation reserve (RUR) before the first economy year."""
    tax_base_growth_below_average: bool = False
    """RER/RUR use criterion 1: the tax base grows slower than the national ten-year
    average (or an unforeseen event has occurred)."""
    cost_types: tuple[CostTypeSetting, ...] = ()
    """Frame-projection rules per cost type (shares sum to 1)."""
    hard_frame_nodes: tuple[str, ...] = ()
    """Nodes whose frame is a hard limit (psychiatry, [001:177–181])."""
    variants: dict[str, EconomyVariant] = Field(default_factory=dict)
    """Economy-only scenarios by name."""

    def rules(self) -> list[CostTypeRule]:
        """Frame-projection rules (LPIK total when none are configured)."""
        return ([c.rule() for c in self.cost_types] if self.cost_types
                else [CostTypeRule("lpik_total", 1.0)])


class EconomySettingsError(ValueError):
    """``economy.yaml`` cannot be read; the message lists every problem."""


def load_settings(model_dir: str | Path) -> EconomySettings:
    """Read ``<model_dir>/economy.yaml`` (defaults when the file does not exist)."""
    path = Path(model_dir) / SETTINGS_FILE
    if not path.exists():
        return EconomySettings()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return EconomySettings.model_validate(raw)
    except yaml.YAMLError as exc:
        raise EconomySettingsError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        lines = [f"{path}: " + ".".join(str(p) for p in e["loc"]) + f": {e['msg']}"
                 for e in exc.errors()]
        raise EconomySettingsError("\n".join(lines)) from exc
