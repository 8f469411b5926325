"""Follow-up page ("Uppföljning"): the balanced scorecard, the split by sex and KPP.

For the node chosen with the shared node selector (drill-down as on the other pages), year
to date up to the as-of week: every KPI grouped by the five scorecard perspectives
(:mod:`pks.followup.scorecard`, R-22), demand, production, waiting list and share past the
guarantee for women and men of the node and the nodes of the level filter
(:mod:`pks.followup.sex_split`, R-23) with the newest forecast run's demand by sex for the
coming year, and the KPP cost per DRG point of each somatic unit
below the node against the national benchmark, exception units flagged, never red
(:mod:`pks.followup.kpp`, R-32). Figures come from follow-up; this page lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from pks.calendar import WEEKS_PER_YEAR
from pks.dashboard import ids
from pks.dashboard.access import Principal
from pks.dashboard.components import Col, data_table, fmt_key, fmt_num, fmt_pct, graph, section
from pks.dashboard.data import DataService
from pks.dashboard.figures import separators
from pks.dashboard.pages.common import controls, lang_of, node_names
from pks.data.parse import is_missing
from pks.data.weeks import add_weeks, weeks_of_year
from pks.followup.kpis import KPI_COLUMNS
from pks.followup.kpp import kpp_by_node, kpp_by_unit, somatic_units
from pks.followup.scorecard import scorecard
from pks.followup.sex_split import equality_gap, forecast_sex_split, sex_split
from pks.i18n import format_number, format_pct, format_sek, t
from pks.report.scorecard import benchmark_of
from pks.types import Language

PATH = "/uppfoljning"
NAME_KEY = "scorecard.nav"

NOTE = "fu-note"
TBL_SCORECARD = "fu-tbl-scorecard"
TBL_SEX = "fu-tbl-sex"
TBL_KPP = "fu-tbl-kpp"
FIG_SEX = "fu-fig-sex"
KPP_NOTE = "fu-kpp-note"
TBL_FORECAST = "fu-tbl-forecast"
FORECAST_WEEKS = WEEKS_PER_YEAR
"""Weeks after the as-of week whose forecast demand the page splits by sex."""
LIGHT_COLOURS: dict[str, str] = {"green": "#2e8b57", "amber": "#e0a100", "red": "#c0392b",
                                 "none": "#bdc3c7", "flagged": "#7d3c98"}
"""Dot colour per light; ``flagged`` (a KPP exception) has its own, never red."""
PCT_KPIS: frozenset[str] = frozenset({"production", "waiting", "past_guarantee", "staffing",
                                      "agency", "occupancy", "cost", "kpp"})
SEX_MEASURES: tuple[str, ...] = ("referrals_cases", "production_cases", "waiting_list_cases",
                                 "waiting_over_guarantee_cases")


def status_badge(light: object, lang: Language) -> Any:
    """A coloured dot and the light's name, ``flagged`` included."""
    lt = "none" if is_missing(light) else str(light)
    return html.Span([html.Span(className="dot", style={"background": LIGHT_COLOURS[lt]}),
                      html.Span(t(f"scorecard.light.{lt}", lang), className="light-text")],
                     className=f"light kpp-{lt}")


def kpi_value(kpi: str, value: float | None, lang: Language) -> str:
    """A scorecard value with its unit (percent, h per FTE and year, percentage points)."""
    if value is None or pd.isna(value):
        return "–"
    v = float(value)
    if kpi == "past_guarantee_gap":
        return format_number(100 * v, lang, 1)
    if kpi in PCT_KPIS:
        return ("+" if v > 0 and kpi not in ("past_guarantee", "agency", "occupancy") else "") \
            + format_pct(v, lang)
    return format_number(v, lang, 0)


SCORECARD_COLS = [
    Col("perspective", "scorecard.col.perspective", fmt_key("scorecard.perspective.")),
    Col("kpi", "scorecard.col.kpi", fmt_key("scorecard.kpi.")),
    Col("value_text", "scorecard.col.value", lambda v, _l: str(v), True),
    Col("light", "scorecard.col.status", status_badge),
]
SEX_COLS = [
    Col("name", "dash.col.node"),
    Col("sex", "scorecard.col.sex", fmt_key("scorecard.sex.")),
    Col("referrals_cases", "scorecard.col.referrals_cases", fmt_num(0), True),
    Col("production_cases", "scorecard.col.production_cases", fmt_num(0), True),
    Col("production_share_pu", "scorecard.col.production_share_pu", fmt_pct(1), True),
    Col("waiting_list_cases", "scorecard.col.waiting_list_cases", fmt_num(0), True),
    Col("waiting_over_guarantee_cases", "scorecard.col.waiting_over_guarantee_cases",
        fmt_num(0), True),
    Col("past_guarantee_pu", "scorecard.col.past_guarantee_pu", fmt_pct(1), True),
]
FORECAST_COLS = [
    Col("name", "dash.col.node"),
    Col("sex", "scorecard.col.sex", fmt_key("scorecard.sex.")),
    Col("forecast_demand_cases", "scorecard.col.forecast_demand_cases", fmt_num(0), True),
    Col("forecast_share_pu", "scorecard.col.forecast_share_pu", fmt_pct(1), True),
]
KPP_COLS = [
    Col("name", "scorecard.col.unit"),
    Col("cost_msek", "scorecard.col.cost_msek", fmt_num(1), True),
    Col("drg_points", "scorecard.col.drg_points", fmt_num(0), True),
    Col("cost_per_drg_point_sek", "scorecard.col.cost_per_drg_point_sek", fmt_num(0), True),
    Col("benchmark_sek_per_drg_point", "scorecard.col.benchmark_sek", fmt_num(0), True),
    Col("gap_pu", "scorecard.col.gap_pu", fmt_pct(1, signed=True), True),
    Col("light", "scorecard.col.status", status_badge),
]


def followup_view(svc: DataService, principal: Principal, node: str, scenario: str,
                  level_type: str | None, lang: Language) -> dict[str, Any]:
    """Everything the follow-up page shows for ``node`` (plain function, tested directly)."""
    svc.check(principal, node)
    year = svc.year(scenario)
    first, last = weeks_of_year(year)[0], svc.as_of_week(scenario)
    data = svc.snapshot().data
    tree = svc.tree()
    names = node_names(svc)
    cfg = svc.config(scenario).dashboard
    bm = benchmark_of(cfg)
    shown = [node, *[n for n in svc.nodes_below(principal, node, level_type) if n != node]]

    split = sex_split(data.actuals_production, tree, first, last)
    split = split[split["node_id"].isin(shown)].copy()
    order = {n: i for i, n in enumerate(shown)}
    split = split.assign(_o=split["node_id"].map(order)).sort_values(
        ["_o", "sex"]).drop(columns="_o")
    split["name"] = split["node_id"].map(names)
    gap = equality_gap(split)
    gap_v = gap.loc[gap["node_id"] == node, "past_guarantee_gap_pu"]

    below = set(tree.leaves_under(node))
    units = [u for u in somatic_units(data.unit_ids, tree, cfg.kpp_excluded_node_ids)
             if u in below]
    kpp = kpp_by_unit(data.actuals_production, data.actuals_unit, data.care_types,
                      data.unit_finance, units, first, last, bm)
    kpp_node = kpp_by_node(kpp, tree, bm)
    kpp_node = kpp_node[kpp_node["node_id"] == node]
    kpp = kpp.assign(name=kpp["unit_id"].map(names), cost_msek=kpp["cost_sek"] / 1e6)

    values: dict[str, tuple[float, str]] = {
        "past_guarantee_gap": (float(gap_v.iloc[0]) if len(gap_v) else float("nan"), "none")}
    k = svc.kpis(principal, scenario, first, last, level="tactical")
    row = k[k["node_id"] == node]
    for kpi, col in KPI_COLUMNS.items():
        if len(row) and col in row.columns:
            values[kpi] = (float(row.iloc[0][col]), str(row.iloc[0][f"{kpi}_light"]))
    _m, annual = svc.cost(principal, node, scenario, "tactical")
    crow = annual[annual["node_id"] == node]
    if len(crow):
        values["cost"] = (float(crow.iloc[0]["frame_gap_pu"]), str(crow.iloc[0]["light"]))
    if len(kpp_node):
        values["kpp"] = (float(kpp_node.iloc[0]["gap_pu"]), str(kpp_node.iloc[0]["light"]))
    sc = scorecard(values)
    sc["value_text"] = [kpi_value(kp, v, lang) for kp, v in zip(sc["kpi"], sc["value"],
                                                                  strict=True)]
    note = t("scorecard.kpp_note", lang, benchmark=format_sek(bm.sek_per_drg_point, lang),
             source=bm.source, margin=format_pct(bm.red_margin_pu, lang, 0))
    fnote, fsplit = forecast_view(svc, scenario, shown, names, lang)
    return {"scorecard": sc, "sex": split, "kpp": kpp, "kpp_note": note,
            "forecast": fsplit, "forecast_note": fnote,
            "period_note": t("scorecard.period_note", lang, first=first, last=last),
            "fig_sex": sex_figure(split[split["node_id"] == node], names.get(node, node),
                                  lang)}


def forecast_view(svc: DataService, scenario: str, shown: list[str], names: dict[str, str],
                  lang: Language) -> tuple[str, pd.DataFrame]:
    """The newest forecast run's demand by sex for the weeks after the as-of week."""
    runs = svc.store.runs(kind="forecast", scenario=scenario)
    empty = pd.DataFrame(columns=[c.name for c in FORECAST_COLS])
    if runs.empty:
        return t("scorecard.no_forecast", lang), empty
    run_id = str(runs.iloc[0]["run_id"])
    fd = svc.store.load_run_tables(run_id, ["forecast_demand"]).get("forecast_demand")
    as_of = svc.as_of_week(scenario)
    weeks = [add_weeks(as_of, i) for i in range(1, FORECAST_WEEKS + 1)]
    if fd is None:
        return t("scorecard.no_forecast", lang), empty
    out = forecast_sex_split(fd, svc.tree(), weeks)
    out = out[out["node_id"].isin(shown)].copy()
    order = {n: i for i, n in enumerate(shown)}
    out = out.assign(_o=out["node_id"].map(order)).sort_values(["_o", "sex"]).drop(
        columns="_o")
    out["name"] = out["node_id"].map(names)
    return t("scorecard.forecast_note", lang, run=run_id, first=weeks[0],
             last=weeks[-1]), out


def sex_figure(split: pd.DataFrame, name: str, lang: Language) -> go.Figure:
    """Grouped bars: demand, production, waiting and past the guarantee, women and men."""
    fig = go.Figure()
    labels = [t(f"scorecard.col.{m}", lang) for m in SEX_MEASURES]
    for sex, colour in (("female", "#8e44ad"), ("male", "#1f77b4")):
        r = split[split["sex"] == sex]
        y = [float(r.iloc[0][m]) if len(r) else 0.0 for m in SEX_MEASURES]
        fig.add_trace(go.Bar(x=labels, y=y, name=t(f"scorecard.sex.{sex}", lang),
                             marker_color=colour))
    fig.update_layout(title=f"{t('scorecard.sec.sex', lang)} – {name}", barmode="group",
                      height=360, margin={"t": 50, "l": 60, "r": 10, "b": 60},
                      separators=separators(lang),
                      legend={"orientation": "h", "y": -0.2},
                      yaxis={"title": t("dash.unit.cases", lang), "rangemode": "tozero",
                             "tickformat": ",.0f"})
    return fig


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", node: str | None = None, scenario: str | None = None,
               level: str | None = None, **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        return html.Div([
            dcc.Store(id=ids.LANG, data=lg),
            html.H2(t("scorecard.title", lg)),
            controls(svc, principal, lg, node, scenario=scenario, level_type=level),
            html.Div(id=NOTE, className="note"),
            section(t("scorecard.sec.scorecard", lg), html.Div(id=TBL_SCORECARD),
                    html.Div(t("scorecard.equality_note", lg), className="note")),
            section(t("scorecard.sec.sex", lg), graph(FIG_SEX), html.Div(id=TBL_SEX)),
            section(t("scorecard.sec.forecast_sex", lg), html.Div(id=TBL_FORECAST)),
            section(t("scorecard.sec.kpp", lg), html.Div(id=KPP_NOTE, className="note"),
                    html.Div(id=TBL_KPP)),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Wire the node, scenario and level filter to :func:`followup_view`."""
    @app.callback(
        Output(NOTE, "children"), Output(TBL_SCORECARD, "children"),
        Output(FIG_SEX, "figure"), Output(TBL_SEX, "children"),
        Output(KPP_NOTE, "children"), Output(TBL_KPP, "children"),
        Output(TBL_FORECAST, "children"),
        Input(ids.NODE, "value"), Input(ids.SCENARIO, "value"),
        Input(ids.LEVEL_FILTER, "value"), State(ids.LANG, "data"))
    def _update(node: str, scenario: str, level_type: str, lang: str) -> tuple[Any, ...]:
        lg = lang_of(lang)
        v = followup_view(svc, principal_fn(), node, scenario, level_type, lg)
        return (v["period_note"],
                data_table(v["scorecard"], SCORECARD_COLS, lg, "tbl-fu-scorecard"),
                v["fig_sex"], data_table(v["sex"], SEX_COLS, lg, "tbl-fu-sex"),
                v["kpp_note"], data_table(v["kpp"], KPP_COLS, lg, "tbl-fu-kpp"),
                [html.Div(v["forecast_note"], className="note"),
                 data_table(v["forecast"], FORECAST_COLS, lg, "tbl-fu-forecast")])

    del _update
