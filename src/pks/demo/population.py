"""Population for the synthetic regions: real SCB data, projected by cohort-component ageing.

Method (documented in ``data/demo_region/README.md``):

1. Observed population 2000–2015 by county, sex and single year of age comes from SCB
   (:mod:`pks.demo.scb`).
2. Ageing uses cohort change ratios (the Hamilton–Perry method): the ratio
   ``P(a+1, t+1) / P(a, t)`` per sex and age, pooled over the observed transitions
   2010→2015, carries survival and the county's usual migration pattern. The open
   group 100+ keeps ``P(100, t+1) / (P(99, t) + P(100, t))``. Births come from the pooled
   child–woman ratio ``P(0, t+1) / women aged 15–44 at t`` and the observed sex ratio at
   age 0.
3. Each scenario names a total for every projected year. The gap between that total and
   the pure ageing of the previous year is net migration, spread over ages and sexes with a
   fixed migration age profile (young adults, with children following their parents). The
   projected totals therefore match the seed's figures exactly in the years they are given.
4. ``industrial_growth`` adds working-age in-migration (ages 20–44) on top of the region's
   own projection; ``no_change`` holds the population at the ``scb`` scenario's base year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pks.demo.scb import OBSERVED_TEXT

N_AGES = 101
SEXES = ("female", "male")


@dataclass(frozen=True)
class PopulationScenario:
    """One projection scenario: year → total population, plus extra working-age in-migration.

    Attributes
    ----------
    name : scenario name stored in ``population.scenario``.
    totals : anchor totals per year; years between anchors are interpolated linearly and
        years after the last anchor continue the last anchor slope.
    extra_working_age_migration : year → extra net in-migrants aged 20–44 added on top of
        ``totals`` (the industrial investments of the ``industrial_growth`` scenario).
    hold_at_year : if set, the population of every projected year equals the ``scb``-style
        projection of this year (the ``no_change`` scenario).
    """

    name: str
    totals: tuple[tuple[int, float], ...] = ()
    extra_working_age_migration: tuple[tuple[int, float], ...] = ()
    hold_at_year: int | None = None


def observed(county: str) -> tuple[list[int], np.ndarray]:
    """Observed population of ``county``: years and an array ``(year, sex, age)``."""
    rows: dict[tuple[str, int], np.ndarray] = {}
    for line in OBSERVED_TEXT.splitlines():
        c, sex, year, values = line.split(";")
        if c == county:
            rows[(sex, int(year))] = np.array(values.split(), dtype=float)
    if not rows:
        raise KeyError(f"no observed population for county {county!r}")
    years = sorted({y for _, y in rows})
    arr = np.stack([np.stack([rows[(s, y)] for s in SEXES]) for y in years])
    return years, arr


def _migration_profile() -> np.ndarray:
    """Age–sex profile of net migration (shares sum to 1): a Rogers–Castro-like shape."""
    age = np.arange(N_AGES, dtype=float)
    labour = np.exp(-((age - 24.0) ** 2) / (2 * 6.0**2))
    children = 0.35 * np.exp(-age / 6.0)
    retire = 0.04 * np.exp(-((age - 65.0) ** 2) / (2 * 4.0**2))
    prof = labour + children + retire
    prof = np.stack([prof, prof])
    return prof / prof.sum()


def _working_age_profile() -> np.ndarray:
    """Age–sex profile of industrial in-migration: ages 20–44, slightly more men."""
    age = np.arange(N_AGES)
    prof = np.where((age >= 20) & (age <= 44), 1.0, 0.0) + np.where(age <= 9, 0.25, 0.0)
    prof = np.stack([prof * 0.45, prof * 0.55])
    return prof / prof.sum()


def _ratios(obs: np.ndarray, first: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Cohort change ratios, child–woman ratio and sex shares at birth from ``obs[first:]``."""
    p = obs[first:]
    ccr = np.ones((2, N_AGES))
    ccr[:, :99] = p[1:, :, 1:100].sum(axis=0) / p[:-1, :, :99].sum(axis=0)
    open_ratio = p[1:, :, 100].sum(axis=0) / (p[:-1, :, 99] + p[:-1, :, 100]).sum(axis=0)
    ccr[:, 99] = open_ratio
    ccr[:, 100] = open_ratio
    women = p[:-1, 0, 15:45].sum(axis=1)
    births = p[1:, :, 0].sum(axis=1)
    cwr = float(births.sum() / women.sum())
    sex_share = p[1:, :, 0].sum(axis=0) / p[1:, :, 0].sum()
    return ccr, cwr, sex_share


def _age_one_year(pop: np.ndarray, ccr: np.ndarray, cwr: float,
                  sex_share: np.ndarray) -> np.ndarray:
    nxt = np.empty_like(pop)
    nxt[:, 1:100] = pop[:, :99] * ccr[:, :99]
    nxt[:, 100] = (pop[:, 99] + pop[:, 100]) * ccr[:, 100]
    nxt[:, 0] = cwr * pop[0, 15:45].sum() * sex_share
    return nxt


def _anchor_path(anchors: Mapping[int, float], years: list[int]) -> np.ndarray:
    ys = sorted(anchors)
    vals = [anchors[y] for y in ys]
    out = np.interp(years, ys, vals)
    if len(ys) >= 2:
        slope = (vals[-1] - vals[-2]) / (ys[-1] - ys[-2])
        after = np.array(years) > ys[-1]
        out[after] = vals[-1] + slope * (np.array(years)[after] - ys[-1])
    return out


def project(county: str, scenarios: tuple[PopulationScenario, ...], last_year: int,
            observed_from: int = 2000, ratio_from: int = 2010) -> pd.DataFrame:
    """Observed rows plus one projection per scenario, as the ``population`` table.

    Parameters
    ----------
    county : county name as in the SCB data (``Norrbottens län``, ``Västerbottens län``).
    scenarios : projection scenarios.
    last_year : last projected year.
    observed_from : first observed year written under scenario ``observed``.
    ratio_from : first year of the transitions pooled for the cohort change ratios.
    """
    years, obs = observed(county)
    base_year = years[-1]
    ccr, cwr, sex_share = _ratios(obs, years.index(ratio_from))
    mig = _migration_profile()
    work = _working_age_profile()
    proj_years = list(range(base_year + 1, last_year + 1))
    frames = []
    keep = [i for i, y in enumerate(years) if y >= observed_from]
    frames.append(_long("observed", county, [years[i] for i in keep], obs[keep]))
    projected: dict[str, np.ndarray] = {}
    for sc in scenarios:
        if sc.hold_at_year is not None:
            continue
        anchors = {base_year: float(obs[-1].sum()), **dict(sc.totals)}
        path = _anchor_path(anchors, proj_years)
        extra = dict(sc.extra_working_age_migration)
        pop = obs[-1]
        out = np.empty((len(proj_years), 2, N_AGES))
        cum_extra = 0.0
        for i, y in enumerate(proj_years):
            aged = _age_one_year(pop, ccr, cwr, sex_share)
            cum_extra += extra.get(y, 0.0)
            target = path[i] + cum_extra
            extra_y = extra.get(y, 0.0)
            net = target - aged.sum() - extra_y
            pop = aged + net * mig + extra_y * work
            pop = np.maximum(pop, 0.0)
            out[i] = pop
        projected[sc.name] = out
        frames.append(_long(sc.name, county, proj_years, out))
    for sc in scenarios:
        if sc.hold_at_year is None:
            continue
        ref = projected.get("scb")
        if ref is None:
            raise ValueError("the hold_at_year scenario needs a 'scb' scenario to hold")
        held = np.repeat(ref[proj_years.index(sc.hold_at_year)][None], len(proj_years), axis=0)
        frames.append(_long(sc.name, county, proj_years, held))
    return pd.concat(frames, ignore_index=True)


def _long(scenario: str, county: str, years: list[int], arr: np.ndarray) -> pd.DataFrame:
    ny = len(years)
    year = np.repeat(np.array(years), 2 * N_AGES)
    sex = np.tile(np.repeat(np.array(SEXES), N_AGES), ny)
    age = np.tile(np.arange(N_AGES), 2 * ny)
    return pd.DataFrame({
        "scenario": scenario,
        "county": county,
        "year": year.astype("int64"),
        "sex": sex,
        "age": age.astype("int64"),
        "population_persons": np.round(arr.reshape(-1), 1),
    })


def norrbotten_scenarios() -> tuple[PopulationScenario, ...]:
    """The demo region's scenarios, anchored on the seed's figures (digest §4.1)."""
    actual_2020 = 249_614.0  # [002:353-355]
    scb = {2020: actual_2020, 2021: 248_257, 2022: 247_055, 2023: 245_951, 2024: 244_931,
           2025: 244_037, 2026: 243_225, 2027: 242_489, 2028: 241_822, 2030: 240_709}
    region = {2020: actual_2020, 2021: 249_757, 2022: 249_623, 2023: 249_586, 2024: 249_634,
              2025: 249_807, 2026: 250_063, 2027: 250_394, 2028: 250_795}
    goal = {2020: actual_2020, 2021: 249_757, 2030: 260_000}
    industrial = tuple((y, v) for y, v in ((2024, 300.0), (2025, 600.0), (2026, 900.0))) + tuple(
        (y, 1_200.0) for y in range(2027, 2036))
    return (
        PopulationScenario("scb", tuple(sorted((k, float(v)) for k, v in scb.items()))),
        PopulationScenario("region", tuple(sorted((k, float(v)) for k, v in region.items()))),
        PopulationScenario("political_goal", tuple(sorted((k, float(v)) for k, v in goal.items()))),
        PopulationScenario("industrial_growth",
                           tuple(sorted((k, float(v)) for k, v in region.items())), industrial),
        PopulationScenario("no_change", hold_at_year=2025),
    )


def vasterbotten_scenarios() -> tuple[PopulationScenario, ...]:
    """Västerbotten: 'drygt 273 000' at end 2021, SCB 'knappt 275 000' in 2026 [003:387-389]."""
    scb = ((2021, 273_100.0), (2026, 274_900.0))
    return (PopulationScenario("scb", scb), PopulationScenario("no_change", hold_at_year=2025))
