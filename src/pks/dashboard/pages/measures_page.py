"""Action-plan page: nodes that need an action plan, the measures register and follow-up.

Warnings name every node the user may see with a deficit or a budget cut and no live
measure on that node. Measures are entered by the owning role (rights checked on the
server by :func:`pks.governance.measures.save_measures`) and exported as Excel or CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html

from pks.dashboard.access import AccessDenied, Principal
from pks.dashboard.components import (
    Col,
    data_table,
    export_buttons,
    fmt_key,
    fmt_num,
    fmt_pct,
    section,
)
from pks.dashboard.data import DataService
from pks.dashboard.pages.common import lang_of, node_names
from pks.dashboard.pages.governance import _nodes, node_dropdown_options
from pks.data.checks import ValidationFailed
from pks.governance.calendar import week_date
from pks.governance.measures import (
    COLUMNS,
    STATUSES,
    action_plan_warnings,
    economy_triggers,
    followup,
    measure_label,
    read_measures,
    save_measures,
)
from pks.governance.roles import GovernanceDenied
from pks.i18n import t
from pks.types import Language

PATH = "/atgardsplaner"
NAME_KEY = "gov.nav.measures"
SEK_PER_MNKR = 1e6

M_NODE = "gov-m-node"
M_ID = "gov-m-id"
M_TITLE = "gov-m-title"
M_OWNER = "gov-m-owner"
M_MNKR = "gov-m-mnkr"
M_YEAR = "gov-m-year"
M_STATUS = "gov-m-status"
M_REALISED = "gov-m-realised"
M_SAVE = "gov-m-save"
M_MSG = "gov-m-msg"
M_TABLES = "gov-m-tables"

WARN_COLS = [Col("name", "gov.col.node"), Col("node_type", "gov.col.level",
                                                 fmt_key("dash.nodetype.")),
             Col("reason", "gov.col.reason", fmt_key("gov.reason.")),
             Col("value_mnkr", "gov.col.value_mnkr", fmt_num(1), True)]
MEASURE_COLS = [Col("measure_id", "gov.col.measure_id"), Col("name", "gov.col.node"),
                Col("owner_body", "gov.col.owner_body"), Col("title", "gov.col.title"),
                Col("effect", "gov.col.effect"), Col("effect_year", "gov.col.effect_year"),
                Col("status", "gov.col.status", fmt_key("gov.mstatus.")),
                Col("realised_mnkr", "gov.col.realised_mnkr", fmt_num(1), True)]
FOLLOWUP_COLS = [Col("name", "gov.col.node"), Col("measures_n", "gov.col.measures_n",
                                                  fmt_num(0), True),
                 Col("unreported_n", "gov.col.unreported_n", fmt_num(0), True),
                 Col("expected_mnkr", "gov.col.expected_mnkr", fmt_num(1), True),
                 Col("realised_mnkr", "gov.col.realised_mnkr", fmt_num(1), True),
                 Col("realised_share_pu", "gov.col.realised_share", fmt_pct(0), True)]


def warnings_frame(svc: DataService, principal: Principal) -> pd.DataFrame:
    """Deficit and budget-cut nodes without a measure, of the nodes the user may see."""
    tree = svc.tree()
    ref = svc.plan_ref(svc.settings.scenario, "tactical")
    plan_cost = svc.plan_tables(ref).get("plan_cost")
    if plan_cost is None:
        return pd.DataFrame(columns=["node_id", "reason", "value", "node_type", "pks_level"])
    trig = economy_triggers(svc.snapshot().data, plan_cost, tree, svc.year(),
                            svc.as_of_week())
    w = action_plan_warnings(trig, read_measures(svc.store), tree)
    return w[w["node_id"].isin(set(_nodes(svc, principal)))].reset_index(drop=True)


def measures_frame(svc: DataService, principal: Principal, lang: Language) -> pd.DataFrame:
    """The register for the nodes the user may see, with the effect as text."""
    m = read_measures(svc.store, _nodes(svc, principal))
    m["name"] = m["node_id"].map(node_names(svc))
    m["effect"] = [measure_label(r, lang) for _, r in m.iterrows()]
    return m


def tables_view(svc: DataService, principal: Principal, lang: Language) -> list[Any]:
    """Warnings, register and follow-up of the year before the budget year and this year."""
    names = node_names(svc)
    w = warnings_frame(svc, principal)
    w["name"] = w["node_id"].map(names)
    w["value_mnkr"] = w["value"] / SEK_PER_MNKR
    m = measures_frame(svc, principal, lang)
    out: list[Any] = [
        html.Div(t("gov.warn.count", lang, n=len(w)) if len(w) else t("gov.warn.none", lang),
                 className="note warn" if len(w) else "note ok", id="gov-warn-count"),
        data_table(w, WARN_COLS, lang, "tbl-gov-warnings"),
        html.H4(t("gov.sec.measures", lang)),
        export_buttons("gov_measures", lang),
        data_table(m, MEASURE_COLS, lang, "tbl-gov-measures", max_rows=500)]
    all_m = read_measures(svc.store)
    seen = set(_nodes(svc, principal))
    for year in sorted({int(y) for y in all_m["effect_year"].dropna()}, reverse=True)[:2]:
        f = followup(all_m, svc.tree(), year)
        f = f[f["node_id"].isin(seen)].copy()
        f["name"] = f["node_id"].map(names)
        out += [html.H4(t("gov.followup.year", lang, year=year)),
                data_table(f, FOLLOWUP_COLS, lang, f"tbl-gov-followup-{year}")]
    return out


def do_save(svc: DataService, principal: Principal, values: dict[str, Any],
            lang: Language) -> html.Div:
    """Save one measure from the form; every problem shown, nothing partial written."""
    row: dict[str, Any] = {c: None for c in COLUMNS}
    year = values.get("effect_year")
    row.update(values)
    node = str(values.get("node_id") or "")
    row.update(pks_level=str(svc.tree().nodes.at[node, "pks_level"])
               if node in svc.tree().nodes.index else "",
               start_date=f"{year}-01-01" if year else None,
               end_date=f"{year}-12-31" if year else None)
    if not row.get("measure_id"):
        row["measure_id"] = f"{node}-{len(read_measures(svc.store)) + 1:03d}"
    try:
        svc.check(principal, node)
        save_measures(svc.store, svc.tree(), principal, pd.DataFrame([row]),
                      action="measure.edit")
    except (GovernanceDenied, AccessDenied) as exc:
        return html.Div(t("gov.denied", lang, detail=str(exc)), className="note warn",
                        id="gov-m-denied")
    except ValidationFailed as exc:
        return html.Div([html.Div(i.message(lang)) for i in exc.issues],
                        className="note warn", id="gov-m-invalid")
    return html.Div(t("gov.form.saved", lang, id=row["measure_id"]), className="note ok",
                    id="gov-m-ok")


def export_tables() -> dict[str, Callable[[DataService, Principal, dict[str, Any]],
                                           pd.DataFrame]]:
    """The measures register for the nodes the user may see."""
    return {"gov_measures": lambda svc, p, state: read_measures(svc.store, _nodes(svc, p))}


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", node: str | None = None, **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        nodes = node_dropdown_options(svc, principal, lg)
        values = [o["value"] for o in nodes]
        start = node if node in values else (svc.default_node(principal) if values else None)
        year = week_date(svc.as_of_week()).year + 1

        def field(label: str, comp: Any) -> html.Div:
            return html.Div([html.Label(t(label, lg)), comp], className="ctl")
        form = section(t("gov.sec.new_measure", lg), html.Div([
            html.Div([html.Label(t("dash.node", lg)), dcc.Dropdown(
                id=M_NODE, options=nodes, value=start, clearable=False)],
                className="ctl ctl-node"),
            field("gov.col.measure_id", dcc.Input(id=M_ID, type="text")),
            field("gov.form.title", dcc.Input(id=M_TITLE, type="text")),
            field("gov.form.owner_body", dcc.Input(id=M_OWNER, type="text")),
            field("gov.form.expected_mnkr", dcc.Input(id=M_MNKR, type="number")),
            field("gov.form.effect_year", dcc.Input(id=M_YEAR, type="number", value=year)),
            field("gov.col.status", dcc.Dropdown(
                id=M_STATUS, options=[{"label": t(f"gov.mstatus.{s}", lg), "value": s}
                                      for s in STATUSES], value="planned", clearable=False)),
            field("gov.form.realised_mnkr", dcc.Input(id=M_REALISED, type="number")),
        ], className="controls"),
            html.Button(t("gov.form.save", lg), id=M_SAVE, className="btn", n_clicks=0),
            dcc.Loading(html.Div(id=M_MSG)), sid="gov-m-form")
        return html.Div([
            dcc.Store(id="lang-store", data=lg),
            dcc.Store(id={"type": "page-state", "page": "measures"}, data={"page": "measures"}),
            html.H2(t("gov.page.measures", lg)),
            form,
            section(t("gov.sec.warnings", lg),
                    html.Div(tables_view(svc, principal, lg), id=M_TABLES), sid="gov-m-list"),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Saving a measure refreshes warnings, register and follow-up."""
    @app.callback(Output(M_MSG, "children"), Output(M_TABLES, "children"),
                  Input(M_SAVE, "n_clicks"), State(M_NODE, "value"), State(M_ID, "value"),
                  State(M_TITLE, "value"), State(M_OWNER, "value"), State(M_MNKR, "value"),
                  State(M_YEAR, "value"), State(M_STATUS, "value"),
                  State(M_REALISED, "value"), State("lang-store", "data"),
                  prevent_initial_call=True)
    def _save(_n: int, node: str, mid: str | None, title: str | None, owner: str | None,
              mnkr: float | None, year: int | None, status: str, realised: float | None,
              lang: str) -> tuple[Any, Any]:
        lg = lang_of(lang)
        principal = principal_fn()
        msg: Any = ""
        if ctx.triggered_id == M_SAVE:
            msg = do_save(svc, principal, {
                "node_id": node, "measure_id": (mid or "").strip() or None, "title": title,
                "owner_body": owner, "expected_mnkr": mnkr, "effect_year": year,
                "status": status, "realised_mnkr": realised}, lg)
        return msg, tables_view(svc, principal, lg)

    del _save
