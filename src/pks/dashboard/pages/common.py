"""Controls shared by the pages: node selector with drill-down, level filter, scenario."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from pks.dashboard import ids
from pks.dashboard.access import LOCAL_USER, Principal
from pks.dashboard.data import DataService
from pks.i18n import t, t_or
from pks.types import Language


def lang_of(value: Any) -> Language:
    """``sv`` unless ``en`` was asked for."""
    return "en" if value == "en" else "sv"


def node_names(svc: DataService) -> dict[str, str]:
    """Node id → display name."""
    n = svc.snapshot().data.org_nodes
    return dict(zip(n["node_id"].astype(str), n["name"].astype(str), strict=True))


def node_options(svc: DataService, principal: Principal, lang: Language
                 ) -> list[dict[str, Any]]:
    """Dropdown options of every node the user may see, in tree order.

    The label is ``name · type`` with its depth as the ``tree-node`` class's
    ``--depth``: the open list indents by depth with a ``└`` mark (style in
    :data:`pks.dashboard.app.TREE_CSS`), the chosen value shows no indentation at all.
    """
    tree = svc.tree()
    root = svc.default_node(LOCAL_USER)
    visible = set(svc.nodes_below(principal, root, None)) if not principal.restricted \
        else set()
    if principal.restricted:
        for u in principal.units:
            if u in tree.nodes.index:
                visible.update(svc.nodes_below(principal, u, None))
    order = [tree.root, *tree.descendants(tree.root)] if tree.root else list(tree.nodes.index)
    out = []
    top = min((tree.depth(n) for n in visible), default=0)
    for n in order:
        if n not in visible:
            continue
        row = tree.nodes.loc[n]
        depth = tree.depth(n) - top
        text = f"{row['name']} · {t('dash.nodetype.' + str(row['node_type']), lang)}"
        label = html.Span(text, className="tree-node" + (" tree-child" if depth else ""),
                          style={"--depth": str(depth)}, title=text)
        out.append({"label": label, "value": n, "search": f"{row['name']} {n}"})
    return out


def level_options(svc: DataService, lang: Language) -> list[dict[str, str]]:
    """Node types present in the tree (below the root), in hierarchy order."""
    from pks.dashboard.data import NODE_TYPE_ORDER

    types = set(svc.snapshot().data.org_nodes["node_type"].astype(str))
    return [{"label": t(f"dash.nodetype.{k}", lang), "value": k}
            for k in NODE_TYPE_ORDER if k in types and k != "region"]


def scenario_name(svc: DataService, name: str, lang: Language) -> str:
    """A scenario's human name (never its id).

    See :func:`scenario_label`; the labels are the workbench's for the model instance.
    """
    from pks.config.user_scenarios import scenario_labels

    return scenario_label(name, scenario_labels(svc.settings.model_dir), lang)


def scenario_label(name: str, labels: dict[str, str], lang: Language) -> str:
    """The human name of a scenario.

    The workbench label, else the translated YAML name (``workbench.scenario.<name>``),
    else the name with spaces for underscores.
    """
    if name in labels:
        return labels[name]
    return t_or(f"workbench.scenario.{name}", name.replace("_", " "), lang)


def scenario_options(svc: DataService, names: list[str], lang: Language
                     ) -> list[dict[str, str]]:
    """Dropdown choices of scenarios: shown by their human names."""
    return [{"label": scenario_name(svc, s, lang), "value": s} for s in names]


def controls(svc: DataService, principal: Principal, lang: Language, node: str | None,
             *, scenario: str | None = None, level_type: str | None = None,
             extra: list[Any] | None = None, multi_scenario: bool = False,
             scenarios_default: list[str] | None = None) -> html.Div:
    """The control bar: node, drill-down, level filter, scenario (and page extras)."""
    start = node if node else svc.default_node(principal)
    opts = node_options(svc, principal, lang)
    if start not in {o["value"] for o in opts}:
        start = svc.default_node(principal)
    levels = level_options(svc, lang)
    default_level = level_type or ("unit" if any(o["value"] == "unit" for o in levels)
                                   else (levels[-1]["value"] if levels else None))
    scen = svc.scenarios()
    if multi_scenario:
        sc_ctl = html.Div([html.Label(t("dash.scenarios", lang)), dcc.Dropdown(
            id=ids.SCENARIOS, options=scenario_options(svc, scen, lang),
            value=scenarios_default or [svc.settings.scenario], multi=True, clearable=False)],
            className="ctl ctl-wide")
    else:
        sc_ctl = html.Div([html.Label(t("dash.scenario", lang)), dcc.Dropdown(
            id=ids.SCENARIO, options=scenario_options(svc, scen, lang),
            value=scenario or svc.settings.scenario, clearable=False)], className="ctl")
    return html.Div([
        html.Div([
            html.Div([html.Label(t("dash.node", lang)), dcc.Dropdown(
                id=ids.NODE, options=opts, value=start, clearable=False, searchable=True,
                optionHeight=30)], className="ctl ctl-node"),
            html.Div([html.Label(t("dash.level_filter", lang)), dcc.Dropdown(
                id=ids.LEVEL_FILTER, options=levels, value=default_level, clearable=False)],
                className="ctl"),
            sc_ctl,
            *(extra or []),
        ], className="controls"),
        html.Nav(id=ids.BREADCRUMB, className="breadcrumb"),
        html.Div(id=ids.CHILDREN, className="children"),
    ], className="control-bar")


def drill_view(svc: DataService, principal: Principal, node: str, lang: Language
               ) -> tuple[list[Any], list[Any]]:
    """Breadcrumb (root → node, only ancestors the user may open) and child buttons."""
    tree = svc.tree()
    svc.check(principal, node)
    root = svc.default_node(LOCAL_USER)
    visible = set(svc.nodes_below(principal, root, None)) if not principal.restricted \
        else {n for u in principal.units if u in tree.nodes.index
              for n in svc.nodes_below(principal, u, None)}
    crumbs: list[Any] = []
    for n in tree.path(node):
        name = str(tree.nodes.at[n, "name"])
        if crumbs:
            crumbs.append(html.Span("›", className="sep"))
        if n in visible and n != node:
            crumbs.append(html.Button(name, id={"type": "drill", "node": n},
                                      className="crumb", n_clicks=0))
        else:
            crumbs.append(html.Span(name, className="crumb-current" if n == node else "crumb-off"))
    kids = [c for c in tree.children(node) if c in visible]
    chips: list[Any] = []
    if kids:
        chips.append(html.Span(t("dash.drill_down", lang), className="drill-label"))
        for c in kids:
            chips.append(html.Button(str(tree.nodes.at[c, "name"]),
                                     id={"type": "drill", "node": c}, className="chip",
                                     n_clicks=0))
    return crumbs, chips


def plan_note(ref: Any, lang: Language, unagreed: tuple[int, int] | None = None) -> html.Div:
    """Which plan the page follows up (or that there is none), flagged while not agreed.

    ``unagreed`` is ``(nodes not agreed, nodes)`` from the agreement records
    (:meth:`DataService.unagreed`); any node not agreed turns the note into a warning.
    """
    if ref.run_id is None:
        return html.Div(t("dash.no_plan", lang, level=t(f"dash.pkslevel.{ref.level}", lang),
                          scenario=ref.scenario), className="note warn")
    created = str(ref.created_at)[:16].replace("T", " ")
    text = t("dash.plan_used", lang, run=ref.run_id, status=t(f"gov.status.{ref.status}", lang)
             if ref.status else "", created=created)
    if unagreed is not None and unagreed[0] > 0:
        flag = t("dash.plan_unagreed", lang, n=unagreed[0], total=unagreed[1])
        return html.Div(f"{text} – {flag}", className="note warn plan-unagreed")
    return html.Div(text, className="note")


HELP_KEYS: tuple[str, ...] = ("kpis", "lights", "frame", "completeness", "report")


def help_panel(lang: Language) -> html.Details:
    """A folded help text: the KPIs, the traffic lights and the frame rule in a planner's words."""
    return html.Details([
        html.Summary(t("dash.help.title", lang)),
        *[html.Div([html.H4(t(f"dash.help.{k}.title", lang)), html.P(t(f"dash.help.{k}", lang))])
          for k in HELP_KEYS],
    ], className="help", id="help-panel")
