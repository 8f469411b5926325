"""Content of the monthly board report (R-19): every figure, computed once, typed and frozen.

:func:`board_report_content` computes what the report shows; :mod:`pks.report` renders it
(HTML, and PDF through Chromium) and is called by both ``pks report`` and the dashboard.

Red deviations (:func:`red_deviations`) cover every KPI kind of :data:`pks.rules.KINDS` —
production, waiting list, care guarantee, cost against frame, agency share and workload
(staffing, overtime, bed occupancy) — for every node of the tree over the weeks of the
month (stocks at its last reported week; cost as the year-end forecast against the frame at
that week). Each is judged by :func:`pks.rules.judge`. They are grouped by kind and sorted
by size within it: how far the value lies beyond the red limit, relative to the limit where
the limit is a ceiling above zero (overtime, agency share, occupancy, share past the
guarantee), else in the KPI's own unit (share of plan, share over target or over frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pks.data.weeks import week_month, weeks_of_year
from pks.followup.cost import cost_forecast, flag_red_below
from pks.followup.coverage import coverage_by_node, unit_coverage, unit_week_coverage
from pks.followup.deviations import production_vs_plan
from pks.followup.kpis import KPI_COLUMNS, FollowupInputs, cost_lights, node_kpis
from pks.followup.responsibility import tag_responsible
from pks.rules.completeness import (
    Completeness,
    completeness_of,
    span_completeness,
    unit_week_reported,
)
from pks.rules.lights import KINDS, KPI_KIND, Thresholds

RED_COLUMNS: list[str] = ["kind", "kpi", "node_id", "name", "node_type", "value", "limit",
                          "size", "amount_sek", "responsible_role", "responsible_level"]


@dataclass(frozen=True)
class BoardReport:
    """Everything the monthly board report shows (tables per section, no formatting)."""

    year: int
    month: int
    first_week: str
    last_week: str
    region_name: str
    target_set: str
    target_version: int
    forecast_method: str
    production: pd.DataFrame
    """Year to date per shown node: plan, actual, deviation and light."""
    waiting: pd.DataFrame
    """At the month's last week per shown node: list, target, past the guarantee, lights."""
    staff: pd.DataFrame
    """Year to date per shown node: hours, staffing, overtime and agency share with lights."""
    cost: pd.DataFrame
    """Year-end net cost forecast against the frame per frame-holding and shown node."""
    cost_monthly: pd.DataFrame
    """Monthly cumulative cost of the top frame-holding node (for the chart)."""
    top_frame_sek: float | None
    production_monthly: pd.DataFrame
    """The region's production per month (for the chart)."""
    coverage: pd.DataFrame
    gaps: pd.DataFrame
    reds: pd.DataFrame
    """Every red deviation (:data:`RED_COLUMNS`), grouped by kind, largest first."""
    red_counts: dict[str, int]
    """Number of red deviations per kind (every kind of :data:`pks.rules.KINDS`)."""
    month_completeness: Completeness
    """How many of the region's units reported every week of the month."""


def month_weeks(year: int, month: int, as_of_week: str) -> list[str]:
    """ISO weeks of ``year`` whose Thursday falls in ``month``, up to ``as_of_week``."""
    return [w for w in weeks_of_year(year) if week_month(w) == month and w <= as_of_week]


def month_last_week(year: int, month: int, as_of_week: str) -> str | None:
    """Last ISO week of ``year`` whose Thursday falls in ``month`` and is ≤ ``as_of_week``."""
    weeks = month_weeks(year, month, as_of_week)
    return weeks[-1] if weeks else None


def _cost_method(text: str) -> Literal["plan", "run_rate"]:
    """The cost forecast's method named by ``text`` (``plan`` or ``run_rate``)."""
    if text == "plan":
        return "plan"
    if text == "run_rate":
        return "run_rate"
    raise ValueError(f"no cost forecast method {text!r} (plan or run_rate)")


def cost_annual(fi: FollowupInputs, th: Thresholds, year: int, last_week: str,
                forecast_method: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net cost forecast per node with its light and the reds below it (monthly, annual)."""
    d = fi.data
    monthly, annual = cost_forecast(fi.plan_table("plan_cost"), d.actuals_unit,
                                    d.budget_frames, fi.tree, d.unit_ids, year, last_week,
                                    _cost_method(forecast_method),
                                    unit_finance=d.unit_finance)
    annual["light"] = cost_lights(annual, th)
    names = dict(zip(d.org_nodes["node_id"], d.org_nodes["name"], strict=True))
    return monthly, flag_red_below(annual, fi.tree, names)


def _size(kpi: str, value: pd.Series, th: Thresholds) -> pd.Series:
    direction, _amber, red = th.limits(kpi)
    raw = value - red if direction == "above" else red - value
    return raw / red if direction == "above" and red > 0 else raw


def red_deviations(fi: FollowupInputs, th: Thresholds, year: int, month: int,
                   forecast_method: str = "plan") -> pd.DataFrame:
    """Every red deviation of every KPI kind for ``month`` (see the module docstring).

    Returns
    -------
    DataFrame
        :data:`RED_COLUMNS`: ``kind`` (of :data:`pks.rules.KINDS`), ``kpi``, the node and
        who acts on it, ``value``, the red ``limit``, ``size`` (the sort key) and, for cost,
        ``amount_sek`` (the forecast over the frame).
    """
    weeks = month_weeks(year, month, fi.as_of_week)
    if not weeks:
        return pd.DataFrame(columns=RED_COLUMNS)
    k = node_kpis(fi, weeks[0], weeks[-1], th)
    parts = []
    for kpi, col in KPI_COLUMNS.items():
        if col not in k.columns:
            continue
        rows = k[k[f"{kpi}_light"] == "red"]
        part = pd.DataFrame({
            "kind": KPI_KIND[kpi], "kpi": kpi, "node_id": rows["node_id"],
            "value": rows[col].astype("float64"), "limit": th.limits(kpi)[2],
            "size": _size(kpi, rows[col].astype("float64"), th), "amount_sek": float("nan")})
        parts.append(part)
    _monthly, annual = cost_annual(fi, th, year, weeks[-1], forecast_method)
    red_cost = annual[(annual["light"] == "red") & (annual["frame_basis"] != "none")]
    parts.append(pd.DataFrame({
        "kind": "cost", "kpi": "cost", "node_id": red_cost["node_id"],
        "value": red_cost["frame_gap_pu"].astype("float64"), "limit": 0.0,
        "size": red_cost["frame_gap_pu"].astype("float64"),
        "amount_sek": red_cost["frame_gap_sek"].astype("float64")}))
    reds = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else pd.DataFrame(columns=[c for c in RED_COLUMNS
                                                         if c not in ("name",)])
    reds = tag_responsible(reds, fi.data.org_nodes)
    reds["name"] = reds["responsible_name"]
    order = {kind: i for i, kind in enumerate(KINDS)}
    reds = reds.assign(_k=reds["kind"].map(order)).sort_values(
        ["_k", "size", "node_id"], ascending=[True, False, True])
    return reds[RED_COLUMNS].reset_index(drop=True)


def red_counts(reds: pd.DataFrame) -> dict[str, int]:
    """Number of red deviations per kind, every kind listed (zero where none)."""
    counts = reds["kind"].value_counts()
    return {kind: int(counts.get(kind, 0)) for kind in KINDS}


def board_report_content(fi: FollowupInputs, th: Thresholds, *, year: int, month: int,
                         region_name: str, forecast_method: str = "plan",
                         grace_weeks: int = 1, node_type: str = "division") -> BoardReport:
    """Compute the monthly board report: divisions (``node_type``) and the region.

    Raises
    ------
    ValueError
        If no week of ``month`` has been reached yet.
    """
    last = month_last_week(year, month, fi.as_of_week)
    if last is None:
        raise ValueError(f"{year}-{month:02d} has no weeks up to {fi.as_of_week}")
    first = weeks_of_year(year)[0]
    tree = fi.tree
    d = fi.data
    nodes = d.org_nodes
    root = tree.root
    if root is None:
        raise ValueError("the organisation tree has no root")
    show = [root, *nodes.loc[nodes["node_type"] == node_type, "node_id"].tolist()]
    names = dict(zip(nodes["node_id"], nodes["name"], strict=True))

    def shown(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.set_index("node_id").reindex(show).reset_index()
        out["name"] = out["node_id"].map(names)
        return out
    k = shown(node_kpis(fi, first, last, th))
    month_k = shown(node_kpis(fi, last, last, th))
    monthly, annual = cost_annual(fi, th, year, last, forecast_method)
    frame_nodes = set(d.budget_frames.loc[d.budget_frames["year"] == year, "node_id"])
    cost_rows = annual[annual["node_id"].isin(set(show) | frame_nodes)].copy()
    order = {n: i for i, n in enumerate([root, *tree.descendants(root)])}
    cost_rows = cost_rows.sort_values("node_id", key=lambda s: s.map(order))
    cost_rows["name"] = cost_rows["node_id"].map(names)

    acts = {"actuals_production": d.actuals_production, "actuals_staff": d.actuals_staff,
            "actuals_unit": d.actuals_unit}
    uw = unit_week_coverage(acts, d.unit_ids, first, last, grace_weeks)
    cov = shown(coverage_by_node(uw, tree))
    gaps = unit_coverage(uw)
    gaps = gaps[gaps["missing_weeks"] > 0].copy()
    gaps["name"] = gaps["unit_id"].map(names)
    weeks = month_weeks(year, month, fi.as_of_week)
    comp = completeness_of(span_completeness(unit_week_reported(acts, d.unit_ids, weeks),
                                             tree, weeks), root)

    prod_m = production_vs_plan(fi.plan_table("plan_production"), d.actuals_production, tree,
                                period="month", first_week=first, last_week=last)
    prod_m = prod_m[prod_m["node_id"] == root].reset_index(drop=True)
    top = cost_rows[cost_rows["frame_basis"] == "own"]
    top_frame = float(top.iloc[0]["frame_sek"]) if len(top) else None
    top_node = str(top.iloc[0]["node_id"]) if len(top) else root
    reds = red_deviations(fi, th, year, month, forecast_method)
    return BoardReport(
        year=year, month=month, first_week=first, last_week=last, region_name=region_name,
        target_set=th.target_set, target_version=th.version, forecast_method=forecast_method,
        production=k, waiting=month_k, staff=k, cost=cost_rows.reset_index(drop=True),
        cost_monthly=monthly[monthly["node_id"] == top_node].reset_index(drop=True),
        top_frame_sek=top_frame, production_monthly=prod_m, coverage=cov,
        gaps=gaps.reset_index(drop=True), reds=reds, red_counts=red_counts(reds),
        month_completeness=comp)
