"""Forecast settings (section ``forecast`` of a model instance)."""

from __future__ import annotations

from pks.base import FrozenModel


class ForecastConfig(FrozenModel):
    """How demand is forecast and how capacity need is derived from it."""

    horizon_years: int | None = None
    """Forecast horizon in years from the budget year; None = the budget year and all plan
    years of ``data`` (Norrbotten 1 + 2, Västerbotten 1 + 3)."""
    interval_levels: tuple[float, ...] = (0.8, 0.95)
    """Prediction-interval coverages reported."""
    calibrate_intervals: bool = True
    """Use the back-test's conformal interval multipliers (``pks.forecast.intervals``) for
    the calibrated levels; False: normal quantiles of the ETS forecast variance."""
    damped_trend: bool = True
    """Use a damped additive trend in the ETS level model (False: no trend)."""
    season_harmonics: int = 10
    """Fourier harmonic pairs of the yearly seasonal curve of weekly series."""
    holiday_effect: bool = True
    """Estimate the effect of working days per week (Swedish public holidays)."""
    standardise_history: bool = True
    """Divide the history by the demographic index before fitting (no double counting)."""
    history_population_scenario: str = "scb"
    """Projection used for history years without registered population (same for every
    scenario, so the fitted use rates do not depend on the scenario)."""
    queue_factor: float = 4.0
    """NHSRwaitinglist factor: target mean wait = guarantee limit / factor."""
    cv_arrival: float = 1.0
    """Coefficient of variation of inter-arrival times (Kingman); 1 = Poisson arrivals."""
    cv_service: float = 1.0
    """Coefficient of variation of service (removal) times (Kingman)."""
    p_refuse_levels: tuple[float, ...] = (0.01, 0.05)
    """Refusal probabilities tabulated in the ward-size table."""
    ward_sizes: tuple[int, int] = (5, 60)
    """Smallest and largest ward size (beds) in the ward-size table."""
