"""Operative page: this week and the coming weeks for one unit or an area."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from pks.dashboard import figures, ids
from pks.dashboard.access import AccessDenied, Principal
from pks.dashboard.components import (
    Col,
    care_type_label,
    data_table,
    export_buttons,
    fmt_key,
    fmt_num,
    fmt_pct,
    graph,
    kpi_card,
    section,
)
from pks.dashboard.data import DataService, valid_week_or
from pks.dashboard.pages.common import controls, help_panel, lang_of, node_names, plan_note
from pks.data.weeks import add_weeks, week_range
from pks.followup.kpis import deviation_list
from pks.i18n import format_number, format_pct, t
from pks.rules.completeness import Completeness
from pks.types import Language

PATH = "/operativ"
NAME_KEY = "dash.nav.operative"
HISTORY_WEEKS = 8
COMING_WEEKS = 4

DEVIATION_COLS = [
    Col("responsible_name", "dash.col.responsible_name"),
    Col("node_type", "dash.col.node_type", fmt_key("dash.nodetype.")),
    Col("kpi", "dash.col.kpi", fmt_key("dash.kpiname.")),
    Col("value_text", "dash.col.value", numeric=True),
    Col("responsible_role", "dash.col.responsible_role", fmt_key("dash.ownerrole.")),
    Col("responsible_level", "dash.col.responsible_level", fmt_key("dash.pkslevel.")),
]


def kpi_value_text(kpi: str, value: float, lang: Language) -> str:
    """A KPI value as the planner reads it."""
    if pd.isna(value):
        return "–"
    if kpi in ("production", "staffing", "waiting"):
        return ("+" if value > 0 else "") + format_pct(value, lang)
    if kpi == "overtime":
        return format_number(value, lang, 0)
    return format_pct(value, lang)


def deviations_for(svc: DataService, principal: Principal, node: str, scenario: str,
                   first_week: str, last_week: str, level_type: str | None,
                   lang: Language) -> pd.DataFrame:
    """Amber and red KPIs of ``node`` and the nodes of ``level_type`` below it."""
    kpis = svc.kpis(principal, scenario, first_week, last_week, level="tactical")
    keep = set(svc.nodes_below(principal, node, level_type)) | {node}
    dev = deviation_list(kpis[kpis["node_id"].isin(keep)])
    dev["value_text"] = [kpi_value_text(k, v, lang) for k, v in zip(dev["kpi"], dev["value"],
                                                                     strict=True)]
    return dev


SEVERITY = {"red": 0, "amber": 1}
"""Order of the deviation list: red before amber, then the larger deviation first."""

KPI_FILTER = "op-kpi-filter"
"""Id of the deviation table's KPI-kind filter."""

DEV_PAGE = "op-dev-page"
"""Id of the deviation table's page number."""

PAGE_SIZE = 15
"""Rows per page of the deviation table."""

_NODE_ID = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9_.-]*)\)")


def sort_by_severity(dev: pd.DataFrame) -> pd.DataFrame:
    """Deviations red first, then amber; within a light the largest ``|value|`` first."""
    if dev.empty:
        return dev
    key = pd.DataFrame({"light": dev["light"].map(SEVERITY).fillna(len(SEVERITY)),
                        "size": -dev["value"].abs().fillna(0.0)})
    return dev.loc[key.sort_values(["light", "size"], kind="stable").index].reset_index(
        drop=True)


def deviation_counts(dev: pd.DataFrame, lang: Language) -> str:
    """``"Totalt 114: Produktion mot plan 40 (röda 12), ..."``: counts per KPI kind."""
    if dev.empty:
        return t("week.dev.none", lang)
    parts = []
    for kpi, part in dev.groupby("kpi", sort=False):
        parts.append(t("week.dev.count", lang, kpi=t(f"dash.kpi.{kpi}", lang), n=len(part),
                       red=int((part["light"] == "red").sum())))
    return t("week.dev.total", lang, n=len(dev)) + " " + "; ".join(parts)


def page_count(rows: int, page_size: int = PAGE_SIZE) -> int:
    """Pages of ``rows`` rows (at least one): ``ceil(rows / page_size)``."""
    return max(1, -(-rows // page_size))


def deviation_table(dev: pd.DataFrame, lang: Language, kinds: list[str] | None = None,
                    page: int | None = 1) -> html.Div:
    """Counts per KPI kind and one page of the deviations in severity order.

    ``kinds`` keeps only those KPI kinds; ``page`` (1-based, clamped to the pages there
    are) picks rows ``(page−1)·PAGE_SIZE … page·PAGE_SIZE−1``.
    """
    dev = sort_by_severity(dev)
    if kinds:
        dev = dev[dev["kpi"].isin(kinds)].reset_index(drop=True)
    pages = page_count(len(dev))
    p = min(max(int(page or 1), 1), pages)
    shown = dev.iloc[(p - 1) * PAGE_SIZE:p * PAGE_SIZE]
    return html.Div([
        html.P(deviation_counts(dev, lang), id="op-dev-counts"),
        data_table(shown, DEVIATION_COLS, lang, "tbl-op-dev", max_rows=PAGE_SIZE,
                   light_col="light"),
        html.Div(t("week.dev.page", lang, page=p, pages=pages), className="note",
                 id="op-dev-page-info"),
    ])


def kpi_kind_options(lang: Language) -> list[dict[str, str]]:
    """The KPI kinds as filter options."""
    from pks.followup.kpis import KPI_COLUMNS

    return [{"label": t(f"dash.kpi.{k}", lang), "value": k} for k in KPI_COLUMNS]


def _line_ids(line: str) -> set[str]:
    return set(_NODE_ID.findall(line))


def scoped_explanation(lines: list[str], scope: set[str], above: set[str],
                       whole: bool) -> list[tuple[int, str]]:
    """The plan explanation's lines that concern the node: (depth, text without bullet).

    The explanation is an indented outline. ``whole`` (the region) keeps every line. Else
    a line naming a node in ``scope`` (the node and everything below) is kept with its
    details; a line naming only other nodes is dropped with its details; a line naming
    no node, or only nodes ``above`` the selected one, is a heading kept only when a
    line under it is kept. The first line (the solve status) is always kept.
    """
    parsed = []
    for line in lines:
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        text = body[2:] if body.startswith(("– ", "- ", "• ")) else body
        parsed.append((depth, text, _line_ids(line)))

    def walk(i: int) -> tuple[list[tuple[int, str]], int]:
        depth, text, found = parsed[i]
        j = i + 1
        kids: list[tuple[int, str]] = []
        while j < len(parsed) and parsed[j][0] > depth:
            got, j = walk(j)
            kids += got
        if whole or found & scope:
            return [(depth, text), *[(d, x) for d, x in _all(i + 1, j)]], j
        if found - above:
            return [], j
        return ([(depth, text), *kids] if kids else []), j

    def _all(a: int, b: int) -> list[tuple[int, str]]:
        return [(parsed[k][0], parsed[k][1]) for k in range(a, b)]

    out: list[tuple[int, str]] = []
    i = 0
    while i < len(parsed):
        got, i = walk(i)
        out += got
    if parsed and (not out or out[0][1] != parsed[0][1]):
        out.insert(0, (parsed[0][0], parsed[0][1]))
    return out


def explanation_view(lines: list[tuple[int, str]]) -> html.Div:
    """The scoped explanation as an indented list (one bullet per line, no doubles)."""
    return html.Div([html.Div(text, className="explain-line",
                              style={"paddingLeft": f"{1.2 * depth:.1f}em"})
                     for depth, text in lines], className="explain", id="op-explanation")


def kpi_cards(row: pd.Series | None, th: Any, lang: Language) -> list[Any]:
    """The seven KPI cards of a node for the week."""
    if row is None:
        return [html.Div(t("dash.no_data", lang), className="note")]
    n = lambda v, d=0: "–" if pd.isna(v) else format_number(float(v), lang, d)  # noqa: E731
    cards = [
        ("production", t("dash.kpi.detail.production", lang, actual=n(row.get("actual_cases")),
                         plan=n(row.get("plan_reported_cases")))),
        ("waiting", t("dash.kpi.detail.waiting", lang, actual=n(row.get("actual_waiting_cases")),
                      target=n(row.get("plan_reported_target_waiting_cases")))),
        ("past_guarantee", t("dash.kpi.detail.past_guarantee", lang,
                             n=n(row.get("past_guarantee_cases")),
                             max=format_pct(th.past_guarantee_share_max_pu, lang))),
        ("staffing", t("dash.kpi.detail.staffing", lang, actual=n(row.get("actual_total_h")),
                       plan=n(row.get("plan_reported_total_h")),
                       sick=n(row.get("actual_sick_leave_h")),
                       sick_plan=n(row.get("plan_reported_sick_leave_h")))),
        ("overtime", t("dash.kpi.detail.overtime", lang, h=n(row.get("actual_overtime_h")),
                       max=n(th.overtime_h_per_fte_year_max))),
        ("agency", t("dash.kpi.detail.agency", lang,
                     max=format_pct(th.agency_cost_share_max_pu, lang))),
        ("occupancy", t("dash.kpi.detail.occupancy", lang, overflow=n(row.get("overflow_bed_days")),
                        max=format_pct(th.occupancy_max_pu, lang))),
    ]
    from pks.followup.kpis import KPI_COLUMNS

    return [kpi_card(t(f"dash.kpi.{k}", lang), kpi_value_text(k, row.get(KPI_COLUMNS[k]), lang),
                     detail, str(row.get(f"{k}_light", "none")), lang, card_id=f"kpi-{k}")
            for k, detail in cards]


def completeness_note(comp: Completeness, week: str, lang: Language) -> html.Div:
    """Whether every unit under the node has reported ``week``, or how many have."""
    if comp.complete:
        key = "dash.week_complete" if comp.expected_units > 1 else "dash.week_complete_unit"
        return html.Div(t(key, lang, week=week, m=comp.expected_units),
                        className="note ok completeness", id="week-completeness")
    return html.Div(t("dash.week_partial", lang, week=week, n=comp.reported_units,
                      m=comp.expected_units), className="note warn completeness",
                    id="week-completeness")


def operative_view(svc: DataService, principal: Principal, node: str, week: str | None,
                   scenario: str, level_type: str | None, lang: Language) -> dict[str, Any]:
    """Everything the operative page shows for ``node`` in ``week`` (plain function)."""
    svc.check(principal, node)
    week = valid_week_or(svc.default_week(principal, node, scenario), week)
    comp = svc.completeness(principal, node, scenario, week)
    th = svc.thresholds(scenario)
    kpis = svc.kpis(principal, scenario, week, week, level="tactical")
    row_df = kpis[kpis["node_id"] == node]
    row = None if row_df.empty else row_df.iloc[0]
    dev = deviations_for(svc, principal, node, scenario, week, week, level_type, lang)
    weekly = svc.weekly_production(principal, node, scenario, "tactical")
    hist_weeks = week_range(add_weeks(week, -(HISTORY_WEEKS - 1)), week)
    coming_weeks = [add_weeks(week, i) for i in range(1, COMING_WEEKS + 1)]
    hist = weekly[weekly["week"].isin(hist_weeks)]
    coming = weekly[weekly["week"].isin(coming_weeks)][["week", "plan_cases"]]
    ref, prod_sugg, staff_sugg = svc.operative_suggestion(principal, node, scenario,
                                                          COMING_WEEKS)
    names = node_names(svc)
    if not prod_sugg.empty:
        rp = prod_sugg.groupby("week", as_index=False)["production_cases"].sum().rename(
            columns={"production_cases": "replan_cases"})
        coming = coming.merge(rp, on="week", how="outer").sort_values("week")
        prod_sugg = prod_sugg.assign(unit_name=prod_sugg["unit_id"].map(names))
    if not staff_sugg.empty:
        staff_sugg = staff_sugg.assign(unit_name=staff_sugg["unit_id"].map(names))
    beds = svc.weekly_beds(principal, node, scenario, "tactical")
    beds = beds[beds["week"].isin(hist_weeks)]
    return {
        "week": week,
        "completeness": comp,
        "kpis": row_df,
        "cards": [completeness_note(comp, week, lang), *kpi_cards(row, th, lang)],
        "fig_production": figures.operative_production_figure(
            hist, coming, lang, t("dash.fig.production", lang)),
        "fig_beds": figures.beds_figure(beds, th.occupancy_max_pu, lang,
                                        t("dash.fig.beds", lang)),
        "deviations": dev,
        "suggestion": prod_sugg,
        "staff_suggestion": staff_sugg,
        "plan_ref": ref,
        "explanation": _scoped(svc, principal, ref, node, lang),
    }


def _scoped(svc: DataService, principal: Principal, ref: Any, node: str, lang: Language
            ) -> list[tuple[int, str]]:
    tree = svc.tree()
    lines = svc.plan_explanation(principal, ref, lang)
    scope = {node, *tree.descendants(node)}
    return scoped_explanation(lines, scope, set(tree.ancestors(node)), node == tree.root)


def suggestion_tables(svc: DataService, prod: pd.DataFrame, staff: pd.DataFrame,
                      lang: Language) -> html.Div:
    """The re-plan's suggestion: production per care type and week, staff time per category."""
    parts: list[Any] = []
    if not prod.empty:
        # whole cases (the optimiser's largest-remainder rounding) where the plan has them
        value = "production_whole_cases" if "production_whole_cases" in prod else \
            "production_cases"
        pv = prod.pivot_table(index=["unit_name", "care_type"], columns="week",
                              values=value, aggfunc="sum").reset_index()
        weeks = [c for c in pv.columns if c not in ("unit_name", "care_type")]
        pv["total"] = pv[weeks].sum(axis=1)
        cols = [Col("unit_name", "dash.col.unit"),
                Col("care_type", "dash.col.care_type", care_type_label),
                *[Col(w, w, fmt_num(0), True) for w in weeks],
                Col("total", "dash.col.window_total", fmt_num(0), True)]
        parts += [html.H4(t("dash.sugg.production", lang)),
                  data_table(pv, cols, lang, "tbl-sugg-prod")]
    if not staff.empty:
        cats = svc.snapshot().data.staff_categories
        names = dict(zip(cats["staff_category"], cats["name_sv" if lang == "sv" else "name_en"],
                         strict=True))
        st = staff.groupby(["unit_name", "staff_category"], as_index=False)[
            ["own_h", "overtime_h", "agency_h"]].sum()
        st["staff_category"] = st["staff_category"].map(names).fillna(st["staff_category"])
        parts += [html.H4(t("dash.sugg.staff", lang)),
                  data_table(st, [Col("unit_name", "dash.col.unit"),
                                  Col("staff_category", "dash.col.staff_category"),
                                  Col("own_h", "dash.col.own_h", fmt_num(0), True),
                                  Col("overtime_h", "dash.col.overtime_h", fmt_num(0), True),
                                  Col("agency_h", "dash.col.agency_h", fmt_num(0), True)],
                             lang, "tbl-sugg-staff")]
    return html.Div(parts or [html.Div(t("dash.no_rows", lang), className="note")])


def export_tables() -> dict[str, Callable[[DataService, Principal, dict[str, Any]], pd.DataFrame]]:
    """Tables of this page that can be exported (recomputed server-side)."""
    def devs(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        w = valid_week_or(svc.as_of_week(s["scenario"]), s.get("week"))
        return deviations_for(svc, p, s["node"], s["scenario"], w, w, s.get("level_type"),
                              lang_of(s.get("lang")))

    def sugg(svc: DataService, p: Principal, s: dict[str, Any]) -> pd.DataFrame:
        _, prod, staff = svc.operative_suggestion(p, s["node"], s["scenario"], COMING_WEEKS)
        return pd.concat([prod, staff], ignore_index=True)
    return {"op_deviations": devs, "op_suggestion": sugg}


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string (nothing loaded at import)."""
    def layout(lang: str = "sv", node: str | None = None, week: str | None = None,
               scenario: str | None = None, level: str | None = None, **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        sc = scenario or svc.settings.scenario
        as_of = svc.as_of_week(sc)
        start = node or svc.default_node(principal)
        try:
            default = svc.default_week(principal, start, sc)
        except AccessDenied:
            default = as_of
        shown = valid_week_or(default, week)
        weeks = week_range(add_weeks(as_of, -25), as_of)
        week_ctl = html.Div([html.Label(t("dash.week", lg)), dcc.Dropdown(
            id=ids.WEEK, options=[{"label": w, "value": w} for w in reversed(weeks)],
            value=shown, clearable=False)], className="ctl")
        from pks.dashboard.pages.jobs_panel import job_panel

        return html.Div([
            dcc.Store(id=ids.LANG, data=lg), dcc.Store(id=ids.page_state("operative")),
            html.H2(t("dash.page.operative", lg)),
            controls(svc, principal, lg, node, scenario=sc, level_type=level,
                     extra=[week_ctl]),
            html.Div(id=ids.plan_note("operative")),
            help_panel(lg),
            section(t("dash.sec.kpis", lg, week=shown),
                    dcc.Loading(html.Div(id=ids.KPI_CARDS, className="kpis"))),
            html.Div([
                section("", graph(ids.FIG_OP_PRODUCTION)),
                section("", graph(ids.FIG_BEDS)),
            ], className="grid2"),
            section(t("dash.sec.deviations", lg),
                    html.Div(t("dash.responsible_note", lg), className="note"),
                    html.Div([html.Label(t("week.dev.filter", lg)), dcc.Dropdown(
                        id=KPI_FILTER, options=kpi_kind_options(lg), multi=True,
                        placeholder=t("week.dev.all_kinds", lg))], className="ctl"),
                    html.Div([html.Label(t("week.dev.page_label", lg)), dcc.Input(
                        id=DEV_PAGE, type="number", min=1, step=1, value=1,
                        style={"width": "6em"})], className="ctl"),
                    html.Div(id=ids.TBL_OP_DEVIATIONS), export_buttons("op_deviations", lg)),
            section(t("dash.sec.suggestion", lg), html.Div(id=ids.TBL_SUGGESTION),
                    export_buttons("op_suggestion", lg)),
            job_panel(lg, principal),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Wire the page's controls to :func:`operative_view`."""
    @app.callback(
        Output(ids.KPI_CARDS, "children"), Output(ids.FIG_OP_PRODUCTION, "figure"),
        Output(ids.FIG_BEDS, "figure"), Output(ids.TBL_OP_DEVIATIONS, "children"),
        Output(ids.TBL_SUGGESTION, "children"), Output(ids.plan_note("operative"), "children"),
        Output(ids.page_state("operative"), "data"),
        Input(ids.NODE, "value"), Input(ids.WEEK, "value"), Input(ids.SCENARIO, "value"),
        Input(ids.LEVEL_FILTER, "value"), Input(KPI_FILTER, "value"), Input(DEV_PAGE, "value"),
        State(ids.LANG, "data"))
    def _update(node: str, week: str, scenario: str, level_type: str,
                kinds: list[str] | None, page: int | None, lang: str) -> tuple[Any, ...]:
        lg = lang_of(lang)
        v = operative_view(svc, principal_fn(), node, week, scenario, level_type, lg)
        sugg = suggestion_tables(svc, v["suggestion"], v["staff_suggestion"], lg)
        if v["plan_ref"].run_id is None:
            sugg = plan_note(v["plan_ref"], lg, svc.unagreed(v["plan_ref"]))
        elif v["explanation"]:
            sugg = html.Div([sugg, html.Details([
                html.Summary(t("dash.sugg.explanation", lg)),
                explanation_view(v["explanation"])])])
        state = {"page": "operative", "node": node, "week": v["week"], "scenario": scenario,
                 "level_type": level_type, "lang": lg}
        return (v["cards"], v["fig_production"], v["fig_beds"],
                deviation_table(v["deviations"], lg, kinds, page),
                sugg, plan_note(svc.plan_ref(scenario, "tactical"), lg,
                          svc.unagreed(svc.plan_ref(scenario, "tactical"))), state)

    del _update


__all__ = ["PATH", "fmt_pct", "operative_view"]
