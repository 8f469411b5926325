"""Governance page: planning calendar, agreements per node, comments, versions, analyses.

Every write goes through :mod:`pks.governance` with the signed-in principal, which checks
the right on the server (a refused step is reported, nothing is written); the buttons are
shown to everyone who can see the node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from pks.dashboard.access import AccessDenied, Principal, visible_nodes
from pks.dashboard.components import Col, data_table, fmt_key, fmt_num, section
from pks.dashboard.data import DataService
from pks.dashboard.pages.common import lang_of, node_names
from pks.data.checks import ValidationFailed
from pks.governance.agreements import ACTIONS, AgreementError, act, overview
from pks.governance.analyses import ANALYSES_PER_YEAR_MIN, list_analyses
from pks.governance.calendar import (
    calendar_status,
    current_steps,
    due_items,
    load_calendar,
    tracked_done,
    week_date,
)
from pks.governance.comments import comments_for_month, save_comments
from pks.governance.roles import GovernanceDenied
from pks.governance.versions import compare_runs
from pks.i18n import format_number, t
from pks.types import Language

PATH = "/styrning"
NAME_KEY = "gov.nav"

PLAN = "gov-plan"
AGREE_NODE = "gov-agree-node"
AGREE_COMMENT = "gov-agree-comment"
AGREE_MSG = "gov-agree-msg"
AGREE_TABLE = "gov-agree-table"
COMMENT_NODE = "gov-comment-node"
COMMENT_MONTH = "gov-comment-month"
COMMENT_TEXT = "gov-comment-text"
COMMENT_SAVE = "gov-comment-save"
COMMENT_MSG = "gov-comment-msg"
COMMENT_TABLE = "gov-comment-table"
VERSION_A = "gov-version-a"
VERSION_B = "gov-version-b"
VERSION_GO = "gov-version-go"
VERSION_OUT = "gov-version-out"


def _btn_id(action: str) -> str:
    return f"gov-{action.replace('_', '-')}"


CAL_COLS = [Col("step", "gov.col.step"), Col("level", "gov.col.level", fmt_key("dash.pkslevel.")),
            Col("set_by", "gov.col.set_by", fmt_key("dash.ownerrole.")),
            Col("due", "gov.col.due"), Col("state", "gov.col.state", fmt_key("gov.state."))]
AGREE_COLS = [Col("name", "gov.col.node"),
              Col("node_type", "gov.col.level", fmt_key("dash.nodetype.")),
              Col("status", "gov.col.status", fmt_key("gov.status.")),
              Col("user", "gov.col.user"), Col("at", "gov.col.at"),
              Col("approver_role", "gov.col.approver", fmt_key("dash.ownerrole.")),
              Col("comment", "gov.col.comment")]
COMMENT_COLS = [Col("name", "gov.col.node"), Col("comment", "gov.col.comment"),
                Col("user", "gov.col.user"), Col("at", "gov.col.at")]
PRE_COLS = [Col("basis", "gov.col.basis"), Col("key", "gov.col.key"),
            Col("before", "gov.col.before"), Col("after", "gov.col.after")]
AUDIT_COLS = [Col("at", "gov.col.at"), Col("user", "gov.col.user"), Col("role", "gov.col.role"),
              Col("action", "gov.col.action"), Col("name", "gov.col.node"),
              Col("change", "gov.col.change")]
AUDIT_ROWS = 50
ANALYSIS_COLS = [Col("title", "gov.col.title"), Col("user", "gov.col.user"),
                 Col("at", "gov.col.at")]


def _fmt_value(v: object, lang: Language) -> str:
    if isinstance(v, float):
        return "" if pd.isna(v) else format_number(v, lang, 4 if abs(v) < 1 else 0)
    return "" if v is None else str(v)


def _nodes(svc: DataService, principal: Principal) -> list[str]:
    tree = svc.tree()
    seen = set(visible_nodes(principal, tree))
    order = [tree.root, *tree.descendants(tree.root)] if tree.root else list(tree.nodes.index)
    return [n for n in order if n in seen]


def node_dropdown_options(svc: DataService, principal: Principal, lang: Language
                          ) -> list[dict[str, str]]:
    """Nodes the user may see, indented by depth."""
    tree = svc.tree()
    out = []
    for n in _nodes(svc, principal):
        row = tree.nodes.loc[n]
        out.append({"label": "\u2003" * tree.depth(n) + f"{row['name']} · "
                    + t(f"dash.nodetype.{row['node_type']}", lang), "value": n})
    return out


def plan_options(svc: DataService, lang: Language) -> list[dict[str, str]]:
    """Plan runs of the scenario, newest first, labelled with level and status."""
    runs = svc.store.runs(kind="plan", scenario=svc.settings.scenario)
    return [{"label": f"{t(f'level.{r.level}', lang)} · {r.run_id} · "
                      f"{t(f'gov.status.{r.status}', lang)}", "value": r.run_id}
            for r in runs.itertuples()]


def default_plan(svc: DataService) -> str | None:
    """The newest tactical plan of the scenario (else the newest plan)."""
    info = svc.store.latest_run("plan", scenario=svc.settings.scenario, level="tactical") \
        or svc.store.latest_run("plan", scenario=svc.settings.scenario)
    return None if info is None else info.run_id


def calendar_view(svc: DataService, lang: Language) -> list[Any]:
    """The cycle on the instance's date: current steps, due items and the step table."""
    try:
        cal = load_calendar(svc.settings.model_dir)
    except ValidationFailed as exc:
        return [html.Div(t("gov.calendar.missing", lang) + " " + str(exc.issues[0].message(lang)),
                         className="note warn")]
    on = week_date(svc.as_of_week())
    done = tracked_done(svc.store, svc.tree(), cal, svc.settings.scenario)
    st = calendar_status(cal, on, done)
    names = {s.id: s.name(lang) for s in cal.steps}
    st["step"] = st["step_id"].map(names)
    st["due"] = st["due"].astype(str)
    cur = ", ".join(names[s] for s in current_steps(st)) or "–"
    due = ", ".join(due_items(st)["step"]) or "–"
    out: list[Any] = [
        html.Div(t("gov.calendar.today", lang, region=cal.region, date=on, steps=cur),
                 className="note", id="gov-cal-current"),
        html.Div(t("gov.calendar.due", lang, steps=due), className="note warn",
                 id="gov-cal-due")]
    if st.loc[st["state"] == "current", "revision"].any():
        out.append(html.Div(t("gov.calendar.revision", lang), className="note"))
    out.append(data_table(st, CAL_COLS, lang, "tbl-gov-calendar"))
    return out


def agreement_view(svc: DataService, principal: Principal, run_id: str | None,
                   lang: Language) -> list[Any]:
    """The unagreed flag and the agreement state of every node the user may see."""
    if not run_id:
        return [html.Div(t("gov.plan.none", lang), className="note warn")]
    tree = svc.tree()
    ov = overview(svc.store, tree, run_id, _nodes(svc, principal))
    names = node_names(svc)
    ov["name"] = ov["node_id"].map(names)
    ov["node_type"] = [tree.nodes.at[n, "node_type"] for n in ov["node_id"]]
    ov["at"] = ov["at_utc"].str[:16].str.replace("T", " ")
    n_un = int(ov["unagreed"].sum())
    flag = html.Div(t("gov.plan.unagreed", lang, n=n_un, total=len(ov)),
                    className="note warn" if n_un else "note ok", id="gov-unagreed")
    return [flag, data_table(ov, AGREE_COLS, lang, "tbl-gov-agreements", max_rows=400)]


def do_agreement(svc: DataService, principal: Principal, run_id: str, node: str, action: str,
                 comment: str, lang: Language) -> html.Div:
    """Record one step for the principal; refusals and illegal steps are reported."""
    try:
        svc.check(principal, node)
        step = act(svc.store, svc.tree(), principal, run_id, node, action, comment or "")
    except (GovernanceDenied, AccessDenied) as exc:
        return html.Div(t("gov.denied", lang, detail=str(exc)), className="note warn",
                        id="gov-denied")
    except (AgreementError, KeyError) as exc:
        return html.Div(t("gov.invalid", lang, detail=str(exc).strip("'\"")),
                        className="note warn", id="gov-invalid")
    return html.Div(t("gov.agree.done", lang, node=node_names(svc).get(node, node),
                      status=t(f"gov.status.{step.status}", lang), user=step.user,
                      role=t(f"dash.ownerrole.{step.line_role}", lang)),
                    className="note ok", id="gov-agree-ok")


def comments_view(svc: DataService, principal: Principal, month: str, lang: Language
                  ) -> html.Div:
    """The comments of ``month`` for the nodes the user may see."""
    c = comments_for_month(svc.store, month, _nodes(svc, principal))
    c["name"] = c["node_id"].map(node_names(svc))
    c["at"] = c["at_utc"].str[:16].str.replace("T", " ")
    return data_table(c, COMMENT_COLS, lang, "tbl-gov-comments")


def do_comment(svc: DataService, principal: Principal, node: str, month: str, text: str,
               lang: Language) -> html.Div:
    """Save a comment for the principal (rights and validation on the server)."""
    try:
        svc.check(principal, node)
        save_comments(svc.store, svc.tree(), principal, pd.DataFrame(
            {"node_id": [node], "month": [month], "comment": [text or ""]}))
    except (GovernanceDenied, AccessDenied) as exc:
        return html.Div(t("gov.denied", lang, detail=str(exc)), className="note warn")
    except ValidationFailed as exc:
        return html.Div([html.Div(i.message(lang)) for i in exc.issues], className="note warn",
                        id="gov-comment-invalid")
    return html.Div(t("gov.comment.saved", lang, node=node_names(svc).get(node, node),
                      month=month), className="note ok", id="gov-comment-ok")


def versions_view(svc: DataService, principal: Principal, before: str, after: str,
                  lang: Language) -> list[Any]:
    """Changed prerequisites and the largest plan changes of the nodes the user may see."""
    c = compare_runs(svc.store, svc.tree(), before, after)
    pre = c.prerequisites.copy()
    for col in ("before", "after"):
        pre[col] = [_fmt_value(v, lang) for v in pre[col]]
    seen = set(_nodes(svc, principal))
    ch = c.plan_changes[c.plan_changes["node_id"].isin(seen)].copy()
    ch["name"] = ch["node_id"].map(node_names(svc))
    ch = ch.groupby("figure", sort=False).head(10)
    cols = [Col("figure", "gov.col.figure", fmt_key("gov.figure.")), Col("name", "gov.col.node"),
            Col("year", "gov.col.year"), Col("before", "gov.col.before", fmt_num(0), True),
            Col("after", "gov.col.after", fmt_num(0), True),
            Col("change", "gov.col.change", fmt_num(0), True)]
    out: list[Any] = []
    if not c.bases_complete:
        out.append(html.Div(t("gov.versions.incomplete", lang), className="note warn"))
    return [*out, html.H4(t("gov.cli.prerequisites", lang)),
            data_table(pre, PRE_COLS, lang, "tbl-gov-prereq"),
            html.H4(t("gov.cli.plan_changes", lang)),
            data_table(ch, cols, lang, "tbl-gov-changes")]


def audit_view(svc: DataService, principal: Principal, lang: Language) -> html.Div:
    """The newest audit records of the nodes the user may see (all for region-wide roles)."""
    from pks.data.audit import read_audit

    a = read_audit(svc.store, None if not principal.restricted else _nodes(svc, principal))
    a = a.iloc[::-1].head(AUDIT_ROWS).copy()
    a["at"] = a["at_utc"].str[:16].str.replace("T", " ")
    a["name"] = a["node_id"].map(node_names(svc)).fillna("")
    a["change"] = [f"{b or ''} → {c or ''}"[:120] for b, c in zip(a["before_json"],
                                                                   a["after_json"],
                                                                   strict=True)]
    return data_table(a, AUDIT_COLS, lang, "tbl-gov-audit")


def month_values(svc: DataService) -> list[str]:
    """Months of the budget year up to the as-of week, newest first (``YYYY-MM``)."""
    on = week_date(svc.as_of_week())
    return [f"{on.year}-{m:02d}" for m in range(on.month, 0, -1)]


def make_layout(svc: DataService, principal_fn: Callable[[], Principal]) -> Callable[..., Any]:
    """The page layout as a function of the query string."""
    def layout(lang: str = "sv", node: str | None = None, **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        nodes = node_dropdown_options(svc, principal, lg)
        values = [o["value"] for o in nodes]
        start = node if node in values else (svc.default_node(principal) if values else None)
        run = default_plan(svc)
        months = month_values(svc)
        analyses = list_analyses(svc.store, week_date(svc.as_of_week()).year)
        analyses["at"] = analyses["at_utc"].str[:10]
        plans = plan_options(svc, lg)
        return html.Div([
            dcc.Store(id="lang-store", data=lg),
            html.H2(t("gov.page", lg)),
            section(t("gov.sec.calendar", lg), *calendar_view(svc, lg), sid="gov-calendar"),
            section(t("gov.sec.agreements", lg),
                    html.Div([
                        html.Div([html.Label(t("dash.node", lg)), dcc.Dropdown(
                            id=AGREE_NODE, options=nodes, value=start, clearable=False)],
                            className="ctl ctl-node"),
                        html.Div([html.Label(t("gov.plan.label", lg, run="", status="")
                                             .replace("()", "").strip()), dcc.Dropdown(
                            id=PLAN, options=plans, value=run, clearable=False)],
                            className="ctl ctl-wide"),
                    ], className="controls"),
                    html.Div([dcc.Input(id=AGREE_COMMENT, type="text",
                                        placeholder=t("gov.agree.comment", lg),
                                        className="input-wide", debounce=False),
                              *[html.Button(t(f"gov.action.{a}", lg), id=_btn_id(a),
                                            className="btn", n_clicks=0) for a in ACTIONS]],
                             className="controls"),
                    dcc.Loading(html.Div(id=AGREE_MSG)),
                    html.Div(agreement_view(svc, principal, run, lg), id=AGREE_TABLE),
                    sid="gov-agreements"),
            section(t("gov.sec.comments", lg),
                    html.Div([
                        html.Div([html.Label(t("dash.node", lg)), dcc.Dropdown(
                            id=COMMENT_NODE, options=nodes, value=start, clearable=False)],
                            className="ctl ctl-node"),
                        html.Div([html.Label(t("gov.col.month", lg)), dcc.Dropdown(
                            id=COMMENT_MONTH, options=months,
                            value=months[0] if months else None, clearable=False)],
                            className="ctl"),
                    ], className="controls"),
                    dcc.Textarea(id=COMMENT_TEXT, className="textarea",
                                 style={"width": "100%", "height": "4em"}),
                    html.Button(t("gov.comment.save", lg), id=COMMENT_SAVE, className="btn",
                                n_clicks=0),
                    html.Div(id=COMMENT_MSG),
                    html.Div(comments_view(svc, principal, months[0], lg) if months else "",
                             id=COMMENT_TABLE), sid="gov-comments"),
            section(t("gov.sec.versions", lg),
                    html.Div([dcc.Dropdown(id=VERSION_A, options=plans,
                                           value=plans[1]["value"] if len(plans) > 1 else None),
                              dcc.Dropdown(id=VERSION_B, options=plans,
                                           value=plans[0]["value"] if plans else None),
                              html.Button(t("gov.versions.compare", lg), id=VERSION_GO,
                                          className="btn", n_clicks=0)],
                             className="controls"),
                    dcc.Loading(html.Div(id=VERSION_OUT)), sid="gov-versions"),
            section(t("gov.sec.audit", lg), audit_view(svc, principal, lg), sid="gov-audit"),
            section(t("gov.sec.analyses", lg),
                    html.Div(t("gov.analyses.count", lg, n=len(analyses),
                               min=ANALYSES_PER_YEAR_MIN), className="note"),
                    data_table(analyses, ANALYSIS_COLS, lg, "tbl-gov-analyses"),
                    sid="gov-analyses"),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService,
                       principal_fn: Callable[[], Principal]) -> None:
    """Agreement steps, comments and version comparison."""
    @app.callback(Output(AGREE_MSG, "children"), Output(AGREE_TABLE, "children"),
                  *[Input(_btn_id(a), "n_clicks") for a in ACTIONS], Input(PLAN, "value"),
                  State(AGREE_NODE, "value"), State(AGREE_COMMENT, "value"),
                  State("lang-store", "data"), prevent_initial_call=True)
    def _agree(*args: Any) -> tuple[Any, Any]:
        run_id, node, comment, lang = args[len(ACTIONS):]
        lg = lang_of(lang)
        principal = principal_fn()
        trig = ctx.triggered_id
        msg: Any = ""
        if trig != PLAN:
            action = next((a for a in ACTIONS if _btn_id(a) == trig), None)
            if action is None or not run_id or not node:
                return no_update, no_update
            msg = do_agreement(svc, principal, run_id, node, action, comment or "", lg)
        return msg, agreement_view(svc, principal, run_id, lg)

    @app.callback(Output(COMMENT_MSG, "children"), Output(COMMENT_TABLE, "children"),
                  Input(COMMENT_SAVE, "n_clicks"), Input(COMMENT_MONTH, "value"),
                  State(COMMENT_NODE, "value"), State(COMMENT_TEXT, "value"),
                  State("lang-store", "data"), prevent_initial_call=True)
    def _comment(_n: int, month: str, node: str, text: str | None, lang: str
                 ) -> tuple[Any, Any]:
        lg = lang_of(lang)
        principal = principal_fn()
        msg: Any = ""
        if ctx.triggered_id == COMMENT_SAVE:
            msg = do_comment(svc, principal, node, month, text or "", lg)
        return msg, comments_view(svc, principal, month, lg)

    @app.callback(Output(VERSION_OUT, "children"), Input(VERSION_GO, "n_clicks"),
                  State(VERSION_A, "value"), State(VERSION_B, "value"),
                  State("lang-store", "data"), prevent_initial_call=True)
    def _versions(_n: int, a: str | None, b: str | None, lang: str) -> Any:
        if not a or not b:
            return no_update
        return versions_view(svc, principal_fn(), a, b, lang_of(lang))

    del _agree, _comment, _versions
