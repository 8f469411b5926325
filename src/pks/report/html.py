"""The one renderer of the monthly board report (R-19): :class:`BoardReport` → HTML.

:func:`board_report_html` is pure (the content computed by
:func:`pks.followup.board.board_report_content` in, HTML text out; figures are inline SVG
drawn with matplotlib). :mod:`pks.report.pdf` prints that HTML with headless Chromium.
``pks report`` and the dashboard's reporting page both call :func:`render_board_report`.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from pks.followup.board import BoardReport
from pks.i18n import format_number, format_pct, format_sek, t, target_set_name
from pks.report.scorecard import region_scorecard_html, scorecard_reds_html
from pks.rules.lights import KINDS
from pks.types import Language

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

log = logging.getLogger(__name__)


_CSS = """
body{font-family:'Segoe UI',Helvetica,Arial,sans-serif;color:#1b2631;margin:24px;font-size:11pt}
h1{font-size:18pt;margin:0 0 4px 0;color:#1f4e79} h2{font-size:13pt;color:#1f4e79;
border-bottom:2px solid #d6e4f0;padding-bottom:3px;margin-top:22px}
.meta{color:#566573;margin-bottom:12px} table{border-collapse:collapse;width:100%;
margin:6px 0 10px 0;font-size:9.5pt} th{background:#eaf1f8;text-align:left;padding:4px 6px}
td{padding:3px 6px;border-bottom:1px solid #e5e8e8} td.num,th.num{text-align:right;
font-variant-numeric:tabular-nums} .dot{display:inline-block;width:10px;height:10px;
border-radius:50%;margin-right:4px;vertical-align:middle} .green{background:#2e8b57}
.amber{background:#e0a100} .red{background:#c0392b} .none{background:#bdc3c7}
.flagged{background:#7d3c98}
.figs{display:flex;gap:12px;flex-wrap:wrap} .figs svg{max-width:48%;height:auto}
.note{color:#566573;font-size:9pt} @page{size:A4;margin:14mm}
"""


def _esc(x: object) -> str:
    return htmllib.escape("" if x is None or (isinstance(x, float) and pd.isna(x)) else str(x))


def _table(df: pd.DataFrame, cols: list[tuple[str, str, str]], lang: Language) -> str:
    """HTML table; ``cols`` are (column, header, kind).

    ``kind`` is one of text, num0, num1, pct, msek, light or ``key:<catalogue prefix>``.
    """
    head = "".join(f"<th class='{'num' if k.startswith(('num', 'pct', 'msek')) else ''}'>"
                   f"{_esc(h)}</th>" for _, h, k in cols)
    rows = []
    for rec in df.to_dict("records"):
        cells = []
        for c, _, kind in cols:
            v = rec.get(c)
            missing = v is None or (isinstance(v, float) and pd.isna(v))
            if kind == "light":
                lt = "none" if missing else str(v)
                label = _esc(t("dash.light." + lt, lang))
                cells.append(f"<td><span class='dot {lt}'></span>{label}</td>")
            elif kind.startswith("key:"):
                cells.append(f"<td>{'' if missing else _esc(t(kind[4:] + str(v), lang))}</td>")
            elif kind == "text":
                cells.append(f"<td>{_esc(v)}</td>")
            else:
                if missing:
                    s = ""
                elif kind == "pct":
                    s = format_pct(float(v), lang)
                elif kind == "msek":
                    s = format_number(float(v) / 1e6, lang, 1)
                else:
                    s = format_number(float(v), lang, int(kind[-1]))
                cells.append(f"<td class='num'>{_esc(s)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        return f"<p class='note'>{_esc(t('dash.no_rows', lang))}</p>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg"):]


def _dec(lang: Language) -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _p: format_number(v, lang, 0))


def _cost_svg(monthly: pd.DataFrame, frame_sek: float | None, lang: Language) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    x = monthly["month"].astype(int)
    ax.plot(x, monthly["plan_cum_sek"] / 1e6, ":", color="#1f4e79", label=t("dash.plan", lang))
    ax.plot(x, monthly["forecast_cum_sek"] / 1e6, "--", color="#d4862c",
            label=t("dash.forecast", lang))
    rep = monthly["actual_cost_sek"] > 0
    ax.plot(x[rep], monthly["actual_cum_sek"][rep] / 1e6, "-o", color="#2e8b57",
            label=t("dash.actual", lang))
    if frame_sek is not None and pd.notna(frame_sek):
        ax.axhline(frame_sek / 1e6, color="#b22222", label=t("dash.frame", lang))
    ax.set_xticks(range(1, 13), [t(f"dash.month.{m}", lang) for m in range(1, 13)])
    ax.yaxis.set_major_formatter(_dec(lang))
    ax.set_ylabel(t("dash.unit.msek", lang))
    ax.set_title(t("dash.fig.cost", lang), fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    return _svg(fig)


def _production_svg(monthly: pd.DataFrame, lang: Language) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    x = range(len(monthly))
    ax.bar(x, monthly["actual_cases"], color="#2e8b57", label=t("dash.actual", lang))
    ax.plot(x, monthly["plan_cases"], "-o", color="#1f4e79", label=t("dash.plan", lang))
    ax.set_xticks(list(x), [t(f"dash.month.{int(p[-2:])}", lang) for p in monthly["period"]])
    ax.yaxis.set_major_formatter(_dec(lang))
    ax.set_ylabel(t("dash.unit.cases", lang))
    ax.set_title(t("dash.fig.production", lang), fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3, axis="y")
    return _svg(fig)


def _reds_html(rep: BoardReport, lang: Language) -> str:
    """Every red deviation, one table per kind (largest first), with counts per kind."""
    total = sum(rep.red_counts.values())
    parts = [f"<p>{_esc(t('dash.report.reds_summary', lang, n=total))} " + "; ".join(
        f"{_esc(t('dash.kind.' + k, lang))}: {rep.red_counts[k]}" for k in KINDS) + "</p>"]
    for kind in KINDS:
        rows = rep.reds[rep.reds["kind"] == kind].copy()
        heading = t("dash.report.kind_heading", lang, kind=t("dash.kind." + kind, lang),
                    n=len(rows))
        parts.append(f"<h3>{_esc(heading)}</h3>")
        if rows.empty:
            parts.append(f"<p class='note'>{_esc(t('dash.report.no_reds', lang))}</p>")
            continue
        rows["value_text"] = [kpi_value_text(k, v, a, lang) for k, v, a in
                              zip(rows["kpi"], rows["value"], rows["amount_sek"], strict=True)]
        rows["limit_text"] = [kpi_value_text(k, v, float("nan"), lang) for k, v in
                              zip(rows["kpi"], rows["limit"], strict=True)]
        rows["light"] = "red"
        parts.append(_table(rows, [
            ("name", t("dash.col.node", lang), "text"),
            ("kpi", t("dash.col.kpi", lang), "key:dash.kpiname."),
            ("value_text", t("dash.col.value", lang), "text"),
            ("limit_text", t("dash.col.limit", lang), "text"),
            ("responsible_role", t("dash.col.responsible_role", lang), "key:dash.ownerrole."),
            ("responsible_level", t("dash.col.responsible_level", lang), "key:dash.pkslevel."),
            ("light", t("dash.col.light", lang), "light")], lang))
    return "\n".join(parts)


def kpi_value_text(kpi: str, value: float, amount_sek: float, lang: Language) -> str:
    """A KPI value with its unit, as the board reads it."""
    if pd.isna(value):
        return "–"
    if kpi == "overtime":
        return f"{format_number(value, lang, 0)} {t('dash.unit.h_per_fte_year', lang)}"
    if kpi in ("production", "staffing", "waiting", "cost"):
        text = ("+" if value > 0 else "") + format_pct(value, lang)
        if kpi == "cost" and not pd.isna(amount_sek):
            text += f" ({format_sek(amount_sek, lang, 'M')})"
        return text
    return format_pct(value, lang)


def board_report_html(rep: BoardReport, lang: Language = "sv",
                      sections: Sequence[str] = ()) -> str:
    """The monthly board report as one HTML page.

    Production, waiting lists, staff, economy, coverage, every red deviation by kind and
    their count per balanced-scorecard perspective, then
    ``sections`` (HTML fragments from :mod:`pks.report.sections`: the managers' analysis,
    the split by legal sex, KPP and the balanced-budget assessment).
    """
    cost_svg = _cost_svg(rep.cost_monthly, rep.top_frame_sek, lang) \
        if not rep.cost_monthly.empty else ""
    prod_svg = _production_svg(rep.production_monthly, lang) \
        if not rep.production_monthly.empty else ""
    first, last = rep.first_week, rep.last_week
    month_name = t(f"dash.month.{rep.month}", lang)
    title = {"sv": f"Månadsrapport {month_name} {rep.year} – {rep.region_name}",
             "en": f"Monthly report {month_name} {rep.year} – {rep.region_name}"}[lang]
    meta = t("report.meta", lang, first=first, last=last,
             target_set=target_set_name(rep.target_set, lang), version=rep.target_version,
             made=dt.date.today().isoformat())
    comp = rep.month_completeness
    comp_text = t("dash.report.complete_month", lang, m=comp.expected_units) if comp.complete \
        else t("dash.report.partial_month", lang, n=comp.reported_units, m=comp.expected_units)
    h = {"sv": ("Produktion hittills i år", "Väntelistor vid månadens slut",
                "Personal hittills i år", "Ekonomi – helårsprognos mot ram (netto)",
                "Uppföljningens täckning", "Röda avvikelser och vem som äger åtgärden",
                "Enheter med saknade veckor"),
         "en": ("Production year to date", "Waiting lists at month end", "Staff year to date",
                "Economy – year-end net forecast against frame", "Coverage of follow-up",
                "Red deviations and who acts on them", "Units with missing weeks")}[lang]
    node_h = t("dash.col.node", lang)
    cost = rep.cost.assign(frame_note=[
        " ".join(x for x in (
            t("dash.frame_basis.children", lang) if b == "children" else "",
            t("dash.red_below", lang, n=int(n), names=nm) if n else "") if x)
        for b, n, nm in zip(rep.cost["frame_basis"], rep.cost["red_below_count"],
                            rep.cost["red_below_names"], strict=True)])
    gaps = rep.gaps
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{_esc(title)}"
        f"</title><style>{_CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1><div class='meta'>{_esc(meta)} {_esc(comp_text)}</div>",
        f"<div class='figs'>{prod_svg}{cost_svg}</div>",
        f"<h2>{h[0]}</h2>",
        _table(rep.production, [("name", node_h, "text"),
                   ("plan_reported_cases", t("dash.col.plan_cases", lang), "num0"),
                   ("actual_cases", t("dash.col.actual_cases", lang), "num0"),
                   ("production_deviation_pu", t("dash.col.deviation_pu", lang), "pct"),
                   ("production_light", t("dash.col.light", lang), "light")], lang),
        f"<h2>{h[1]}</h2>",
        _table(rep.waiting, [("name", node_h, "text"),
                         ("actual_waiting_cases", t("dash.waiting_actual", lang), "num0"),
                         ("plan_reported_target_waiting_cases", t("dash.waiting_target", lang),
                          "num0"),
                         ("waiting_over_target_pu", t("dash.kpi.waiting", lang), "pct"),
                         ("waiting_light", t("dash.col.light", lang), "light"),
                         ("past_guarantee_cases", t("dash.past_guarantee", lang), "num0"),
                         ("past_guarantee_pu", t("dash.kpi.past_guarantee", lang), "pct"),
                         ("past_guarantee_light", t("dash.col.light", lang), "light")], lang),
        f"<h2>{h[2]}</h2>",
        _table(rep.staff, [("name", node_h, "text"),
                   ("actual_total_h", t("dash.unit.hours", lang), "num0"),
                   ("staffing_deviation_pu", t("dash.kpi.staffing", lang), "pct"),
                   ("overtime_h_per_fte_year", t("dash.kpi.overtime", lang), "num0"),
                   ("overtime_light", t("dash.col.light", lang), "light"),
                   ("agency_cost_share_pu", t("dash.kpi.agency", lang), "pct"),
                   ("agency_light", t("dash.col.light", lang), "light")], lang),
        f"<h2>{h[3]}</h2>",
        _table(cost, [("name", node_h, "text"),
                      ("actual_ytd_sek", t("dash.col.actual_ytd_msek", lang), "msek"),
                      ("forecast_sek", t("dash.col.forecast_msek", lang), "msek"),
                      ("frame_sek", t("dash.col.frame_msek", lang), "msek"),
                      ("children_frame_sek", t("dash.col.children_frame_msek", lang), "msek"),
                      ("frame_gap_sek", t("dash.col.gap_msek", lang), "msek"),
                      ("light", t("dash.col.light", lang), "light"),
                      ("frame_note", t("dash.col.frame_note", lang), "text")], lang),
        f"<p class='note'>{_esc(forecast_note(rep.forecast_method, lang))}</p>",
        f"<h2>{h[4]}</h2>",
        _table(rep.coverage, [("name", node_h, "text"),
                              ("coverage_pu", t("dash.col.coverage", lang), "pct"),
                              ("units_missing", t("dash.col.units_missing", lang), "num0"),
                              ("units_late", t("dash.col.units_late", lang), "num0")], lang),
        f"<h3>{h[6]}</h3>" if len(gaps) else "",
        _table(gaps, [("name", t("dash.col.unit", lang), "text"),
                      ("missing_weeks", t("dash.col.missing_weeks", lang), "num0"),
                      ("missing_list", t("dash.col.missing_list", lang), "text")], lang)
        if len(gaps) else "",
        region_scorecard_html(rep, lang),
        f"<h2>{h[5]}</h2>",
        _reds_html(rep, lang),
        scorecard_reds_html(rep.reds, lang),
        *sections,
        "</body></html>",
    ]
    return "\n".join(parts)


def forecast_note(method: str, lang: Language) -> str:
    """One sentence on how the year-end forecast is made."""
    if method == "run_rate":
        return {"sv": "Prognos: genomsnittlig bokförd veckokostnad hittills gånger årets veckor.",
                "en": "Forecast: mean booked weekly cost so far times the weeks of the year."}[lang]
    return {"sv": "Prognos: bokfört utfall för rapporterade veckor plus planen för årets övriga "
                  "veckor.",
            "en": "Forecast: booked actuals for the reported weeks plus the plan for the other "
                  "weeks of the year."}[lang]


