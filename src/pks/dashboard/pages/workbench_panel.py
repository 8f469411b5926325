"""The strategist's scenario workbench: make a scenario, run it, compare it, save the analysis.

* **Make** — a form of six levers (:mod:`pks.config.user_scenarios`); every bad field is
  named at once; a valid scenario is written to the instance's user scenario file, where
  ``pks plan --scenario`` and ``pks sweep`` find it too.
* **Run** — forecast, strategic plan and simulation of the chosen scenarios as a background
  job (Dash background callback, as the job panel), each kept in the store as a
  one-scenario sweep (:mod:`pks.sweep.compare`), so only scenarios not yet run are computed.
* **Compare** — two to four scenarios by their human names: a table of differences against
  the first (cost, FTE per category, agency share, care not given, simulated probability of
  meeting the care guarantee), with each scenario's financial-target verdicts in its compared
  year (value, target, met / not met: :mod:`pks.economy` evaluating the scenario's strategic
  plan cost, as :func:`pks.dashboard.pages.economy.economy_outcomes` does for the economy
  page), and bar charts of the same measures.
* **Save** — the comparison with a written narrative as an in-depth analysis
  (:mod:`pks.governance.analyses`, R-21), reopened from a list.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from pks.config.user_scenarios import (
    ScenarioForm,
    form_overrides,
    form_problems,
    save_user_scenario,
    scenario_labels,
)
from pks.dashboard import figures, ids
from pks.dashboard.access import Principal
from pks.dashboard.components import fmt_pct, section
from pks.dashboard.data import DataService
from pks.dashboard.pages.common import lang_of, node_names, scenario_label
from pks.dashboard.pages.economy import LIGHT, economy_outcomes, limit_text
from pks.i18n import format_number, t
from pks.sweep.compare import DIFF_PREFIX, difference_table
from pks.types import Language

if TYPE_CHECKING:
    from pks.economy.verdicts import TargetVerdict

Verdicts = Mapping[str, Sequence["TargetVerdict"]]
"""Scenario → its financial-target verdicts in its compared year."""

COMPARE_MIN, COMPARE_MAX = 2, 4
PERCENT = 100.0
PCT_MEASURES = frozenset({"agency_share_pu", "guarantee_probability_pu"})
"""Shares shown in % (the rest in their own unit)."""
DECIMALS = {"cost_mnkr": 1, "agency_share_pu": 1, "guarantee_probability_pu": 1,
            "unmet_cases": 0}
FTE_DECIMALS = 1
ID = "wb-"
FIELDS = ("name", "label", "population", "agency_change_pct", "frame_change_pct",
          "frame_nodes", "efficiency_pct", "staffing_change_pct", "target_set")


def _id(name: str) -> str:
    return f"{ID}{name.replace('_', '-')}"


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(str(value).replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return math.nan


def read_form(values: Sequence[Any]) -> ScenarioForm:
    """The form's field values (in :data:`FIELDS` order) as a :class:`ScenarioForm`."""
    v = dict(zip(FIELDS, values, strict=True))
    return ScenarioForm(
        name=str(v["name"] or "").strip(), label=str(v["label"] or "").strip(),
        population=v["population"] or None, target_set=v["target_set"] or None,
        agency_change_pct=_num(v["agency_change_pct"]),
        frame_change_pct=_num(v["frame_change_pct"]),
        frame_nodes=tuple(v["frame_nodes"] or ()),
        efficiency_pct=_num(v["efficiency_pct"]),
        staffing_change_pct=_num(v["staffing_change_pct"]))


def _choices(svc: DataService) -> tuple[list[str], list[str]]:
    d = svc.snapshot().data
    pops = sorted(d.population["scenario"].astype(str).unique())
    targets = sorted(d.targets["target_set"].astype(str).unique())
    return pops, targets


def measure_label(measure: str, lang: Language, cat_names: dict[str, str]) -> str:
    """Human name of a difference-table measure, with its unit."""
    if measure.startswith("fte_"):
        cat = measure[len("fte_"):]
        return t("sweep.col.fte", lang, category=cat_names.get(cat, cat))
    return t(f"sweep.col.{measure}", lang)


def _cell(measure: str, value: float, lang: Language, signed: bool = False) -> str:
    if pd.isna(value):
        return "–"
    scale = PERCENT if measure in PCT_MEASURES else 1.0
    decimals = FTE_DECIMALS if measure.startswith("fte_") else DECIMALS.get(measure, 1)
    text = format_number(scale * value, lang, decimals)
    return f"+{text}" if signed and value > 0 else text


def scenario_verdicts(svc: DataService, rows: pd.DataFrame,
                      plan_costs: Mapping[str, pd.DataFrame]) -> dict[str, tuple[Any, ...]]:
    """Financial-target verdicts of each compared scenario with a plan and its stored cost.

    The economy page's outcome of the scenario with its strategic plan's cost
    (:func:`pks.dashboard.pages.economy.economy_outcomes`), one verdict per target in the
    scenario's compared year (the ``year`` of its comparison row).
    """
    planned = rows[rows["status"] == "optimal"] if "status" in rows else rows
    if planned.empty or "year" not in planned:
        return {}
    years = dict(zip(planned["scenario"].astype(str), planned["year"].astype(int),
                     strict=True))
    names = [s for s in years if s in plan_costs]
    outs = economy_outcomes(svc, names, {s: plan_costs[s] for s in names})
    return {s: o.evaluation.in_year(years[s]) for s, o in outs.items()}


def _verdict_cell(v: TargetVerdict | None, lang: Language) -> html.Td:
    if v is None:
        return html.Td("–", className="num")
    value = fmt_pct(1)(v.value_pu, lang) or "–"
    text = " · ".join([value, t("workbench.verdict.limit", lang, limit=limit_text(v, lang)),
                       t(f"economy.verdict.{v.verdict}", lang)])
    return html.Td([html.Span(className=f"dot dot-{LIGHT[v.verdict]}"), " ", text],
                   className=f"num verdict verdict-{v.verdict}")


def _verdict_rows(scen: Sequence[str], verdicts: Verdicts, lang: Language) -> list[html.Tr]:
    """One row per financial target: each scenario's verdict, Δ value in percentage points."""
    by = {s: {v.target: v for v in verdicts.get(s, ())} for s in scen}
    targets = list(dict.fromkeys(g for s in scen for g in by[s]))
    out = []
    for g in targets:
        first = next(by[s][g] for s in scen if g in by[s])
        label = t("workbench.verdict.row", lang, target=t(f"economy.target.{g}", lang),
                  period=first.period)
        cells = [html.Td(label), *[_verdict_cell(by[s].get(g), lang) for s in scen]]
        base = by[scen[0]].get(g)
        for s in scen[1:]:
            v = by[s].get(g)
            if base is None or v is None or base.value_pu is None or v.value_pu is None:
                cells.append(html.Td("–", className="num"))
                continue
            d = PERCENT * (v.value_pu - base.value_pu)
            text = format_number(d, lang, 1)
            cells.append(html.Td(f"{'+' if d > 0 else ''}{text} "
                                 f"{t('workbench.unit.pp', lang)}", className="num"))
        out.append(html.Tr(cells, className="verdict-row"))
    return out


def difference_view(rows: pd.DataFrame, labels: dict[str, str], cat_names: dict[str, str],
                    lang: Language, verdicts: Verdicts | None = None,
                    verdict_note: str = "") -> html.Div:
    """The table of differences (measures × scenarios, Δ against the first) as HTML.

    ``verdicts`` (:func:`scenario_verdicts`) add one row per financial target;
    ``verdict_note`` says why some or all are missing.
    """
    if rows.empty:
        return html.Div(t("workbench.no_results", lang), className="note", id="wb-diff")
    diff = difference_table(rows)
    scen = [str(s) for s in rows["scenario"]]
    first = scen[0]
    head = [html.Th(t("workbench.col.measure", lang))]
    head += [html.Th(scenario_label(s, labels, lang), className="num") for s in scen]
    head += [html.Th(t("workbench.col.diff", lang, scenario=scenario_label(s, labels, lang),
                       base=scenario_label(first, labels, lang)), className="num")
             for s in scen[1:]]
    body = []
    for rec in diff.to_dict("records"):
        m = str(rec["measure"])
        cells = [html.Td(measure_label(m, lang, cat_names))]
        cells += [html.Td(_cell(m, rec[s], lang), className="num") for s in scen]
        cells += [html.Td(_cell(m, rec[f"{DIFF_PREFIX}{s}"], lang, signed=True),
                          className="num") for s in scen[1:]]
        body.append(html.Tr(cells))
    body += _verdict_rows(scen, verdicts or {}, lang)
    foot = [html.Tfoot(html.Tr(html.Td(verdict_note, colSpan=len(head), className="note",
                                       id="wb-verdict-note")))] if verdict_note else []
    return html.Div(html.Table([html.Thead(html.Tr(head)), html.Tbody(body), *foot],
                               className="tbl"), className="tbl-wrap", id="wb-diff")


def _bar_figure(rows: pd.DataFrame, measures: Sequence[str], names: Sequence[str],
                labels: dict[str, str], lang: Language, title: str, y_title: str
                ) -> go.Figure:
    if rows.empty:
        return figures.empty_figure(lang, title)
    fig = figures.new_figure()
    x = [scenario_label(str(s), labels, lang) for s in rows["scenario"]]
    for k, (m, name) in enumerate(zip(measures, names, strict=True)):
        scale = PERCENT if m in PCT_MEASURES else 1.0
        fig.add_bar(x=x, y=(rows[m].astype(float) * scale).tolist(), name=name,
                    marker_color=figures.SCENARIO_COLORS[k % len(figures.SCENARIO_COLORS)])
    figures._base(fig, lang, title, y_title)  # noqa: SLF001 - the shared figure layout
    fig.update_layout(barmode="group", hovermode="closest", showlegend=len(measures) > 1)
    fig.update_yaxes(rangemode="tozero")
    return fig


def comparison_figures(rows: pd.DataFrame, labels: dict[str, str], cat_names: dict[str, str],
                       lang: Language) -> list[go.Figure]:
    """Bar charts per scenario: cost, FTE per category, agency share, care guarantee."""
    ftes = sorted(c for c in rows.columns if c.startswith("fte_"))
    return [
        _bar_figure(rows, ["cost_mnkr"], [t("sweep.col.cost_mnkr", lang)], labels, lang,
                    t("workbench.fig.cost", lang), t("workbench.unit.mnkr", lang)),
        _bar_figure(rows, ftes, [cat_names.get(c[4:], c[4:]) for c in ftes], labels, lang,
                    t("workbench.fig.fte", lang), t("workbench.unit.fte", lang)),
        _bar_figure(rows, ["agency_share_pu"], [t("sweep.col.agency_share_pu", lang)], labels,
                    lang, t("workbench.fig.agency", lang), "%"),
        _bar_figure(rows, ["guarantee_probability_pu"],
                    [t("sweep.col.guarantee_probability_pu", lang)], labels, lang,
                    t("workbench.fig.guarantee", lang), "%"),
    ]


def _field(label_key: str, control: Any, lang: Language, name: str) -> html.Div:
    return html.Div([html.Label(t(label_key, lang), htmlFor=_id(name)), control,
                     html.Div(id=_id(name) + "-err", className="field-err")],
                    className="field")


def _number(name: str) -> dcc.Input:
    return dcc.Input(id=_id(name), type="number", debounce=True, step="any")


def panel(svc: DataService, principal: Principal, lang: Language) -> html.Div:
    """The workbench's layout (form, comparison, analyses)."""
    pops, targets = _choices(svc)
    labels = scenario_labels(svc.settings.model_dir)
    scen = svc.scenarios()
    opts = [{"label": scenario_label(s, labels, lang), "value": s} for s in scen]
    nodes = node_names(svc)
    node_opts = [{"label": n, "value": k} for k, n in nodes.items()]
    form = html.Div([
        _field("workbench.f.name", dcc.Input(id=_id("name"), type="text",
               placeholder=t("workbench.f.name_example", lang)), lang, "name"),
        _field("workbench.f.label", dcc.Input(id=_id("label"), type="text"), lang, "label"),
        _field("workbench.f.population", dcc.Dropdown(
            [{"label": scenario_label(f"pop_{p}", {}, lang), "value": p} for p in pops],
            id=_id("population")), lang, "population"),
        _field("workbench.f.agency", _number("agency_change_pct"), lang,
               "agency_change_pct"),
        _field("workbench.f.frame", _number("frame_change_pct"), lang,
               "frame_change_pct"),
        _field("workbench.f.frame_nodes", dcc.Dropdown(node_opts, id=_id("frame_nodes"),
               multi=True), lang, "frame_nodes"),
        _field("workbench.f.efficiency", _number("efficiency_pct"), lang,
               "efficiency_pct"),
        _field("workbench.f.staffing", _number("staffing_change_pct"), lang,
               "staffing_change_pct"),
        _field("workbench.f.target_set", dcc.Dropdown(
            [{"label": t(f"workbench.target.{x}", lang), "value": x} for x in targets],
            id=_id("target_set")), lang, "target_set"),
        html.Button(t("workbench.save", lang), id=_id("save"), className="btn",
                    disabled=not principal.may_run),
        html.Div(id=_id("msg"), className="note"),
    ], className="wb-form")
    compare = html.Div([
        html.Label(t("workbench.compare", lang), htmlFor=_id("compare")),
        dcc.Dropdown(opts, [svc.settings.scenario], id=_id("compare"), multi=True),
        html.Button(t("workbench.run", lang), id=_id("run"), className="btn",
                    disabled=not principal.may_run),
        html.Progress(id=_id("progress"), value="0", max="1", className="progress"),
        html.Div(t("workbench.hint", lang, n_min=COMPARE_MIN, n_max=COMPARE_MAX),
                 id=_id("status"), className="note"),
        dcc.Store(id=_id("token")), dcc.Store(id=_id("done")),
        html.Div(id=_id("table")),
        html.Div([dcc.Graph(id=_id(f"fig{k}"), config={"displaylogo": False})
                  for k in range(4)], className="grid2"),
    ])
    analysis = html.Div([
        html.Label(t("workbench.a.title", lang), htmlFor=_id("a_title")),
        dcc.Input(id=_id("a_title"), type="text"),
        html.Label(t("workbench.a.narrative", lang), htmlFor=_id("a_text")),
        dcc.Textarea(id=_id("a_text"), style={"width": "100%", "height": "6em"}),
        html.Div(html.Button(t("workbench.a.save", lang), id=_id("a_save"), className="btn",
                             disabled=not principal.may_run)),
        html.Label(t("workbench.a.open", lang), htmlFor=_id("a_list")),
        dcc.Dropdown(id=_id("a_list"), options=_analysis_options(svc)),
        html.Div(id=_id("a_msg"), className="note"),
    ])
    return html.Div([section(t("workbench.sec.make", lang), form),
                     section(t("workbench.sec.compare", lang), compare),
                     section(t("workbench.sec.analysis", lang), analysis)], id="workbench")


def _analysis_options(svc: DataService) -> list[dict[str, Any]]:
    from pks.governance.analyses import list_analyses

    df = list_analyses(svc.store)
    return [{"label": f"{r.title} ({r.at_utc[:10]})", "value": int(r.analysis_id)}
            for r in df.itertuples()]


def _run_scenarios_of(store: Any, run_ids: Sequence[str]) -> list[str]:
    from pks.sweep.run import SWEEP_PREFIX

    out = []
    for r in run_ids:
        name = str(store.run(r).scenario)
        parts = name.split(":", 2)
        out.append(parts[2] if len(parts) == 3 and parts[0] == SWEEP_PREFIX else name)
    return out


def register_callbacks(app: Dash, svc: DataService, principal_fn: Callable[[], Principal]
                       ) -> None:
    """Save, run, show and keep comparisons (see the module docstring)."""
    from pks.dashboard.pages.jobs_panel import read_token, request_job

    settings = svc.settings
    secret = settings.resolved_secret()
    reps = settings.job_replications

    def cat_names(lg: Language) -> dict[str, str]:
        cats = svc.snapshot().data.staff_categories
        return dict(zip(cats["staff_category"].astype(str),
                        cats["name_sv" if lg == "sv" else "name_en"].astype(str), strict=True))

    @app.callback(Output(_id("msg"), "children"), Output(_id("compare"), "options"),
                  Output(_id("compare"), "value"),
                  *[Output(_id(f) + "-err", "children") for f in FIELDS],
                  Input(_id("save"), "n_clicks"),
                  *[State(_id(f), "value") for f in FIELDS],
                  State(_id("compare"), "value"), State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _save(_n: int | None, *values: Any) -> tuple[Any, ...]:
        *fields, chosen, lang = values
        lg = lang_of(lang)
        errs: dict[str, list[str]] = {f: [] for f in FIELDS}
        if not principal_fn().may_run:
            return (t("workbench.denied", lg), no_update, no_update,
                    *[no_update for _ in FIELDS])
        form = read_form(fields)
        pops, targets = _choices(svc)
        nums = ("agency_change_pct", "frame_change_pct", "efficiency_pct",
                "staffing_change_pct")
        probs = form_problems(form, svc.scenarios(), pops, targets, node_names(svc))
        for p in probs:
            if p.field in nums and p.value is not None and math.isnan(p.value):
                errs[p.field].append(t("workbench.err.number", lg))
            else:
                errs[p.field].append(t(f"workbench.err.{p.code}", lg, value=p.value))
        if probs:
            return (t("workbench.invalid", lg, n=len(probs)), no_update, no_update,
                    *[" ".join(errs[f]) for f in FIELDS])
        from pks.sweep.spec import SweepScenario, SweepSpecError, resolve

        over = form_overrides(form)
        try:
            resolve(settings.model_dir, "base", [SweepScenario(form.name, over)])
        except SweepSpecError as exc:
            return ("; ".join(exc.problems), no_update, no_update, *["" for _ in FIELDS])
        save_user_scenario(settings.model_dir, form.name, form.label, over)
        labels = scenario_labels(settings.model_dir)
        opts = [{"label": scenario_label(s, labels, lg), "value": s} for s in svc.scenarios()]
        value = list(dict.fromkeys([*(chosen or [settings.scenario]), form.name]))
        return (t("workbench.saved", lg, label=form.label), opts, value[:COMPARE_MAX],
                *["" for _ in FIELDS])

    @app.callback(Output(_id("token"), "data"), Output(_id("status"), "children"),
                  Input(_id("run"), "n_clicks"), State(_id("compare"), "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _request(_n: int | None, chosen: list[str] | None, lang: str) -> tuple[Any, Any]:
        from pks.dashboard.access import AccessDenied

        lg = lang_of(lang)
        chosen = [s for s in (chosen or []) if s in svc.scenarios()]
        if not COMPARE_MIN <= len(chosen) <= COMPARE_MAX:
            return no_update, t("workbench.hint", lg, n_min=COMPARE_MIN, n_max=COMPARE_MAX)
        root = svc.snapshot().data.org_nodes
        region = str(root.loc[root["parent_id"].isna() | (root["parent_id"] == ""),
                              "node_id"].iloc[0])
        try:
            token = request_job(principal_fn(), svc, "workbench", ",".join(chosen), region,
                                secret)
        except AccessDenied:
            return no_update, t("workbench.denied", lg)
        return {"token": token, "lang": lg}, t("workbench.running", lg, done=0, total=len(chosen))

    @app.callback(
        Output(_id("done"), "data"), Input(_id("token"), "data"), background=True,
        running=[(Output(_id("run"), "disabled"), True, False)],
        progress=[Output(_id("progress"), "value"), Output(_id("progress"), "max"),
                  Output(_id("status"), "children", allow_duplicate=True)],
        prevent_initial_call=True)
    def _run(set_progress: Callable[[tuple[str, str, str]], None], data: dict[str, Any]
             ) -> Any:
        from pks.data.store import Store
        from pks.sweep.compare import run_scenarios

        lg = lang_of((data or {}).get("lang"))
        try:
            spec = read_token(str((data or {}).get("token", "")), secret)
        except Exception:  # noqa: BLE001 - a forged or stale token: nothing runs
            return no_update
        names = spec.scenario.split(",")

        def progress(done: int, total: int) -> None:
            set_progress((str(done), str(total),
                          t("workbench.running", lg, done=done, total=total)))
        progress(0, len(names))
        store = Store.open(settings.db_url)
        try:
            run_scenarios(store, store.read_inputs(), settings.model_dir, names, reps,
                          progress)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged in full
            import logging

            logging.getLogger(__name__).exception("workbench run failed")
            set_progress(("0", "1", t("workbench.failed", lg, error=str(exc)[:300])))
            return no_update
        finally:
            store.close()
        set_progress(("1", "1", t("workbench.done", lg)))
        return {"names": names}

    @app.callback(Output(_id("table"), "children"),
                  *[Output(_id(f"fig{k}"), "figure") for k in range(4)],
                  Input(_id("compare"), "value"), Input(_id("done"), "data"),
                  State(ids.LANG, "data"))
    def _show(chosen: list[str] | None, _done: Any, lang: str) -> tuple[Any, ...]:
        from pks.sweep.compare import stored_comparison, stored_plan_costs

        lg = lang_of(lang)
        chosen = [s for s in (chosen or []) if s in svc.scenarios()][:COMPARE_MAX]
        rows = stored_comparison(svc.store, chosen, reps)
        labels = scenario_labels(settings.model_dir)
        names = cat_names(lg)
        verdicts: dict[str, tuple[Any, ...]] = {}
        note = ""
        if not rows.empty:
            costs = stored_plan_costs(svc.store, chosen, reps)
            try:
                verdicts = scenario_verdicts(svc, rows, costs)
            except Exception as exc:  # noqa: BLE001 - shown to the user, logged in full
                import logging

                logging.getLogger(__name__).exception("workbench financial targets failed")
                note = t("workbench.verdict.failed", lg, error=str(exc)[:300])
            missing = [scenario_label(str(r.scenario), labels, lg)
                       for r in rows.itertuples() if r.status == "optimal"
                       and str(r.scenario) not in costs]
            if missing and not note:
                note = t("workbench.verdict.no_plan_cost", lg, scenarios=", ".join(missing))
        return (difference_view(rows, labels, names, lg, verdicts, note),
                *comparison_figures(rows, labels, names, lg))

    @app.callback(Output(_id("a_msg"), "children"), Output(_id("a_list"), "options"),
                  Output(_id("compare"), "value", allow_duplicate=True),
                  Output(_id("a_title"), "value"), Output(_id("a_text"), "value"),
                  Input(_id("a_save"), "n_clicks"), Input(_id("a_list"), "value"),
                  State(_id("a_title"), "value"), State(_id("a_text"), "value"),
                  State(_id("compare"), "value"), State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _analysis(_n: int | None, opened: int | None, title: str | None, text: str | None,
                  chosen: list[str] | None, lang: str) -> tuple[Any, ...]:
        from pks.data.checks import ValidationFailed
        from pks.governance.analyses import get_analysis, save_analysis
        from pks.sweep.compare import stored_run_ids

        lg = lang_of(lang)
        if ctx.triggered_id == _id("a_list"):
            if opened is None:
                return (no_update,) * 5
            a = get_analysis(svc.store, int(opened))
            scen = _run_scenarios_of(svc.store, a.run_ids)
            return (t("workbench.a.opened", lg, title=a.title, user=a.user), no_update, scen,
                    a.title, a.narrative)
        principal = principal_fn()
        if not principal.may_run:
            return (t("workbench.denied", lg), no_update, no_update, no_update, no_update)
        run_ids = stored_run_ids(svc.store, list(chosen or []), reps)
        year = svc.config().data.budget_year
        try:
            save_analysis(svc.store, principal, year, title or "", text or "", run_ids)
        except ValidationFailed as exc:
            cols = ", ".join(t(f"workbench.a.col.{i.column}", lg) for i in exc.issues)
            return (t("workbench.a.invalid", lg, fields=cols), no_update, no_update,
                    no_update, no_update)
        return (t("workbench.a.saved", lg, title=title), _analysis_options(svc), no_update,
                no_update, no_update)

    del _save, _request, _run, _show, _analysis
