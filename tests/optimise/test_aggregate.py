"""Strategic planning per area or division (``build.strategic_by``): pooling and splitting.

Invariants: pooling keeps every total (demand, FTE, beds, external capacity, the staff
hours the demand needs); splitting gives back the pooled totals per group; pooling a
division that holds one unit changes nothing (same optimum); and the pooled strategic plan
hands a per-unit plan to the tactical level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pks.config.schema import ScenarioConfig
from pks.optimise.aggregate import pool, split_tables
from pks.optimise.inputs import demand_from_history
from pks.optimise.run import horizon_weeks, plan_level, plan_levels
from tests.optimise.tiny import tiny_data

pytestmark = pytest.mark.solver


def cfg(**build: object) -> ScenarioConfig:
    return ScenarioConfig.model_validate({
        "data": {"target_set": "t", "budget_year": 2026, "as_of_week": "2026-W10"},
        "build": {"operative_weeks": 4, **build}})


def region(units=(("U1", "D1"), ("U2", "D1"), ("U3", "D2"))):
    d = tiny_data(units=units, weeks=20, fte=9, demand=10.0, cost_per_fte=5200.0,
                  ot_limit=50.0, var_cost=100.0, guarantee_stage="treatment",
                  initial_list=40.0, los=2.0, beds=3.0, ext_price=900.0, ext_max=1.0,
                  frames=(("D1", 2026, 200_000.0), ("D2", 2026, 90_000.0)))
    # make the members differ: U2 needs 2 h a case and has 4 FTE, 5 beds, other prices
    st = d.staffing.copy()
    st.loc[st.unit_id == "U2", ["staffing_target_fte", "cost_sek_per_fte_year"]] = [4.0, 6000.0]
    ru = d.resource_use.copy()
    ru.loc[ru.unit_id == "U2", "staff_h_per_case"] = 2.0
    cap = d.unit_capacity.copy()
    cap.loc[cap.unit_id == "U2", "staffed_beds"] = 5.0
    dh = d.demand_history.copy()
    dh.loc[dh.unit_id == "U2", "referrals_cases"] *= 3.0
    return d.replace(staffing=st, resource_use=ru, unit_capacity=cap, demand_history=dh)


@pytest.fixture(scope="module")
def pooled():
    d = region()
    dem = demand_from_history(d, horizon_weeks(cfg()))
    return d, dem, pool(d, dem, "division")


def test_pooling_keeps_totals(pooled):
    d, dem, p = pooled
    assert sorted(p.data.unit_ids) == ["D1", "D2"]
    assert p.groups == {"U1": "D1", "U2": "D1", "U3": "D2"}
    assert not set(p.data.org_nodes["node_id"]) & {"U1", "U2", "U3", "A-D1", "A-D2"}
    assert p.demand["demand_cases"].sum() == pytest.approx(dem["demand_cases"].sum())
    assert p.data.staffing["staffing_target_fte"].sum() == pytest.approx(
        d.staffing["staffing_target_fte"].sum())
    assert p.data.unit_capacity["staffed_beds"].sum() == pytest.approx(
        d.unit_capacity["staffed_beds"].sum())
    assert p.data.care_types["external_cases_per_week_max"].sum() == pytest.approx(
        d.care_types["external_cases_per_week_max"].sum())
    shares = p.data.care_type_priorities.groupby(["unit_id", "care_type"])["share_pu"].sum()
    np.testing.assert_allclose(shares, 1.0)

    def hours(data, demand):  # staff hours the demand needs
        t = demand.groupby(["unit_id", "care_type"], as_index=False)["demand_cases"].sum()
        m = t.merge(data.resource_use, on=["unit_id", "care_type"])
        return float((m["demand_cases"] * m["staff_h_per_case"]).sum())

    assert hours(p.data, p.demand) == pytest.approx(hours(d, dem), rel=1e-9)
    # FTE-weighted cost per FTE keeps the staff cost: D1 = 9 × 5 200 + 4 × 6 000
    d1 = p.data.staffing.set_index("unit_id").loc["D1"]
    assert d1["staffing_target_fte"] * d1["cost_sek_per_fte_year"] == pytest.approx(
        9 * 5200 + 4 * 6000)


def test_split_gives_back_the_pooled_totals(pooled):
    d, dem, p = pooled
    run = plan_level(p.data, cfg(), "strategic", demand=p.demand)
    assert run.result.ok
    split = split_tables(run.tables, p)
    for name, col in (("plan_fte", "fte"), ("plan_production", "production_cases"),
                      ("plan_staff", "agency_h"), ("plan_beds", "staffed_beds")):
        pooled_sum = run.tables[name].groupby("unit_id")[col].sum()
        back = split[name].assign(g=split[name]["unit_id"].map(p.groups)).groupby("g")[col].sum()
        pd.testing.assert_series_equal(back.sort_index(), pooled_sum.sort_index(),
                                       check_names=False, rtol=1e-9)
    assert set(split["plan_fte"]["unit_id"]) == {"U1", "U2", "U3"}
    uc = split["plan_cost"][split["plan_cost"]["kind"] == "unit"]
    assert uc["net_cost_sek"].sum() == pytest.approx(
        run.tables["plan_cost"].query("kind == 'unit'")["net_cost_sek"].sum())


def test_pooling_one_unit_per_division_changes_nothing():
    d = region(units=(("U1", "D1"), ("U3", "D2")))
    dem = demand_from_history(d, horizon_weeks(cfg()))
    by_unit = plan_level(d, cfg(), "strategic", demand=dem)
    by_div = plan_level(d, cfg(strategic_by="division"), "strategic", demand=dem)
    assert by_div.result.objective_sek == pytest.approx(by_unit.result.objective_sek, rel=1e-9)
    a = by_unit.tables["plan_fte"].sort_values(["unit_id", "year"]).reset_index(drop=True)
    b = by_div.tables["plan_fte"].sort_values(["unit_id", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, rtol=1e-7)


def test_pooled_strategic_plan_hands_units_to_tactical():
    d = region()
    c = cfg(strategic_by="division")
    runs = plan_levels(d, c, levels=("strategic", "tactical"),
                       demand=demand_from_history(d, horizon_weeks(c)))
    assert all(r.result.ok for r in runs.values())
    s = runs["strategic"]
    assert sorted(s.result.tables["plan_fte"]["unit_id"].unique()) == ["D1", "D2"]
    assert sorted(s.tables["plan_fte"]["unit_id"].unique()) == ["U1", "U2", "U3"]
    fte_s = s.tables["plan_fte"].query("year == 2026").set_index(
        ["unit_id", "staff_category"])["fte"]
    fte_t = runs["tactical"].tables["plan_staff"].groupby(["unit_id", "staff_category"])[
        "fte"].first()
    pd.testing.assert_series_equal(fte_s.sort_index(), fte_t.sort_index(), check_names=False)
    text = "\n".join(s.tables["plan_explanation"]["en"])
    assert "  D1 (D1)" in text and "U2" not in text
