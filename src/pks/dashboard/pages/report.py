"""Reporting page: upload weekly actuals and download the monthly board report."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from pks.dashboard import actuals_template as tpl
from pks.dashboard import ids
from pks.dashboard.access import AccessDenied, Principal
from pks.dashboard.components import Col, data_table, fmt_key, section
from pks.dashboard.data import DataService, board_report
from pks.dashboard.pages.common import help_panel, lang_of
from pks.dashboard.upload import UploadResult, upload_actuals
from pks.data.weeks import week_month, week_year
from pks.i18n import t
from pks.types import Language

PATH = "/rapportering"
NAME_KEY = "dash.nav.report"

ISSUE_COLS = [Col("table", "dash.col.table"), Col("row", "dash.col.row", numeric=True),
              Col("column", "dash.col.column"), Col("message", "dash.col.problem")]


def upload_feedback(result: UploadResult, lang: Language) -> html.Div:
    """What the user sees after an upload: success, or every problem in a table."""
    if result.denied:
        return html.Div(t("dash.upload.denied", lang, detail=result.denied),
                        className="note warn", id="upload-denied")
    if result.issues:
        rows = pd.DataFrame([{"table": i.table, "row": "" if i.row is None else i.row,
                              "column": i.column, "message": i.message(lang)}
                             for i in result.issues])
        return html.Div([html.Div(t("dash.upload.failed", lang, n=len(result.issues)),
                                  className="note warn", id="upload-failed"),
                         data_table(rows, ISSUE_COLS, lang, "tbl-upload-issues", max_rows=500)])
    return html.Div(t("dash.upload.ok", lang, rows=sum(result.saved.values()),
                      tables=", ".join(result.saved)), className="note ok", id="upload-ok")


def month_options(svc: DataService, scenario: str, lang: Language) -> list[dict[str, Any]]:
    """Months of the budget year reached by the actuals, newest first."""
    as_of = svc.as_of_week(scenario)
    year = svc.year(scenario)
    last = week_month(as_of) if week_year(as_of) == year else 12
    return [{"label": f"{t(f'dash.month.{m}', lang)} {year}", "value": m}
            for m in range(last, 0, -1)]


REDS_ID = "report-reds"
RED_COLS = [Col("name", "dash.col.node"), Col("kpi", "dash.col.kpi", fmt_key("dash.kpiname.")),
            Col("value_text", "dash.col.value", numeric=True),
            Col("limit_text", "dash.col.limit", numeric=True),
            Col("responsible_role", "dash.col.responsible_role", fmt_key("dash.ownerrole.")),
            Col("responsible_level", "dash.col.responsible_level", fmt_key("dash.pkslevel."))]


def reds_view(svc: DataService, principal: Principal, scenario: str, year: int, month: int,
              lang: Language) -> html.Div:
    """The month's red deviations on screen: the board report's list, grouped by kind."""
    from pks.report.html import kpi_value_text
    from pks.rules.lights import KINDS

    rep = svc.board_content(principal, scenario, year, month)
    total = sum(rep.red_counts.values())
    parts: list[Any] = [html.P(t("dash.report.reds_summary", lang, n=total) + " " + "; ".join(
        f"{t('dash.kind.' + k, lang)}: {rep.red_counts[k]}" for k in KINDS), id="reds-summary")]
    for kind in KINDS:
        rows = rep.reds[rep.reds["kind"] == kind].copy()
        rows["value_text"] = [kpi_value_text(k, v, a, lang) for k, v, a in
                              zip(rows["kpi"], rows["value"], rows["amount_sek"], strict=True)]
        rows["limit_text"] = [kpi_value_text(k, v, float("nan"), lang) for k, v in
                              zip(rows["kpi"], rows["limit"], strict=True)]
        rows["light"] = "red"
        parts.append(html.Details([
            html.Summary(t("dash.report.kind_heading", lang, kind=t("dash.kind." + kind, lang),
                           n=len(rows))),
            data_table(rows, RED_COLS, lang, f"tbl-reds-{kind}", light_col="light")]))
    return html.Div(parts)


TEMPLATE_DOWNLOAD = "actuals-template-download"
"""Id of the download of the actuals template."""


def template_example(svc: DataService, principal: Principal) -> tpl.ExampleRow:
    """The example row's unit (the user's own, else the first unit) and the next week."""
    from pks.data.weeks import add_weeks

    data = svc.snapshot().data
    units = [u for u in data.unit_ids if not principal.restricted or u in principal.units]
    unit = units[0] if units else (data.unit_ids[0] if data.unit_ids else "")
    week = add_weeks(svc.as_of_week(svc.settings.scenario), 1)
    prod = data.actuals_production
    mine = prod[prod["unit_id"].astype(str) == unit]
    care = str(mine["care_type"].iloc[-1]) if len(mine) else ""
    cats = data.staff_categories["staff_category"].astype(str)
    return tpl.ExampleRow(unit, week, str(cats.iloc[0]) if len(cats) else "", care)


def template_section(svc: DataService, principal: Principal, lang: Language) -> html.Div:
    """Template downloads and the format help (every column's meaning, unit, an example)."""
    example = template_example(svc, principal)
    buttons: list[Any] = [html.Button(t("week.template.xlsx", lang), className="btn",
                                      id={"type": "actuals-template", "fmt": "xlsx",
                                          "table": ""})]
    buttons += [html.Button(t("week.template.csv", lang, table=name), className="btn",
                            id={"type": "actuals-template", "fmt": "csv", "table": name})
                for name in tpl.ACTUALS_TABLES]
    helpdf = tpl.help_frame(lang)
    literal = {t("week.template.col.table", lang), t("week.template.col.name", lang)}
    head = html.Thead(html.Tr([html.Th(c) for c in helpdf.columns]))
    body = html.Tbody([html.Tr([html.Td(html.Code(str(v)) if c in literal else str(v))
                                for c, v in zip(helpdf.columns, r, strict=True)])
                       for r in helpdf.itertuples(index=False)])
    examples = [html.Div([html.Strong(f"{name} – {t('week.template.example', lang)}: "),
                          html.Code(tpl.template_csv(name, lang, example).strip())])
                for name in tpl.ACTUALS_TABLES]
    return html.Div([
        html.H4(t("week.template.heading", lang)),
        html.P(t("week.template.intro", lang)),
        html.Div(buttons, className="controls", id="actuals-template-buttons"),
        html.Details([html.Summary(t("week.template.help_summary", lang)),
                      html.Table([head, body], className="tbl", id="actuals-format-help"),
                      html.Div(examples, id="actuals-format-examples")]),
        dcc.Download(id=TEMPLATE_DOWNLOAD),
    ], id="actuals-template")


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        sc = svc.settings.scenario
        months = month_options(svc, sc, lg)
        report = section(
            t("dash.sec.report", lg),
            html.Div([
                html.Div([html.Label(t("dash.report.month", lg)), dcc.Dropdown(
                    id=ids.REPORT_MONTH, options=months,
                    value=months[0]["value"] if months else None, clearable=False)],
                    className="ctl"),
                html.Button(t("dash.report.html", lg), id=ids.REPORT_HTML, className="btn"),
                html.Button(t("dash.report.pdf", lg), id=ids.REPORT_PDF, className="btn"),
            ], className="controls"),
            dcc.Loading(html.Div(id=ids.REPORT_MSG)), dcc.Download(id=ids.REPORT_DOWNLOAD),
            html.H3(t("dash.sec.reds", lg)), dcc.Loading(html.Div(id=REDS_ID)),
        ) if not principal.restricted else html.Div()
        return html.Div([
            dcc.Store(id=ids.LANG, data=lg),
            html.H2(t("dash.page.report", lg)),
            help_panel(lg),
            html.Div(t("dash.as_of", lg, week=svc.as_of_week(sc)), className="note"),
            section(t("dash.sec.upload", lg),
                    template_section(svc, principal, lg),
                    dcc.Upload(id=ids.UPLOAD, children=html.Div(t("dash.upload.drop", lg)),
                               multiple=True, className="upload"),
                    dcc.Loading(html.Div(id=ids.UPLOAD_RESULT))),
            report,
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Upload and report download."""
    @app.callback(Output(ids.UPLOAD_RESULT, "children"), Input(ids.UPLOAD, "contents"),
                  State(ids.UPLOAD, "filename"), State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _upload(contents: list[str] | None, names: list[str] | None, lang: str) -> Any:
        if not contents:
            return no_update
        result = upload_actuals(svc, principal_fn(), list(contents), list(names or []))
        return upload_feedback(result, lang_of(lang))

    @app.callback(Output(ids.REPORT_DOWNLOAD, "data"), Output(ids.REPORT_MSG, "children"),
                  Input(ids.REPORT_HTML, "n_clicks"), Input(ids.REPORT_PDF, "n_clicks"),
                  State(ids.REPORT_MONTH, "value"), State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _report(_h: int | None, _p: int | None, month: int, lang: str) -> tuple[Any, Any]:
        lg = lang_of(lang)
        sc = svc.settings.scenario
        year = svc.year(sc)
        try:
            text = board_report(svc, principal_fn(), sc, year, int(month), lg)
        except AccessDenied:
            return no_update, html.Div(t("dash.denied", lg), className="note warn")
        fname = f"manadsrapport-{year}-{int(month):02d}"
        if ctx.triggered_id == ids.REPORT_HTML:
            return dcc.send_string(text, f"{fname}.html"), ""
        from pks.report.pdf import html_to_pdf

        try:
            with tempfile.TemporaryDirectory() as tmp:
                out = html_to_pdf(text, Path(tmp) / f"{fname}.pdf")
                payload = dcc.send_bytes(out.read_bytes(), f"{fname}.pdf")
        except (RuntimeError, OSError) as exc:
            return no_update, html.Div(t("dash.report.pdf_failed", lg, error=str(exc)[:200]),
                                       className="note warn")
        return payload, ""

    @app.callback(Output(REDS_ID, "children"), Input(ids.REPORT_MONTH, "value"),
                  State(ids.LANG, "data"))
    def _reds(month: int | None, lang: str) -> Any:
        lg = lang_of(lang)
        if month is None:
            return html.Div(t("dash.no_rows", lg), className="note")
        sc = svc.settings.scenario
        try:
            return reds_view(svc, principal_fn(), sc, svc.year(sc), int(month), lg)
        except AccessDenied:
            return html.Div(t("dash.denied", lg), className="note warn")

    @app.callback(Output(TEMPLATE_DOWNLOAD, "data"),
                  Input({"type": "actuals-template", "fmt": ALL, "table": ALL}, "n_clicks"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _template(clicks: list[int | None], lang: str) -> Any:
        trig = ctx.triggered_id
        if not trig or not any(c for c in clicks if c):
            return no_update
        lg = lang_of(lang)
        example = template_example(svc, principal_fn())
        stem = "veckoutfall" if lg == "sv" else "weekly_actuals"
        if trig["fmt"] == "xlsx":
            return dcc.send_bytes(tpl.template_xlsx(lg, example),
                                  f"{stem}_{example.unit_id}_{example.week}.xlsx")
        table = str(trig["table"])
        return dcc.send_string(tpl.template_csv(table, lg, example),
                               f"{table}_{example.unit_id}_{example.week}.csv")

    del _upload, _report, _reds, _template
