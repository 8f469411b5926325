"""Rolling-origin back-test of the demand model against the seasonal-naive forecast.

For each series and each forecast origin ``o`` (every ``step`` periods after a minimum
training length) the model is fitted on ``y[:o]`` only and forecasts ``h = 1..H``
periods ahead; the seasonal-naive forecast repeats the last season before ``o``.

Metrics per series and horizon bucket:

- ``mase_model`` / ``mase_snaive``: mean absolute error scaled by the in-sample MAE of
  the one-season-back forecast on the training window of each origin (Hyndman &
  Koehler 2006); the scale is the same for both methods, so
- ``rel_mase = mase_model / mase_snaive`` < 1 means the model beats seasonal-naive
  out of sample. This ratio is the acceptance criterion ("MASE < 1 relative to
  seasonal-naive"); the classic MASE is reported too;
- ``smape_model`` / ``smape_snaive``: symmetric MAPE in % (200·|e| / (|y| + |f|));
- ``coverage80_pu`` / ``coverage95_pu``: share of actuals inside the model's analytic
  (normal) 80 % and 95 % prediction intervals; ``coverage80_cal_pu`` / ``coverage95_cal_pu``
  the same for the calibrated intervals (:mod:`pks.forecast.intervals`), cross-fitted: the
  series of a frequency are split into two folds by their order and each fold's intervals
  use the conformal quantiles of the *other* fold's scores, so no series is scored with
  its own errors;
- ``*_combo``: the equal-weight mean of the model and seasonal-naive forecasts, a
  standard robust combination (weights fixed at 1/2, not fitted).

Monthly series are modelled as daily rates (divided by the days of the month, the
calendar adjustment of Hyndman & Athanasopoulos, FPP3 §3.1) and multiplied back.

Nothing is tuned on the evaluation windows: the model settings are the defaults of
:class:`pks.config.forecast.ForecastConfig` (weekly) and :data:`MONTHLY_SPEC`, fixed
before the back-test was first run.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pks.calendar import MONTHS_PER_YEAR, WEEKS_PER_YEAR
from pks.data.weeks import week_range
from pks.forecast._threads import single_blas_thread
from pks.forecast.calendar import working_days_months, working_days_weeks
from pks.forecast.intervals import IntervalCalibration, calibrate
from pks.forecast.model import SeriesSpec, fit_series, month_phase, seasonal_naive, week_phase

log = logging.getLogger(__name__)

WEEKLY_SPEC = SeriesSpec(period=WEEKS_PER_YEAR, damped_trend=True, harmonics=10)
MONTHLY_SPEC = SeriesSpec(period=MONTHS_PER_YEAR, damped_trend=True, harmonics=4)
WEEKLY_BUCKETS = ((1, 4), (5, 13), (14, 26), (27, WEEKS_PER_YEAR))
MONTHLY_BUCKETS = ((1, 1), (2, 3), (4, 6))
LEVELS = (0.8, 0.95)
N_FOLDS = 2
FREQUENCY = {WEEKS_PER_YEAR: "weekly", MONTHS_PER_YEAR: "monthly"}
"""Frequency name by periods per year (the calibration is pooled per frequency)."""

AE_FILES = ("nhs_ae_attendances_england.csv", "nhs_ae_attendances.csv")
"""A&E files in a public-data folder, first found is used: the vendored England extract
(``data/public``, summed over organisations) or the full per-organisation file."""
COVID_MONTHS = ("2020-04-01", "2020-05-01", "2020-06-01")
RTT_GAP_AREAS = {
    "QNQ": "Frimley FT did not report 2022-07..2022-11 (values fall to a few hundred)",
    "QOP": "Manchester University FT did not report 2022-10..2022-12",
    "QXU": "Ashford and St Peter's FT did not report 2022-05..2022-07",
}
RTT_TRIM = {"QMJ": ("2021-03-01", "Royal Free FT did not report before 2021-03; series starts"
                                  " 2021-03")}


@dataclass(frozen=True)
class BacktestSeries:
    """One series to back-test."""

    dataset: str
    group: str
    name: str
    periods: tuple[str, ...]
    values: np.ndarray
    phase: np.ndarray
    working_days: np.ndarray
    spec: SeriesSpec
    min_train: int
    horizon: int
    step: int
    buckets: tuple[tuple[int, int], ...]
    exposure: np.ndarray | None = None
    """Calendar days per period for monthly series: the model forecasts the daily rate."""


def _bucket_label(h: int, buckets: Sequence[tuple[int, int]]) -> str:
    for a, b in buckets:
        if a <= h <= b:
            return f"{a}-{b}" if a != b else f"{a}"
    return f">{buckets[-1][1]}"


def run_series(s: BacktestSeries) -> pd.DataFrame:
    """Rolling-origin forecasts of one series: one row per origin × horizon."""
    y = s.values
    n = len(y)
    p = s.spec.period
    rows = []
    for o in range(s.min_train, n, s.step):
        h_max = min(s.horizon, n - o)
        train = y[:o]
        expo = s.exposure if s.exposure is not None else np.ones(n)
        fitted = fit_series(train / expo[:o], s.phase[:o], s.working_days[:o], s.spec)
        out = fitted.forecast(s.phase[o:o + h_max], s.working_days[o:o + h_max], (0.8, 0.95))
        fc = out["mean"] * expo[o:o + h_max]
        m_level, sd_level = fitted.level_forecast(h_max)
        sd_level = sd_level * fitted.sigma_scale
        adj = y[o:o + h_max] / (expo[o:o + h_max]
                                * fitted.calendar_factor(s.phase[o:o + h_max],
                                                         s.working_days[o:o + h_max]))
        err = np.abs(adj - m_level)
        score = np.where(sd_level > 0, err / np.where(sd_level > 0, sd_level, 1.0),
                         np.where(err > 0, np.inf, 0.0))
        lo80, hi80 = out["lo80"] * expo[o:o + h_max], out["hi80"] * expo[o:o + h_max]
        lo95, hi95 = out["lo95"] * expo[o:o + h_max], out["hi95"] * expo[o:o + h_max]
        sn = seasonal_naive(train, p, h_max)
        scale = float(np.mean(np.abs(train[p:] - train[:-p]))) if o > p else np.nan
        for h in range(1, h_max + 1):
            rows.append((s.dataset, s.group, s.name, s.periods[o - 1], h,
                         _bucket_label(h, s.buckets), y[o + h - 1], fc[h - 1], sn[h - 1],
                         0.5 * (fc[h - 1] + sn[h - 1]), scale,
                         lo80[h - 1] <= y[o + h - 1] <= hi80[h - 1],
                         lo95[h - 1] <= y[o + h - 1] <= hi95[h - 1], score[h - 1],
                         FREQUENCY.get(p, str(p))))
    return pd.DataFrame(rows, columns=["dataset", "group", "series", "origin", "h", "horizon",
                                       "actual", "model", "snaive", "combo", "scale",
                                       "in80", "in95", "score", "frequency"])


def _buckets_of(frequency: str) -> tuple[tuple[int, int], ...]:
    return WEEKLY_BUCKETS if frequency == "weekly" else MONTHLY_BUCKETS


def fit_calibrations(errors: pd.DataFrame) -> dict[str, tuple[IntervalCalibration, list[int]]]:
    """Conformal multipliers per frequency from all rolling-origin scores of ``errors``."""
    out = {}
    for freq, g in errors.groupby("frequency", sort=True):
        out[str(freq)] = calibrate(g["h"].to_numpy(), g["score"].to_numpy(),
                                   _buckets_of(str(freq)), LEVELS)
    return out


def calibration_table(errors: pd.DataFrame) -> pd.DataFrame:
    """The calibration of every frequency as one table (the packaged CSV's rows)."""
    frames = [cal.to_frame(freq, counts) for freq, (cal, counts)
              in fit_calibrations(errors).items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def cross_fitted(errors: pd.DataFrame, n_folds: int = N_FOLDS) -> pd.DataFrame:
    """Add ``in80_cal``/``in95_cal``: inside the cross-fitted calibrated intervals.

    Each fold of series is calibrated on the scores of the other folds only (same frequency).
    """
    out = errors.copy()
    for lv in LEVELS:
        out[f"in{round(lv * 100):02d}_cal"] = False
    for freq, g in errors.groupby("frequency", sort=True):
        names = sorted(g["series"].unique())
        fold = {n: i % n_folds for i, n in enumerate(names)}
        f = g["series"].map(fold)
        for k in range(n_folds):
            train, test = g[f != k], g[f == k]
            if len(train) == 0 or len(test) == 0:
                continue
            cal, _ = calibrate(train["h"].to_numpy(), train["score"].to_numpy(),
                               _buckets_of(str(freq)), LEVELS)
            for lv in LEVELS:
                z = cal.multiplier(test["h"].to_numpy(), lv)
                out.loc[test.index, f"in{round(lv * 100):02d}_cal"] = test["score"].to_numpy() <= z
    return out


def _smape(a: pd.Series, f: pd.Series) -> float:
    den = np.abs(a) + np.abs(f)
    val = np.where(den > 0, 200 * np.abs(a - f) / np.where(den > 0, den, 1), 0.0)
    return float(np.mean(val))


def summarise(errors: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """MASE, relative MASE and sMAPE of model and seasonal-naive grouped by ``by``."""
    e = errors[errors["scale"] > 0]

    def agg(g: pd.DataFrame) -> pd.Series:
        m = float(np.mean(np.abs(g["actual"] - g["model"]) / g["scale"]))
        sn = float(np.mean(np.abs(g["actual"] - g["snaive"]) / g["scale"]))
        c = float(np.mean(np.abs(g["actual"] - g["combo"]) / g["scale"]))
        return pd.Series({
            "n_forecasts": len(g),
            "mase_model": m,
            "mase_snaive": sn,
            "mase_combo": c,
            "rel_mase": m / sn if sn > 0 else np.nan,
            "rel_mase_combo": c / sn if sn > 0 else np.nan,
            "smape_model": _smape(g["actual"], g["model"]),
            "smape_snaive": _smape(g["actual"], g["snaive"]),
            "smape_combo": _smape(g["actual"], g["combo"]),
            "coverage80_pu": float(g["in80"].mean()),
            "coverage95_pu": float(g["in95"].mean()),
            "coverage80_cal_pu": float(g["in80_cal"].mean()) if "in80_cal" in g else np.nan,
            "coverage95_cal_pu": float(g["in95_cal"].mean()) if "in95_cal" in g else np.nan,
        })

    rows = []
    for key, g in e.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key, strict=True)), **agg(g).to_dict()})
    out = pd.DataFrame(rows)
    if len(out) and "horizon" in out.columns:
        start = out["horizon"].str.extract(r"(\d+)")[0].astype(int)
        keys = [c for c in by if c != "horizon"]
        out = out.assign(_h=start).sort_values([*keys, "_h"]).drop(columns="_h")
        out = out.reset_index(drop=True)
    if len(out):
        out["n_forecasts"] = out["n_forecasts"].astype(int)
        out["model_wins"] = out["rel_mase"] < 1
    return out


def run_backtest(series: Sequence[BacktestSeries],
                 progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """All rolling-origin forecasts of ``series`` (long table of errors)."""
    frames = []
    with single_blas_thread():
        for i, s in enumerate(series):
            frames.append(run_series(s))
            if progress:
                progress(i + 1, len(series))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------- datasets


def demo_series(instance_dir: str | Path, max_series: int | None = None,
                min_train: int = 104, step: int = 13, horizon: int = WEEKS_PER_YEAR
                ) -> list[BacktestSeries]:
    """Weekly referrals per unit × care type (both sexes) of a region's ``demand_history``.

    The group is the care-type kind (first visit, procedure, ...) from ``care_types``.
    """
    inst = Path(instance_dir)
    hist = pd.read_csv(inst / "demand_history.csv", dtype={"week": str})
    care = pd.read_csv(inst / "care_types.csv")
    kind = care.set_index(["unit_id", "care_type"])["care_type_kind"]
    tot = hist.groupby(["unit_id", "care_type", "week"])["referrals_cases"].sum()
    out = []
    for (unit, ct), s in tot.groupby(level=[0, 1]):
        s = s.droplevel([0, 1]).sort_index()
        weeks = week_range(s.index[0], s.index[-1])
        s = s.reindex(weeks, fill_value=0.0)
        if len(weeks) < min_train + 4:
            continue
        out.append(BacktestSeries(
            dataset="demo_region", group=str(kind.get((unit, ct), "?")), name=f"{unit}/{ct}",
            periods=tuple(weeks), values=s.to_numpy(dtype=float), phase=week_phase(weeks),
            working_days=working_days_weeks(weeks), spec=WEEKLY_SPEC, min_train=min_train,
            horizon=horizon, step=step, buckets=WEEKLY_BUCKETS))
        if max_series is not None and len(out) >= max_series:
            break
    return out


def _monthly(dataset: str, group: str, name: str, s: pd.Series, min_train: int,
             horizon: int = 6) -> BacktestSeries:
    months = [dt.date.fromisoformat(str(p)) for p in s.index]
    days = np.array([calendar.monthrange(m.year, m.month)[1] for m in months], dtype=float)
    return BacktestSeries(
        dataset=dataset, group=group, name=name, periods=tuple(str(p) for p in s.index),
        values=s.to_numpy(dtype=float), phase=month_phase(np.array([m.month for m in months])),
        working_days=working_days_months(months), spec=MONTHLY_SPEC, min_train=min_train,
        horizon=horizon, step=1, buckets=MONTHLY_BUCKETS, exposure=days)


def ae_series(path: str | Path, min_train: int = 24) -> list[BacktestSeries]:
    """Monthly A&E attendances per department type, summed over organisations (England)."""
    df = pd.read_csv(path, dtype={"department_type": str})
    tot = df.groupby(["department_type", "period"])["attendances"].sum()
    out = [_monthly("nhs_ae", "A&E attendances", f"type {t}", s.droplevel(0).sort_index(),
                    min_train) for t, s in tot.groupby(level=0)]
    total = df.groupby("period")["attendances"].sum().sort_index()
    out.append(_monthly("nhs_ae", "A&E attendances", "all types", total, min_train))
    return out


def rtt_series(path: str | Path, min_train: int = 24
               ) -> tuple[list[BacktestSeries], dict[str, str]]:
    """Monthly new RTT pathways per ICS area (and England), with the data-quality handling.

    - The COVID months 2020-04..2020-06 are dropped: every series starts 2020-07;
    - areas with a provider reporting gap inside the evaluation window are excluded
      (:data:`RTT_GAP_AREAS`), QMJ starts 2021-03 (:data:`RTT_TRIM`);
    - England is the sum over all areas (including those with gaps).

    Returns the series and a map area code → reason for every excluded area.
    """
    df = pd.read_csv(path)
    df = df[~df["period"].isin(COVID_MONTHS)]
    excluded = {}
    out = []
    names = df.groupby("area_code")["area_name"].last()
    for code, g in df.groupby("area_code"):
        if code in RTT_GAP_AREAS:
            excluded[code] = RTT_GAP_AREAS[code]
            continue
        s = g.set_index("period")["new_pathways"].sort_index()
        if code in RTT_TRIM:
            s = s[s.index >= RTT_TRIM[code][0]]
        out.append(_monthly("nhs_rtt", "RTT new pathways", f"{code} {names[code].title()}", s,
                            min_train))
    eng = df.groupby("period")["new_pathways"].sum().sort_index()
    out.append(_monthly("nhs_rtt", "RTT new pathways", "England", eng, min_train))
    return out, excluded


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class BacktestReport:
    """Result of :func:`backtest_all`: errors, summaries and notes for the report."""

    errors: pd.DataFrame
    by_series: pd.DataFrame
    by_horizon: pd.DataFrame
    by_group: pd.DataFrame
    notes: tuple[str, ...]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables to store (run kind ``backtest``)."""
        return {"backtest_series": self.by_series, "backtest_horizon": self.by_horizon,
                "backtest_group": self.by_group}


def backtest_all(instance_dir: str | Path | None, public_dir: str | Path | None,
                 max_demo_series: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> BacktestReport:
    """Back-test the demo region (weekly) and the NHS series (monthly) that are available."""
    series: list[BacktestSeries] = []
    notes: list[str] = []
    if instance_dir is not None and (Path(instance_dir) / "demand_history.csv").exists():
        series += demo_series(instance_dir, max_series=max_demo_series)
    else:
        notes.append(f"demo region not found at {instance_dir}; skipped")
    if public_dir is not None:
        pub = Path(public_dir)
        ae = next((pub / f for f in AE_FILES if (pub / f).exists()), None)
        if ae is not None:
            series += ae_series(ae)
        else:
            notes.append(f"{' or '.join(AE_FILES)} not found; skipped")
        if (pub / "nhs_rtt_flow_by_ics.csv").exists():
            rtt, excluded = rtt_series(pub / "nhs_rtt_flow_by_ics.csv")
            series += rtt
            for code, why in excluded.items():
                notes.append(f"RTT area {code} excluded: {why}")
            for code, (_start, why) in RTT_TRIM.items():
                notes.append(f"RTT area {code}: {why}")
        else:
            notes.append("nhs_rtt_flow_by_ics.csv not found; skipped")
    errors = run_backtest(series, progress)
    if len(errors):
        errors = cross_fitted(errors)
    return BacktestReport(
        errors=errors,
        by_series=summarise(errors, ["dataset", "group", "series"]),
        by_horizon=summarise(errors, ["dataset", "horizon"]),
        by_group=summarise(errors, ["dataset", "group"]),
        notes=tuple(notes),
    )


def _md_table(df: pd.DataFrame, floatfmt: str = "{:.3f}") -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, bool | np.bool_):
                cells.append("yes" if v else "**no**")
            elif isinstance(v, float | np.floating):
                cells.append(floatfmt.format(v))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


COVERAGE_TOLERANCE_PU = 0.03
"""Acceptance: calibrated coverage within 3 points of nominal."""


def coverage_summary(errors: pd.DataFrame) -> pd.DataFrame:
    """Coverage per dataset (and NHS pooled): analytic and calibrated, with the 3-point check."""
    groups = [(str(ds), g) for ds, g in errors.groupby("dataset", sort=True)]
    nhs = errors[errors["dataset"].astype(str).str.startswith("nhs")]
    if nhs["dataset"].nunique() > 1:
        groups.append(("nhs (all)", nhs))
    rows = []
    for name, g in groups:
        row: dict[str, object] = {"dataset": name, "n_forecasts": len(g)}
        ok = True
        for lv in LEVELS:
            tag = f"{round(lv * 100):02d}"
            row[f"coverage{tag}_pu"] = float(g[f"in{tag}"].mean())
            cal = float(g[f"in{tag}_cal"].mean()) if f"in{tag}_cal" in g else np.nan
            row[f"coverage{tag}_cal_pu"] = cal
            ok = ok and abs(cal - lv) <= COVERAGE_TOLERANCE_PU
        row["within_3_points"] = ok
        rows.append(row)
    return pd.DataFrame(rows)


def dataset_overview(by_series: pd.DataFrame) -> pd.DataFrame:
    """Per dataset: series count, share where the model / combination beats seasonal-naive."""
    rows = []
    for ds, g in by_series.groupby("dataset"):
        rows.append({
            "dataset": ds,
            "series": len(g),
            "model_beats_snaive": int((g["rel_mase"] < 1).sum()),
            "share_model_beats_pu": float((g["rel_mase"] < 1).mean()),
            "median_rel_mase": float(g["rel_mase"].median()),
            "combo_beats_snaive": int((g["rel_mase_combo"] < 1).sum()),
            "median_mase_model": float(g["mase_model"].median()),
            "median_smape_model": float(g["smape_model"].median()),
            "median_smape_snaive": float(g["smape_snaive"].median()),
        })
    return pd.DataFrame(rows)


def write_report(rep: BacktestReport, out_dir: str | Path, command: str = "pks backtest"
                 ) -> list[Path]:
    """Write the report files into ``out_dir``.

    ``backtest.md``, ``backtest_series.csv``, ``backtest_horizon.csv``,
    ``interval_calibration.csv`` and the plot.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    p_series = out / "backtest_series.csv"
    rep.by_series.to_csv(p_series, index=False, float_format="%.4f")
    p_h = out / "backtest_horizon.csv"
    rep.by_horizon.to_csv(p_h, index=False, float_format="%.4f")
    p_cal = out / "interval_calibration.csv"
    calibration_table(rep.errors).to_csv(p_cal, index=False, float_format="%.4f")
    files += [p_series, p_h, p_cal]

    datasets = list(dict.fromkeys(rep.by_series["dataset"]))
    fig, axes = plt.subplots(1, max(1, len(datasets)), figsize=(5 * max(1, len(datasets)), 4),
                             squeeze=False)
    for ax, ds in zip(axes[0], datasets, strict=False):
        e = rep.errors[(rep.errors["dataset"] == ds) & (rep.errors["scale"] > 0)]
        per = summarise(e, ["series", "horizon"])
        order = list(dict.fromkeys(e.sort_values("h")["horizon"]))
        data = [per.loc[per["horizon"] == h, "rel_mase"].dropna().to_numpy() for h in order]
        ax.boxplot(data, tick_labels=order)
        ax.axhline(1.0, color="red", lw=1, ls="--")
        ax.set_title(ds)
        ax.set_xlabel("horizon (periods ahead)")
        ax.set_ylabel("MASE relative to seasonal-naive")
    fig.suptitle("Rolling-origin back-test: below the red line the model wins")
    fig.tight_layout()
    p_png = out / "backtest_rel_mase.png"
    fig.savefig(p_png, dpi=110)
    plt.close(fig)
    files.append(p_png)

    ov = dataset_overview(rep.by_series)
    losers = rep.by_series[~rep.by_series["model_wins"]].sort_values(
        ["dataset", "rel_mase"], ascending=[True, False])
    show_cols = ["dataset", "group", "series", "n_forecasts", "mase_model", "mase_snaive",
                 "rel_mase", "rel_mase_combo", "smape_model", "smape_snaive", "model_wins"]
    demo_groups = rep.by_group[rep.by_group["dataset"] == "demo_region"]
    lines = [
        "# Demand forecast back-test",
        "",
        f"Regenerate with `{command}` (writes this file, `backtest_series.csv`, "
        "`backtest_horizon.csv`, `interval_calibration.csv` and `backtest_rel_mase.png`; "
        "the forecast reads the interval multipliers from the packaged copy "
        "`src/pks/forecast/interval_calibration.csv`, to be replaced by the new file "
        "after a re-run).",
        "",
        "**Method.** Rolling-origin evaluation: at each forecast origin the model is refitted "
        "on the data before the origin only and forecasts the following periods; the "
        "benchmark is the seasonal-naive forecast (same week or month one year earlier). "
        "*Model* is the production model of `pks forecast` (`pks.forecast.model`: "
        "Fourier-seasonal Poisson GLM with a working-day (public-holiday) term, then "
        "ETS(A,Ad,N) with damped trend on the calendar-adjusted series, statsmodels). "
        "*Combo* is the equal-weight mean of model and seasonal-naive (reported for "
        "reference, weights not fitted). No setting was tuned on these windows.",
        "",
        "- Weekly demo region: referrals per unit × care type (both sexes), first origin "
        "after 104 weeks, origins every 13 weeks, horizons 1–52 weeks.",
        "- Monthly NHS series: first origin after 24 months, every month, horizons 1–6 "
        "months; modelled as daily rates (÷ days in month); working days from England's "
        "bank holidays (`holidays` package).",
        "",
        "**Metrics.** MASE = mean absolute error ÷ in-sample MAE of the one-season-back "
        "forecast on the training window of each origin (Hyndman & Koehler 2006), so "
        "`mase_model` < 1 means better than that in-sample benchmark. `rel_mase` = "
        "`mase_model` ÷ `mase_snaive` (both on the same scale) is the out-of-sample "
        "comparison: **`rel_mase` < 1 means the model beats seasonal-naive** (the "
        "acceptance criterion). sMAPE in %.",
        "",
        "## Overview",
        "",
        _md_table(ov),
        "",
        "## By horizon",
        "",
        _md_table(rep.by_horizon[["dataset", "horizon", "n_forecasts", "mase_model",
                                  "mase_snaive", "rel_mase", "rel_mase_combo", "smape_model",
                                  "smape_snaive", "model_wins"]]),
        "",
        "## Prediction intervals",
        "",
        "Share of actual values inside the model's 80 % and 95 % intervals. *Analytic*: "
        "the ETS forecast variance with normal quantiles (what the model gave before "
        "calibration). *Calibrated*: the normal quantile replaced by the split-conformal "
        "quantile of the scaled rolling-origin errors per horizon bucket "
        "(`pks.forecast.intervals`), pooled per frequency (weekly: the demo region; monthly: "
        "the NHS series) and **cross-fitted**: the series are split into two folds and each "
        "fold is scored with the quantiles of the other fold, so no series is judged with "
        "its own errors. Calibrated intervals are what `pks forecast` writes and what drives "
        "the simulator's demand paths; the multipliers (fitted on all series) are in "
        "`interval_calibration.csv`.",
        "",
        _md_table(coverage_summary(rep.errors)),
        "",
        "By horizon:",
        "",
        _md_table(rep.by_horizon[["dataset", "horizon", "n_forecasts", "coverage80_pu",
                                  "coverage95_pu", "coverage80_cal_pu",
                                  "coverage95_cal_pu"]]),
        "",
    ]
    if len(demo_groups):
        lines += ["## Demo region by care-type kind", "",
                  _md_table(demo_groups[["group", "n_forecasts", "mase_model", "mase_snaive",
                                         "rel_mase", "rel_mase_combo", "smape_model",
                                         "smape_snaive", "model_wins"]]), ""]
    lines += ["## Where the model loses (rel_mase ≥ 1)", ""]
    if len(losers):
        combo_rescues = int((losers["rel_mase_combo"] < 1).sum())
        lines += [
            f"The model loses on {len(losers)} of {len(rep.by_series)} series. These are "
            "mostly series whose yearly pattern repeats closely and whose noise is small "
            "relative to it, so last year's value is hard to beat, while the model has to "
            "estimate the seasonal curve from two or three years; on "
            f"{combo_rescues} of them the equal-weight combination with seasonal-naive "
            "still beats seasonal-naive (`rel_mase_combo` < 1).", "",
            _md_table(losers[show_cols]), ""]
    else:
        lines += ["The model beats seasonal-naive on every series.", ""]
    nhs = rep.by_series[rep.by_series["dataset"] != "demo_region"]
    if len(nhs):
        lines += ["## NHS series (all)", "", _md_table(nhs[show_cols]), ""]
    lines += ["## Data handling and notes", "",
              "- A&E: attendances summed over all organisations per department type "
              "(organisations opening or closing change the totals; not corrected).",
              "- RTT: the COVID months 2020-04..2020-06 are dropped (series start 2020-07); "
              "the 2020-07..2021-06 recovery remains in the training data of the early "
              "origins. England is the sum over all areas.",
              *[f"- {n}" for n in rep.notes],
              "- Demo region: the series are synthetic (`pks.demo`); the "
              "demographic driver is not back-tested (the history has no population "
              "surprise to forecast).",
              "- Per-series results for every series are in `backtest_series.csv`.",
              "", "![relative MASE by horizon](backtest_rel_mase.png)", ""]
    p_md = out / "backtest.md"
    p_md.write_text("\n".join(lines), encoding="utf-8")
    files.insert(0, p_md)
    return files
