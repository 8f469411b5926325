"""Forecast settings (section ``forecast`` of a model instance)."""

from __future__ import annotations

from pks.base import FrozenModel


class ForecastConfig(FrozenModel):
    """How demand is forecast."""

    horizon_years: int = 3
    """Forecast horizon in years from the budget year (budget year + 2 plan years)."""
    interval_levels: tuple[float, ...] = (0.8, 0.95)
    """Prediction-interval coverages reported."""
