"""Follow-up computations on a hand-built region whose numbers are checked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pks.config.dashboard import DashboardConfig
from pks.data.tree import OrgTree
from pks.followup.cost import cost_forecast
from pks.followup.coverage import coverage_by_node, unit_coverage, unit_week_coverage
from pks.followup.deviations import (
    planned_sick_leave,
    production_vs_plan,
    staff_vs_plan,
    waiting_vs_target,
)
from pks.followup.kpis import FollowupInputs, cost_lights, deviation_list, node_kpis
from pks.rules.lights import LightMargins, resolve_thresholds

from . import tiny


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree(tiny.org_nodes())


@pytest.fixture
def th():
    return resolve_thresholds(tiny.data().targets, "vardgaranti_0_3_90_90",
                              dt.date(2026, 11, 1), LightMargins.of(DashboardConfig()))


def test_production_weekly_roll_up_is_exact(tree):
    f = production_vs_plan(tiny.plan_production(), tiny.actuals_production(), tree)
    w1 = f[f["week"] == "2026-W01"].set_index("node_id")
    assert w1.loc["U1", "plan_cases"] == 20.0 and w1.loc["U1", "actual_cases"] == 18.0
    assert w1.loc["R", "plan_cases"] == 120.0 and w1.loc["R", "actual_cases"] == 108.0
    d1 = w1.loc["U1", "actual_cases"] + w1.loc["U2", "actual_cases"]
    assert w1.loc["D1", "actual_cases"] == d1
    assert w1.loc["R", "deviation_pu"] == pytest.approx(-0.1)
    # unreported weeks: plan counts, the deviation does not read missing as zero
    w8 = f[f["week"] == "2026-W08"].set_index("node_id")
    assert w8.loc["R", "plan_cases"] == 120.0 and w8.loc["R", "plan_reported_cases"] == 0.0
    assert np.isnan(w8.loc["R", "deviation_pu"])


def test_production_cumulative_and_month(tree):
    cum = production_vs_plan(tiny.plan_production(), tiny.actuals_production(), tree,
                             period="cumulative")
    r = cum[(cum["node_id"] == "R") & (cum["week"] == "2026-W08")].iloc[0]
    assert (r["plan_cases"], r["plan_reported_cases"], r["actual_cases"]) == (960, 720, 648)
    mon = production_vs_plan(tiny.plan_production(), tiny.actuals_production(), tree,
                             period="month")
    # 2026-W01..W05 have their Thursday in January (1 Jan 2026 is a Thursday)
    jan = mon[(mon["node_id"] == "U3") & (mon["period"] == "2026-01")].iloc[0]
    assert jan["plan_cases"] == 5 * 60 and jan["actual_cases"] == 5 * 54


def test_production_missing_unit_week_is_excluded_from_deviation(tree):
    act = tiny.actuals_production(skip=(("U2", "2026-W02"),))
    f = production_vs_plan(tiny.plan_production(), act, tree)
    r = f[(f["node_id"] == "R") & (f["week"] == "2026-W02")].iloc[0]
    assert r["plan_reported_cases"] == 80.0 and r["actual_cases"] == 72.0
    assert r["reported_units"] == 2


def test_by_care_type_sums_to_total(tree):
    a = production_vs_plan(tiny.plan_production(), tiny.actuals_production(), tree,
                           by_care_type=True)
    b = production_vs_plan(tiny.plan_production(), tiny.actuals_production(), tree)
    sa = a.groupby(["node_id", "week"])["actual_cases"].sum()
    sb = b.set_index(["node_id", "week"])["actual_cases"]
    pd.testing.assert_series_equal(sa.sort_index(), sb.sort_index(), check_names=False)


def test_waiting_vs_target(tree):
    w = waiting_vs_target(tiny.plan_production(), tiny.actuals_production(), tree,
                          first_week="2026-W06", last_week="2026-W06").set_index("node_id")
    assert w.loc["U1", "actual_waiting_cases"] == 120 and w.loc["U1", "target_waiting_cases"] == 80
    assert w.loc["R", "past_guarantee_cases"] == 18
    assert w.loc["R", "over_target_pu"] == pytest.approx(0.5)


def test_staff_and_planned_sick_leave(tree):
    d = tiny.data()
    sick = planned_sick_leave(d.staffing, d.staff_availability, d.staff_categories)
    assert sick["sick_leave_h"].iloc[0] == pytest.approx(35.0)
    s = staff_vs_plan(tiny.plan_staff(), tiny.actuals_staff(), tree, sick_leave_plan=sick,
                      period="cumulative")
    r = s[(s["node_id"] == "R") & (s["week"] == "2026-W06")].iloc[0]
    assert r["plan_reported_total_h"] == pytest.approx(3 * 6 * 400)
    assert r["actual_total_h"] == pytest.approx(3 * 6 * 380)
    assert r["plan_reported_sick_leave_h"] == pytest.approx(3 * 6 * 35)
    assert r["staffing_deviation_pu"] == pytest.approx(-0.05)


def test_node_kpis_lights_and_responsible(th):
    fi = FollowupInputs(tiny.data(), {"plan_production": tiny.plan_production(),
                                      "plan_staff": tiny.plan_staff()}, "2026-W06")
    k = node_kpis(fi, "2026-W06", "2026-W06", th).set_index("node_id")
    assert k.loc["U1", "production_light"] == "amber"  # -10 % is not below -10 %
    assert k.loc["U1", "waiting_light"] == "red"
    assert k.loc["U1", "occupancy_pu"] == pytest.approx(0.9)
    assert k.loc["U1", "occupancy_light"] == "amber"
    assert k.loc["U1", "overtime_h_per_fte_year"] == pytest.approx(2.0 * 365.25 / 7)
    assert k.loc["U1", "responsible_role"] == "forsta_linjens_chef"
    assert k.loc["D1", "responsible_role"] == "divisionschef"
    assert k.loc["R", "actual_cases"] == k.loc[["U1", "U2", "U3"], "actual_cases"].sum()
    dev = deviation_list(k.reset_index())
    assert set(dev["light"]) <= {"red", "amber"}
    assert dev.iloc[0]["light"] == "red"


def test_cost_forecast_plan_and_run_rate(tree, th):
    d = tiny.data()
    monthly, annual = cost_forecast(tiny.plan_cost(), d.actuals_unit, d.budget_frames, tree,
                                    tiny.UNITS, 2026, "2026-W08")
    a = annual.set_index("node_id")
    # 2026 has 53 ISO weeks: 5.3 MSEK a year is 100 000 a week, as booked
    assert a.loc["U1", "forecast_plan_sek"] == pytest.approx(5_300_000)
    assert a.loc["U1", "forecast_run_rate_sek"] == pytest.approx(5_300_000)
    assert a.loc["D1", "frame_gap_sek"] == pytest.approx(600_000)
    assert a.loc["R", "forecast_sek"] == pytest.approx(3 * 5_300_000)
    lights = cost_lights(annual, th).set_axis(annual["node_id"])
    assert lights["D1"] == "red" and lights["D2"] == "green" and lights["U1"] == "none"
    m = monthly[monthly["node_id"] == "R"].set_index("month")
    assert m.loc[12, "forecast_cum_sek"] == pytest.approx(a.loc["R", "forecast_sek"])
    assert m.loc[1, "actual_cost_sek"] == pytest.approx(3 * 5 * 100_000)


def test_cost_run_rate_differs_when_actuals_run_high(tree):
    d = tiny.data()
    au = d.actuals_unit.assign(cost_sek=200_000.0)
    _, annual = cost_forecast(tiny.plan_cost(), au, d.budget_frames, tree, tiny.UNITS, 2026,
                              "2026-W08", method="run_rate")
    a = annual.set_index("node_id")
    assert a.loc["U1", "forecast_run_rate_sek"] == pytest.approx(53 * 200_000)
    assert a.loc["U1", "forecast_plan_sek"] == pytest.approx(6 * 200_000 + 47 * 100_000)
    assert a.loc["U1", "forecast_sek"] == a.loc["U1", "forecast_run_rate_sek"]


def test_coverage(tree):
    d = tiny.data()
    act = {"actuals_production": d.actuals_production, "actuals_staff": d.actuals_staff,
           "actuals_unit": d.actuals_unit[d.actuals_unit["unit_id"] != "U3"]}
    uw = unit_week_coverage(act, tiny.UNITS, "2026-W01", "2026-W08", grace_weeks=1)
    st = uw.set_index(["unit_id", "week"])["status"]
    assert st["U1", "2026-W06"] == "complete" and st["U1", "2026-W07"] == "missing"
    assert st["U1", "2026-W08"] == "late" and st["U3", "2026-W01"] == "partial"
    c = coverage_by_node(uw, tree).set_index("node_id")
    assert c.loc["R", "unit_weeks"] == 24 and c.loc["R", "complete"] == 12
    assert c.loc["D2", "coverage_pu"] == 0.0
    u = unit_coverage(uw).set_index("unit_id")
    assert u.loc["U1", "last_complete_week"] == "2026-W06" and u.loc["U3", "missing_weeks"] == 7


def test_cost_uses_only_unit_rows_of_the_optimiser_table(tree):
    d = tiny.data()
    pc = tiny.plan_cost().assign(kind="unit")
    dup = pd.concat([pc, pc.assign(kind="handoff"),
                     pd.DataFrame({"node_id": ["D1"], "year": [2026], "kind": ["frame"],
                                   "net_cost_sek": [10_600_000.0]})], ignore_index=True)
    _, a1 = cost_forecast(pc, d.actuals_unit, d.budget_frames, tree, tiny.UNITS, 2026,
                          "2026-W08")
    _, a2 = cost_forecast(dup, d.actuals_unit, d.budget_frames, tree, tiny.UNITS, 2026,
                          "2026-W08")
    pd.testing.assert_frame_equal(a1, a2)
