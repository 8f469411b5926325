"""The level gap report in planner language (Swedish or English, a unit on every number)."""

from __future__ import annotations

from collections.abc import Mapping

from pks.i18n import format_number, format_sek, t
from pks.optimise.level_gap_chain import PAIRS, LevelGaps
from pks.optimise.level_gaps import METRICS, REASONS, top_gaps
from pks.types import Language

FTE_DECIMALS = 1
"""FTE are shown to a tenth; case-weeks and cases in whole numbers."""


def format_metric(value: float, metric: str, lang: Language, signed: bool = False) -> str:
    """A metric's value with its unit (``net_cost_sek`` in mnkr / MSEK)."""
    if metric == "net_cost_sek":
        text = format_sek(value, lang, "M")
    else:
        dec = FTE_DECIMALS if metric == "fte" else 0
        text = f"{format_number(value, lang, dec)} {t(f'gaps.unit.{metric}', lang)}"
    return ("+" + text) if signed and value > 0 else text


def _period(result: LevelGaps, lang: Language) -> str:
    if result.pair == "strategic-tactical":
        return t("gaps.period_year", lang, year=result.period.year)
    return t("gaps.period_weeks", lang, first=result.period.weeks[0],
             last=result.period.weeks[-1])


def summary_lines(result: LevelGaps, names: Mapping[str, str], lang: Language = "sv",
                  top: int = 5) -> list[str]:
    """The ``top`` largest gaps per metric with their four reasons, one line each."""
    upper, lower = (t(f"gaps.level.{lv}", lang) for lv in PAIRS[result.pair])
    period = _period(result, lang)
    lines = [t("gaps.title", lang, upper=upper, lower=lower, period=period)]
    shown = 0
    for metric in METRICS:
        g = result.gaps
        n = int(((g["metric"] == metric) & (g["gap"].abs() > 0.5)).sum())
        big = top_gaps(g, metric, top)
        if big.empty:
            continue
        shown += 1
        lines.append(t("gaps.metric_title", lang, metric=t(f"gaps.metric.{metric}", lang), n=n))
        for r in big.itertuples(index=False):
            parts = {k: format_metric(float(getattr(r, k)), metric, lang, True)
                     for k in REASONS}
            lines.append(t("gaps.line", lang, unit=names.get(str(r.unit_id), str(r.unit_id)),
                           upper=format_metric(float(r.upper_value), metric, lang),
                           lower=format_metric(float(r.lower_value), metric, lang),
                           gap=format_metric(float(r.gap), metric, lang, True), **parts))
    if not shown:
        return [t("gaps.none", lang, upper=upper, lower=lower, period=period)]
    return lines
