"""Interim and annual governance reports on the region's configured dates (R-20).

For a report date *d* of year *y* the report covers 1 January to *d*: the action-plan
follow-up of the measures due in *y* (expected against realised, per node and summed up the
tree), the warnings of nodes without an action plan, the agreement state of the latest plan
of each level, the node comments of the months up to *d* and the in-depth analyses of *y*
against the four a year required. It is one self-contained HTML page.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import pandas as pd

from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance.agreements import overview
from pks.governance.analyses import ANALYSES_PER_YEAR_MIN, list_analyses
from pks.governance.comments import comments_until
from pks.governance.measures import followup, read_measures
from pks.i18n import format_number, t
from pks.types import LEVELS, Language


def _cell(v: object, lang: Language) -> str:
    if isinstance(v, float):
        return "" if pd.isna(v) else format_number(v, lang, 1)
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return format_number(float(v), lang, 0)
    return html.escape(str(v))


def _table(df: pd.DataFrame, cols: Sequence[tuple[str, str]], lang: Language) -> str:
    if df.empty:
        return f"<p class='empty'>{html.escape(t('gov.none', lang))}</p>"
    head = "".join(f"<th>{html.escape(t(k, lang))}</th>" for _, k in cols)
    rows = "".join("<tr>" + "".join(f"<td>{_cell(r[c], lang)}</td>" for c, _ in cols)
                   + "</tr>" for _, r in df.iterrows())
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def interim_report_html(store: Store, tree: OrgTree, on: dt.date, region_name: str,
                        scenario: str = "base", warnings: pd.DataFrame | None = None,
                        lang: Language = "sv") -> str:
    """The governance report for the period 1 January – ``on`` as one HTML page."""
    names = dict(zip(tree.nodes["node_id"].astype(str), tree.nodes["name"].astype(str),
                     strict=True))
    year = on.year
    kind = t("gov.report.annual" if (on.month, on.day) == (12, 31) else "gov.report.interim",
             lang)
    parts = [f"<h1>{html.escape(kind)} {html.escape(region_name)}</h1>",
             f"<p>{html.escape(t('gov.report.period', lang, first=f'{year}-01-01', last=on))}"
             "</p>"]
    f = followup(read_measures(store), tree, year)
    f.insert(1, "name", f["node_id"].map(names))
    parts += [f"<h2>{html.escape(t('gov.sec.followup', lang))}</h2>", _table(f, [
        ("name", "gov.col.node"), ("measures_n", "gov.col.measures_n"),
        ("unreported_n", "gov.col.unreported_n"), ("expected_mnkr", "gov.col.expected_mnkr"),
        ("realised_mnkr", "gov.col.realised_mnkr")], lang)]
    if warnings is not None:
        w = warnings.assign(name=warnings["node_id"].map(names),
                            reason=[t(f"gov.reason.{r.split(':')[0]}", lang)
                                    for r in warnings["reason"]])
        parts += [f"<h2>{html.escape(t('gov.sec.warnings', lang))}</h2>", _table(w, [
            ("name", "gov.col.node"), ("reason", "gov.col.reason")], lang)]
    parts.append(f"<h2>{html.escape(t('gov.sec.agreements', lang))}</h2>")
    for level in LEVELS:
        info = store.latest_run("plan", scenario=scenario, level=level)
        if info is None:
            continue
        ov = overview(store, tree, info.run_id)
        agreed = int((~ov["unagreed"]).sum())
        line = t("gov.report.agreed", lang, level=t(f"level.{level}", lang), run=info.run_id,
                 status=info.status, agreed=agreed, nodes=len(ov))
        parts.append(f"<p>{html.escape(line)}</p>")
    c = comments_until(store, f"{year}-{on.month:02d}", f"{year}-01")
    c.insert(1, "name", c["node_id"].map(names))
    parts += [f"<h2>{html.escape(t('gov.sec.comments', lang))}</h2>", _table(c, [
        ("month", "gov.col.month"), ("name", "gov.col.node"), ("comment", "gov.col.comment"),
        ("user", "gov.col.user")], lang)]
    a = list_analyses(store, year)
    count = t("gov.analyses.count", lang, n=len(a), min=ANALYSES_PER_YEAR_MIN)
    parts += [f"<h2>{html.escape(t('gov.sec.analyses', lang))}</h2>",
              f"<p>{html.escape(count)}</p>",
              _table(a, [("title", "gov.col.title"), ("user", "gov.col.user"),
                         ("at_utc", "gov.col.at")], lang)]
    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(kind)}</title><style>body{{font-family:sans-serif;"
            "margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            f"padding:3px 6px}}</style></head><body>{body}</body></html>")
