"""Tactical page: this year's production plan per unit and care type against actuals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from pks.dashboard import figures, ids
from pks.dashboard.access import Principal
from pks.dashboard.components import (
    Col,
    care_type_label,
    data_table,
    export_buttons,
    fmt_key,
    fmt_msek,
    fmt_num,
    fmt_pct,
    graph,
    section,
)
from pks.dashboard.data import DataService
from pks.dashboard.pages.common import controls, help_panel, lang_of, node_names, plan_note
from pks.data.weeks import weeks_of_year
from pks.followup.deviations import production_to_period, staff_to_period
from pks.followup.periods import PERIODS
from pks.i18n import t
from pks.types import Language

PATH = "/taktisk"
NAME_KEY = "dash.nav.tactical"

DEVIATION_COLS = [
    Col("responsible_name", "dash.col.responsible_name"),
    Col("node_type", "dash.col.node_type", fmt_key("dash.nodetype.")),
    Col("plan_reported_cases", "dash.col.plan_cases", fmt_num(0), True),
    Col("actual_cases", "dash.col.actual_cases", fmt_num(0), True),
    Col("production_deviation_cases", "dash.col.deviation_cases", fmt_num(0), True),
    Col("production_deviation_pu", "dash.col.deviation_pu", fmt_pct(1, signed=True), True),
    Col("responsible_role", "dash.col.responsible_role", fmt_key("dash.ownerrole.")),
    Col("responsible_level", "dash.col.responsible_level", fmt_key("dash.pkslevel.")),
]
COST_COLS = [
    Col("responsible_name", "dash.col.responsible_name"),
    Col("plan_cost_sek", "dash.col.plan_msek", fmt_msek, True),
    Col("actual_ytd_sek", "dash.col.actual_ytd_msek", fmt_msek, True),
    Col("forecast_sek", "dash.col.forecast_msek", fmt_msek, True),
    Col("frame_sek", "dash.col.frame_msek", fmt_msek, True),
    Col("children_frame_sek", "dash.col.children_frame_msek", fmt_msek, True),
    Col("frame_gap_sek", "dash.col.gap_msek", fmt_msek, True),
    Col("frame_note", "dash.col.frame_note"),
    Col("responsible_role", "dash.col.responsible_role", fmt_key("dash.ownerrole.")),
]


def frame_notes(annual: pd.DataFrame, lang: Language) -> pd.Series:
    """Per cost row: what its frame is and which nodes below it are over theirs."""
    out = []
    for r in annual.to_dict("records"):
        parts = []
        if r.get("frame_basis") == "children":
            parts.append(t("dash.frame_basis.children", lang))
        elif r.get("frame_basis") == "none":
            parts.append(t("dash.frame_basis.none", lang))
        n = int(r.get("red_below_count") or 0)
        if n:
            parts.append(t("dash.red_below", lang, n=n, names=r.get("red_below_names", "")))
        out.append(" ".join(parts))
    return pd.Series(out, index=annual.index, dtype="object")


CARE_TYPE_COLS = [
    Col("care_type", "dash.col.care_type", care_type_label),
    Col("plan_year_cases", "dash.col.plan_year_cases", fmt_num(0), True),
    Col("plan_reported_cases", "dash.col.plan_cases", fmt_num(0), True),
    Col("actual_cases", "dash.col.actual_cases", fmt_num(0), True),
    Col("deviation_cases", "dash.col.deviation_cases", fmt_num(0), True),
    Col("deviation_pu", "dash.col.deviation_pu", fmt_pct(1, signed=True), True),
]


def care_type_table(svc: DataService, principal: Principal, node: str, scenario: str
                    ) -> pd.DataFrame:
    """Year to date per care type of ``node``: plan, actual, deviation and its light."""
    from pks.rules.lights import judge_series

    w = svc.weekly_production(principal, node, scenario, "tactical", by_care_type=True)
    year_plan = w.groupby("care_type", as_index=False)["plan_cases"].sum().rename(
        columns={"plan_cases": "plan_year_cases"})
    ytd = w[w["week"] <= svc.as_of_week(scenario)].groupby("care_type", as_index=False)[
        ["plan_reported_cases", "actual_cases"]].sum()
    out = year_plan.merge(ytd, on="care_type", how="left").fillna(0.0)
    out["deviation_cases"] = out["actual_cases"] - out["plan_reported_cases"]
    out["deviation_pu"] = out["deviation_cases"] / out["plan_reported_cases"].where(
        out["plan_reported_cases"] > 0)
    th = svc.thresholds(scenario)
    out["light"] = judge_series("production", out["deviation_pu"], th)
    return out


def production_table(svc: DataService, principal: Principal, node: str, scenario: str,
                     level_type: str | None) -> pd.DataFrame:
    """Year-to-date production against plan for ``node`` and the nodes of ``level_type``."""
    year = svc.year(scenario)
    kpis = svc.kpis(principal, scenario, weeks_of_year(year)[0], svc.as_of_week(scenario),
                    level="tactical")
    keep = [node, *[n for n in svc.nodes_below(principal, node, level_type) if n != node]]
    out = kpis.set_index("node_id").reindex(keep).dropna(how="all").reset_index()
    return out


def tactical_view(svc: DataService, principal: Principal, node: str, scenario: str,
                  period: str, care_type: str | None, level_type: str | None,
                  lang: Language) -> dict[str, Any]:
    """Everything the tactical page shows (plain function, tested directly)."""
    svc.check(principal, node)
    period = period if period in PERIODS else "week"
    if care_type:
        prod_w = svc.weekly_production(principal, node, scenario, "tactical", by_care_type=True)
        prod_w = prod_w[prod_w["care_type"] == care_type].drop(columns=["care_type"])
    else:
        prod_w = svc.weekly_production(principal, node, scenario, "tactical")
    prod = production_to_period(prod_w, period, ["node_id"])
    wait = svc.weekly_waiting(principal, node, scenario, "tactical")
    staff = staff_to_period(svc.weekly_staff(principal, node, scenario, "tactical"),
                            period, ["node_id"])
    monthly, annual = svc.cost(principal, node, scenario, "tactical")
    annual = annual.assign(frame_note=frame_notes(annual, lang))
    frame = annual.loc[annual["node_id"] == node, "judged_frame_sek"]
    frame_sek = float(frame.iloc[0]) if len(frame) and pd.notna(frame.iloc[0]) else None
    ptitle = f"{t('dash.fig.production', lang)} – {t('dash.period.' + period, lang).lower()}"
    table = production_table(svc, principal, node, scenario, level_type)
    annual_sorted = pd.concat([annual[annual["node_id"] == node],
                               annual[annual["node_id"] != node]])
    return {
        "production": prod, "waiting": wait, "staff": staff, "cost_monthly": monthly,
        "cost_annual": annual_sorted, "deviations": table,
        "fig_production": figures.production_figure(prod, lang, ptitle),
        "fig_waiting": figures.waiting_figure(wait, lang, t("dash.fig.waiting", lang)),
        "fig_staff": figures.staff_figure(staff, lang, t("dash.fig.staff", lang)),
        "fig_cost": figures.cost_figure(monthly, frame_sek, lang, t("dash.fig.cost", lang)),
        "plan_ref": svc.plan_ref(scenario, "tactical"),
        "care_types": care_type_table(svc, principal, node, scenario),
    }


def export_tables() -> dict[str, Callable[[DataService, Principal, dict[str, Any]], pd.DataFrame]]:
    """Tables of this page that can be exported (recomputed server-side)."""
    def devs(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        return production_table(svc, p, s["node"], s["scenario"], s.get("level_type"))

    def cost(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        monthly, annual = svc.cost(p, s["node"], s["scenario"], "tactical")
        return annual

    def prod(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        return svc.weekly_production(p, s["node"], s["scenario"], "tactical", by_care_type=True)
    def per_care_type(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        return care_type_table(svc, p, s["node"], s["scenario"])
    return {"tac_deviations": devs, "tac_cost": cost, "tac_production": prod,
            "tac_care_types": per_care_type}


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", node: str | None = None, scenario: str | None = None,
               level: str | None = None, period: str = "week", **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        cts = sorted(svc.snapshot().data.care_types["care_type"].astype(str).unique())
        extra = [
            html.Div([html.Label(t("dash.period", lg)), dcc.RadioItems(
                id=ids.PERIOD, options=[{"label": t(f"dash.period.{p}", lg), "value": p}
                                        for p in PERIODS],
                value=period if period in PERIODS else "week", inline=True)],
                className="ctl"),
            html.Div([html.Label(t("dash.col.care_type", lg)), dcc.Dropdown(
                id=ids.CARE_TYPE, options=[{"label": care_type_label(c, lg), "value": c}
                                           for c in cts],
                value=None, placeholder="–")], className="ctl"),
        ]
        return html.Div([
            dcc.Store(id=ids.LANG, data=lg), dcc.Store(id=ids.page_state("tactical")),
            html.H2(t("dash.page.tactical", lg)),
            controls(svc, principal, lg, node, scenario=scenario, level_type=level, extra=extra),
            html.Div(id=ids.plan_note("tactical")),
            help_panel(lg),
            html.Div([section("", graph(ids.FIG_PRODUCTION)), section("", graph(ids.FIG_WAITING))],
                     className="grid2"),
            html.Div([section("", graph(ids.FIG_STAFF)), section("", graph(ids.FIG_COST))],
                     className="grid2"),
            section(t("dash.sec.care_types", lg), html.Div(id=ids.TBL_CARE_TYPES),
                    export_buttons("tac_care_types", lg)),
            section(t("dash.sec.deviations", lg),
                    html.Div(t("dash.responsible_note", lg), className="note"),
                    html.Div(id=ids.TBL_DEVIATIONS),
                    html.Div([export_buttons("tac_deviations", lg, "dash.export.deviations"),
                              export_buttons("tac_production", lg, "dash.export.production")],
                             className="exports")),
            section(t("dash.sec.cost_table", lg), html.Div(id=ids.TBL_COST),
                    export_buttons("tac_cost", lg)),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Wire the page's controls to :func:`tactical_view`."""
    @app.callback(
        Output(ids.FIG_PRODUCTION, "figure"), Output(ids.FIG_WAITING, "figure"),
        Output(ids.FIG_STAFF, "figure"), Output(ids.FIG_COST, "figure"),
        Output(ids.TBL_DEVIATIONS, "children"), Output(ids.TBL_COST, "children"),
        Output(ids.TBL_CARE_TYPES, "children"),
        Output(ids.plan_note("tactical"), "children"),
        Output(ids.page_state("tactical"), "data"),
        Input(ids.NODE, "value"), Input(ids.SCENARIO, "value"), Input(ids.PERIOD, "value"),
        Input(ids.CARE_TYPE, "value"), Input(ids.LEVEL_FILTER, "value"),
        State(ids.LANG, "data"))
    def _update(node: str, scenario: str, period: str, care_type: str | None,
                level_type: str, lang: str) -> tuple[Any, ...]:
        lg = lang_of(lang)
        v = tactical_view(svc, principal_fn(), node, scenario, period, care_type, level_type, lg)
        names = node_names(svc)
        dev = v["deviations"].assign(responsible_name=lambda d: d["node_id"].map(names))
        state = {"page": "tactical", "node": node, "scenario": scenario, "period": period,
                 "level_type": level_type, "lang": lg}
        return (v["fig_production"], v["fig_waiting"], v["fig_staff"], v["fig_cost"],
                data_table(dev, DEVIATION_COLS, lg, "tbl-tac-dev", light_col="production_light"),
                data_table(v["cost_annual"], COST_COLS, lg, "tbl-tac-cost", light_col="light"),
                data_table(v["care_types"], CARE_TYPE_COLS, lg, "tbl-tac-care", light_col="light"),
                plan_note(v["plan_ref"], lg, svc.unagreed(v["plan_ref"])), state)

    del _update
