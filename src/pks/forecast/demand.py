"""Weekly need-based demand forecast per unit × care type × sex (table ``forecast_demand``).

Pipeline per unit × care type (the total over both sexes is modelled; see
``docs/backtest.md`` for the evaluation):

1. weekly referrals from ``demand_history`` before the first forecast week, gaps filled
   with 0;
2. **demographic standardisation**: each history week is divided by the demographic index
   ``D(year)`` relative to the last history year (``pks.forecast.demography``), so the
   history is expressed at the base-year population and its trend is the trend in *use
   rates* only — this keeps past population growth out of the ETS trend so it is not
   counted twice. The history's population is a fact, not a scenario: it is the
   registered population where the table has it, else the reference projection
   ``forecast.history_population_scenario`` (``scb``), the same for every scenario;
3. calendar-adjusted ETS (``pks.forecast.model``): ISO-week seasonal factors (incl. week
   53), Swedish holidays as working days per week, damped additive trend;
4. the **history-only forecast** (population held at the base year) is multiplied by the
   per-sex index ``D_sex(year) = Σ_band w[sex, band] × P(year)/P(base year)`` of the
   chosen population scenario (growth relative to the scenario's own base-year value).
   With the scenario ``no_change`` ``D_sex`` equals the profile's sex shares in every
   year, so the result is exactly the history-only forecast split by sex.

Intervals are per row; the sex rows split the total intervals in proportion
(comonotone split), so lo/hi of the two sexes add up to the total's. With
``forecast.calibrate_intervals`` (default) they are the calibrated intervals of
:mod:`pks.forecast.intervals` (weekly conformal multipliers stored with each fit).

Fits are reused across scenarios with equal fitting inputs (:mod:`pks.forecast.fitcache`):
only step 4 depends on the population scenario.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from pks.calendar import WEEKS_PER_YEAR
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import week_range, week_year, weeks_of_year
from pks.forecast._threads import single_blas_thread
from pks.forecast.calendar import working_days_weeks
from pks.forecast.demography import (
    PopulationError,
    flat_index,
    population_by_band,
    population_ratio,
    sex_shares_from_history,
)
from pks.forecast.fitcache import fit_series_cached
from pks.forecast.intervals import load_calibration
from pks.forecast.model import FittedSeries, SeriesSpec, week_phase

log = logging.getLogger(__name__)

SEXES = ("female", "male")
WEEKLY = "weekly"
FORECAST_COLUMNS = [
    "unit_id", "care_type", "week", "sex", "demand_cases",
    "demand_cases_lo80", "demand_cases_hi80", "demand_cases_lo95", "demand_cases_hi95",
]


class ForecastInputError(ValueError):
    """The inputs cannot be forecast; the message lists every problem."""


@dataclass(frozen=True)
class SeriesForecast:
    """Everything needed to forecast and sample one unit × care type."""

    unit_id: str
    care_type: str
    fitted: FittedSeries
    offset: int
    """Weeks between the last history week and the first forecast week, minus one."""
    calendar: np.ndarray
    """Calendar factor per forecast week (season × working days)."""
    demo_sex: np.ndarray
    """Demographic index per sex × forecast week, shape (2, W)."""
    last_history_week: str
    base_year: int


@dataclass(frozen=True)
class ForecastResult:
    """A demand forecast: the table ``forecast_demand`` and the fitted series models.

    Use :meth:`sample_paths` to draw demand paths consistent with the intervals.
    """

    scenario: str
    population_scenario: str
    weeks: tuple[str, ...]
    series: tuple[SeriesForecast, ...]
    forecast_demand: pd.DataFrame
    levels: tuple[float, ...] = (0.8, 0.95)
    notes: tuple[str, ...] = field(default=())

    def tables(self) -> dict[str, pd.DataFrame]:
        """Result tables to store: ``forecast_demand`` and ``forecast_models``."""
        return {"forecast_demand": self.forecast_demand, "forecast_models": self.models_table()}

    def series_keys(self, unit_id: str | None = None, care_type: str | None = None
                    ) -> pd.DataFrame:
        """``unit_id, care_type`` of the series selected by the filters, in sampling order."""
        rows = [(s.unit_id, s.care_type) for s in self._select(unit_id, care_type)]
        return pd.DataFrame(rows, columns=["unit_id", "care_type"])

    def _select(self, unit_id: str | None, care_type: str | None) -> list[SeriesForecast]:
        sel = [s for s in self.series
               if (unit_id is None or s.unit_id == unit_id)
               and (care_type is None or s.care_type == care_type)]
        if not sel:
            raise KeyError(f"no forecast series for unit {unit_id!r}, care type {care_type!r}")
        return sel

    def sample_paths(
        self,
        n: int,
        rng: np.random.Generator,
        unit_id: str | None = None,
        care_type: str | None = None,
        by_sex: bool = False,
    ) -> np.ndarray:
        """Draw ``n`` weekly demand paths (cases per week, ≥ 0).

        Returns an array of shape ``(n, S, W)`` (or ``(n, S, 2, W)`` with ``by_sex``,
        sexes in order female, male), where ``S`` follows :meth:`series_keys` with the
        same filters and ``W`` follows :attr:`weeks`. Each path is a simulation of the
        fitted ETS state-space model, so marginal quantiles match the intervals of
        ``forecast_demand``; weekly values of one path are autocorrelated as the model
        implies (level shocks persist).
        """
        sel = self._select(unit_id, care_type)
        w = len(self.weeks)
        out = np.empty((n, len(sel), 2, w) if by_sex else (n, len(sel), w))
        for i, s in enumerate(sel):
            level = s.fitted.sample_level(s.offset + w, n, rng)[:, s.offset:]
            total = np.clip(level, 0, None) * s.calendar
            if by_sex:
                out[:, i] = total[:, None, :] * s.demo_sex[None, :, :]
            else:
                out[:, i] = total * s.demo_sex.sum(axis=0)
        return out

    def models_table(self) -> pd.DataFrame:
        """One row per series: fitted parameters and provenance of the model."""
        rows = []
        for s in self.series:
            p = s.fitted.params()
            rows.append({
                "unit_id": s.unit_id,
                "care_type": s.care_type,
                "last_history_week": s.last_history_week,
                "base_year": s.base_year,
                "n_weeks_fitted": s.fitted.n_obs,
                "smoothing_level": float(p.get("smoothing_level", np.nan)),
                "smoothing_trend": float(p.get("smoothing_trend", np.nan)),
                "damping_trend": float(p.get("damping_trend", np.nan)),
                "sigma_cases": float(np.sqrt(s.fitted.ets.mse)) if s.fitted.ets is not None
                else 0.0,
                "working_day_elasticity": s.fitted.beta,
                "season_amplitude_pu": float(np.exp(np.ptp(s.fitted.season_log(
                    np.linspace(0, 1, 365, endpoint=False)))) - 1),
            })
        return pd.DataFrame(rows)


def forecast_weeks(cfg: ScenarioConfig) -> list[str]:
    """Every ISO week of the budget year and the plan years."""
    n = cfg.forecast.horizon_years
    years = cfg.data.years if n is None else [cfg.data.budget_year + i for i in range(n)]
    return [w for y in years for w in weeks_of_year(y)]


def _unit_counties(data: PlanningData) -> dict[str, str]:
    """County of every node that names one (``org_nodes.county``)."""
    nodes = data.org_nodes
    if "county" not in nodes.columns:
        return {}
    return {str(n): c for n, c in zip(nodes["node_id"], nodes["county"], strict=True)
            if isinstance(c, str) and c.strip()}


@lru_cache(maxsize=256)
def _years_of(weeks: tuple[str, ...]) -> np.ndarray:
    """ISO year of each week."""
    return np.array([week_year(w) for w in weeks], dtype=int)


@lru_cache(maxsize=256)
def _weeks_between(first: str, last: str) -> tuple[str, ...]:
    return tuple(week_range(first, last))


@lru_cache(maxsize=256)
def _calendar_between(first: str, last: str) -> tuple[np.ndarray, np.ndarray]:
    weeks = list(_weeks_between(first, last))
    return week_phase(weeks), working_days_weeks(weeks)


def _ratio(cache: dict[tuple[str, str, tuple[int, ...], int], pd.DataFrame | None],
           problems: list[str], population: pd.DataFrame, county: str, scenario: str,
           years: tuple[int, ...], base_year: int) -> pd.DataFrame | None:
    """Cached population ratio to the base year; a failure is listed once in ``problems``."""
    key = (county, scenario, years, base_year)
    if key not in cache:
        try:
            cache[key] = population_ratio(
                population_by_band(population, county, scenario, list(years)), base_year)
        except PopulationError as exc:
            cache[key] = None
            problems.append(str(exc))
    return cache[key]


def _fast_index(profile: pd.DataFrame, ratio: pd.DataFrame) -> pd.DataFrame:
    """Per-sex demographic index (as :func:`pks.forecast.demography.demographic_index`)."""
    col = {c: i for i, c in enumerate(ratio.columns)}
    r = ratio.to_numpy()
    out = np.zeros((len(ratio), 2))
    for sex, band, share in zip(profile["sex"], profile["age_band"], profile["share_pu"],
                                strict=True):
        j = col.get((sex, band))
        out[:, SEXES.index(sex)] += float(share) * (r[:, j] if j is not None else 1.0)
    return pd.DataFrame(out, index=ratio.index, columns=list(SEXES))


def _weekly_totals(hist: pd.DataFrame) -> Mapping[tuple[str, str], pd.Series]:
    tot = hist.groupby(["unit_id", "care_type", "week"])["referrals_cases"].sum()
    out: dict[tuple[str, str], pd.Series] = {}
    for (unit, ct), s in tot.groupby(level=[0, 1]):
        s = s.droplevel([0, 1]).sort_index()
        full = list(_weeks_between(s.index[0], s.index[-1]))
        gaps = len(full) - len(s)
        if gaps:
            log.warning("%s/%s: %d missing history weeks filled with 0", unit, ct, gaps)
        out[(str(unit), str(ct))] = s.reindex(full, fill_value=0.0).astype(float)
    return out


def forecast_demand(
    data: PlanningData, cfg: ScenarioConfig, use_demography: bool = True
) -> ForecastResult:
    """Forecast weekly demand (see :func:`_forecast_demand`), with one BLAS thread."""
    with single_blas_thread():
        return _forecast_demand(data, cfg, use_demography)


def _forecast_demand(
    data: PlanningData, cfg: ScenarioConfig, use_demography: bool = True
) -> ForecastResult:
    """Forecast weekly demand for every unit × care type × sex over the budget and plan years.

    Parameters
    ----------
    data
        Planning inputs (``demand_history``, ``demand_age_profile``, ``population``,
        ``care_types``, ``org_nodes``).
    cfg
        Scenario: ``data.budget_year``, ``data.plan_years``, ``data.county``,
        ``data.population_scenario`` and the ``forecast`` section.
    use_demography
        False gives the history-only forecast: use rates estimated from the history
        (standardised to the base-year population when ``standardise_history``), with
        the population held at the base year. The scenario ``no_change`` must
        reproduce it exactly.

    Returns
    -------
    ForecastResult
        With table ``forecast_demand`` (columns :data:`FORECAST_COLUMNS`).

    Raises
    ------
    ForecastInputError
        No history before the horizon, or population missing (every problem listed).
    """
    fc = cfg.forecast
    weeks = forecast_weeks(cfg)
    first_fc = weeks[0]
    hist = data.demand_history
    problems: list[str] = []
    hist = hist[hist["week"].astype(str) < first_fc]
    if len(hist) < len(data.demand_history):
        log.info("history rows in or after %s ignored for fitting", first_fc)
    series = _weekly_totals(hist)
    care = data.care_types[["unit_id", "care_type"]].astype(str)
    wanted = list(care.itertuples(index=False, name=None))
    for key in wanted:
        if key not in series:
            problems.append(f"{key[0]}/{key[1]}: no demand history before {first_fc}")
    year_of_week = _years_of(tuple(weeks))
    years_fc = sorted({int(v) for v in year_of_week})
    counties = _unit_counties(data)
    spec = SeriesSpec(period=WEEKS_PER_YEAR, damped_trend=fc.damped_trend,
                      harmonics=fc.season_harmonics,
                      estimate_holidays=fc.holiday_effect)
    calibration = load_calibration(WEEKLY) if fc.calibrate_intervals else None
    profiles = {k: g for k, g in data.demand_age_profile.groupby(["unit_id", "care_type"])}
    wd_fc = working_days_weeks(weeks)
    keys_fc = week_phase(weeks)
    pop_cache: dict[tuple[str, str, tuple[int, ...], int], pd.DataFrame | None] = {}
    pop_scenarios = set(data.population["scenario"].unique())
    out_series: list[SeriesForecast] = []
    frames: list[pd.DataFrame] = []
    for unit, ct in wanted:
        if (unit, ct) not in series:
            continue
        y = series[(unit, ct)]
        hist_weeks = list(y.index)
        hist_year_of_week = _years_of(tuple(hist_weeks))
        base_year = int(hist_year_of_week[-1])
        hist_years = sorted({int(v) for v in hist_year_of_week})
        county = counties.get(unit, cfg.data.county)
        prof = profiles.get((unit, ct))
        if prof is not None and len(prof) and (use_demography or fc.standardise_history):
            hist_yrs = tuple(sorted(set(hist_years) | {base_year}))
            fut_yrs = tuple(sorted(set(years_fc) | {base_year}))
            ref = (fc.history_population_scenario
                   if fc.history_population_scenario in pop_scenarios
                   else cfg.data.population_scenario)
            r_hist = _ratio(pop_cache, problems, data.population, county, ref, hist_yrs,
                            base_year) if fc.standardise_history else None
            r_fut = _ratio(pop_cache, problems, data.population, county,
                           cfg.data.population_scenario, fut_yrs, base_year
                           ) if use_demography else None
            if (fc.standardise_history and r_hist is None) or (use_demography
                                                              and r_fut is None):
                continue
            if r_hist is not None:
                d_hist = _fast_index(prof, r_hist).sum(axis=1).reindex(
                    hist_year_of_week).to_numpy()
            else:
                d_hist = np.ones(len(hist_weeks))
            if r_fut is not None:
                idx = _fast_index(prof, r_fut)
            else:  # history-only: population frozen at the base year
                idx = flat_index(years_fc, {s: float(prof.loc[prof["sex"] == s,
                                                              "share_pu"].sum()) for s in SEXES})
        else:
            shares = (
                {s: float(prof.loc[prof["sex"] == s, "share_pu"].sum()) for s in SEXES}
                if prof is not None and len(prof)
                else sex_shares_from_history(hist[(hist["unit_id"] == unit)
                                                  & (hist["care_type"] == ct)])
            )
            idx = flat_index(years_fc, shares)
            d_hist = np.ones(len(hist_weeks))
        y_std = y.to_numpy() / np.where(d_hist > 0, d_hist, 1.0)
        phase_h, wd_h = _calendar_between(hist_weeks[0], hist_weeks[-1])
        fitted = fit_series_cached(y_std, phase_h, wd_h, spec, calibration)
        gap = len(week_range(hist_weeks[-1], first_fc)) - 2
        fcast = fitted.forecast(keys_fc, wd_fc, fc.interval_levels, offset=gap)
        demo = np.vstack([idx.loc[year_of_week, s].to_numpy() for s in SEXES])
        out_series.append(SeriesForecast(unit, ct, fitted, gap,
                                         fitted.calendar_factor(keys_fc, wd_fc), demo,
                                         hist_weeks[-1], base_year))
        for j, sex in enumerate(SEXES):
            f = {"unit_id": unit, "care_type": ct, "week": weeks, "sex": sex}
            f["demand_cases"] = fcast["mean"] * demo[j]
            for lv in fc.interval_levels:
                tag = f"{round(lv * 100):02d}"
                f[f"demand_cases_lo{tag}"] = fcast[f"lo{tag}"] * demo[j]
                f[f"demand_cases_hi{tag}"] = fcast[f"hi{tag}"] * demo[j]
            frames.append(pd.DataFrame(f))
    if problems:
        raise ForecastInputError("cannot forecast demand:\n  " + "\n  ".join(problems))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=FORECAST_COLUMNS)
    extra = [c for c in table.columns if c not in FORECAST_COLUMNS]
    table = table[[c for c in FORECAST_COLUMNS if c in table.columns] + extra]
    return ForecastResult(
        scenario=cfg.name,
        population_scenario=cfg.data.population_scenario if use_demography else "history_only",
        weeks=tuple(weeks),
        series=tuple(out_series),
        forecast_demand=table,
        levels=tuple(fc.interval_levels),
    )
