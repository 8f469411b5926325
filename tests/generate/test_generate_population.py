"""Population: real SCB observations and projections matching the seed's figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pks.data.planning_data import PlanningData
from pks.demo.population import (
    norrbotten_scenarios,
    observed,
    project,
    vasterbotten_scenarios,
)

PUBLIC = (Path(__file__).resolve().parents[2] / "data" / "public"
          / "se_population_by_county_age_sex.csv")

# Digest §4.1, [002:1810-1824] and [002:349-355]
SCB = {2021: 248_257, 2022: 247_055, 2023: 245_951, 2024: 244_931, 2025: 244_037,
       2026: 243_225, 2027: 242_489, 2028: 241_822, 2030: 240_709}
REGION = {2021: 249_757, 2022: 249_623, 2023: 249_586, 2024: 249_634, 2025: 249_807,
          2026: 250_063, 2027: 250_394, 2028: 250_795}


def _totals(pop: pd.DataFrame, scenario: str) -> pd.Series:
    return pop[pop["scenario"] == scenario].groupby("year")["population_persons"].sum()


def test_scenarios_present(demo: PlanningData) -> None:
    assert set(demo.population["scenario"]) == {"observed", "scb", "region", "political_goal",
                                                "industrial_growth", "no_change"}
    obs = demo.population[demo.population["scenario"] == "observed"]
    assert obs["year"].min() == 2000 and obs["year"].max() == 2015
    proj = demo.population[demo.population["scenario"] == "scb"]
    assert proj["year"].min() == 2016 and proj["year"].max() == 2035
    assert set(demo.population["age"]) == set(range(101))


@pytest.mark.parametrize("scenario,table", [("scb", SCB), ("region", REGION)])
def test_projection_matches_seed_table(demo: PlanningData, scenario: str,
                                       table: dict[int, int]) -> None:
    tot = _totals(demo.population, scenario)
    for year, value in table.items():
        assert tot[year] == pytest.approx(value, rel=0.005), year
        assert abs(tot[year] - value) < 50  # in fact exact up to rounding to 0.1 person


def test_actual_2020_and_political_goal(demo: PlanningData) -> None:
    for sc in ("scb", "region", "political_goal"):
        assert _totals(demo.population, sc)[2020] == pytest.approx(249_614, abs=50)
    assert _totals(demo.population, "political_goal")[2030] == pytest.approx(260_000, abs=50)


def test_industrial_growth_adds_working_age(demo: PlanningData) -> None:
    p = demo.population
    ind = _totals(p, "industrial_growth")
    reg = _totals(p, "region")
    assert (ind.loc[2024:] > reg.loc[2024:] + 100).all()
    assert ind[2030] - reg[2030] > 4_000

    def working(sc: str, year: int) -> float:
        q = p[(p["scenario"] == sc) & (p["year"] == year) & p["age"].between(20, 64)]
        return float(q["population_persons"].sum())

    extra = ind[2030] - reg[2030]
    assert working("industrial_growth", 2030) - working("region", 2030) > 0.6 * extra


def test_no_change_is_constant(demo: PlanningData) -> None:
    p = demo.population
    nc = p[p["scenario"] == "no_change"].pivot_table(
        index=["sex", "age"], columns="year", values="population_persons")
    assert (nc.nunique(axis=1) == 1).all()
    scb25 = p[(p["scenario"] == "scb") & (p["year"] == 2025)].set_index(["sex", "age"])[
        "population_persons"]
    assert np.allclose(nc[2030].sort_index(), scb25.sort_index())


def test_ageing_shifts_the_age_structure(demo: PlanningData) -> None:
    p = demo.population
    scb = p[p["scenario"] == "scb"]

    def share(year: int, lo: int, hi: int) -> float:
        q = scb[scb["year"] == year]
        return float(q.loc[q["age"].between(lo, hi), "population_persons"].sum()
                     / q["population_persons"].sum())

    assert share(2030, 80, 100) > share(2020, 80, 100) + 0.01  # the 80+ group grows fastest
    # working-age share falls (seed: 54.8 % → 53.1 % 2020–2030, [002:356-360])
    assert share(2030, 20, 64) < share(2020, 20, 64)


@pytest.mark.parametrize("county", ["Norrbottens län", "Västerbottens län"])
def test_embedded_observations_equal_the_public_scb_file(county: str) -> None:
    src = pd.read_csv(PUBLIC)
    src = src[(src["county"] == county) & (src["year"] >= 2000)]
    years, arr = observed(county)
    assert years == list(range(2000, 2016))
    for (year, sex), g in src.groupby(["year", "sex"]):
        got = arr[years.index(year), 0 if sex == "female" else 1]
        assert np.array_equal(got, g.sort_values("age")["population"].to_numpy(dtype=float))


def test_observed_2015_total() -> None:
    _, arr = observed("Norrbottens län")
    assert arr[-1].sum() == 249_733  # SCB, 31 Dec 2015
    _, arr = observed("Västerbottens län")
    assert arr[-1].sum() == 263_378


def test_vasterbotten_projection_hits_its_anchors() -> None:
    pop = project("Västerbottens län", vasterbotten_scenarios(), 2030)
    tot = _totals(pop, "scb")
    assert tot[2021] == pytest.approx(273_100, abs=50)
    assert tot[2026] == pytest.approx(274_900, abs=50)


def test_projection_is_non_negative_and_unknown_county_fails() -> None:
    pop = project("Norrbottens län", norrbotten_scenarios(), 2035)
    assert (pop["population_persons"] >= 0).all()
    with pytest.raises(KeyError):
        observed("Atlantis län")
