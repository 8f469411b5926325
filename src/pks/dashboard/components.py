"""Small view helpers: formatted tables, traffic-light badges and KPI cards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from dash import dcc, html

from pks.i18n import format_number, format_pct, t
from pks.types import Language

Formatter = Callable[[object, Language], str]


def fmt_num(decimals: int = 0) -> Formatter:
    """Swedish (or English) number with ``decimals`` places; blank when missing."""
    def f(v: Any, lang: Language) -> str:
        return "" if v is None or pd.isna(v) else format_number(float(v), lang, decimals)
    return f


def fmt_pct(decimals: int = 1, signed: bool = False) -> Formatter:
    """Share as a percentage (``12,3 %``)."""
    def f(v: Any, lang: Language) -> str:
        if v is None or pd.isna(v):
            return ""
        x = float(v)
        s = format_pct(x, lang, decimals)
        return ("+" + s) if signed and x > 0 else s
    return f


def fmt_msek(v: Any, lang: Language) -> str:
    """Millions of SEK, one decimal."""
    if v is None or pd.isna(v):
        return ""
    return format_number(float(v) / 1e6, lang, 1)


def fmt_text(v: object, lang: Language) -> str:
    """Text as is (blank for missing)."""
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def care_type_label(code: object, lang: Language) -> str:
    """Display name of a care type id (the id itself when the catalogue has no name)."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    key = f"dash.caretype.{code}"
    text = t(key, lang)
    return str(code) if text == key else text


def fmt_key(prefix: str) -> Formatter:
    """Translate a code through the catalogue (``prefix`` + value)."""
    def f(v: Any, lang: Language) -> str:
        return "" if v is None or pd.isna(v) else t(f"{prefix}{v}", lang)
    return f


@dataclass(frozen=True)
class Col:
    """A displayed column: source column, header key and formatter."""

    name: str
    header_key: str
    fmt: Formatter = fmt_text
    numeric: bool = False


def light_badge(light: str, lang: Language) -> html.Span:
    """A coloured dot with the light's name (for screen readers and print)."""
    return html.Span([html.Span(className=f"dot dot-{light}"),
                      html.Span(t(f"dash.light.{light}", lang), className="light-text")],
                     className="light")


def data_table(df: pd.DataFrame, cols: Sequence[Col], lang: Language, table_id: str,
               max_rows: int = 200, light_col: str | None = None) -> html.Div:
    """A plain, readable HTML table of pre-formatted cells (at most ``max_rows`` rows)."""
    head = html.Thead(html.Tr([html.Th(t(c.header_key, lang),
                                       className="num" if c.numeric else "") for c in cols]
                              + ([html.Th(t("dash.col.light", lang))] if light_col else [])))
    rows = []
    for rec in df.head(max_rows).to_dict("records"):
        cells = [html.Td(c.fmt(rec.get(c.name), lang), className="num" if c.numeric else "")
                 for c in cols]
        if light_col:
            cells.append(html.Td(light_badge(str(rec.get(light_col, "none")), lang)))
        rows.append(html.Tr(cells))
    body = html.Tbody(rows)
    note = [] if len(df) <= max_rows else [html.Div(
        t("dash.rows_shown", lang, shown=max_rows, total=len(df)), className="note")]
    if df.empty:
        return html.Div(html.Div(t("dash.no_rows", lang), className="note"), id=table_id)
    return html.Div([html.Table([head, body], className="tbl"), *note], id=table_id,
                    className="tbl-wrap")


def kpi_card(title: str, value: str, detail: str, light: str, lang: Language,
             card_id: str | None = None) -> html.Div:
    """A KPI card with its traffic light."""
    kw: dict[str, Any] = {"id": card_id} if card_id else {}
    return html.Div([
        html.Div([html.Span(className=f"dot dot-{light}"), html.Span(title)],
                 className="kpi-title"),
        html.Div(value, className="kpi-value"),
        html.Div(detail, className="kpi-detail"),
        html.Span(t(f"dash.light.{light}", lang), className="sr-only"),
    ], className=f"kpi kpi-{light}", **kw)


def export_buttons(table_key: str, lang: Language, label_key: str | None = None) -> html.Div:
    """Excel and CSV export buttons for a table (handled by the export callback).

    In English a second CSV button offers the Swedish-spreadsheet dialect (``;`` and
    decimal comma); in Swedish that is the CSV default.
    """
    label = [html.Span(t(label_key, lang) + ":", className="note")] if label_key else []
    semicolon = [html.Button(t("week.export.csv_semicolon", lang), id={
        "type": "export", "table": table_key, "fmt": "csv_semicolon"}, className="btn-small")
    ] if lang == "en" else []
    return html.Div([*label,
        html.Button(t("dash.export_xlsx", lang), id={"type": "export", "table": table_key,
                                                      "fmt": "xlsx"}, className="btn-small"),
        html.Button(t("dash.export_csv", lang), id={"type": "export", "table": table_key,
                                                     "fmt": "csv"}, className="btn-small"),
        *semicolon,
    ], className="export")


def graph(graph_id: str, figure: object | None = None) -> dcc.Graph:
    """A graph with PNG download in the mode bar."""
    return dcc.Graph(id=graph_id, figure=figure or {}, config={
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": graph_id, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"]})


def section(title: str, *children: Any, sid: str | None = None) -> html.Section:
    """A titled card on a page."""
    kw: dict[str, Any] = {"id": sid} if sid else {}
    return html.Section([html.H3(title), *children], className="card", **kw)
