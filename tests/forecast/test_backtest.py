"""Rolling-origin back-test on small subsets (the full back-test is `pks backtest`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pks.data.weeks import week_range
from pks.forecast.backtest import (
    MONTHLY_BUCKETS,
    WEEKLY_BUCKETS,
    WEEKLY_SPEC,
    BacktestReport,
    BacktestSeries,
    ae_series,
    rtt_series,
    run_series,
    summarise,
    write_report,
)
from pks.forecast.calendar import working_days_weeks
from pks.forecast.model import seasonal_naive, week_phase

PUBLIC = Path(__file__).resolve().parents[2] / "data" / "public"


def synthetic_weekly(seed: int = 3, level: float = 40.0) -> BacktestSeries:
    rng = np.random.default_rng(seed)
    weeks = week_range("2021-W01", "2024-W52")
    wd = working_days_weeks(weeks)
    ph = week_phase(weeks)
    lam = level * (1 + 0.25 * np.cos(2 * np.pi * ph)) * wd / 5
    y = rng.poisson(lam).astype(float)
    return BacktestSeries("synthetic", "g", "s1", tuple(weeks), y, ph, wd, WEEKLY_SPEC,
                          min_train=104, horizon=26, step=13, buckets=WEEKLY_BUCKETS)


def test_seasonal_naive_repeats_last_season() -> None:
    y = np.arange(30.0)
    np.testing.assert_array_equal(seasonal_naive(y, 12, 14),
                                  np.r_[np.arange(18.0, 30.0), 18.0, 19.0])


def test_rolling_origin_uses_only_the_past() -> None:
    s = synthetic_weekly()
    e1 = run_series(s)
    y2 = s.values.copy()
    y2[-20:] *= 3  # change the last 20 weeks
    s2 = BacktestSeries(**{**s.__dict__, "values": y2})
    e2 = run_series(s2)
    cutoff = len(s.values) - 20
    early = e1["origin"].map(s.periods.index) + 1 <= cutoff  # origin = last training period
    np.testing.assert_allclose(e1.loc[early, "model"], e2.loc[early, "model"])
    assert set(e1["h"]) == set(range(1, 27))


def test_model_beats_seasonal_naive_on_a_noisy_seasonal_series() -> None:
    e = run_series(synthetic_weekly())
    s = summarise(e, ["series"]).iloc[0]
    # seasonal-naive carries a full week of Poisson noise; the model averages it out
    assert s["rel_mase"] < 0.9
    assert s["smape_model"] < s["smape_snaive"]


def test_nhs_loaders_and_a_subset(tmp_path: Path) -> None:
    ae = ae_series(PUBLIC / "nhs_ae_attendances_england.csv")
    assert [s.name for s in ae] == ["type 1", "type 2", "type other", "all types"]
    assert all(len(s.values) == 36 and s.buckets == MONTHLY_BUCKETS for s in ae)
    rtt, excluded = rtt_series(PUBLIC / "nhs_rtt_flow_by_ics.csv")
    assert set(excluded) == {"QNQ", "QOP", "QXU"}
    assert all(p >= "2020-07-01" for s in rtt for p in s.periods)
    qmj = next(s for s in rtt if s.name.startswith("QMJ"))
    assert qmj.periods[0] == "2021-03-01"
    errors = run_series(ae[-1])
    rep = BacktestReport(errors=errors, by_series=summarise(errors, ["dataset", "group",
                                                                     "series"]),
                         by_horizon=summarise(errors, ["dataset", "horizon"]),
                         by_group=summarise(errors, ["dataset", "group"]), notes=("n",))
    files = write_report(rep, tmp_path)
    assert all(f.exists() for f in files)
    text = (tmp_path / "backtest.md").read_text(encoding="utf-8")
    assert "rel_mase" in text and "nhs_ae" in text
