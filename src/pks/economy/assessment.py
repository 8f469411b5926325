r"""The balanced-budget assessment (balanskravsutredning) for budgets and reports.

Required in the budget and multi-year plan, the interim reports and the annual report
[000:778–796]. Per year (mnkr):

.. math::

    \text{year's result} + \text{adjustments (unrealised pension-portfolio result, …)}
    = \text{result after adjustments}; \;
    - \text{reservation to RER/RUR} + \text{use of RER/RUR}
    = \text{balanced-budget result}

followed by the part exempt by *synnerliga skäl*, the unrestored deficits before and
after the year and what is still to be restored, with its deadline. RER/RUR are decided
by the assembly at the annual accounts; the assessment shows the largest reservation and
use the rules allow (:mod:`pks.economy.reserves`) and plans none of them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from pks.economy.outcome import EconomyOutcome
from pks.i18n import format_number, t
from pks.types import Language


@dataclass(frozen=True)
class AssessmentYear:
    """One column of the balanced-budget assessment (mnkr)."""

    year: int
    status: str
    year_result_mnkr: float
    adjustments_mnkr: float
    result_after_adjustments_mnkr: float
    reserve_reservation_mnkr: float
    reserve_use_mnkr: float
    balanced_result_mnkr: float
    exempt_mnkr: float
    unrestored_opening_mnkr: float
    unrestored_closing_mnkr: float
    required_mnkr: float
    reservation_allowed_mnkr: float
    use_allowed_mnkr: float


@dataclass(frozen=True)
class BalancedBudgetAssessment:
    """The assessment over the economy years, with the restoration deadlines."""

    scenario: str
    years: tuple[AssessmentYear, ...]
    deadlines: tuple[tuple[int, int, float], ...]
    """(year of origin, last year to restore, still unrestored at the end ≤ 0)."""

    @property
    def balanced(self) -> bool:
        """True when no year has a negative balanced-budget result left unrestored."""
        return all(y.unrestored_closing_mnkr == 0 for y in self.years)


def balanced_budget_assessment(outcome: EconomyOutcome) -> BalancedBudgetAssessment:
    """The balanskravsutredning of a scenario's economy (see the module docstring)."""
    tab = outcome.budget.table.set_index("year")
    res = outcome.reserves
    cols = []
    for ry in outcome.schedule.years:
        r = tab.loc[ry.year]
        adj = float(r["balanced_result_mnkr"]) - float(r["year_result_mnkr"])
        rr = res[res["year"] == ry.year]
        cols.append(AssessmentYear(
            year=ry.year, status=str(r["status"]), year_result_mnkr=float(r["year_result_mnkr"]),
            adjustments_mnkr=adj,
            result_after_adjustments_mnkr=float(r["balanced_result_mnkr"]),
            reserve_reservation_mnkr=0.0, reserve_use_mnkr=0.0,
            balanced_result_mnkr=float(r["balanced_result_mnkr"]),
            exempt_mnkr=ry.exempt_mnkr, unrestored_opening_mnkr=ry.opening_mnkr,
            unrestored_closing_mnkr=ry.closing_mnkr, required_mnkr=ry.required_mnkr,
            reservation_allowed_mnkr=float(rr["reservation_max_mnkr"].sum()),
            use_allowed_mnkr=float(rr["use_max_mnkr"].sum())))
    last = outcome.schedule.years[-1] if outcome.schedule.years else None
    deadlines = tuple((o, outcome.schedule.deadline(o), last.of_origin(o) if last else 0.0)
                      for o in outcome.schedule.origins)
    return BalancedBudgetAssessment(outcome.scenario, tuple(cols), deadlines)


ROWS = ("year_result_mnkr", "adjustments_mnkr", "result_after_adjustments_mnkr",
        "reserve_reservation_mnkr", "reserve_use_mnkr", "balanced_result_mnkr", "exempt_mnkr",
        "unrestored_opening_mnkr", "unrestored_closing_mnkr", "required_mnkr")
"""Rows of the assessment table, in the order of a balanskravsutredning."""


def assessment_table(a: BalancedBudgetAssessment, lang: Language = "sv") -> pd.DataFrame:
    """Rows (labelled in ``lang``) × years, in mnkr."""
    data = {str(y.year): [getattr(y, r) for r in ROWS] for y in a.years}
    return pd.DataFrame(data, index=[t(f"economy.assess.{r}", lang) for r in ROWS])


def assessment_html(a: BalancedBudgetAssessment, lang: Language = "sv") -> str:
    """A small HTML fragment (a ``<section>`` with one table) for the board report."""
    tab = assessment_table(a, lang)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in tab.columns)
    body = "".join(
        f"<tr><th scope='row'>{html.escape(str(i))}</th>"
        + "".join(f"<td class='num'>{format_number(float(v), lang, 0)}</td>" for v in row)
        + "</tr>" for i, row in tab.iterrows())
    notes = "".join(
        f"<li>{html.escape(t('economy.assess.deadline', lang, origin=o, deadline=d, amount=format_number(-left, lang, 0)))}</li>"  # noqa: E501
        for o, d, left in a.deadlines)
    verdict = t("economy.assess.balanced" if a.balanced else "economy.assess.unbalanced", lang)
    return (f"<section class='balanskrav'><h3>{html.escape(t('economy.assess.title', lang))}"
            f"</h3><p>{html.escape(verdict)}</p><table><thead><tr><th>mnkr</th>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table>"
            + (f"<ul>{notes}</ul>" if notes else "") + "</section>")
