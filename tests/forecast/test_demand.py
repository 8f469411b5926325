"""Demand forecast: shape, keys, non-negativity, demographic metamorphic tests, sample paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pks.data.weeks import weeks_of_year
from pks.forecast.demand import FORECAST_COLUMNS, ForecastInputError, forecast_demand
from pks.forecast.demography import population_by_band

from .tiny import COUNTY, make_cfg, make_data


@pytest.fixture(scope="module")
def result(tiny_data, tiny_cfg):
    return forecast_demand(tiny_data, tiny_cfg)


def test_shape_keys_and_columns(result, tiny_data) -> None:
    df = result.forecast_demand
    assert list(df.columns) == FORECAST_COLUMNS
    weeks = weeks_of_year(2026) + weeks_of_year(2027) + weeks_of_year(2028)
    assert len(weeks) == 53 + 52 + 52  # 2026 has an ISO week 53
    n_series = len(tiny_data.care_types)
    assert len(df) == n_series * 2 * len(weeks)
    assert not df.duplicated(["unit_id", "care_type", "week", "sex"]).any()
    assert set(df["week"]) == set(weeks)
    assert set(df["sex"]) == {"female", "male"}
    assert df[FORECAST_COLUMNS[4:]].notna().all().all()


def test_non_negative_and_ordered_intervals(result) -> None:
    df = result.forecast_demand
    assert (df["demand_cases_lo95"] >= 0).all()
    assert (df["demand_cases_lo95"] <= df["demand_cases_lo80"] + 1e-12).all()
    assert (df["demand_cases_lo80"] <= df["demand_cases"] + 1e-9).all()
    assert (df["demand_cases"] <= df["demand_cases_hi80"] + 1e-9).all()
    assert (df["demand_cases_hi80"] <= df["demand_cases_hi95"] + 1e-12).all()


def test_level_and_seasonality_follow_history(result, tiny_data) -> None:
    hist = tiny_data.demand_history
    h = hist[hist["week"].str.startswith("2025")].groupby("unit_id")["referrals_cases"].sum()
    f = result.forecast_demand
    f26 = f[f["week"].str.startswith("2026")].groupby("unit_id")["demand_cases"].sum()
    ratio = f26 / h
    assert ((ratio > 0.9) & (ratio < 1.25)).all(), ratio
    # the Swedish summer dip (weeks 28-32 at 55 %) is forecast
    one = f[(f["unit_id"] == "U1") & (f["care_type"] == "first_visit")]
    by_week = one.groupby("week")["demand_cases"].sum()
    summer = by_week[[f"2027-W{w}" for w in range(28, 33)]].mean()
    autumn = by_week[[f"2027-W{w}" for w in range(36, 46)]].mean()
    assert summer < 0.75 * autumn


def test_holiday_weeks_are_lower_for_elective_care(result) -> None:
    f = result.forecast_demand
    one = f[(f["unit_id"] == "U1") & (f["care_type"] == "first_visit")]
    by_week = one.groupby("week")["demand_cases"].sum()
    # 2027-W13: Good Friday 26 March and Easter Monday 29 March is W13; compare W12/W14
    easter = by_week["2027-W12":"2027-W14"]
    assert by_week["2027-W13"] < 0.9 * max(easter["2027-W12"], by_week["2027-W11"])


@pytest.mark.parametrize("standardise", [True, False])
def test_no_change_reproduces_history_only(tiny_data, standardise: bool) -> None:
    def cfg(name: str):
        c = make_cfg(name)
        return c.model_copy(update={"forecast": c.forecast.model_copy(
            update={"standardise_history": standardise})})

    no_change = forecast_demand(tiny_data, cfg("no_change"))
    history_only = forecast_demand(tiny_data, cfg("scb"), use_demography=False)
    cols = FORECAST_COLUMNS[4:]
    pd.testing.assert_frame_equal(no_change.forecast_demand[cols],
                                  history_only.forecast_demand[cols], rtol=1e-12)
    # and the scb scenario (80+ growing) is different
    scb = forecast_demand(tiny_data, cfg("scb"))
    assert not np.allclose(scb.forecast_demand["demand_cases"],
                           history_only.forecast_demand["demand_cases"])


def test_growth_of_80_plus_raises_demand_by_its_share() -> None:
    x = 0.10
    data = make_data(scenarios={"flat": {}, "old_grow": {"80+": x}})
    flat = forecast_demand(data, make_cfg("flat")).forecast_demand
    grow = forecast_demand(data, make_cfg("old_grow")).forecast_demand
    prof = data.demand_age_profile
    share80 = prof[prof["age_band"] == "80+"].groupby(["unit_id", "care_type"])[
        "share_pu"].sum()
    tot_f = flat.groupby(["unit_id", "care_type", "week"])["demand_cases"].sum()
    tot_g = grow.groupby(["unit_id", "care_type", "week"])["demand_cases"].sum()
    ratio = (tot_g / tot_f).reset_index(name="ratio")
    ratio["year"] = ratio["week"].str[:4].astype(int)
    for r in ratio.itertuples():
        years_ahead = r.year - 2025
        expected = 1 + ((1 + x) ** years_ahead - 1) * share80[(r.unit_id, r.care_type)]
        assert r.ratio == pytest.approx(expected, rel=1e-10)


def test_population_errors_list_the_gap(tiny_data) -> None:
    with pytest.raises(ForecastInputError, match="not found"):
        forecast_demand(tiny_data, make_cfg("no_such_projection"))
    pop = tiny_data.population
    with pytest.raises(ValueError, match="2030"):
        population_by_band(pop, COUNTY, "scb", [2025, 2030])


def test_sample_paths_cover_the_intervals(result) -> None:
    rng = np.random.default_rng(2024)
    paths = result.sample_paths(2000, rng)
    keys = result.series_keys()
    assert paths.shape == (2000, len(keys), len(result.weeks))
    assert (paths >= 0).all()
    df = result.forecast_demand.groupby(["unit_id", "care_type", "week"], sort=False)[
        FORECAST_COLUMNS[4:]].sum()
    for i, (unit, ct) in enumerate(keys.itertuples(index=False)):
        sub = df.loc[(unit, ct)].reindex(list(result.weeks))
        lo80, hi80 = sub["demand_cases_lo80"].to_numpy(), sub["demand_cases_hi80"].to_numpy()
        lo95, hi95 = sub["demand_cases_lo95"].to_numpy(), sub["demand_cases_hi95"].to_numpy()
        x = paths[:, i, :]
        cov80 = ((x >= lo80) & (x <= hi80)).mean()
        cov95 = ((x >= lo95) & (x <= hi95)).mean()
        assert cov80 == pytest.approx(0.80, abs=0.02), (unit, ct)
        assert cov95 == pytest.approx(0.95, abs=0.01), (unit, ct)
        # the path mean follows the point forecast (no zero truncation active here)
        assert x.mean(axis=0) == pytest.approx(sub["demand_cases"].to_numpy(), rel=0.05)


def test_sample_paths_by_sex_add_up(result) -> None:
    a = result.sample_paths(50, np.random.default_rng(1), unit_id="U1", by_sex=True)
    b = result.sample_paths(50, np.random.default_rng(1), unit_id="U1")
    assert a.shape[:3] == (50, 2, 2)
    np.testing.assert_allclose(a.sum(axis=2), b, rtol=1e-12)


def test_fast_index_matches_reference(tiny_data) -> None:
    from pks.forecast.demand import _fast_index
    from pks.forecast.demography import demographic_index, population_ratio

    pop = population_by_band(tiny_data.population, COUNTY, "scb", [2024, 2025, 2026, 2027])
    prof = tiny_data.demand_age_profile
    prof = prof[(prof["unit_id"] == "U1") & (prof["care_type"] == "inpatient")]
    ref = demographic_index(prof, pop, 2025)
    fast = _fast_index(prof, population_ratio(pop, 2025))
    pd.testing.assert_frame_equal(ref, fast, rtol=1e-12)
    assert ref.loc[2025].sum() == pytest.approx(1.0)
    assert ref.loc[2027].sum() > ref.loc[2026].sum() > 1.0  # 80+ grows 3 %/year


def test_history_population_is_the_same_for_every_scenario(tiny_data) -> None:
    """When history years have no registered population (the demo region's SCB data end
    in 2015), the reference projection standardises the history for every scenario, so
    a scenario with a different past still gives the same history-only forecast and
    `no_change` still reproduces it."""
    pop = tiny_data.population
    obs = pop[pop["scenario"] == "observed"]
    rows = [pop[pop["scenario"] != "observed"], obs[obs["year"] <= 2022]]
    for name, bump in (("scb", 1.0), ("boom", 1.3)):
        past = obs[obs["year"] >= 2023].copy()
        past["scenario"] = name
        past["population_persons"] *= np.where(past["age"] >= 80, bump ** (past["year"] - 2022),
                                               1.0)
        rows.append(past)
    boom_future = pop[pop["scenario"] == "scb"].copy()
    boom_future["scenario"] = "boom"
    rows.append(boom_future)
    nochange = obs[obs["year"] == 2025].copy()
    for year in range(2025, 2029):
        nochange = nochange.assign(scenario="no_change", year=year)
        rows.append(nochange)
    data = tiny_data.replace(population=pd.concat([r for r in rows if len(r)],
                                                  ignore_index=True))
    cols = FORECAST_COLUMNS[4:]
    h_scb = forecast_demand(data, make_cfg("scb"), use_demography=False).forecast_demand
    h_boom = forecast_demand(data, make_cfg("boom"), use_demography=False).forecast_demand
    pd.testing.assert_frame_equal(h_scb[cols], h_boom[cols], rtol=1e-12)
    nc = forecast_demand(data, make_cfg("no_change")).forecast_demand
    pd.testing.assert_frame_equal(nc[cols], h_scb[cols], rtol=1e-12)


@pytest.mark.slow
def test_demo_region_scenarios(demo_model_dir) -> None:
    """On the demo region: `pop_no_change` reproduces the history-only forecast exactly,
    and the industrial-growth scenario (more people) gives more demand than SCB."""

    from pks.config import load_scenario
    from pks.data.io import read_csv_folder

    cfg = load_scenario(demo_model_dir, "base")
    data = read_csv_folder(cfg.data.instance_dir)
    data = data.replace(care_types=data.care_types.head(8))
    cols = FORECAST_COLUMNS[4:]
    nc = forecast_demand(data, load_scenario(demo_model_dir, "pop_no_change")).forecast_demand
    ho = forecast_demand(data, cfg, use_demography=False).forecast_demand
    pd.testing.assert_frame_equal(nc[cols], ho[cols], rtol=1e-12)
    scb = forecast_demand(data, cfg).forecast_demand
    ind = forecast_demand(data, load_scenario(demo_model_dir, "industrial_growth")
                          ).forecast_demand
    last = scb["week"].str.startswith("2028")
    assert ind.loc[last, "demand_cases"].sum() > scb.loc[last, "demand_cases"].sum()


def test_horizon_follows_plan_years() -> None:
    from pks.config.forecast import ForecastConfig
    from pks.config.schema import DataConfig, ScenarioConfig
    from pks.forecast.demand import forecast_weeks

    vb = ScenarioConfig(data=DataConfig(budget_year=2026, plan_years=3))
    weeks = forecast_weeks(vb)
    assert weeks[0] == "2026-W01" and weeks[-1] == "2029-W52"
    short = vb.model_copy(update={"forecast": ForecastConfig(horizon_years=1)})
    assert forecast_weeks(short)[-1] == "2026-W53"
