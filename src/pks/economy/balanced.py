r"""Balanced-budget requirement (balanskrav) and restoration of negative results (R-49).

Kommunallagen 11 kap.: a negative balanced-budget result (balanskravsresultat) must be
restored by positive results within the next ``restoration_years`` (three) years, unless
the assembly (regionfullmäktige) decides that *synnerliga skäl* (exceptional reasons)
exempt part of it [004:10–18].

Roll-forward per year :math:`t` (seed 004's table [004:125–147]):

.. math::

    U_t^{close} = U_t^{open} + r_t + e_t, \qquad U_t^{open} = U_{t-1}^{close}

while unrestored (:math:`U \le 0`), where :math:`r_t` is the year's balanced-budget
result and :math:`0 \le e_t \le \max(0, -r_t)` the exempt amount. A new deficit
:math:`d_t = -r_t - e_t` keeps its year of origin and must be restored by
:math:`t + 3`; positive results restore the oldest deficit first (FIFO). A positive
result beyond all open deficits restores nothing further (no credit for later years).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RESTORATION_YEARS = 3
"""Years within which a negative balanced-budget result must be restored (KL 11:12)."""


class BalancedBudgetInputError(ValueError):
    """Inconsistent balanced-budget inputs; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class YearResult:
    """One year's balanced-budget result and the part exempt by *synnerliga skäl*."""

    year: int
    result_mnkr: float
    exempt_mnkr: float = 0.0


@dataclass(frozen=True)
class RestorationYear:
    """One column of the restoration table (all balances ≤ 0, in mnkr)."""

    year: int
    opening_mnkr: float
    result_mnkr: float
    exempt_mnkr: float
    closing_mnkr: float
    by_origin_mnkr: tuple[tuple[int, float], ...]
    """(year of origin, unrestored amount ≤ 0 at the end of this year) for every origin."""
    required_mnkr: float
    """Balanced-budget result this year needs so that no deficit passes its deadline
    (sum of the open deficits whose deadline is this year or earlier; ≥ 0)."""
    overdue_mnkr: float
    """Unrestored amount (≤ 0) whose deadline has passed at the end of this year."""

    def of_origin(self, origin: int) -> float:
        """Unrestored amount (≤ 0) from year ``origin`` at the end of this year."""
        return dict(self.by_origin_mnkr).get(origin, 0.0)


@dataclass(frozen=True)
class RestorationSchedule:
    """The restoration table over consecutive years."""

    years: tuple[RestorationYear, ...]
    restoration_years: int
    origins: tuple[int, ...]
    """Years that left a deficit to restore."""

    def deadline(self, origin: int) -> int:
        """Last year by which the deficit of ``origin`` must be restored."""
        return origin + self.restoration_years

    def year(self, year: int) -> RestorationYear:
        """The column of ``year``."""
        for y in self.years:
            if y.year == year:
                return y
        raise KeyError(year)


def check_results(results: Sequence[YearResult]) -> list[str]:
    """Every problem of the inputs: years not consecutive, negative or too large exemptions."""
    problems: list[str] = []
    years = [r.year for r in results]
    if years and years != list(range(years[0], years[0] + len(years))):
        problems.append(f"years must be consecutive and ascending, got {years}")
    for r in results:
        deficit = max(0.0, -r.result_mnkr)
        if r.exempt_mnkr < 0:
            problems.append(f"{r.year}: exempt amount {r.exempt_mnkr:g} mnkr is negative")
        elif r.exempt_mnkr > deficit + 1e-9:
            problems.append(f"{r.year}: exempt amount {r.exempt_mnkr:g} mnkr is larger than the "
                            f"deficit {deficit:g} mnkr (result {r.result_mnkr:g} mnkr)")
    return problems


def restoration_schedule(results: Sequence[YearResult],
                         restoration_years: int = RESTORATION_YEARS,
                         opening: Sequence[tuple[int, float]] = ()) -> RestorationSchedule:
    """Roll the unrestored deficits forward year by year, restoring FIFO.

    Parameters
    ----------
    results : balanced-budget results of consecutive years (ascending).
    restoration_years : years allowed for restoring a deficit (3 by law).
    opening : deficits still open before the first year, as (origin year, amount > 0).

    Raises
    ------
    BalancedBudgetInputError
        With every problem (see :func:`check_results`).
    """
    problems = check_results(results)
    if problems:
        raise BalancedBudgetInputError(problems)
    open_: list[list[float]] = [[float(o), float(a)] for o, a in opening if a > 0]
    origins: list[int] = [int(o) for o, _ in open_]
    cols: list[RestorationYear] = []
    for r in results:
        opening_bal = -sum(a for _, a in open_)
        required = sum(a for o, a in open_ if o + restoration_years <= r.year)
        if r.result_mnkr < 0:
            new = -r.result_mnkr - r.exempt_mnkr
            if new > 0:
                open_.append([float(r.year), new])
                origins.append(r.year)
        else:
            pay = r.result_mnkr
            for item in open_:
                used = min(pay, item[1])
                item[1] -= used
                pay -= used
            open_ = [i for i in open_ if i[1] > 1e-9]
        remaining = {int(o): a for o, a in open_}
        closing = -sum(remaining.values())
        overdue = -sum(a for o, a in remaining.items() if o + restoration_years <= r.year)
        cols.append(RestorationYear(
            year=r.year, opening_mnkr=opening_bal, result_mnkr=r.result_mnkr,
            exempt_mnkr=r.exempt_mnkr, closing_mnkr=closing,
            by_origin_mnkr=tuple((o, -remaining.get(o, 0.0)) for o in origins),
            required_mnkr=max(0.0, required), overdue_mnkr=overdue))
    return RestorationSchedule(tuple(cols), restoration_years, tuple(origins))
