"""Issue 16: no untranslated user-facing text in the Swedish dashboard and board report.

Every page of :data:`pks.dashboard.pages.PAGE_MODULES` is built in Swedish at region,
division and unit level; its callbacks that run when the page loads are called with the
layout's own initial values (through a recording stand-in for the Dash app), the header
and breadcrumb are added, and the visible text of the whole component tree is scanned:
string children (table headers and cells included), tooltips, placeholders, dropdown and
checklist labels, DataTable column names and cells, and plotly titles, axis titles, tick
texts, trace names and annotations. At region level the pages are also loaded with every
multi-choice dropdown set to all its options. The board report's HTML is scanned the same
way. Ids, CSS classes, URLs and styles are not text; ``html.Code`` / ``<code>`` is literal
file content (a column's internal name to type), not prose.

Not covered: results of button clicks (a what-if answer, a saved comment, the workbench's
comparison after a run) and the admin page (needs login).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from dash import html
from dash.development.base_component import Component

from pks.dashboard.access import LOCAL_USER, Principal
from pks.dashboard.data import DataService
from pks.dashboard.pages import PAGE_MODULES
from tests.dashboard.conftest import seeded_db, svc  # noqa: F401 - the shared fixtures
from tests.swedish import giveaways, snake_case_not_translated

TEXT_PROPS = ("title", "placeholder", "label", "value_label")
"""Component properties shown to the user as text (besides ``children``)."""

OPTION_PROPS = ("options",)
"""Properties holding ``{"label": ..., "value": ...}`` choices (labels shown)."""


# ------------------------------------------------------------------ visible text


def _figure_texts(fig: Any) -> Iterator[str]:
    f = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    if not isinstance(f, dict):
        return
    layout = f.get("layout") or {}

    def title(obj: Any) -> Iterator[str]:
        t = obj.get("title") if isinstance(obj, dict) else None
        if isinstance(t, dict):
            t = t.get("text")
        if isinstance(t, str):
            yield t

    yield from title(layout)
    for key, val in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(val, dict):
            yield from title(val)
            for tick in val.get("ticktext") or ():
                yield str(tick)
        if key == "legend" and isinstance(val, dict):
            yield from title(val)
    for ann in layout.get("annotations") or ():
        if isinstance(ann, dict) and isinstance(ann.get("text"), str):
            yield ann["text"]
    for trace in f.get("data") or ():
        if isinstance(trace, dict):
            for key in ("name", "legendgrouptitle"):
                v = trace.get(key)
                if isinstance(v, dict):
                    v = v.get("text")
                if isinstance(v, str):
                    yield v
            for key in ("text", "labels"):
                v = trace.get(key)
                if isinstance(v, str):
                    yield v
                elif isinstance(v, list | tuple):
                    yield from (x for x in v if isinstance(x, str))


def visible_texts(node: Any) -> Iterator[str]:
    """Every piece of user-visible text in a Dash component tree (or a callback output).

    ``html.Code`` is skipped: it shows literal file content the user types (a column's
    internal name, a care-type code in an example CSV row), not prose.
    """
    if node is None or isinstance(node, bool | int | float):
        return
    if isinstance(node, str):
        yield node
        return
    if isinstance(node, list | tuple):
        for x in node:
            yield from visible_texts(x)
        return
    if isinstance(node, dict):  # a figure returned on its own
        if "data" in node or "layout" in node:
            yield from _figure_texts(node)
        return
    if hasattr(node, "to_plotly_json") and not isinstance(node, Component):
        yield from _figure_texts(node)
        return
    if not isinstance(node, Component) or isinstance(node, html.Code):
        return  # code spans are literal file content (column names, codes to type)
    props = node.to_plotly_json()["props"]
    yield from visible_texts(props.get("children"))
    for key in TEXT_PROPS:
        v = props.get(key)
        if isinstance(v, str):
            yield v
        elif isinstance(v, Component | list):
            yield from visible_texts(v)
    for key in OPTION_PROPS:
        for opt in props.get(key) or ():
            if isinstance(opt, dict):
                yield from visible_texts(opt.get("label"))
            elif isinstance(opt, str):
                yield opt
    if "figure" in props:
        yield from _figure_texts(props["figure"])
    for col in props.get("columns") or ():
        if isinstance(col, dict):
            name = col.get("name")
            yield from ([name] if isinstance(name, str) else
                        [x for x in name or () if isinstance(x, str)])
    for row in props.get("data") or ():
        if isinstance(row, dict):
            yield from (v for v in row.values() if isinstance(v, str))
    for key in ("tooltip_data", "tooltip_header"):
        v = props.get(key)
        if v:
            yield str(v)


def problems_in(texts: Iterator[str] | list[str]) -> list[str]:
    """Giveaways and untranslated identifiers in ``texts`` (each once, with its text)."""
    out: dict[str, str] = {}
    for text in texts:
        for found in giveaways(text) + snake_case_not_translated(text):
            out.setdefault(found, text[:160])
    return [f"{k!r} in {v!r}" for k, v in sorted(out.items())]


class _HtmlText(HTMLParser):
    SKIP = ("script", "style", "code", "metadata")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def html_texts(page: str) -> list[str]:
    """The visible text of an HTML document (no scripts or styles; titles and alt texts)."""
    p = _HtmlText()
    p.feed(page)
    return p.parts


# ------------------------------------------------------------------ the pages, loaded


class _Recorder:
    """Stands in for the Dash app: records each page's callbacks instead of wiring them."""

    def __init__(self) -> None:
        self.callbacks: list[tuple[list[Any], dict[str, Any], Callable[..., Any]]] = []

    def callback(self, *deps: Any, **kw: Any) -> Callable[[Callable[..., Any]], Any]:
        def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.callbacks.append((list(deps), kw, fn))
            return fn
        return wrap


def _props_by_id(tree: Any) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple):
            for x in node:
                walk(x)
        elif isinstance(node, Component):
            props = node.to_plotly_json()["props"]
            cid = props.get("id")
            if isinstance(cid, str):
                for k, v in props.items():
                    out[(cid, k)] = v
            walk(props.get("children"))
    walk(tree)
    return out


def _choose_all(props: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    """``props`` with every multi-choice dropdown set to all its options."""
    out = dict(props)
    for (cid, key), multi in props.items():
        if key == "multi" and multi:
            out[(cid, "value")] = [o["value"] if isinstance(o, dict) else o
                                   for o in props.get((cid, "options")) or ()]
    return out


def _on_load(tree: Any, rec: _Recorder, everything: bool = False) -> list[Any]:
    """The outputs of the callbacks that run when the page loads, given its layout
    (``everything``: with every multi-choice dropdown set to all its options)."""
    from dash.dependencies import Input, Output, State

    props = _props_by_id(tree)
    if everything:
        props = _choose_all(props)
    outs: list[Any] = []
    for deps, kw, fn in rec.callbacks:
        if kw.get("prevent_initial_call") or kw.get("background"):
            continue
        ins = [d for d in deps if isinstance(d, Input | State) and not isinstance(d, Output)]
        if not all(isinstance(d.component_id, str) and (d.component_id, d.component_property)
                   in props or d.component_property in ("n_clicks", "contents")
                   for d in ins if isinstance(d, Input)):
            continue  # wired to another page's controls
        args = [props.get((d.component_id, d.component_property)) if isinstance(
            d.component_id, str) else [] for d in ins]
        outs.append(fn(*args))
    return outs


def _nodes(svc: DataService) -> dict[str, str]:  # noqa: F811
    """Region, a division and a unit (in that division) of the seeded store."""
    nodes = svc.tree().nodes
    kind = dict(zip(nodes["node_id"].astype(str), nodes["node_type"].astype(str), strict=True))
    parent = dict(zip(nodes["node_id"].astype(str), nodes["parent_id"], strict=True))
    unit = svc.snapshot().unit_ids[0]
    division = parent[unit]
    while kind[str(division)] != "division":
        division = parent[str(division)]
    return {"region": str(svc.tree().root), "division": str(division), "unit": unit}


LEVELS = ("region", "division", "unit")


@pytest.fixture(scope="module")
def rendered(svc: DataService) -> dict[tuple[str, str], list[str]]:  # noqa: F811
    """Visible text of every page at every level (and the header and breadcrumb); at
    region level also with every multi-choice dropdown set to all its options (every
    scenario compared, every KPI kind shown)."""
    from pks.dashboard.app import header_view
    from pks.dashboard.pages.common import drill_view

    principal: Principal = LOCAL_USER
    nodes = _nodes(svc)
    pages = []
    out: dict[tuple[str, str], list[str]] = {}
    for name in PAGE_MODULES:
        mod = importlib.import_module(f"pks.dashboard.pages.{name}")
        pages.append((mod.PATH, mod.NAME_KEY))
        rec = _Recorder()
        mod.register_callbacks(rec, svc, lambda: principal)
        layout = mod.make_layout(svc, lambda: principal)
        for level in LEVELS:
            tree = layout(lang="sv", node=nodes[level])
            out[(name, level)] = [*visible_texts(tree), *visible_texts(_on_load(tree, rec))]
        tree = layout(lang="sv", node=nodes["region"])
        out[(name, "region, all choices")] = list(visible_texts(_on_load(tree, rec, True)))
    for level in LEVELS:
        crumbs, chips = drill_view(svc, principal, nodes[level], "sv")
        out[("header", level)] = [
            *visible_texts(header_view("/", "?lang=sv", nodes[level], principal, True, pages)),
            *visible_texts([crumbs, chips])]
    return out


# ------------------------------------------------------------------ tests


def test_the_scanner_can_fail():
    """An English leak anywhere a user sees text is caught."""
    import plotly.graph_objects as go
    from dash import dcc

    fig = go.Figure(go.Bar(x=[1], y=[2], name="waiting_list_cases"))
    fig.update_layout(title="Deviation by care type", yaxis_title="inpatient_acute")
    tree = html.Div([
        html.Span("Planen (adopted 2026-01-02)", id="some_component_id", className="kpi_card"),
        dcc.Dropdown(options=[{"label": "status draft", "value": "draft"}]),
        html.Table([html.Tr(html.Th("deviation_pu")), html.Tr(html.Td("Share of the plan"))]),
        dcc.Graph(figure=fig),
        html.A("Öppna", href="/plan_gaps?lang=sv"),
    ])
    found = problems_in(list(visible_texts(tree)))
    words = {f.split("'")[1] for f in found}
    assert words == {"(adopted", "status draft", "deviation_pu", "the", "of",
                     "waiting_list_cases",
                     "inpatient_acute"}, found
    assert problems_in(html_texts("<p title='the plan'>Plan <script>a_b</script></p>")) == [
        "'the' in 'the plan'"]


def test_every_dashboard_page_is_swedish(rendered: dict[tuple[str, str], list[str]]):
    """Every page at region, division and unit level: no English, no internal codes."""
    assert {p for p, _ in rendered} == {*PAGE_MODULES, "header"}
    assert {lv for _, lv in rendered} == {*LEVELS, "region, all choices"}
    problems = {f"{page}@{level}": found for (page, level), texts in rendered.items()
                if (found := problems_in(texts))}
    assert not problems, problems


def test_the_pages_are_rendered_with_their_content(rendered: dict[tuple[str, str], list[str]]):
    """The scan sees the loaded content, not only the empty layout."""
    for (page, level), texts in rendered.items():
        if level in LEVELS:
            assert len(texts) > 5, (page, level)
    assert any("Bas" in x for x in rendered[("strategic", "region, all choices")])


def test_the_board_report_is_swedish(svc: DataService):  # noqa: F811
    from pks.dashboard.data import board_report

    page = board_report(svc, LOCAL_USER, "base", svc.year("base"), 10, "sv")
    texts = html_texts(page)
    assert len(texts) > 50
    assert not problems_in(texts)
