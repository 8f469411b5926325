"""Strategic page: the scenario workbench, scenarios side by side, follow-up coverage (R-16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from pks.dashboard import figures, ids
from pks.dashboard.access import Principal
from pks.dashboard.components import (
    Col,
    data_table,
    export_buttons,
    fmt_key,
    fmt_num,
    fmt_pct,
    fmt_text,
    graph,
    section,
)
from pks.dashboard.data import DataService
from pks.dashboard.pages import workbench_panel
from pks.dashboard.pages.common import controls, help_panel, lang_of, node_names, scenario_label
from pks.i18n import t
from pks.types import Language

PATH = "/strategisk"
NAME_KEY = "dash.nav.strategic"

COVERAGE_COLS = [
    Col("responsible_name", "dash.col.node"),
    Col("node_type", "dash.col.node_type", fmt_key("dash.nodetype.")),
    Col("coverage_pu", "dash.col.coverage", fmt_pct(0), True),
    Col("units_missing", "dash.col.units_missing", fmt_num(0), True),
    Col("units_late", "dash.col.units_late", fmt_num(0), True),
    Col("responsible_role", "dash.col.responsible_role", fmt_key("dash.ownerrole.")),
]
UNIT_COLS = [
    Col("unit_name", "dash.col.unit"),
    Col("last_complete_week", "dash.col.last_complete_week"),
    Col("missing_weeks", "dash.col.missing_weeks", fmt_num(0), True),
    Col("late_weeks", "dash.col.late_weeks", fmt_num(0), True),
    Col("missing_list", "dash.col.missing_list", fmt_text),
]


def coverage_tables(svc: DataService, principal: Principal, node: str, scenario: str,
                    level_type: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coverage per node of ``level_type`` below ``node`` and the units with gaps."""
    by_node, per_unit = svc.coverage(principal, node, scenario)
    keep = set(svc.nodes_below(principal, node, level_type)) | {node}
    by_node = by_node[by_node["node_id"].isin(keep)].sort_values("coverage_pu")
    gaps = per_unit[(per_unit["missing_weeks"] > 0) | (per_unit["late_weeks"] > 0)]
    gaps = gaps.assign(unit_name=gaps["unit_id"].map(node_names(svc)))
    return by_node.reset_index(drop=True), gaps.sort_values(
        "missing_weeks", ascending=False).reset_index(drop=True)


def with_scenario_labels(svc: DataService, comp: dict[str, Any], lang: Language
                         ) -> dict[str, Any]:
    """``comp`` with each table's ``scenario`` column in human names (charts' legends)."""
    from pks.config.user_scenarios import scenario_labels

    labels = scenario_labels(svc.settings.model_dir)

    def relabel(v: Any) -> Any:
        if isinstance(v, pd.DataFrame) and "scenario" in v.columns:
            return v.assign(scenario=[scenario_label(str(s), labels, lang)
                                      for s in v["scenario"]])
        return v
    return {k: relabel(v) for k, v in comp.items()}


def strategic_view(svc: DataService, principal: Principal, node: str, scenarios: list[str],
                   level_type: str | None, lang: Language) -> dict[str, Any]:
    """Everything the strategic page shows (plain function)."""
    svc.check(principal, node)
    scenarios = [s for s in (scenarios or []) if s in svc.scenarios()] or [svc.settings.scenario]
    comp = svc.strategic(principal, node, scenarios)
    shown = with_scenario_labels(svc, comp, lang)
    names = node_names(svc)
    cats = svc.snapshot().data.staff_categories
    cat_names = dict(zip(cats["staff_category"], cats["name_sv" if lang == "sv" else "name_en"],
                         strict=True))
    th = svc.thresholds(scenarios[0])
    cov_nodes, cov_units = coverage_tables(svc, principal, node, scenarios[0], level_type)
    return {
        **comp,
        "fig_demand": figures.demand_capacity_figure(shown["demand"], names, lang,
                                                     t("dash.fig.demand_capacity", lang)),
        "fig_fte": figures.fte_figure(shown["fte"], cat_names, lang, t("dash.fig.fte", lang)),
        "fig_agency": figures.agency_figure(shown["agency"], th.agency_cost_share_max_pu, lang,
                                            t("dash.fig.agency", lang)),
        "fig_cost_frame": figures.cost_frame_figure(shown["cost"], names, lang,
                                                    t("dash.fig.cost_frame", lang)),
        "fig_guarantee": figures.guarantee_figure(shown["guarantee"], names, lang,
                                                  t("dash.fig.guarantee", lang)),
        "fig_coverage": figures.coverage_figure(cov_nodes, names, lang,
                                                t("dash.fig.coverage", lang)),
        "coverage_nodes": cov_nodes, "coverage_units": cov_units,
    }


def export_tables() -> dict[str, Callable[[DataService, Principal, dict[str, Any]], pd.DataFrame]]:
    """Tables of this page that can be exported (recomputed server-side)."""
    def cov(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        return coverage_tables(svc, p, s["node"], s["scenarios"][0], s.get("level_type"))[0]

    def cov_units(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        return coverage_tables(svc, p, s["node"], s["scenarios"][0], s.get("level_type"))[1]

    def comparison(key: str) -> Callable[[DataService, Principal, dict[str, Any]], pd.DataFrame]:
        return lambda svc, p, s: svc.strategic(p, s["node"], s["scenarios"])[key]
    return {"str_coverage": cov, "str_coverage_units": cov_units,
            "str_demand": comparison("demand"), "str_fte": comparison("fte"),
            "str_cost": comparison("cost"), "str_guarantee": comparison("guarantee")}


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", node: str | None = None, level: str | None = None,
               **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        return html.Div([
            dcc.Store(id=ids.LANG, data=lg), dcc.Store(id=ids.page_state("strategic")),
            html.H2(t("dash.page.strategic", lg)),
            help_panel(lg),
            workbench_panel.panel(svc, principal, lg),
            controls(svc, principal, lg, node, level_type=level, multi_scenario=True,
                     scenarios_default=svc.scenarios_with_plans("strategic")),
            html.Div([section("", graph(ids.FIG_DEMAND)), section("", graph(ids.FIG_COST_FRAME))],
                     className="grid2"),
            html.Div([section("", graph(ids.FIG_FTE)), section("", graph(ids.FIG_AGENCY))],
                     className="grid2"),
            section("", graph(ids.FIG_GUARANTEE)),
            html.Div(html.Div([export_buttons(f"str_{k}", lg, f"dash.export.{k}") for k in
                               ("demand", "fte", "cost", "guarantee")],
                              className="exports"), className="card"),
            html.Div([
                section("", graph(ids.FIG_COVERAGE)),
                section(t("dash.sec.coverage_units", lg), html.Div(id=ids.TBL_COVERAGE_UNITS),
                        export_buttons("str_coverage_units", lg)),
            ], className="grid2"),
            section(t("dash.fig.coverage", lg), html.Div(id=ids.TBL_COVERAGE),
                    export_buttons("str_coverage", lg)),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Wire the page's controls to :func:`strategic_view`, and the workbench."""
    workbench_panel.register_callbacks(app, svc, principal_fn)
    @app.callback(
        Output(ids.FIG_DEMAND, "figure"), Output(ids.FIG_FTE, "figure"),
        Output(ids.FIG_AGENCY, "figure"), Output(ids.FIG_COST_FRAME, "figure"),
        Output(ids.FIG_GUARANTEE, "figure"), Output(ids.FIG_COVERAGE, "figure"),
        Output(ids.TBL_COVERAGE, "children"), Output(ids.TBL_COVERAGE_UNITS, "children"),
        Output(ids.page_state("strategic"), "data"),
        Input(ids.NODE, "value"), Input(ids.SCENARIOS, "value"),
        Input(ids.LEVEL_FILTER, "value"), State(ids.LANG, "data"))
    def _update(node: str, scenarios: list[str], level_type: str, lang: str
                ) -> tuple[Any, ...]:
        lg = lang_of(lang)
        v = strategic_view(svc, principal_fn(), node, scenarios, level_type, lg)
        state = {"page": "strategic", "node": node, "scenarios": scenarios or
                 [svc.settings.scenario], "level_type": level_type, "lang": lg}
        return (v["fig_demand"], v["fig_fte"], v["fig_agency"], v["fig_cost_frame"],
                v["fig_guarantee"], v["fig_coverage"],
                data_table(v["coverage_nodes"], COVERAGE_COLS, lg, "tbl-cov"),
                data_table(v["coverage_units"], UNIT_COLS, lg, "tbl-cov-units"), state)

    del _update
