"""Follow-up that adds up: net cost, parents and their frames, completeness, the red list.

Every expected figure is worked out by hand from :mod:`tests.dashboard.tiny` (three units,
100 000 kr booked a week each, plan 5,3 mnkr a year each, 2026 has 53 ISO weeks).
"""

from __future__ import annotations

import base64
import datetime as dt
import io

import pandas as pd
import pytest

from pks.config.dashboard import DashboardConfig
from pks.dashboard.access import LOCAL_USER
from pks.dashboard.data import DataService
from pks.dashboard.pages.operative import operative_view
from pks.dashboard.upload import upload_actuals
from pks.data.tree import OrgTree
from pks.data.weeks import add_weeks
from pks.followup.board import board_report_content, red_deviations
from pks.followup.cost import cost_forecast, flag_red_below
from pks.followup.kpis import KPI_COLUMNS, FollowupInputs, cost_lights, node_kpis
from pks.report import render_board_report
from pks.rules import (
    KINDS,
    LightMargins,
    judge,
    latest_complete_week,
    node_week_completeness,
    resolve_thresholds,
    unit_week_reported,
)
from pks.rules.completeness import completeness_of

from . import tiny

WEEKS = tiny.WEEKS


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree(tiny.org_nodes())


@pytest.fixture
def th():
    return resolve_thresholds(tiny.data().targets, "vardgaranti_0_3_90_90",
                              dt.date(2026, 2, 1), LightMargins.of(DashboardConfig()))


def _finance(capitation_u3: float) -> pd.DataFrame:
    return pd.DataFrame({"unit_id": tiny.UNITS, "funding_mode": ["frame", "frame", "capitation"],
                         "fixed_cost_sek_per_year": 0.0,
                         "capitation_revenue_sek_per_year": [0.0, 0.0, capitation_u3],
                         "kpp_exception": False})


def test_capitation_is_netted_like_the_plan(tree):
    """U3 earns 5,2 mnkr capitation a year = 100 000 kr a week (the plan's K/52)."""
    d = tiny.data()
    _, gross = cost_forecast(tiny.plan_cost(), d.actuals_unit, d.budget_frames, tree,
                             tiny.UNITS, 2026, "2026-W08")
    _, net = cost_forecast(tiny.plan_cost(), d.actuals_unit, d.budget_frames, tree,
                           tiny.UNITS, 2026, "2026-W08", unit_finance=_finance(5_200_000.0))
    g, n = gross.set_index("node_id"), net.set_index("node_id")
    assert g.loc["U3", "actual_ytd_sek"] == pytest.approx(6 * 100_000)
    assert n.loc["U3", "actual_ytd_sek"] == pytest.approx(0.0)
    # plan weeks are already net: 47 weeks × 100 000 kr
    assert n.loc["U3", "forecast_sek"] == pytest.approx(47 * 100_000)
    assert n.loc["D2", "frame_gap_sek"] == pytest.approx(4_700_000 - 6_000_000)
    assert n.loc["U1", "forecast_sek"] == g.loc["U1", "forecast_sek"]


def test_parent_shows_children_frames_and_the_reds_below(tree, th):
    """Without a frame of its own the region is judged against 10 + 6 mnkr and names D1."""
    d = tiny.data()
    frames = d.budget_frames[d.budget_frames["node_id"] != "R"]
    _, annual = cost_forecast(tiny.plan_cost(), d.actuals_unit, frames, tree, tiny.UNITS, 2026,
                              "2026-W08")
    annual["light"] = cost_lights(annual, th)
    names = dict(zip(tiny.org_nodes()["node_id"], tiny.org_nodes()["name"], strict=True))
    a = flag_red_below(annual, tree, names).set_index("node_id")
    assert a.loc["R", "children_frame_sek"] == pytest.approx(16_000_000)
    assert a.loc["R", "frame_basis"] == "children" and pd.isna(a.loc["R", "frame_sek"])
    # 15,9 mnkr against 16 mnkr: 0,6 % under, inside the 1 % margin -> amber, never green
    assert a.loc["R", "frame_gap_sek"] == pytest.approx(-100_000)
    assert a.loc["R", "light"] == "amber"
    assert a.loc["D1", "light"] == "red"  # 10,6 against 10 mnkr
    assert a.loc["R", "red_below_count"] == 1 and a.loc["R", "red_below_names"] == "Div 1"
    assert a.loc["D2", "red_below_count"] == 0


def test_every_green_parent_row_names_its_red_children(tree, th):
    d = tiny.data()
    frames = pd.concat([d.budget_frames, pd.DataFrame({
        "node_id": ["R"], "year": [2026], "frame_sek": [99e6], "efficiency_pu": [0.0]})])
    frames = frames.drop_duplicates("node_id", keep="last")
    _, annual = cost_forecast(tiny.plan_cost(), d.actuals_unit, frames, tree, tiny.UNITS, 2026,
                              "2026-W08")
    annual["light"] = cost_lights(annual, th)
    a = flag_red_below(annual, tree, {}).set_index("node_id")
    assert a.loc["R", "light"] == "green" and a.loc["R", "red_below_count"] == 1
    for node, row in a.iterrows():
        reds = [n for n in tree.descendants(str(node)) if n in a.index
                and a.loc[n, "light"] == "red" and a.loc[n, "frame_basis"] == "own"]
        assert row["red_below_count"] == len(reds)


def test_week_complete_only_when_every_unit_reported(tree):
    d = tiny.data()
    acts = {"actuals_production": d.actuals_production[
        ~((d.actuals_production["unit_id"] == "U3") & (d.actuals_production["week"] == WEEKS[5]))],
        "actuals_staff": d.actuals_staff, "actuals_unit": d.actuals_unit}
    nw = node_week_completeness(unit_week_reported(acts, tiny.UNITS, WEEKS), tree)
    c = completeness_of(nw, "R", WEEKS[5])
    assert (c.reported_units, c.expected_units, c.complete) == (2, 3, False)
    assert completeness_of(nw, "D1", WEEKS[5]).complete
    assert latest_complete_week(nw, "R") == WEEKS[4]
    assert latest_complete_week(nw, "D1") == WEEKS[5]
    assert latest_complete_week(nw, "R", upto=WEEKS[2]) == WEEKS[2]


def test_red_list_covers_every_kind_and_matches_the_lights(th):
    fi = FollowupInputs(tiny.data(), {"plan_production": tiny.plan_production(),
                                      "plan_staff": tiny.plan_staff(),
                                      "plan_cost": tiny.plan_cost()}, "2026-W06")
    reds = red_deviations(fi, th, 2026, 2)
    # February 2026 = W06..W09; reported W06 only; the cost forecast at W06
    k = node_kpis(fi, "2026-W06", "2026-W06", th)
    expected = {(n, kpi) for kpi in KPI_COLUMNS for n, lt in zip(k["node_id"], k[f"{kpi}_light"],
                                                                 strict=True) if lt == "red"}
    got = {(n, kpi) for n, kpi in zip(reds["node_id"], reds["kpi"], strict=True) if kpi != "cost"}
    assert got == expected and expected
    cost = reds[reds["kind"] == "cost"].set_index("node_id")
    assert set(cost.index) == {"R", "D1"}  # 15,9 > 15 mnkr and 10,6 > 10 mnkr
    assert cost.loc["D1", "amount_sek"] == pytest.approx(600_000)
    assert set(reds["kind"]) <= set(KINDS)
    # grouped by kind in the report's order, largest first within each kind
    order = [KINDS.index(x) for x in reds["kind"]]
    assert order == sorted(order)
    for _, g in reds.groupby("kind"):
        assert list(g["size"]) == sorted(g["size"], reverse=True)
    for r in reds.itertuples():
        assert judge(r.kpi, r.value, th) == "red"
    rep = board_report_content(fi, th, year=2026, month=2, region_name="Test")
    assert sum(rep.red_counts.values()) == len(rep.reds) == len(reds)
    assert set(rep.red_counts) == set(KINDS)
    html = render_board_report(rep, "sv")
    assert f"{len(reds)} röda avvikelser totalt" in html
    for kind in KINDS:
        assert f"– {rep.red_counts[kind]} röda" in html


def _csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return "data:text/csv;base64," + base64.b64encode(buf.getvalue().encode()).decode()


def test_one_units_upload_does_not_change_the_regions_this_week(svc_rw: DataService, units):
    root = svc_rw.tree().root
    before = operative_view(svc_rw, LOCAL_USER, root, None, "base", "unit", "sv")
    nxt = add_weeks(svc_rw.as_of_week("base"), 1)
    d = svc_rw.snapshot().data
    uploads = []
    for name, t in (("actuals_production", d.actuals_production),
                    ("actuals_staff", d.actuals_staff), ("actuals_unit", d.actuals_unit)):
        own = t[t["unit_id"] == units[0]]
        rows = own[own["week"] == own["week"].max()].copy()
        assert len(rows)
        uploads.append((_csv(rows.assign(week=nxt)), f"{name}.csv"))
    res = upload_actuals(svc_rw, LOCAL_USER, [u[0] for u in uploads], [u[1] for u in uploads])
    assert res.ok, res.issues
    after = operative_view(svc_rw, LOCAL_USER, root, None, "base", "unit", "sv")
    assert after["week"] == before["week"]
    pd.testing.assert_frame_equal(after["kpis"], before["kpis"])
    c = svc_rw.completeness(LOCAL_USER, root, "base", nxt)
    assert (c.reported_units, c.expected_units) == (1, len(units))
    partial = operative_view(svc_rw, LOCAL_USER, root, nxt, "base", "unit", "sv")
    assert not partial["completeness"].complete
    assert f"1 av {len(units)} enheter" in str(partial["cards"][0].children)
    # the unit itself has a complete new week
    assert svc_rw.default_week(LOCAL_USER, units[0], "base") == nxt
    weekly = svc_rw.weekly_production(LOCAL_USER, root, "base")
    assert weekly.set_index("week").loc[nxt, "partial_weeks"] == 1
