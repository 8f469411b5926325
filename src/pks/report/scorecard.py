"""Board-report sections in the seeds' follow-up dimensions (R-22, R-23, R-32).

The red deviations counted per balanced-scorecard perspective
(:mod:`pks.followup.scorecard`), the month's demand, production, waiting list and share past
the guarantee split by legal sex for the region and its divisions
(:mod:`pks.followup.sex_split`), and the KPP cost per DRG point of each somatic unit year to
date against the national benchmark, exception units shown as flagged, never red
(:mod:`pks.followup.kpp`). Each function returns an HTML fragment.
"""

from __future__ import annotations

import html as htmllib

import pandas as pd

from pks.config.dashboard import DashboardConfig
from pks.data.planning_data import PlanningData
from pks.data.tree import OrgTree
from pks.data.weeks import weeks_of_year
from pks.followup.board import BoardReport, month_weeks
from pks.followup.kpis import KPI_COLUMNS
from pks.followup.kpp import KppBenchmark, kpp_by_unit, somatic_units
from pks.followup.scorecard import (
    KIND_PERSPECTIVE,
    PERSPECTIVES,
    count_by_perspective,
    scorecard,
)
from pks.followup.sex_split import sex_split
from pks.i18n import format_number, format_pct, format_sek, t
from pks.rules.lights import KINDS
from pks.types import Language


def _esc(x: object) -> str:
    return htmllib.escape(str(x))


def _num(v: float | None, lang: Language, decimals: int = 0) -> str:
    return "" if v is None or pd.isna(v) else format_number(float(v), lang, decimals)


def _pct(v: float | None, lang: Language) -> str:
    return "" if v is None or pd.isna(v) else format_pct(float(v), lang)


def _light(lt: str, lang: Language) -> str:
    return (f"<span class='dot {_esc(lt)}'></span>"
            f"{_esc(t('scorecard.light.' + lt, lang))}")


def _table(head: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    th = "".join(f"<th class='{'num' if i in numeric else ''}'>{_esc(h)}</th>"
                 for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(f"<td class='{'num' if i in numeric else ''}'>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def scorecard_reds_html(reds: pd.DataFrame, lang: Language) -> str:
    """The red deviations counted per perspective, with the kinds inside each."""
    counts = count_by_perspective(reds["kind"])
    per_kind = reds["kind"].value_counts()
    rows = []
    for p in PERSPECTIVES:
        kinds = [k for k in KINDS if KIND_PERSPECTIVE[k] == p]
        detail = "; ".join(f"{t('dash.kind.' + k, lang)}: {int(per_kind.get(k, 0))}"
                           for k in kinds)
        rows.append([_esc(t(f"scorecard.perspective.{p}", lang)), str(counts[p]),
                     _esc(detail)])
    return (f"<h3>{_esc(t('scorecard.sec.reds', lang))}</h3>"
            f"<p>{_esc(t('scorecard.reds_total', lang, n=len(reds)))}</p>"
            + _table([t("scorecard.col.perspective", lang), t("scorecard.col.reds", lang),
                      t("scorecard.col.kinds", lang)], rows, {1}))


STOCK_KPIS: frozenset[str] = frozenset({"waiting", "past_guarantee"})
"""KPIs the report takes at the month's last week; the others are year to date."""


def region_scorecard_html(rep: BoardReport, lang: Language) -> str:
    """The region's KPIs grouped by perspective: stocks at month end, the rest year to date.

    Cost is the year-end forecast against the frame of the top frame-holding node.
    """
    root = rep.production["node_id"].iloc[0] if len(rep.production) else None
    values: dict[str, tuple[float, str]] = {}
    for kpi, col in KPI_COLUMNS.items():
        frame = rep.waiting if kpi in STOCK_KPIS else rep.production
        row = frame[frame["node_id"] == root]
        if len(row) and col in row.columns:
            values[kpi] = (float(row.iloc[0][col]), str(row.iloc[0][f"{kpi}_light"]))
    top = rep.cost[rep.cost["frame_basis"] == "own"]
    if len(top):
        values["cost"] = (float(top.iloc[0]["frame_gap_pu"]), str(top.iloc[0]["light"]))
    sc = scorecard(values)
    rows = [[_esc(t(f"scorecard.perspective.{p}", lang)), _esc(t(f"scorecard.kpi.{k}", lang)),
             _esc(_num(v, lang) if k == "overtime" else _pct(v, lang)),
             _light("none" if lt in ("nan", "None") else lt, lang)]
            for p, k, v, lt in zip(sc["perspective"], sc["kpi"], sc["value"], sc["light"],
                                   strict=True)]
    return (f"<h2>{_esc(t('scorecard.sec.scorecard', lang))} – {_esc(rep.region_name)}</h2>"
            + _table([t("scorecard.col.perspective", lang), t("scorecard.col.kpi", lang),
                      t("scorecard.col.value", lang), t("scorecard.col.status", lang)],
                     rows, {2}))


SEX_TABLE: tuple[tuple[str, str], ...] = (
    ("referrals_cases", "num"), ("production_cases", "num"), ("production_share_pu", "pct"),
    ("waiting_list_cases", "num"), ("waiting_over_guarantee_cases", "num"),
    ("past_guarantee_pu", "pct"))


def sex_split_html(split: pd.DataFrame, show: list[str], names: dict[str, str],
                   lang: Language, note: str = "") -> str:
    """The sex split of the ``show`` nodes (in that order), women then men per node."""
    head = [t("dash.col.node", lang), t("scorecard.col.sex", lang),
            *[t(f"scorecard.col.{c}", lang) for c, _ in SEX_TABLE]]
    rows = []
    by = split.set_index(["node_id", "sex"])
    for n in show:
        for s in ("female", "male"):
            if (n, s) not in by.index:
                continue
            r = by.loc[(n, s)]
            rows.append([_esc(names.get(n, n)), _esc(t(f"scorecard.sex.{s}", lang)),
                         *[_esc(_pct(r[c], lang) if k == "pct" else _num(r[c], lang))
                           for c, k in SEX_TABLE]])
    out = f"<h2>{_esc(t('scorecard.sec.sex', lang))}</h2>"
    if note:
        out += f"<p class='note'>{_esc(note)}</p>"
    if not rows:
        return out + f"<p class='note'>{_esc(t('dash.no_rows', lang))}</p>"
    return out + _table(head, rows, set(range(2, len(head))))


def kpp_html(per_unit: pd.DataFrame, names: dict[str, str], bm: KppBenchmark,
             lang: Language, period: str = "") -> str:
    """Cost per DRG point per somatic unit against the benchmark; exceptions flagged."""
    note = t("scorecard.kpp_note", lang, benchmark=format_sek(bm.sek_per_drg_point, lang),
             source=bm.source, margin=format_pct(bm.red_margin_pu, lang, 0))
    out = (f"<h2>{_esc(t('scorecard.sec.kpp', lang))}</h2>"
           f"<p class='note'>{_esc(' '.join(x for x in (period, note) if x))}</p>")
    if per_unit.empty:
        return out + f"<p class='note'>{_esc(t('scorecard.kpp_none', lang))}</p>"
    head = [t("scorecard.col.unit", lang), t("scorecard.col.cost_msek", lang),
            t("scorecard.col.drg_points", lang), t("scorecard.col.cost_per_drg_point_sek", lang),
            t("scorecard.col.benchmark_sek", lang), t("scorecard.col.gap_pu", lang),
            t("scorecard.col.status", lang)]
    rows = [[_esc(names.get(str(r["unit_id"]), str(r["unit_id"]))),
             _esc(_num(float(r["cost_sek"]) / 1e6, lang, 1)),
             _esc(_num(r["drg_points"], lang)), _esc(_num(r["cost_per_drg_point_sek"], lang)),
             _esc(_num(r["benchmark_sek_per_drg_point"], lang)),
             _esc(("+" if r["gap_pu"] > 0 else "") + _pct(r["gap_pu"], lang)),
             _light(str(r["light"]), lang)]
            for r in per_unit.to_dict("records")]
    return out + _table(head, rows, {1, 2, 3, 4, 5})


def benchmark_of(cfg: DashboardConfig) -> KppBenchmark:
    """The KPP benchmark of a scenario's dashboard settings."""
    return KppBenchmark(cfg.kpp_benchmark_sek_per_drg_point, cfg.kpp_benchmark_source,
                        cfg.kpp_red_margin_pu)


def dimension_sections(data: PlanningData, cfg: DashboardConfig, year: int, month: int,
                       as_of_week: str, lang: Language, node_type: str = "division"
                       ) -> list[str]:
    """Sex split of the month (region and ``node_type`` nodes) and KPP year to date."""
    weeks = month_weeks(year, month, as_of_week)
    if not weeks:
        return []
    tree = OrgTree(data.org_nodes)
    nodes = data.org_nodes
    names = dict(zip(nodes["node_id"].astype(str), nodes["name"].astype(str), strict=True))
    root = tree.root
    show = [n for n in [root, *nodes.loc[nodes["node_type"] == node_type, "node_id"]
                        .astype(str)] if n]
    split = sex_split(data.actuals_production, tree, weeks[0], weeks[-1])
    note = t("scorecard.period_note", lang, first=weeks[0], last=weeks[-1])
    bm = benchmark_of(cfg)
    units = somatic_units(data.unit_ids, tree, cfg.kpp_excluded_node_ids)
    kpp = kpp_by_unit(data.actuals_production, data.actuals_unit, data.care_types,
                      data.unit_finance, units, weeks_of_year(year)[0], weeks[-1], bm)
    ytd = t("scorecard.period_note", lang, first=weeks_of_year(year)[0], last=weeks[-1])
    return [sex_split_html(split, show, names, lang, note),
            kpp_html(kpp, names, bm, lang, ytd)]
