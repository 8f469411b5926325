"""Calibrated prediction intervals: conformal quantiles and back-test coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pks.data.weeks import week_range
from pks.forecast.backtest import (
    LEVELS,
    WEEKLY_BUCKETS,
    WEEKLY_SPEC,
    BacktestSeries,
    calibration_table,
    coverage_summary,
    cross_fitted,
    run_backtest,
)
from pks.forecast.calendar import working_days_weeks
from pks.forecast.intervals import (
    CALIBRATION_FILE,
    IntervalCalibration,
    calibrate,
    conformal_quantile,
    load_calibration,
)
from pks.forecast.model import fit_series, week_phase

TOLERANCE = 0.03  # acceptance: within 3 points of nominal


def test_conformal_quantile_by_hand() -> None:
    s = np.array([3.0, 1.0, 2.0, 4.0])
    # n = 4: k = ceil(5 × 0.6) = 3 -> third smallest; k = ceil(5 × 0.8) = 4; 0.95 -> 5 > n
    assert conformal_quantile(s, 0.6) == 3.0
    assert conformal_quantile(s, 0.8) == 4.0
    assert conformal_quantile(s, 0.95) == 4.0
    assert conformal_quantile(np.array([np.inf, 1.0]), 0.5) == 1.0
    # no scores: the normal quantile
    assert conformal_quantile(np.array([]), 0.8) == pytest.approx(stats.norm.ppf(0.9))


def test_calibration_of_normal_scores_gives_the_normal_quantile() -> None:
    rng = np.random.default_rng(7)
    h = np.repeat(np.arange(1, 53), 2000)
    scores = np.abs(rng.standard_normal(len(h)))
    cal, counts = calibrate(h, scores, WEEKLY_BUCKETS, LEVELS)
    assert counts == [4 * 2000, 9 * 2000, 13 * 2000, 26 * 2000]
    for b in range(len(WEEKLY_BUCKETS)):
        assert cal.z[b][0] == pytest.approx(stats.norm.ppf(0.9), abs=0.03)
        assert cal.z[b][1] == pytest.approx(stats.norm.ppf(0.975), abs=0.05)


def test_calibration_round_trip_and_multiplier() -> None:
    cal = IntervalCalibration((0.8, 0.95), ((1, 1), (2, 3)), ((1.0, 2.0), (1.5, 2.5)))
    back = IntervalCalibration.from_frame(cal.to_frame("monthly"))
    assert back == cal
    np.testing.assert_array_equal(cal.multiplier(np.array([1, 2, 3, 9]), 0.95),
                                  [2.0, 2.5, 2.5, 2.5])


def test_packaged_calibration_widens_the_intervals() -> None:
    """The stored multipliers (docs/backtest.md) are above the normal quantiles."""
    assert CALIBRATION_FILE.exists()
    for freq in ("weekly", "monthly"):
        cal = load_calibration(freq)
        assert cal is not None
        z = np.array(cal.z)
        assert (z[:, 0] > stats.norm.ppf(0.9)).all() and (z[:, 1] > stats.norm.ppf(0.975)).all()


def test_fit_uses_its_calibration() -> None:
    weeks = week_range("2022-W01", "2024-W52")
    ph, wd = week_phase(weeks), working_days_weeks(weeks)
    y = np.random.default_rng(1).poisson(50.0, len(weeks)).astype(float)
    cal = IntervalCalibration((0.8,), ((1, 52),), ((2.0,),))
    plain = fit_series(y, ph, wd, WEEKLY_SPEC)
    wide = fit_series(y, ph, wd, WEEKLY_SPEC, cal)
    out_p = plain.forecast(ph[:4], wd[:4], (0.8,))
    out_w = wide.forecast(ph[:4], wd[:4], (0.8,))
    np.testing.assert_allclose(out_w["mean"], out_p["mean"])
    # half-width scales with z: 2.0 instead of 1.2816 (no truncation at this level)
    ratio = (out_w["hi80"] - out_w["mean"]) / (out_p["hi80"] - out_p["mean"])
    np.testing.assert_allclose(ratio, 2.0 / stats.norm.ppf(0.9), rtol=1e-9)


def _negbin_series(k: int, rng: np.random.Generator) -> BacktestSeries:
    """Weekly counts with a level random walk and gamma-Poisson noise (heavier than ETS's
    Gaussian), so the analytic intervals are too narrow."""
    weeks = week_range("2020-W01", "2024-W52")
    wd = working_days_weeks(weeks)
    ph = week_phase(weeks)
    level = 30.0 * np.exp(np.cumsum(rng.normal(0.0, 0.02, len(weeks))))
    lam = level * (1 + 0.2 * np.cos(2 * np.pi * ph)) * wd / 5
    y = rng.poisson(rng.gamma(8.0, lam / 8.0)).astype(float)
    return BacktestSeries("synthetic", "g", f"s{k:02d}", tuple(weeks), y, ph, wd, WEEKLY_SPEC,
                          min_train=104, horizon=26, step=26, buckets=WEEKLY_BUCKETS)


@pytest.mark.slow
def test_cross_fitted_coverage_within_three_points() -> None:
    rng = np.random.default_rng(11)
    series = [_negbin_series(k, rng) for k in range(16)]
    errors = cross_fitted(run_backtest(series))
    summary = coverage_summary(errors).set_index("dataset").loc["synthetic"]
    assert summary["coverage80_cal_pu"] == pytest.approx(0.80, abs=TOLERANCE)
    assert summary["coverage95_cal_pu"] == pytest.approx(0.95, abs=TOLERANCE)
    assert bool(summary["within_3_points"])
    # the analytic intervals miss here (overdispersed counts): calibration is doing the work
    assert summary["coverage80_pu"] < summary["coverage80_cal_pu"]
    table = calibration_table(errors)
    assert set(table["frequency"]) == {"weekly"} and len(table) == 2 * len(WEEKLY_BUCKETS)


def test_cross_fitting_never_scores_a_series_with_its_own_errors() -> None:
    """Two series with very different errors: each is judged by the other's quantiles."""
    rows = []
    for name, score in (("a", 0.1), ("b", 10.0)):
        for h in range(1, 5):
            rows.append(("d", "g", name, "o", h, "1-4", 1.0, 1.0, 1.0, 1.0, 1.0, True, True,
                         score, "weekly"))
    errors = pd.DataFrame(rows, columns=["dataset", "group", "series", "origin", "h", "horizon",
                                         "actual", "model", "snaive", "combo", "scale", "in80",
                                         "in95", "score", "frequency"])
    out = cross_fitted(errors).set_index("series")
    assert out.loc["a", "in80_cal"].all()  # a's small errors inside b's wide quantile
    assert not out.loc["b", "in80_cal"].any()  # b's large errors outside a's narrow one
