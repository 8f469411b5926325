r"""Revenue and care need moved by the population scenario (R-51, [002:1805–1809]).

The tax-base forecast in ``economy_budget`` assumes one population scenario (the
reference, e.g. SCB's). Another scenario with :math:`P_t` inhabitants instead of
:math:`P_t^{ref}` moves tax and grant revenue by

.. math::

    \Delta R_t = k \, (P_t - P_t^{ref})

with :math:`k` the revenue per inhabitant (Norrbotten: 3,6 mnkr per 100 persons). The same
population drives the care need: the need index is the patients' pooled age and sex
profile (``demand_age_profile``) applied to the population ratio to the reference
(:func:`pks.forecast.demography.demographic_index`), so a strategist sees both the money
and the care need of a scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pks.data.planning_data import PlanningData
from pks.forecast.demography import demographic_index, population_by_band


@dataclass(frozen=True)
class PopulationEffect:
    """Per year: population of the scenario and the reference, revenue and need change.

    ``table`` columns: ``year, population_persons, reference_persons, delta_persons,
    revenue_delta_mnkr, need_index_pu`` (need relative to the reference, 1 = same).
    """

    scenario: str
    reference: str
    table: pd.DataFrame

    def revenue_delta(self, year: int) -> float:
        """Revenue change of ``year`` in mnkr (0 for years without population)."""
        hit = self.table.loc[self.table["year"] == year, "revenue_delta_mnkr"]
        return float(hit.iloc[0]) if len(hit) else 0.0


def _totals(population: pd.DataFrame, county: str, scenario: str, years: Sequence[int]
            ) -> pd.Series:
    if population.empty or "county" not in population:
        return pd.Series(dtype=float)
    pop = population[(population["county"] == county)
                     & (population["scenario"].isin([scenario, "observed"]))
                     & (population["year"].isin(list(years)))]
    by = pop.groupby(["scenario", "year"])["population_persons"].sum()
    out = {}
    for y in years:
        if (scenario, y) in by.index:
            out[y] = float(by[(scenario, y)])
        elif ("observed", y) in by.index:
            out[y] = float(by[("observed", y)])
    return pd.Series(out, dtype=float)


def _pooled_profile(profile: pd.DataFrame) -> pd.DataFrame:
    n = max(1, len(profile.groupby(["unit_id", "care_type"])))
    pooled = profile.groupby(["sex", "age_band"], as_index=False)["share_pu"].sum()
    return pooled.assign(share_pu=pooled["share_pu"] / n)


def population_effect(data: PlanningData, county: str, scenario: str, reference: str,
                      years: Sequence[int], revenue_per_person_mnkr: float
                      ) -> PopulationEffect:
    """Revenue and care-need change of ``scenario`` against ``reference`` per year."""
    pop = data.population
    scen = _totals(pop, county, scenario, years)
    ref = _totals(pop, county, reference, years)
    common = [y for y in years if y in scen.index and y in ref.index]
    need = pd.Series(1.0, index=common)
    if common and not data.demand_age_profile.empty and scenario != reference:
        prof = _pooled_profile(data.demand_age_profile)
        d_s = demographic_index(prof, population_by_band(pop, county, scenario, common),
                                common[0]).sum(axis=1)
        d_r = demographic_index(prof, population_by_band(pop, county, reference, common),
                                common[0]).sum(axis=1)
        # both indices are standardised to their own first year; rescale by the
        # population ratio of that year so the need compares the scenarios' levels
        lvl = scen[common[0]] / ref[common[0]]
        need = (d_s / d_r * lvl).reindex(common)
    table = pd.DataFrame({
        "year": common,
        "population_persons": [scen[y] for y in common],
        "reference_persons": [ref[y] for y in common],
        "delta_persons": [scen[y] - ref[y] for y in common],
        "revenue_delta_mnkr": [revenue_per_person_mnkr * (scen[y] - ref[y]) for y in common],
        "need_index_pu": [float(need[y]) for y in common],
    })
    return PopulationEffect(scenario, reference, table)
