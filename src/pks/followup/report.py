"""The monthly follow-up report for the regional board (R-19): HTML, and PDF via Chromium.

:func:`board_report_html` is pure (tables in, HTML text out; figures are inline SVG drawn
with matplotlib); :func:`html_to_pdf` prints that HTML with headless Chromium.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from pks.data.weeks import week_month, weeks_of_year
from pks.followup.cost import cost_forecast
from pks.followup.coverage import coverage_by_node, unit_coverage, unit_week_coverage
from pks.followup.deviations import production_vs_plan
from pks.followup.kpis import FollowupInputs, cost_lights, deviation_list, node_kpis
from pks.i18n import format_number, format_pct, t
from pks.rules.lights import Thresholds
from pks.types import Language

log = logging.getLogger(__name__)

CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
)

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
.figs{display:flex;gap:12px;flex-wrap:wrap} .figs svg{max-width:48%;height:auto}
.note{color:#566573;font-size:9pt} @page{size:A4;margin:14mm}
"""


def month_last_week(year: int, month: int, as_of_week: str) -> str | None:
    """Last ISO week of ``year`` whose Thursday falls in ``month`` and is ≤ ``as_of_week``."""
    weeks = [w for w in weeks_of_year(year) if week_month(w) == month and w <= as_of_week]
    return weeks[-1] if weeks else None


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


def _svg(fig: object) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")  # type: ignore[attr-defined]
    import matplotlib.pyplot as plt

    plt.close(fig)  # type: ignore[arg-type]
    text = buf.getvalue()
    return text[text.find("<svg"):]


def _dec(lang: Language) -> object:
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
    ax.yaxis.set_major_formatter(_dec(lang))  # type: ignore[arg-type]
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
    ax.yaxis.set_major_formatter(_dec(lang))  # type: ignore[arg-type]
    ax.set_ylabel(t("dash.unit.cases", lang))
    ax.set_title(t("dash.fig.production", lang), fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3, axis="y")
    return _svg(fig)


def board_report_html(fi: FollowupInputs, th: Thresholds, *, year: int, month: int,
                      region_name: str, lang: Language = "sv",
                      forecast_method: str = "plan", grace_weeks: int = 1,
                      node_type: str = "division") -> str:
    """The monthly board report as one HTML page.

    Production, waiting lists, staff, economy and coverage per ``node_type`` (divisions by
    default) and the region, year to date up to ``month``.

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
    assert root is not None
    show = [root, *nodes.loc[nodes["node_type"] == node_type, "node_id"].tolist()]
    names = dict(zip(nodes["node_id"], nodes["name"], strict=True))

    k = node_kpis(fi, first, last, th)
    k = k.set_index("node_id").reindex(show).reset_index()
    k["name"] = k["node_id"].map(names)
    month_k = node_kpis(fi, last, last, th).set_index("node_id").reindex(show).reset_index()
    month_k["name"] = month_k["node_id"].map(names)

    monthly, annual = cost_forecast(fi.plan_table("plan_cost"), d.actuals_unit,
                                    d.budget_frames, tree, d.unit_ids, year, last,
                                    forecast_method)  # type: ignore[arg-type]
    annual["light"] = cost_lights(annual, th)
    frame_nodes = set(d.budget_frames.loc[d.budget_frames["year"] == year, "node_id"])
    cost_rows = annual[annual["node_id"].isin(set(show) | frame_nodes)].copy()
    cost_rows["name"] = cost_rows["node_id"].map(names)

    acts = {"actuals_production": d.actuals_production, "actuals_staff": d.actuals_staff,
            "actuals_unit": d.actuals_unit}
    uw = unit_week_coverage(acts, d.unit_ids, first, last, grace_weeks)
    cov = coverage_by_node(uw, tree).set_index("node_id").reindex(show).reset_index()
    cov["name"] = cov["node_id"].map(names)
    gaps = unit_coverage(uw)
    gaps = gaps[gaps["missing_weeks"] > 0].copy()
    gaps["name"] = gaps["unit_id"].map(names)

    prod_m = production_vs_plan(fi.plan_table("plan_production"), d.actuals_production, tree,
                                period="month", first_week=first, last_week=last)
    prod_m = prod_m[prod_m["node_id"] == root]

    reds = deviation_list(node_kpis(fi, first, last, th))
    reds = reds[reds["light"] == "red"].head(25)

    region_frame = annual.loc[annual["node_id"].isin(frame_nodes)]
    top_frame = region_frame.iloc[0]["frame_sek"] if len(region_frame) else None
    top_node = region_frame.iloc[0]["node_id"] if len(region_frame) else root
    cost_svg = _cost_svg(monthly[monthly["node_id"] == top_node], top_frame, lang)
    prod_svg = _production_svg(prod_m, lang) if not prod_m.empty else ""

    month_name = t(f"dash.month.{month}", lang)
    title = {"sv": f"Månadsrapport {month_name} {year} – {region_name}",
             "en": f"Monthly report {month_name} {year} – {region_name}"}[lang]
    meta = {"sv": f"Utfall vecka {first}–{last}. Målversion {th.target_set} v{th.version}. "
                  f"Skapad {dt.date.today().isoformat()}.",
            "en": f"Actuals weeks {first}–{last}. Target set {th.target_set} v{th.version}. "
                  f"Made {dt.date.today().isoformat()}."}[lang]
    h = {"sv": ("Produktion hittills i år", "Väntelistor vid månadens slut",
                "Personal hittills i år", "Ekonomi – helårsprognos mot ram",
                "Uppföljningens täckning", "Röda avvikelser och vem som äger åtgärden",
                "Enheter med saknade veckor"),
         "en": ("Production year to date", "Waiting lists at month end", "Staff year to date",
                "Economy – year-end forecast against frame", "Coverage of follow-up",
                "Red deviations and who acts on them", "Units with missing weeks")}[lang]
    node_h = t("dash.col.node", lang)
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{_esc(title)}"
        f"</title><style>{_CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1><div class='meta'>{_esc(meta)}</div>",
        f"<div class='figs'>{prod_svg}{cost_svg}</div>",
        f"<h2>{h[0]}</h2>",
        _table(k, [("name", node_h, "text"),
                   ("plan_reported_cases", t("dash.col.plan_cases", lang), "num0"),
                   ("actual_cases", t("dash.col.actual_cases", lang), "num0"),
                   ("production_deviation_pu", t("dash.col.deviation_pu", lang), "pct"),
                   ("production_light", t("dash.col.light", lang), "light")], lang),
        f"<h2>{h[1]}</h2>",
        _table(month_k, [("name", node_h, "text"),
                         ("actual_waiting_cases", t("dash.waiting_actual", lang), "num0"),
                         ("plan_reported_target_waiting_cases", t("dash.waiting_target", lang),
                          "num0"),
                         ("past_guarantee_cases", t("dash.past_guarantee", lang), "num0"),
                         ("past_guarantee_pu", t("dash.kpi.past_guarantee", lang), "pct"),
                         ("past_guarantee_light", t("dash.col.light", lang), "light")], lang),
        f"<h2>{h[2]}</h2>",
        _table(k, [("name", node_h, "text"),
                   ("actual_total_h", t("dash.unit.hours", lang), "num0"),
                   ("staffing_deviation_pu", t("dash.kpi.staffing", lang), "pct"),
                   ("overtime_h_per_fte_year", t("dash.kpi.overtime", lang), "num0"),
                   ("overtime_light", t("dash.col.light", lang), "light"),
                   ("agency_cost_share_pu", t("dash.kpi.agency", lang), "pct"),
                   ("agency_light", t("dash.col.light", lang), "light")], lang),
        f"<h2>{h[3]}</h2>",
        _table(cost_rows, [("name", node_h, "text"),
                           ("actual_ytd_sek", t("dash.col.actual_ytd_msek", lang), "msek"),
                           ("forecast_sek", t("dash.col.forecast_msek", lang), "msek"),
                           ("frame_sek", t("dash.col.frame_msek", lang), "msek"),
                           ("frame_gap_sek", t("dash.col.gap_msek", lang), "msek"),
                           ("light", t("dash.col.light", lang), "light")], lang),
        f"<p class='note'>{_esc(forecast_note(forecast_method, lang))}</p>",
        f"<h2>{h[4]}</h2>",
        _table(cov, [("name", node_h, "text"), ("coverage_pu", t("dash.col.coverage", lang), "pct"),
                     ("units_missing", t("dash.col.units_missing", lang), "num0"),
                     ("units_late", t("dash.col.units_late", lang), "num0")], lang),
        f"<h3>{h[6]}</h3>" if len(gaps) else "",
        _table(gaps, [("name", t("dash.col.unit", lang), "text"),
                      ("missing_weeks", t("dash.col.missing_weeks", lang), "num0"),
                      ("missing_list", t("dash.col.missing_list", lang), "text")], lang)
        if len(gaps) else "",
        f"<h2>{h[5]}</h2>",
        _table(reds.assign(value_pct=reds["value"]),
               [("responsible_name", t("dash.col.responsible_name", lang), "text"),
                ("kpi", t("dash.col.kpi", lang), "key:dash.kpiname."),
                ("responsible_role", t("dash.col.responsible_role", lang), "key:dash.ownerrole."),
                ("responsible_level", t("dash.col.responsible_level", lang), "key:dash.pkslevel."),
                ("light", t("dash.col.light", lang), "light")], lang),
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


def find_chromium() -> str | None:
    """Path of a Chromium executable (``PKS_CHROMIUM`` or the usual names)."""
    env = os.environ.get("PKS_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def html_to_pdf(html_text: str, out: str | Path, chromium: str | None = None,
                timeout_s: float = 60.0) -> Path:
    """Print HTML to PDF with headless Chromium (``--print-to-pdf``).

    Raises
    ------
    RuntimeError
        If Chromium is missing or fails.
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise RuntimeError("Chromium not found (install the chromium package or set "
                           "PKS_CHROMIUM)")
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="pks-report-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html_text, encoding="utf-8")
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                              check=False)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-500:]}")
    return out
