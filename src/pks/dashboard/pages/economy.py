"""Economy page for the regional board and strategists (issue 11, R-44, R-46..R-51).

Financial targets per plan year with traffic lights, the result each year needs, the
balanced-budget restoration schedule (balanskravsutredning), the frame projection by cost
type and the comparison of scenarios on all of these. Numbers come from
:mod:`pks.economy`; this page only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from pks.dashboard.access import Principal
from pks.dashboard.components import (
    Col,
    data_table,
    fmt_key,
    fmt_num,
    fmt_pct,
    fmt_text,
    graph,
    section,
)
from pks.dashboard.data import DataService
from pks.dashboard.pages.common import lang_of, scenario_name, scenario_options
from pks.economy.frames import SEK_PER_MNKR
from pks.i18n import format_number, t, target_set_name
from pks.types import Language

PATH = "/ekonomi"
NAME_KEY = "economy.nav"

SCENARIOS = "econ-scenarios"
LANG = "econ-lang"
MSG = "econ-msg"
TBL_TARGETS = "econ-tbl-targets"
TBL_REQUIRED = "econ-tbl-required"
TBL_RESTORE = "econ-tbl-restore"
TBL_POP = "econ-tbl-pop"
FIG_RESULT = "econ-fig-result"
FIG_FRAMES = "econ-fig-frames"

LIGHT = {"pass": "green", "warn": "amber", "fail": "red", "no_data": "none"}
TARGET_COLS = [
    Col("scenario", "economy.col.scenario"),
    Col("target", "economy.col.target", fmt_key("economy.target.")),
    Col("period", "economy.col.period"),
    Col("value_pu", "economy.col.value", fmt_pct(1), True),
    Col("limit", "economy.col.limit"),
    Col("margin_mnkr", "economy.col.margin_mnkr", fmt_num(0), True),
    Col("verdict", "economy.col.verdict", fmt_key("economy.verdict.")),
    Col("drivers", "economy.col.drivers", fmt_text),
]
REQUIRED_COLS = [
    Col("scenario", "economy.col.scenario"),
    Col("year", "economy.col.year"),
    Col("required_operating_mnkr", "economy.col.required_operating_mnkr", fmt_num(0), True),
    Col("planned_operating_mnkr", "economy.col.planned_operating_mnkr", fmt_num(0), True),
    Col("due_restoration_mnkr", "economy.col.due_restoration_mnkr", fmt_num(0), True),
    Col("reason", "economy.col.reason", fmt_key("economy.reason.")),
    Col("frame_factor_pu", "economy.col.frame_factor_pu", fmt_num(3), True),
]
POP_COLS = [
    Col("scenario", "economy.col.scenario"),
    Col("year", "economy.col.year"),
    Col("delta_persons", "economy.col.delta_persons", fmt_num(0), True),
    Col("revenue_delta_mnkr", "economy.col.revenue_delta_mnkr", fmt_num(0), True),
    Col("need_index_pu", "economy.col.need_index_pu", fmt_num(3), True),
]


def economy_outcomes(svc: DataService, scenarios: list[str],
                     plan_costs: Mapping[str, pd.DataFrame] | None = None) -> dict[str, Any]:
    """Economy outcome per scenario (the store's planning inputs, the instance's economy).

    A scenario with a strategic plan's ``plan_cost`` in ``plan_costs`` has that plan's cost
    as the plans' part of net cost (:meth:`pks.economy.scenario.EconomyScenario.plan_outcome`);
    the others have their frames.
    """
    from pks.economy.scenario import load_economy_scenario

    data = svc.snapshot().data
    costs = plan_costs or {}
    out = {}
    for s in scenarios:
        sc = load_economy_scenario(svc.settings.model_dir, s, data=data)
        out[s] = sc.plan_outcome(costs[s]) if s in costs else sc.outcome()
    return out


def limit_text(v: Any, lang: Language) -> str:
    """A target's limits as text (``1,0 % – 3,0 %``)."""
    pct = fmt_pct(1)
    parts = [pct(v.min_pu, lang) if v.min_pu is not None else "",
             pct(v.max_pu, lang) if v.max_pu is not None else ""]
    return " – ".join(p for p in parts if p)


def economy_view(svc: DataService, scenarios: list[str], lang: Language,
                 plan_costs: Mapping[str, pd.DataFrame] | None = None) -> dict[str, Any]:
    """Everything the economy page shows (plain function).

    ``plan_costs`` as in :func:`economy_outcomes` (the page itself shows the frames).
    """
    from pks.economy.assessment import assessment_table, balanced_budget_assessment

    names = scenarios or ["base"]
    outs = economy_outcomes(svc, names, plan_costs)
    shown = {s: scenario_name(svc, s, lang) for s in outs}
    targets, required, pop, lines = [], [], [], []
    fig = go.Figure()
    for s, o in outs.items():
        ev = o.evaluation
        targets.append(pd.DataFrame([{
            "scenario": shown[s], "target": v.target, "period": v.period, "value_pu": v.value_pu,
            "limit": limit_text(v, lang), "margin_mnkr": v.margin_mnkr, "verdict": v.verdict,
            "light": LIGHT[v.verdict],
            "drivers": ", ".join(f"{t('economy.item.' + i, lang)} "
                                 f"{format_number(a, lang, 0)}" for i, a in v.drivers)}
            for v in ev.verdicts]))
        required.append(o.required.table.assign(scenario=shown[s]))
        pop.append(o.population.table[o.population.table["year"].isin(o.years)].assign(
            scenario=shown[s]))
        lines.append(html.P(f"{shown[s]}: " + t("economy.targets_in_force", lang,
                                                name=target_set_name(ev.target_set, lang),
                                         version=ev.version, date=ev.valid_from.isoformat())
                            + " " + t("economy.action_plan" if ev.action_plan_required
                                      else "economy.no_action_plan", lang)))
        tab = o.budget.table
        fig.add_trace(go.Bar(x=tab["year"], y=tab["operating_result_mnkr"], name=shown[s]))
        req = o.required.table
        required_name = t("economy.col.required_operating_mnkr", lang)
        fig.add_trace(go.Scatter(x=req["year"], y=req["required_operating_mnkr"],
                                 mode="lines+markers", name=f"{shown[s]}: {required_name}"))
    fig.update_layout(title=t("economy.sec.compare", lang) + " – " +
                      t("economy.row.operating_result_mnkr", lang)
                      + f" ({t('economy.unit_mnkr', lang)})",
                      barmode="group", height=380, margin={"t": 50, "l": 50, "r": 10, "b": 40},
                      separators=", " if lang == "sv" else ".,")
    first = outs[names[0]]
    rows = first.projection.rows
    by = rows.groupby(["year", "cost_type"], as_index=False)["uprating_sek"].sum()
    ffig = go.Figure([go.Bar(x=g["year"], y=g["uprating_sek"] / SEK_PER_MNKR,
                             name=t(f"economy.cost_type.{c}", lang))
                      for c, g in by.groupby("cost_type")])
    ffig.update_layout(title=t("economy.sec.frames", lang)
                       + f" – {shown[names[0]]} ({t('economy.unit_mnkr', lang)})",
                       barmode="stack", height=380,
                       margin={"t": 50, "l": 50, "r": 10, "b": 40},
                       separators=", " if lang == "sv" else ".,")
    restore = assessment_table(balanced_budget_assessment(first), lang)
    restore = restore.reset_index(names="row")
    rcols = [Col("row", "economy.unit_mnkr")] + [Col(c, f"{c}", fmt_num(0), True)
                                                  for c in restore.columns if c != "row"]
    return {"messages": lines, "targets": pd.concat(targets, ignore_index=True),
            "required": pd.concat(required, ignore_index=True),
            "population": pd.concat(pop, ignore_index=True), "restore": restore,
            "restore_cols": rcols, "fig_result": fig, "fig_frames": ffig}


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", **_: Any) -> Any:
        from pks.economy.scenario import economy_scenario_names

        lg = lang_of(lang)
        options = economy_scenario_names(svc.settings.model_dir)
        return html.Div([
            dcc.Store(id=LANG, data=lg),
            html.H2(t("economy.title", lg)),
            html.Div([html.Label(t("economy.scenario", lg), htmlFor=SCENARIOS),
                      dcc.Dropdown(options=scenario_options(svc, options, lg),
                                   value=[svc.settings.scenario], multi=True,
                                   id=SCENARIOS)], className="controls"),
            html.Div(id=MSG, className="card"),
            section(t("economy.sec.targets", lg), html.Div(id=TBL_TARGETS)),
            html.Div([section("", graph(FIG_RESULT)), section("", graph(FIG_FRAMES))],
                     className="grid2"),
            section(t("economy.sec.required", lg), html.Div(id=TBL_REQUIRED)),
            section(t("economy.assess.title", lg), html.Div(id=TBL_RESTORE)),
            section(t("economy.sec.population", lg), html.Div(id=TBL_POP)),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Wire the scenario choice to :func:`economy_view`."""
    @app.callback(
        Output(MSG, "children"), Output(TBL_TARGETS, "children"),
        Output(FIG_RESULT, "figure"), Output(FIG_FRAMES, "figure"),
        Output(TBL_REQUIRED, "children"), Output(TBL_RESTORE, "children"),
        Output(TBL_POP, "children"),
        Input(SCENARIOS, "value"), State(LANG, "data"))
    def _update(scenarios: list[str], lang: str) -> tuple[Any, ...]:
        lg = lang_of(lang)
        principal_fn()
        v = economy_view(svc, list(scenarios or []), lg)
        return (v["messages"], data_table(v["targets"], TARGET_COLS, lg, "tbl-econ-targets",
                                          light_col="light"),
                v["fig_result"], v["fig_frames"],
                data_table(v["required"], REQUIRED_COLS, lg, "tbl-econ-required"),
                data_table(v["restore"], v["restore_cols"], lg, "tbl-econ-restore"),
                data_table(v["population"], POP_COLS, lg, "tbl-econ-pop"))

    del _update
