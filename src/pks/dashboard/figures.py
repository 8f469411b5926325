"""Figure builders: pure functions from tidy frames to plotly figures (no data access)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pks.i18n import t
from pks.types import Language

COLORS = {
    "plan": "#1f4e79", "actual": "#2e8b57", "forecast": "#d4862c", "target": "#b22222",
    "frame": "#b22222", "own": "#4a7fb5", "overtime": "#d4862c", "agency": "#8e44ad",
    "sick": "#7f8c8d", "grey": "#95a5a6",
}
SCENARIO_COLORS = ["#1f4e79", "#d4862c", "#2e8b57", "#8e44ad", "#b22222", "#16a085"]
LIGHT_COLORS = {"green": "#2e8b57", "amber": "#e0a100", "red": "#c0392b", "none": "#bdc3c7"}


_GRID = "#e5ecf4"
TEMPLATE: dict[str, object] = {"layout": {
    "paper_bgcolor": "white", "plot_bgcolor": "white",
    "colorway": [COLORS["plan"], COLORS["forecast"], COLORS["actual"], COLORS["agency"],
                 COLORS["target"], "#16a085"],
    "xaxis": {"gridcolor": _GRID, "linecolor": _GRID, "zerolinecolor": _GRID},
    "yaxis": {"gridcolor": _GRID, "linecolor": _GRID, "zerolinecolor": _GRID},
}}
"""A small template: plotly's named templates are deep-copied per figure (≈ 80 ms each)."""


def new_figure() -> go.Figure:
    """An empty figure with the dashboard template."""
    return go.Figure(layout={"template": TEMPLATE})


def separators(lang: Language) -> str:
    """Plotly number separators: decimal comma and thin-space thousands in Swedish."""
    return ", " if lang == "sv" else ".,"


LEGEND_Y = -0.24
"""The legend sits below the x-axis tick labels (paper units), never over them."""


def _base(fig: go.Figure, lang: Language, title: str, y_title: str = "",
          height: int = 320) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}},
        separators=separators(lang), height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": LEGEND_Y, "x": 0, "yanchor": "top"},
        xaxis={"tickangle": 0, "nticks": 7, "automargin": True, "tickfont": {"size": 10.5}},
        yaxis_title=y_title, hovermode="x unified",
        font={"family": "Segoe UI, Helvetica, Arial, sans-serif", "size": 12},
    )
    return fig


def empty_figure(lang: Language, title: str, message_key: str = "dash.no_data") -> go.Figure:
    """A figure that says there is nothing to show (instead of an empty axis)."""
    fig = new_figure()
    fig.add_annotation(text=t(message_key, lang), showarrow=False, x=0.5, y=0.5,
                       xref="paper", yref="paper", font={"size": 14, "color": "#7f8c8d"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, lang, title, height=260)


def production_figure(df: pd.DataFrame, lang: Language, title: str) -> go.Figure:
    """Produced cases (bars) against the plan (line) per period.

    ``df`` has ``period, plan_cases, plan_reported_cases, actual_cases``.
    """
    if df.empty:
        return empty_figure(lang, title)
    fig = new_figure()
    _actual_bars(fig, df, "period", lang)
    fig.add_scatter(x=df["period"], y=df["plan_cases"], name=t("dash.plan", lang),
                    mode="lines+markers", line={"color": COLORS["plan"], "width": 2})
    return _base(fig, lang, title, t("dash.unit.cases", lang))


def _actual_bars(fig: go.Figure, df: pd.DataFrame, x: str, lang: Language) -> None:
    """Actual cases as bars; a period not every unit has reported is drawn pale and labelled.

    A partial week's actuals are the sum of the units that have reported, so a full bar
    would look like a fall in production; the pale bar with "N av M enheter" says why.
    """
    partial = df["partial_weeks"] > 0 if "partial_weeks" in df else pd.Series(False, df.index)
    full = df[~partial]
    fig.add_bar(x=full[x], y=full["actual_cases"], name=t("dash.actual", lang),
                marker_color=COLORS["actual"])
    part = df[partial]
    if len(part):
        text = [t("dash.partial_units", lang, n=int(r), m=int(e))
                if pd.notna(r) and pd.notna(e) else t("dash.partial_period", lang)
                for r, e in zip(part.get("reported_units", pd.Series(np.nan, part.index)),
                                part.get("expected_units", pd.Series(np.nan, part.index)),
                                strict=True)]
        fig.add_bar(x=part[x], y=part["actual_cases"], name=t("dash.actual_partial", lang),
                    marker_color=COLORS["actual"], opacity=0.35, hovertext=text)
        # ISO weeks and YYYY-MM sort as text: keep the axis in time order across both traces
        fig.update_xaxes(categoryorder="category ascending")


def waiting_figure(df: pd.DataFrame, lang: Language, title: str) -> go.Figure:
    """Waiting list against its target, with the patients past the guarantee as bars."""
    if df.empty:
        return empty_figure(lang, title)
    rep = df[df["reported_units"] > 0]
    fig = new_figure()
    fig.add_bar(x=rep["week"], y=rep["past_guarantee_cases"],
                name=t("dash.past_guarantee", lang), marker_color=COLORS["target"], opacity=0.6)
    fig.add_scatter(x=rep["week"], y=rep["actual_waiting_cases"],
                    name=t("dash.waiting_actual", lang), mode="lines+markers",
                    line={"color": COLORS["actual"], "width": 2})
    fig.add_scatter(x=df["week"], y=df["target_waiting_cases"], name=t("dash.waiting_target", lang),
                    mode="lines", line={"color": COLORS["plan"], "dash": "dash"})
    return _base(fig, lang, title, t("dash.unit.patients", lang))


STAFF_ACTUALS = ("actual_own_h", "actual_overtime_h", "actual_agency_h", "actual_sick_leave_h")
"""Reported staff-time columns: a period with none of them above zero is not reported."""


def up_to_last_reported(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The rows up to the last reported one, so actual lines stop there (not drop to 0).

    Reported: ``reported_units`` above zero when the frame has it, else any of ``columns``
    above zero.
    """
    if df.empty:
        return df
    if "reported_units" in df:
        reported = (df["reported_units"] > 0).to_numpy()
    else:
        cols = [c for c in columns if c in df]
        reported = (df[cols].fillna(0.0) > 0).any(axis=1).to_numpy()
    if not reported.any():
        return df.iloc[:0]
    return df.iloc[:int(np.flatnonzero(reported).max()) + 1]


def staff_figure(df: pd.DataFrame, lang: Language, title: str) -> go.Figure:
    """Own hours, overtime and agency (stacked bars) against the planned total (line).

    Actual bars and the actual sick-leave line stop at the last reported period.
    """
    if df.empty:
        return empty_figure(lang, title)
    fig = new_figure()
    act = up_to_last_reported(df, STAFF_ACTUALS)
    for col, key, color in (("actual_own_h", "dash.own_h", COLORS["own"]),
                            ("actual_overtime_h", "dash.overtime_h", COLORS["overtime"]),
                            ("actual_agency_h", "dash.agency_h", COLORS["agency"])):
        fig.add_bar(x=act["period"], y=act[col], name=t(key, lang), marker_color=color)
    fig.add_scatter(x=df["period"], y=df["plan_total_h"], name=t("dash.plan_total_h", lang),
                    mode="lines", line={"color": COLORS["plan"], "width": 2})
    fig.add_scatter(x=act["period"], y=act["actual_sick_leave_h"],
                    name=t("dash.sick_actual", lang), mode="lines",
                    line={"color": COLORS["sick"], "width": 1.5})
    fig.add_scatter(x=df["period"], y=df["plan_sick_leave_h"], name=t("dash.sick_plan", lang),
                    mode="lines", line={"color": COLORS["sick"], "dash": "dot"})
    fig.update_layout(barmode="stack")
    fig.update_xaxes(categoryorder="array", categoryarray=list(df["period"]))
    return _base(fig, lang, title, t("dash.unit.hours", lang))


def cost_figure(monthly: pd.DataFrame, frame_sek: float | None, lang: Language, title: str
                ) -> go.Figure:
    """Cumulative net cost: actual to date, the forecast for the year, the plan and the frame.

    Amounts are shown in millions of SEK.
    """
    if monthly.empty:
        return empty_figure(lang, title)
    months = monthly["month"].astype(int)
    labels = [t(f"dash.month.{m}", lang) for m in months]
    m = 1e6
    fig = new_figure()
    reported = monthly["actual_cost_sek"] > 0
    fig.add_scatter(x=labels, y=monthly["plan_cum_sek"] / m, name=t("dash.plan", lang),
                    mode="lines", line={"color": COLORS["plan"], "dash": "dot"})
    fig.add_scatter(x=labels, y=monthly["forecast_cum_sek"] / m, name=t("dash.forecast", lang),
                    mode="lines+markers", line={"color": COLORS["forecast"], "dash": "dash"})
    fig.add_scatter(x=[lb for lb, r in zip(labels, reported, strict=True) if r],
                    y=(monthly["actual_cum_sek"] / m)[reported], name=t("dash.actual", lang),
                    mode="lines+markers", line={"color": COLORS["actual"], "width": 3})
    if frame_sek is not None and pd.notna(frame_sek):
        fig.add_scatter(x=labels, y=[frame_sek / m] * len(labels), name=t("dash.frame", lang),
                        mode="lines", line={"color": COLORS["frame"], "width": 2})
    return _base(fig, lang, title, t("dash.unit.msek", lang))


PERCENT_AXIS_MAX = 100.0
"""The occupancy axis shows at least 0–100 % (never a truncated 84–90 % window)."""

PERCENT_STEP = 20.0
"""Grid step of the occupancy axis (per cent); the bed-days axis shares its grid lines."""


def nice_step(raw: float) -> float:
    """The smallest whole step of 1, 2 or 5 × 10^k not below ``raw`` (at least 1).

    >>> nice_step(0.3), nice_step(1.9), nice_step(12.8), nice_step(260.0)
    (1.0, 2.0, 20.0, 500.0)
    """
    if not raw > 1.0:
        return 1.0
    exp = 10.0 ** np.floor(np.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * exp >= raw:
            return float(m * exp)
    return float(10.0 * exp)


def beds_figure(df: pd.DataFrame, occupancy_max_pu: float, lang: Language, title: str
                ) -> go.Figure:
    """Bed occupancy (line, per cent) against the target ceiling, overflow bed-days as bars."""
    rep = df[df["reported_units"] > 0] if not df.empty else df
    if rep.empty or rep["plan_reported_staffed_beds"].sum() == 0:
        return empty_figure(lang, title, "dash.no_beds")
    fig = new_figure()
    fig.add_bar(x=rep["week"], y=rep["overflow_bed_days"], name=t("dash.overflow", lang),
                marker_color=COLORS["target"], opacity=0.5, yaxis="y2")
    fig.add_scatter(x=rep["week"], y=100 * rep["occupancy_pu"], name=t("dash.occupancy", lang),
                    mode="lines+markers", line={"color": COLORS["plan"], "width": 2})
    fig.add_scatter(x=rep["week"], y=[100 * occupancy_max_pu] * len(rep),
                    name=t("dash.occupancy_target", lang), mode="lines",
                    line={"color": COLORS["target"], "dash": "dash"})
    intervals = max(int(PERCENT_AXIS_MAX // PERCENT_STEP), int(np.ceil(100 * max(
        float(rep["occupancy_pu"].max()), occupancy_max_pu) / PERCENT_STEP)))
    step = nice_step(float(rep["overflow_bed_days"].max()) / intervals)
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False,
                              "title": t("dash.unit.bed_days", lang),
                              "range": [0, step * intervals], "tickmode": "linear",
                              "tick0": 0, "dtick": step, "tickformat": ",.0f"})
    fig = _base(fig, lang, title, "%")
    fig.update_layout(margin={"r": 70}, yaxis={
        "range": [0, PERCENT_STEP * intervals], "tickmode": "linear", "tick0": 0,
        "dtick": PERCENT_STEP, "ticksuffix": " %"})
    return fig


def demand_capacity_figure(df: pd.DataFrame, names: dict[str, str], lang: Language,
                           title: str) -> go.Figure:
    """Demand against planned production per node, year and scenario (grouped bars)."""
    if df.empty:
        return empty_figure(lang, title, "dash.no_strategic_plan")
    fig = new_figure()
    scen = list(dict.fromkeys(df["scenario"]))
    for i, sc in enumerate(scen):
        d = df[df["scenario"] == sc]
        x = [d["node_id"].map(names).fillna(d["node_id"]), d["year"].astype(str)]
        color = SCENARIO_COLORS[i % len(SCENARIO_COLORS)]
        fig.add_bar(x=x, y=d["production_cases"] + d["external_cases"],
                    name=f"{t('dash.capacity', lang)} – {sc}", marker_color=color)
        fig.add_scatter(x=x, y=d["demand_cases"], name=f"{t('dash.demand', lang)} – {sc}",
                        mode="markers", marker={"symbol": "line-ew-open", "size": 18,
                                                "color": color, "line": {"width": 3}})
    fig.update_layout(barmode="group")
    return _base(fig, lang, title, t("dash.unit.cases_year", lang), height=380)


def fte_figure(df: pd.DataFrame, category_names: dict[str, str], lang: Language, title: str
               ) -> go.Figure:
    """FTE trajectory per staff category; one line style per scenario."""
    if df.empty:
        return empty_figure(lang, title, "dash.no_strategic_plan")
    fig = new_figure()
    dashes = ["solid", "dash", "dot", "dashdot"]
    cats = list(dict.fromkeys(df["staff_category"]))
    for j, sc in enumerate(dict.fromkeys(df["scenario"])):
        for i, c in enumerate(cats):
            d = df[(df["scenario"] == sc) & (df["staff_category"] == c)].sort_values("year")
            fig.add_scatter(x=d["year"].astype(str), y=d["fte"], mode="lines+markers",
                            name=f"{category_names.get(c, c)} – {sc}",
                            line={"color": SCENARIO_COLORS[i % len(SCENARIO_COLORS)],
                                  "dash": dashes[j % len(dashes)]})
    fig = _base(fig, lang, title, t("dash.unit.fte", lang))
    fig.update_xaxes(type="category")
    return fig


def agency_figure(df: pd.DataFrame, target_pu: float, lang: Language, title: str) -> go.Figure:
    """Planned agency-cost share per year and scenario against the target."""
    if df.empty:
        return empty_figure(lang, title, "dash.no_strategic_plan")
    fig = new_figure()
    for i, sc in enumerate(dict.fromkeys(df["scenario"])):
        d = df[df["scenario"] == sc].sort_values("year")
        fig.add_bar(x=d["year"].astype(str), y=100 * d["agency_cost_share_pu"], name=sc,
                    marker_color=SCENARIO_COLORS[i % len(SCENARIO_COLORS)])
    years = sorted(df["year"].astype(str).unique())
    fig.add_scatter(x=years, y=[100 * target_pu] * len(years), name=t("dash.target", lang),
                    mode="lines", line={"color": COLORS["target"], "dash": "dash"})
    fig.update_layout(barmode="group")
    fig = _base(fig, lang, title, "%")
    fig.update_xaxes(type="category")
    return fig


def cost_frame_figure(df: pd.DataFrame, names: dict[str, str], lang: Language, title: str
                      ) -> go.Figure:
    """Planned net cost per node, year and scenario against the frame (MSEK)."""
    if df.empty:
        return empty_figure(lang, title, "dash.no_strategic_plan")
    fig = new_figure()
    for i, sc in enumerate(dict.fromkeys(df["scenario"])):
        d = df[df["scenario"] == sc]
        x = [d["node_id"].map(names).fillna(d["node_id"]), d["year"].astype(str)]
        fig.add_bar(x=x, y=d["net_cost_sek"] / 1e6, name=f"{t('dash.net_cost', lang)} – {sc}",
                    marker_color=SCENARIO_COLORS[i % len(SCENARIO_COLORS)])
    f = df.drop_duplicates(["node_id", "year"])
    f = f[f["frame_sek"].notna()]
    fig.add_scatter(x=[f["node_id"].map(names).fillna(f["node_id"]), f["year"].astype(str)],
                    y=f["frame_sek"] / 1e6, name=t("dash.frame", lang), mode="markers",
                    marker={"symbol": "line-ew-open", "size": 22, "color": COLORS["frame"],
                            "line": {"width": 3}})
    fig.update_layout(barmode="group")
    return _base(fig, lang, title, t("dash.unit.msek", lang), height=380)


def guarantee_figure(df: pd.DataFrame, names: dict[str, str], lang: Language, title: str
                     ) -> go.Figure:
    """Simulated probability of keeping each care-guarantee target, with its interval."""
    if df.empty:
        return empty_figure(lang, title, "dash.no_simulation")
    fig = new_figure()
    for i, sc in enumerate(dict.fromkeys(df["scenario"])):
        d = df[df["scenario"] == sc]
        x = d["node_id"].map(names).fillna(d["node_id"])
        if d["target"].nunique() > 1:
            x = x + " · " + d["target"].astype(str)
        fig.add_bar(x=x, y=100 * d["probability"], name=sc,
                    marker_color=SCENARIO_COLORS[i % len(SCENARIO_COLORS)],
                    error_y={"type": "data", "symmetric": False,
                             "array": 100 * (d["ci_high"] - d["probability"]),
                             "arrayminus": 100 * (d["probability"] - d["ci_low"])})
    fig.update_layout(barmode="group", yaxis_range=[0, 100])
    return _base(fig, lang, title, "%", height=360)


def coverage_figure(df: pd.DataFrame, names: dict[str, str], lang: Language, title: str,
                    max_nodes: int = 20) -> go.Figure:
    """Unit-weeks complete, partial, late and missing per node (stacked horizontal bars).

    Shows the ``max_nodes`` nodes with the lowest coverage (the table lists them all).
    """
    if df.empty:
        return empty_figure(lang, title)
    d = df.sort_values(["coverage_pu", "late"], ascending=[True, False]).head(max_nodes)
    d = d.iloc[::-1]
    y = d["node_id"].map(names).fillna(d["node_id"])
    fig = new_figure()
    for col, color in (("complete", LIGHT_COLORS["green"]), ("partial", LIGHT_COLORS["amber"]),
                       ("late", "#f5cba7"), ("missing", LIGHT_COLORS["red"])):
        fig.add_bar(y=y, x=100 * d[col] / d["unit_weeks"], orientation="h",
                    name=t(f"dash.cov.{col}", lang), marker_color=color,
                    customdata=d[col], hovertemplate="%{customdata} (%{x:.1f} %)")
    fig.update_layout(barmode="stack", hovermode="y unified",
                      yaxis={"automargin": True})
    fig = _base(fig, lang, title, "", height=max(260, 26 * len(d) + 110))
    fig.update_xaxes(title_text=t("dash.cov.share_unit_weeks", lang), range=[0, 100])
    return fig


def operative_production_figure(hist: pd.DataFrame, coming: pd.DataFrame, lang: Language,
                                title: str) -> go.Figure:
    """Recent weeks' production against plan, and the coming weeks' plan and re-plan.

    ``hist`` has ``week, plan_cases, actual_cases, reported_units``; ``coming`` has ``week,
    plan_cases`` (tactical plan) and optionally ``replan_cases`` (operative suggestion).
    """
    if hist.empty and coming.empty:
        return empty_figure(lang, title)
    fig = new_figure()
    _actual_bars(fig, hist[hist["reported_units"] > 0], "week", lang)
    plan = pd.concat([hist[["week", "plan_cases"]], coming[["week", "plan_cases"]]])
    fig.add_scatter(x=plan["week"], y=plan["plan_cases"], name=t("dash.plan", lang),
                    mode="lines+markers", line={"color": COLORS["plan"], "width": 2})
    if "replan_cases" in coming and coming["replan_cases"].notna().any():
        fig.add_scatter(x=coming["week"], y=coming["replan_cases"],
                        name=t("dash.sec.suggestion", lang), mode="lines+markers",
                        line={"color": COLORS["forecast"], "dash": "dash", "width": 2})
    return _base(fig, lang, title, t("dash.unit.cases", lang))
