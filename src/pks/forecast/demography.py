"""The demographic demand driver: age/sex use profile × population projection.

For a unit × care type with patient shares ``w[sex, band]`` (``demand_age_profile``,
summing to 1) and county population ``P[sex, band](year)`` under the chosen projection,
the demographic index relative to a base year ``y0`` is

    D(year) = Σ_{sex, band} w[sex, band] × P[sex, band](year) / P[sex, band](y0),

i.e. constant age/sex-specific use rates applied to the changing population. The
per-sex index ``D_sex(year) = Σ_band w[sex, band] × ratio`` splits a total forecast
by sex (``Σ_sex D_sex = D``).

Population is at 31 December of each year. Years with registered population use the
``observed`` rows; later years use the projection scenario. The scenario
``no_change`` holds the population at its last observed value when the table has no
rows for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.types import AGE_BANDS

NO_CHANGE = "no_change"
OBSERVED = "observed"


class PopulationError(ValueError):
    """Population data missing for a county, scenario or year (message lists every gap)."""


def age_band(age: pd.Series) -> pd.Series:
    """Map single-year ages to the bands ``0-17, 18-44, 45-64, 65-79, 80+``."""
    bins = [-1, 17, 44, 64, 79, 1000]
    return pd.cut(age.astype(int), bins=bins, labels=list(AGE_BANDS)).astype(str)


def population_by_band(
    population: pd.DataFrame, county: str, scenario: str, years: list[int]
) -> pd.DataFrame:
    """Population per year (index) × (sex, age_band) columns for ``years``.

    Observed years come from ``scenario == 'observed'``; other years from ``scenario``.

    Raises
    ------
    PopulationError
        If the county is unknown, or a year has neither observed nor scenario rows.
    """
    pop = population[population["county"] == county]
    if pop.empty:
        known = sorted(population["county"].unique().tolist())
        raise PopulationError(f"no population rows for county {county!r}; known: {known}")
    pop = pop.assign(age_band=age_band(pop["age"]))
    grouped = (
        pop.groupby(["scenario", "year", "sex", "age_band"], observed=True)["population_persons"]
        .sum()
        .astype(float)
    )
    wide = grouped.unstack(["sex", "age_band"]).sort_index(axis=1)
    obs = wide.loc[OBSERVED] if OBSERVED in wide.index.get_level_values(0) else None
    scen_names = set(wide.index.get_level_values(0))
    if scenario in scen_names and scenario != OBSERVED:
        scen = wide.loc[scenario]
    elif scenario == NO_CHANGE and obs is not None:
        scen = None
    elif scenario == OBSERVED:
        scen = None
    else:
        known = sorted(scen_names)
        raise PopulationError(
            f"population scenario {scenario!r} not found for {county!r}; known: {known}"
        )
    rows = {}
    missing = []
    last_obs = int(obs.index.max()) if obs is not None else None
    for y in years:
        if obs is not None and y in obs.index:
            rows[y] = obs.loc[y]
        elif scen is not None and y in scen.index:
            rows[y] = scen.loc[y]
        elif scen is None and obs is not None and last_obs is not None and y > last_obs:
            rows[y] = obs.loc[last_obs]  # no_change: hold the last observed population
        else:
            missing.append(y)
    if missing:
        raise PopulationError(
            f"no population for {county!r} in year(s) {missing} "
            f"(observed or scenario {scenario!r})"
        )
    out = pd.DataFrame(rows).T.sort_index()
    out.index.name = "year"
    return out.fillna(0.0)


def demographic_index(
    profile: pd.DataFrame, pop_by_band: pd.DataFrame, base_year: int
) -> pd.DataFrame:
    """Per-sex demographic index per year for one unit × care type.

    Parameters
    ----------
    profile
        Rows of ``demand_age_profile`` for one unit × care type (sex, age_band, share_pu).
    pop_by_band
        Output of :func:`population_by_band`, including ``base_year``.
    base_year
        Year the history is standardised to (the last history year).

    Returns
    -------
    DataFrame
        Index year, columns ``female``, ``male`` (D_sex(year)); their row sums are D(year),
        and at ``base_year`` they equal the profile's sex shares.
    """
    ratio = population_ratio(pop_by_band, base_year)
    shares = profile.groupby(["sex", "age_band"])["share_pu"].sum()
    out = pd.DataFrame(0.0, index=pop_by_band.index, columns=["female", "male"])
    for sex in ("female", "male"):
        if sex not in shares.index.get_level_values(0):
            continue
        w = shares.loc[sex]
        cols = [(sex, band) for band in w.index]
        r = ratio.reindex(columns=cols).fillna(1.0).to_numpy()
        out[sex] = r @ w.to_numpy(dtype=float)
    return out


def population_ratio(pop_by_band: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """P[sex, band](year) / P[sex, band](base_year); 1 where the base population is 0."""
    base = pop_by_band.loc[base_year]
    safe = base.where(base > 0)
    return (pop_by_band / safe).fillna(1.0)


def sex_shares_from_history(hist: pd.DataFrame) -> dict[str, float]:
    """Sex shares of referrals over the history of one series (fallback without profile)."""
    tot = hist.groupby("sex")["referrals_cases"].sum()
    s = float(tot.sum())
    if s <= 0:
        return {"female": 0.5, "male": 0.5}
    return {sex: float(tot.get(sex, 0.0)) / s for sex in ("female", "male")}


def flat_index(years: list[int], shares: dict[str, float]) -> pd.DataFrame:
    """Index without a demographic driver: constant sex shares."""
    return pd.DataFrame(
        {sex: np.full(len(years), shares.get(sex, 0.0)) for sex in ("female", "male")},
        index=pd.Index(years, name="year"),
    )
