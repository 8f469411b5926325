"""Fits reused across scenarios: reused fit = fresh fit; a changed input changes the key."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.data.weeks import week_range
from pks.forecast.calendar import working_days_weeks
from pks.forecast.demand import FORECAST_COLUMNS, forecast_demand
from pks.forecast.fitcache import cached_fits, clear_fit_cache, fit_key, fit_series_cached
from pks.forecast.model import SeriesSpec, week_phase

from .tiny import make_cfg


def _inputs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    weeks = week_range("2023-W01", "2025-W52")
    y = np.random.default_rng(5).poisson(40.0, len(weeks)).astype(float)
    return y, week_phase(weeks), working_days_weeks(weeks)


def test_changed_fitting_input_changes_the_key() -> None:
    y, ph, wd = _inputs()
    spec = SeriesSpec()
    k = fit_key(y, ph, wd, spec, None)
    assert k == fit_key(y.copy(), ph.copy(), wd.copy(), SeriesSpec(), None)
    y2 = y.copy()
    y2[17] += 1.0
    wd2 = wd.copy()
    wd2[3] -= 1.0
    others = {fit_key(y2, ph, wd, spec, None), fit_key(y, ph, wd2, spec, None),
              fit_key(y, ph, wd, SeriesSpec(harmonics=9), None),
              fit_key(y[:-1], ph[:-1], wd[:-1], spec, None)}
    assert k not in others and len(others) == 4


def test_cached_fit_is_reused_and_equal_to_a_fresh_fit() -> None:
    clear_fit_cache()
    y, ph, wd = _inputs()
    a = fit_series_cached(y, ph, wd, SeriesSpec())
    b = fit_series_cached(y.copy(), ph, wd, SeriesSpec())
    assert a is b and cached_fits() == 1
    clear_fit_cache()
    fresh = fit_series_cached(y, ph, wd, SeriesSpec())
    assert fresh is not a
    assert fresh.params() == a.params()
    np.testing.assert_array_equal(fresh.season_coef, a.season_coef)


def test_second_scenario_reuses_every_fit_with_identical_results(tiny_data) -> None:
    clear_fit_cache()
    scb = forecast_demand(tiny_data, make_cfg("scb"))
    n = cached_fits()
    assert n == len(scb.series)
    growth = forecast_demand(tiny_data, make_cfg("no_change"))
    assert cached_fits() == n  # no new fit for the second population scenario
    assert all(s1.fitted is s2.fitted for s1, s2 in zip(scb.series, growth.series, strict=True))
    # and the reused result equals a fresh computation exactly
    clear_fit_cache()
    fresh = forecast_demand(tiny_data, make_cfg("no_change"))
    cols = FORECAST_COLUMNS[4:]
    pd.testing.assert_frame_equal(fresh.forecast_demand[cols], growth.forecast_demand[cols],
                                  check_exact=True)
    pd.testing.assert_frame_equal(fresh.models_table(), growth.models_table(), check_exact=True)
