"""Each KPI has the same value and the same traffic light everywhere it appears.

See :mod:`tests.coherence.conftest` for the scenario: a region that performs exactly to
its adopted tactical plan, two capitation-financed units, one unit late with the as-of week.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pks.dashboard.access import LOCAL_USER
from pks.dashboard.data import board_report
from pks.dashboard.pages.operative import operative_view
from pks.dashboard.pages.tactical import production_table
from pks.data.weeks import add_weeks, week_monday, week_month, weeks_of_year
from pks.followup.kpis import KPI_COLUMNS
from pks.rules import KINDS, LightMargins, Thresholds, judge, resolve_thresholds

from .conftest import Scenario

REL = 1e-6


def _thresholds(sc: Scenario) -> Thresholds:
    """The lights' limits in force at the as-of week (straight from the rules)."""
    return resolve_thresholds(sc.data.targets, sc.cfg.data.target_set,
                              week_monday(sc.cfg.data.as_of_week),
                              LightMargins.of(sc.cfg.dashboard))


def _month(sc: Scenario) -> tuple[int, int, list[str]]:
    as_of = sc.cfg.data.as_of_week
    year, month = sc.cfg.data.budget_year, week_month(as_of)
    weeks = [w for w in weeks_of_year(year) if week_month(w) == month and w <= as_of]
    return year, month, weeks


def test_forecast_optimiser_and_simulator_judge_the_same_guarantee(scenario: Scenario):
    sc = scenario
    th = _thresholds(sc)
    need = sc.need[(sc.need["year"] == sc.cfg.data.budget_year)].set_index(
        ["unit_id", "care_type"])
    p = sc.sim_params
    sim = pd.DataFrame({"unit_id": p.line_unit, "care_type": p.line_care_type,  # type: ignore[attr-defined]
                        "days": p.guarantee_days}).set_index(["unit_id", "care_type"])  # type: ignore[attr-defined]
    both = need.join(sim, how="inner")
    assert len(both) == len(sim) > 0
    np.testing.assert_array_equal(both["guarantee_days"].to_numpy(), both["days"].to_numpy())
    share = p.targets["within_guarantee_share_pu"]  # type: ignore[attr-defined]
    assert share == th.within_guarantee_share_pu
    assert (need["within_guarantee_share_pu"] == share).all()
    # the optimiser's waiting-list target is the forecast's guarantee queue: Q = λ · m
    pp = sc.plan["plan_production"]
    pp = pp[pp["year"] == sc.cfg.data.budget_year]
    per_week = pp.groupby(["unit_id", "care_type", "week"])[
        ["demand_cases", "waiting_list_target_cases"]].sum()
    g = per_week.groupby(level=["unit_id", "care_type"]).agg(
        demand=("demand_cases", "mean"), target=("waiting_list_target_cases", "first"))
    g = g.join(need[["guarantee_mean_wait_weeks"]], how="inner")
    g = g[g["guarantee_mean_wait_weeks"].notna()]
    assert len(g)
    np.testing.assert_allclose(g["target"], g["demand"] * g["guarantee_mean_wait_weeks"],
                               rtol=REL)


def test_net_cost_against_frame_is_the_same_in_plan_dashboard_and_report(scenario: Scenario):
    sc = scenario
    svc = sc.svc
    th = _thresholds(sc)
    year, month, _ = _month(sc)
    pc = sc.plan["plan_cost"]
    pc = pc[pc["year"] == year]
    frames = pc[pc["kind"] == "frame"].set_index("node_id")
    units = pc[pc["kind"] == "unit"].set_index("node_id")
    tree = svc.tree()
    annual = pd.concat([svc.cost(LOCAL_USER, n, "base")[1] for n in tree.nodes.index]
                       ).drop_duplicates("node_id").set_index("node_id")
    assert len(frames) > 0
    for u in sc.capitation_units:  # compared net, as the plan counts them
        assert annual.loc[u, "forecast_sek"] == pytest.approx(units.loc[u, "net_cost_sek"],
                                                              rel=REL)
    for node, f in frames.iterrows():
        row = annual.loc[node]
        # the region performed to plan: the year-end forecast is the plan's net cost
        assert row["forecast_sek"] == pytest.approx(f["net_cost_sek"], rel=REL)
        assert row["frame_sek"] == pytest.approx(f["frame_sek"])
        assert row["light"] == judge("cost", (f["net_cost_sek"] - f["frame_sek"])
                                     / f["frame_sek"], th)
    report = svc.board_content(LOCAL_USER, "base", year, month).cost.set_index("node_id")
    for node in frames.index:
        assert report.loc[node, "light"] == annual.loc[node, "light"]
        assert report.loc[node, "forecast_sek"] == pytest.approx(annual.loc[node, "forecast_sek"],
                                                                 rel=REL)
    # the region holds no frame: it shows the board's, and names the nodes over theirs
    root = tree.root
    assert annual.loc[root, "children_frame_sek"] == pytest.approx(
        frames.loc[tree.children(root)[0], "frame_sek"])
    reds = [n for n in frames.index if annual.loc[n, "light"] == "red"]
    assert annual.loc[root, "red_below_count"] == len(reds)


def test_production_waiting_and_workload_agree_on_dashboard_and_report(scenario: Scenario):
    sc = scenario
    svc = sc.svc
    year, month, weeks = _month(sc)
    rep = svc.board_content(LOCAL_USER, "base", year, month)
    first = weeks_of_year(year)[0]
    ytd = svc.kpis(LOCAL_USER, "base", first, rep.last_week).set_index("node_id")
    tac = production_table(svc, LOCAL_USER, svc.tree().root, "base", None).set_index("node_id")
    last = svc.kpis(LOCAL_USER, "base", rep.last_week, rep.last_week).set_index("node_id")
    for node, r in rep.production.set_index("node_id").iterrows():
        # performed to plan: no production deviation, green everywhere
        assert r["production_deviation_pu"] == pytest.approx(0.0, abs=1e-9)
        assert r["production_light"] == ytd.loc[node, "production_light"] == \
            tac.loc[node, "production_light"] == "green"
    for frame, table in ((ytd, rep.staff), (last, rep.waiting)):
        for node, r in table.set_index("node_id").iterrows():
            for kpi, col in KPI_COLUMNS.items():
                a, b = r[col], frame.loc[node, col]
                assert (pd.isna(a) and pd.isna(b)) or a == pytest.approx(b, rel=REL), (node, kpi)
                assert r[f"{kpi}_light"] == frame.loc[node, f"{kpi}_light"], (node, kpi)
    # the list reported is the plan's list at a complete week
    root = svc.tree().root
    wk = add_weeks(rep.last_week, -1)
    wl = svc.kpis(LOCAL_USER, "base", wk, wk).set_index("node_id").loc[root]
    pp = sc.plan["plan_production"]
    assert wl["actual_waiting_cases"] == pytest.approx(
        pp.loc[pp["week"] == wk, "waiting_list_cases"].sum(), rel=REL)


def test_the_regions_week_is_the_latest_complete_one(scenario: Scenario):
    sc = scenario
    svc = sc.svc
    root = svc.tree().root
    as_of = sc.cfg.data.as_of_week
    view = operative_view(svc, LOCAL_USER, root, None, "base", "unit", "sv")
    assert view["week"] == add_weeks(as_of, -1) and view["completeness"].complete
    c = svc.completeness(LOCAL_USER, root, "base", as_of)
    n = len(svc.snapshot().unit_ids)
    assert (c.reported_units, c.expected_units) == (n - 1, n)
    weekly = svc.weekly_production(LOCAL_USER, root, "base").set_index("week")
    assert weekly.loc[as_of, "partial_weeks"] == 1
    assert weekly.loc[add_weeks(as_of, -1), "partial_weeks"] == 0
    assert operative_view(svc, LOCAL_USER, sc.late_unit, None, "base", "unit", "sv"
                          )["week"] == add_weeks(as_of, -1)


def test_board_reports_red_list_is_the_dashboards(scenario: Scenario):
    sc = scenario
    svc = sc.svc
    year, month, weeks = _month(sc)
    kp = svc.kpis(LOCAL_USER, "base", weeks[0], weeks[-1])
    dash = {(n, kpi) for kpi in KPI_COLUMNS
            for n, lt in zip(kp["node_id"], kp[f"{kpi}_light"], strict=True) if lt == "red"}
    annual = pd.concat([svc.cost(LOCAL_USER, n, "base")[1] for n in svc.tree().nodes.index]
                       ).drop_duplicates("node_id")
    dash |= {(n, "cost") for n in annual.loc[annual["light"] == "red", "node_id"]}
    rep = svc.board_content(LOCAL_USER, "base", year, month)
    got = set(zip(rep.reds["node_id"], rep.reds["kpi"], strict=True))
    # frames bind, so a region that follows its plan has no cost red; the red list with
    # every kind, cost included, is checked in tests/dashboard/test_one_truth.py
    assert got == dash
    assert set(rep.red_counts) == set(KINDS)
    assert sum(rep.red_counts.values()) == len(rep.reds)
    html = board_report(svc, LOCAL_USER, "base", year, month, "sv")
    assert f"{len(rep.reds)} röda avvikelser totalt" in html
    names = dict(zip(svc.snapshot().data.org_nodes["node_id"],
                     svc.snapshot().data.org_nodes["name"], strict=True))
    reds_html = html[html.index("Röda avvikelser och vem"):]
    for node, _kpi in got:
        assert names[node] in reds_html


def test_simulator_met_is_the_lights_not_red(scenario: Scenario):
    sc = scenario
    th = _thresholds(sc)
    kp = sc.sim.get("sim_node_kpis")
    assert kp is not None and len(kp)
    g = kp[kp["target"] == "guarantee"]
    assert len(g)
    for value, met in zip(g["value"], g["met"], strict=True):
        assert bool(met) == (judge("past_guarantee", 1.0 - value, th) != "red")
