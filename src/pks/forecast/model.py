"""One demand series: calendar-adjusted ETS with damped trend (statsmodels does the fitting).

The model of a count series ``y_t`` (cases per period) is multiplicative in calendar effects:

    y_t = z_t × s[k_t] × (wd_t / wd_ref)^β

- ``s`` is a smooth yearly seasonal curve, a Fourier series in the position of the
  period in the year (ISO week (w − 0.5)/52.18, so week 53 needs no special case; month
  (m − 0.5)/12), with a fixed number of harmonics;
- ``wd_t`` the working days of the period (public holidays removed) and β the elasticity
  of demand to working days (0 for acute care that does not stop for holidays);
- ``z_t`` the calendar-adjusted level, modelled as ETS(A, Ad, N): additive errors,
  additive damped trend, no seasonality (statsmodels ``ETSModel``, maximum likelihood).

``s`` and β are estimated together with a Poisson GLM (log link) of ``y`` on the Fourier
terms, a linear time trend and log(wd/wd_ref) (statsmodels ``GLM``); the trend term
only keeps growth out of the seasonal curve and is then dropped, because ETS
forecasts the level. A limited number of harmonics (10 for weekly data) keeps the
sampling noise of single weeks out of the seasonal curve; sharp dips at holidays are
carried by the working-day term instead, which follows Easter and other moving
holidays to the right week.

Forecast intervals come from the ETS analytic forecast variance on the adjusted scale,
``m ± z·sd``, multiplied by the calendar factors and truncated at zero. ``z`` is the normal
quantile, or, when the fit carries an :class:`~pks.forecast.intervals.IntervalCalibration`,
the conformal quantile of the back-test's scaled errors for that horizon (calibrated
intervals; see :mod:`pks.forecast.intervals`). Sample paths come from
``ETSResults.simulate``; with a calibration their deviations from the mean are scaled by
the mean ratio z_calibrated / z_normal of the levels at each horizon, so their spread
follows the calibrated intervals.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults

from pks.calendar import WEEKS_PER_YEAR
from pks.forecast.intervals import IntervalCalibration

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeriesSpec:
    """Settings of the per-series model (see :class:`pks.config.forecast.ForecastConfig`)."""

    period: int = WEEKS_PER_YEAR
    """Periods per year (52 weekly, 12 monthly); used for the fallback level."""
    damped_trend: bool = True
    """Damped additive trend (True) or no trend (False)."""
    harmonics: int = 10
    """Number of Fourier harmonic pairs of the yearly seasonal curve."""
    estimate_holidays: bool = True
    """Estimate the working-day elasticity β (else β = 0)."""
    beta_max: float = 1.5
    """Upper clip of β."""


def fourier(phase: np.ndarray, harmonics: int) -> np.ndarray:
    """Columns cos(2πkφ), sin(2πkφ) for k = 1..harmonics, shape (len(phase), 2·harmonics)."""
    phase = np.asarray(phase, dtype=float)
    cols = []
    for k in range(1, harmonics + 1):
        cols.append(np.cos(2 * np.pi * k * phase))
        cols.append(np.sin(2 * np.pi * k * phase))
    return np.column_stack(cols) if cols else np.empty((len(phase), 0))


def week_phase(weeks: list[str]) -> np.ndarray:
    """Position in the year (0..1) of ISO weeks: (week − 0.5) / 52.1775 (week 53 wraps)."""
    return np.array([(int(w[-2:]) - 0.5) / 52.1775 for w in weeks]) % 1.0


def month_phase(months: np.ndarray) -> np.ndarray:
    """Position in the year (0..1) of months 1..12."""
    return (np.asarray(months, dtype=float) - 0.5) / 12.0


@dataclass(frozen=True)
class FittedSeries:
    """A fitted series model; forecasts and sample paths on future calendar inputs."""

    spec: SeriesSpec
    season_coef: np.ndarray
    """Fourier coefficients of the seasonal log-factor (mean 0 over the year)."""
    beta: float
    wd_ref: float
    n_obs: int
    ets: ETSResults | None
    constant_level: float
    """Used instead of ETS when the series is too short or constant."""
    sigma_scale: float = 1.0
    """Degrees-of-freedom correction of the forecast spread, sqrt(n / (n − k)), where k
    counts the calendar-GLM and ETS parameters estimated from the same n periods (the
    in-sample residual variance understates the out-of-sample variance by (n − k)/n)."""
    calibration: IntervalCalibration | None = None
    """Conformal interval multipliers per horizon (None: normal quantiles)."""
    _moments: dict[int, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False)
    """Memo of :meth:`level_forecast` by steps (the fit is immutable, so is its forecast)."""

    def season_log(self, phase: np.ndarray) -> np.ndarray:
        """Seasonal log-factor at positions ``phase`` in the year."""
        if len(self.season_coef) == 0:
            return np.zeros(len(phase))
        return fourier(phase, len(self.season_coef) // 2) @ self.season_coef

    def calendar_factor(self, phase: np.ndarray, wd: np.ndarray) -> np.ndarray:
        """Multiplicative factor exp(season(φ)) × (wd/wd_ref)^β for periods."""
        ratio = np.clip(np.asarray(wd, dtype=float) / self.wd_ref, 0.04, None)
        return np.exp(self.season_log(phase)) * ratio**self.beta

    def params(self) -> dict[str, float]:
        """Fitted ETS parameters by name (empty without ETS)."""
        if self.ets is None:
            return {}
        return {str(k): float(v) for k, v in zip(self.ets.model.param_names, self.ets.params,
                                                 strict=True)}

    def level_forecast(self, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of the adjusted level for ``steps`` periods ahead."""
        if self.ets is None:
            return np.full(steps, self.constant_level), np.zeros(steps)
        if steps not in self._moments:
            pred = self.ets.get_prediction(start=self.n_obs, end=self.n_obs + steps - 1)
            mean = np.asarray(pred.predicted_mean, dtype=float)
            sd = np.sqrt(np.asarray(pred.forecast_variance, dtype=float))
            self._moments[steps] = (mean, sd)
        mean, sd = self._moments[steps]
        return mean.copy(), sd.copy()

    def forecast(
        self, phase: np.ndarray, wd: np.ndarray, levels: tuple[float, ...] = (0.8, 0.95),
        offset: int = 0,
    ) -> dict[str, np.ndarray]:
        """Point forecast and central intervals for the periods after the history.

        ``phase`` and ``wd`` describe the periods ``n_obs + offset + 1 ...``; returns
        ``mean``, ``lo<NN>``, ``hi<NN>`` arrays (cases, ≥ 0).
        """
        steps = offset + len(phase)
        mean, sd = self.level_forecast(steps)
        mean, sd = mean[offset:], sd[offset:] * self.sigma_scale
        f = self.calendar_factor(phase, wd)
        out = {"mean": np.clip(mean, 0, None) * f}
        horizons = np.arange(offset + 1, steps + 1)
        for lv in levels:
            q = self.interval_z(horizons, lv)
            tag = f"{round(lv * 100):02d}"
            out[f"lo{tag}"] = np.clip(mean - q * sd, 0, None) * f
            out[f"hi{tag}"] = np.clip(mean + q * sd, 0, None) * f
        return out

    def interval_z(self, horizons: np.ndarray, level: float) -> np.ndarray:
        """Interval multiplier per horizon: calibrated if the fit has it for ``level``."""
        if self.calibration is not None and level in self.calibration.levels:
            return self.calibration.multiplier(horizons, level)
        return np.full(len(horizons), stats.norm.ppf(0.5 + level / 2))

    def spread_ratio(self, steps: int) -> np.ndarray:
        """Mean ratio calibrated / normal z over the calibrated levels, per horizon 1..steps."""
        if self.calibration is None:
            return np.ones(steps)
        h = np.arange(1, steps + 1)
        ratios = [self.calibration.multiplier(h, lv) / stats.norm.ppf(0.5 + lv / 2)
                  for lv in self.calibration.levels]
        return np.mean(ratios, axis=0)

    def sample_level(self, steps: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` simulated paths of the adjusted level, shape (n, steps)."""
        if self.ets is None:
            return np.full((n, steps), self.constant_level)
        sim = self.ets.simulate(steps, anchor="end", repetitions=n, rng=rng)
        paths = np.asarray(sim, dtype=float).reshape(steps, n).T
        scale = self.sigma_scale * self.spread_ratio(steps)
        if np.any(scale != 1.0):
            mean, _ = self.level_forecast(steps)
            paths = mean + scale * (paths - mean)
        return paths


def _fit_calendar(
    y: np.ndarray, phase: np.ndarray, wd: np.ndarray, spec: SeriesSpec
) -> tuple[np.ndarray, float, float]:
    """Fourier seasonal coefficients, β and the reference working days (Poisson GLM)."""
    wd_ref = float(np.median(wd)) if len(wd) else 5.0
    wd_ref = wd_ref if wd_ref > 0 else 1.0
    n_years = len(y) / spec.period
    k = min(spec.harmonics, spec.period // 2)
    if y.sum() <= 0 or n_years < 1 or k == 0:
        return np.zeros(0), 0.0, wd_ref
    f = fourier(phase, k)
    keep = np.ptp(f, axis=0) > 1e-9  # the Nyquist sine of a monthly series is identically 0
    t = np.arange(len(y), dtype=float) / spec.period
    lwd = np.log(np.clip(wd, 0.2, None) / wd_ref)
    use_beta = spec.estimate_holidays and np.ptp(lwd) > 0
    cols = [np.ones(len(y)), t - t.mean(), f[:, keep]]
    if use_beta:
        cols.append(lwd[:, None])
    x = np.column_stack(cols)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=RuntimeWarning)
        try:
            params = np.asarray(sm.GLM(y, x, family=sm.families.Poisson()).fit().params)
        except (ValueError, np.linalg.LinAlgError) as exc:  # pragma: no cover - defensive
            log.warning("calendar fit failed (%s); no seasonality used", exc)
            return np.zeros(0), 0.0, wd_ref
    coef = np.zeros(2 * k)
    n_f = int(keep.sum())
    coef[keep] = params[2:2 + n_f]
    beta = float(np.clip(params[2 + n_f], 0.0, spec.beta_max)) if use_beta else 0.0
    return coef, beta, wd_ref


def fit_series(
    y: np.ndarray, phase: np.ndarray, wd: np.ndarray, spec: SeriesSpec = SeriesSpec(),
    calibration: IntervalCalibration | None = None,
) -> FittedSeries:
    """Fit the calendar factors and the ETS level model to one series.

    Parameters
    ----------
    y
        Observed counts per period (cases), oldest first, no gaps.
    phase
        Position of each period in the year, 0..1 (:func:`week_phase`, :func:`month_phase`).
    wd
        Working days of each period.
    spec
        Model settings.
    calibration
        Interval multipliers stored with the fit (None: normal quantiles).
    """
    y = np.asarray(y, dtype=float)
    wd = np.asarray(wd, dtype=float)
    coef, beta, wd_ref = _fit_calendar(y, np.asarray(phase, dtype=float), wd, spec)
    fitted = FittedSeries(spec, coef, beta, wd_ref, len(y), None, 0.0)
    z = y / fitted.calendar_factor(np.asarray(phase, dtype=float), wd)
    const = float(np.mean(z[-spec.period:])) if len(z) else 0.0
    if len(z) < 10 or np.ptp(z) == 0:
        return FittedSeries(spec, coef, beta, wd_ref, len(z), None, const,
                            calibration=calibration)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=RuntimeWarning)
        warnings.simplefilter("ignore", category=UserWarning)
        model = ETSModel(
            pd.Series(z),
            error="add",
            trend="add" if spec.damped_trend else None,
            damped_trend=spec.damped_trend,
        )
        ets = model.fit(disp=False)
    k = 2 + int(np.count_nonzero(coef)) + int(spec.estimate_holidays) + len(ets.params)
    scale = float(np.sqrt(len(z) / (len(z) - k))) if len(z) > k + 1 else 1.0
    return FittedSeries(spec, coef, beta, wd_ref, len(z), ets, const, scale, calibration)


def seasonal_naive(y: np.ndarray, period: int, steps: int) -> np.ndarray:
    """Seasonal-naive forecast: the value one season earlier (repeated)."""
    y = np.asarray(y, dtype=float)
    last = y[-period:]
    return np.array([last[i % period] for i in range(steps)])
