"""What-if page: change one tactical input and see the plan's answer within a second.

The form takes a changed FTE (unit × staff category), a frame (organisation node, SEK) or
a demand change (unit, optionally one care type, per cent). The answer comes from the
scenario's tactical model kept in this server process and warm-started in HiGHS
(:class:`pks.dashboard.data.WhatIfService`), and is shown as the difference from the
followed (adopted, else newest) tactical plan per unit: cases, case-weeks of care not given
within the guarantee, FTE and net cost in kronor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from pks.dashboard.access import AccessDenied, Principal
from pks.dashboard.components import Col, care_type_label, data_table, fmt_num, section
from pks.dashboard.data import DataService, WhatIfService
from pks.dashboard.pages.common import lang_of, node_names
from pks.dashboard.pages.governance import node_dropdown_options
from pks.i18n import format_number, t
from pks.optimise.whatif import WHATIF_KINDS, WhatIf, WhatIfKind
from pks.types import Language

PATH = "/vad-om"
NAME_KEY = "whatif.nav"

W_KIND = "whatif-kind"
W_TARGET = "whatif-target"
W_DETAIL = "whatif-detail"
W_VALUE = "whatif-value"
W_RUN = "whatif-run"
W_OUT = "whatif-out"

DIFF_COLS = [Col("name", "whatif.col.unit"),
             Col("production_cases", "whatif.col.production_cases", fmt_num(0), True),
             Col("not_given_case_weeks", "whatif.col.not_given_case_weeks", fmt_num(0), True),
             Col("fte", "whatif.col.fte", fmt_num(1), True),
             Col("net_cost_sek", "whatif.col.net_cost_sek", fmt_num(0), True)]
CHANGE_TOLERANCE = 1e-6
"""Differences below this (in every column) are solver noise: the unit is not listed."""


def detail_options(svc: DataService, lang: Language) -> list[dict[str, str]]:
    """Staff categories (for an FTE change) and care types (for a demand change)."""
    d = svc.snapshot().data
    out = [{"label": t(f"staff.{s}", lang), "value": str(s)}
           for s in d.staff_categories["staff_category"]]
    out += [{"label": care_type_label(c, lang), "value": str(c)}
            for c in d.care_types["care_type"]]
    return out


def do_whatif(svc: DataService, wis: WhatIfService, principal: Principal, scenario: str,
              kind: str | None, target: str | None, detail: str | None, value: Any,
              lang: Language) -> html.Div:
    """Answer one what-if from the form; a note listing every problem when it cannot."""
    problems = []
    if kind not in WHATIF_KINDS:
        problems.append(t("whatif.err.kind", lang))
    if not target:
        problems.append(t("whatif.err.target", lang))
    if value is None or value == "":
        problems.append(t("whatif.err.value", lang))
    if problems:
        return html.Div([html.Div(p) for p in problems], className="note warn", id="whatif-err")
    w = WhatIf(cast(WhatIfKind, kind), str(target), float(value), str(detail or ""))
    try:
        ans = wis.ask(principal, scenario, w)
    except AccessDenied as exc:
        return html.Div(t("whatif.err.denied", lang, detail=str(exc)), className="note warn",
                        id="whatif-err")
    except (LookupError, ValueError) as exc:
        return html.Div([html.Div(line) for line in str(exc).splitlines()],
                        className="note warn", id="whatif-err")
    if not ans.result.ok:
        return html.Div(t("whatif.err.status", lang, status=ans.result.status.value),
                        className="note warn", id="whatif-err")
    d = ans.difference
    num = d.drop(columns="unit_id")
    d = d[(num.abs() > CHANGE_TOLERANCE).any(axis=1)].copy()
    d["name"] = d["unit_id"].map(node_names(svc))
    total = pd.DataFrame([{"name": t("whatif.total", lang),
                           **ans.difference.drop(columns="unit_id").sum().to_dict()}])
    shown = pd.concat([d, total], ignore_index=True)
    return html.Div([
        html.Div(t("whatif.summary", lang, n=len(d),
                   s=format_number(ans.result.timings.get("solve", 0.0), lang, 2),
                   its=format_number(ans.result.iterations, lang, 0)), className="note"),
        data_table(shown, DIFF_COLS, lang, "tbl-whatif-diff", max_rows=500)], id="whatif-answer")


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", node: str | None = None, **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        nodes = node_dropdown_options(svc, principal, lg)
        values = [o["value"] for o in nodes]
        start = node if node in values else (values[0] if values else None)
        details = detail_options(svc, lg)  # the first is a staff category: fits the FTE kind

        def field(label: str, comp: Any) -> html.Div:
            return html.Div([html.Label(t(label, lg)), comp], className="ctl")
        form = section(t("whatif.sec.form", lg), html.Div([
            field("whatif.kind", dcc.Dropdown(
                id=W_KIND, options=[{"label": t(f"whatif.kind.{k}", lg), "value": k}
                                    for k in WHATIF_KINDS], value="fte", clearable=False)),
            html.Div([html.Label(t("whatif.target", lg)), dcc.Dropdown(
                id=W_TARGET, options=nodes, value=start, clearable=False)],
                className="ctl ctl-node"),
            field("whatif.detail", dcc.Dropdown(id=W_DETAIL, options=details,
                                                value=details[0]["value"] if details else None)),
            field("whatif.value", dcc.Input(id=W_VALUE, type="number")),
        ], className="controls"),
            html.Div(t("whatif.help", lg), className="note"),
            html.Button(t("whatif.run", lg), id=W_RUN, className="btn", n_clicks=0),
            dcc.Loading(html.Div(id=W_OUT)), sid="whatif-form")
        return html.Div([
            dcc.Store(id="lang-store", data=lg),
            dcc.Store(id={"type": "page-state", "page": "whatif"}, data={"page": "whatif"}),
            html.H2(t("whatif.page", lg)), form])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """The form's button answers the what-if (one kept model per plan run and process)."""
    wis = WhatIfService(svc)

    @app.callback(Output(W_OUT, "children"), Input(W_RUN, "n_clicks"),
                  State(W_KIND, "value"), State(W_TARGET, "value"), State(W_DETAIL, "value"),
                  State(W_VALUE, "value"), State("lang-store", "data"),
                  prevent_initial_call=True)
    def _run(n: int, kind: str | None, target: str | None, detail: str | None, value: Any,
             lang: str) -> Any:
        return do_whatif(svc, wis, principal_fn(), svc.settings.scenario, kind, target,
                         detail, value, lang_of(lang))
