r"""Result reserve (RER) and result equalisation reserve (RUR) rules (R-50, [000:677–796]).

Let :math:`S_t` = tax revenue + general grants + equalisation of year :math:`t`, and
:math:`b_t` the result the reservation is measured on (the year's result or the
balanced-budget result, whichever is lower).

Reservation (RER; RUR only in years ≤ 2023):

.. math::

    R_t^{max} = \max\bigl(0, \min\bigl(b_t - p\,S_t,\; 0.05\,S_t - B_{t-1}\bigr)\bigr),
    \qquad p = 0.02 \text{ if equity incl. pension commitment} < 0 \text{ else } 0.01

where :math:`B_{t-1}` is the reserve's balance before the reservation; the reserve may not
exceed 5 % of :math:`S_t` afterwards.

Use (RER; RUR only in years ≤ 2033): allowed only if the balanced-budget result is
negative **and** either the year's tax-base growth is below the national ten-year average
or an unforeseen event is declared; at most up to a zero result and at most the balance:

.. math::

    U_t^{max} = \min\bigl(-r_t, B_{t-1}\bigr) \text{ if allowed, else } 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ReserveKind = Literal["RER", "RUR"]

RESERVATION_SHARE_PU = 0.01
"""Result above 1 % of tax + grants + equalisation may be reserved."""
RESERVATION_SHARE_NEG_EQUITY_PU = 0.02
"""2 % when equity including the pension commitment is negative."""
RESERVE_CAP_PU = 0.05
"""The reserve may be at most 5 % of tax + grants + equalisation after a reservation."""
RUR_LAST_RESERVATION_YEAR = 2023
"""No new RUR reservations after fiscal year 2023 [000:736–776]."""
RUR_LAST_USE_YEAR = 2033
"""Remaining RUR funds may be used until the end of 2033."""


@dataclass(frozen=True)
class ReservationLimit:
    """How much may be reserved in a year, and why."""

    year: int
    kind: ReserveKind
    max_mnkr: float
    threshold_pu: float
    """1 % or 2 % of the revenue base, the part of the result above which may be reserved."""
    cap_room_mnkr: float
    """Room under the 5 % cap before the reservation."""
    reason: str
    """``ok``, ``rur_closed`` (year after 2023), ``below_threshold`` or ``cap_reached``."""


@dataclass(frozen=True)
class UseLimit:
    """How much of a reserve may be used in a year, and why."""

    year: int
    kind: ReserveKind
    max_mnkr: float
    reason: str
    """``ok``, ``result_not_negative``, ``criteria_not_met``, ``rur_expired`` or ``empty``."""


def reservation_limit(year: int, kind: ReserveKind, result_mnkr: float,
                      balanced_result_mnkr: float, revenue_base_mnkr: float,
                      negative_equity: bool, balance_mnkr: float) -> ReservationLimit:
    """Largest reservation allowed (see the module docstring for the rule)."""
    share = RESERVATION_SHARE_NEG_EQUITY_PU if negative_equity else RESERVATION_SHARE_PU
    room = RESERVE_CAP_PU * revenue_base_mnkr - balance_mnkr
    above = min(result_mnkr, balanced_result_mnkr) - share * revenue_base_mnkr
    if kind == "RUR" and year > RUR_LAST_RESERVATION_YEAR:
        return ReservationLimit(year, kind, 0.0, share, max(0.0, room), "rur_closed")
    if above <= 0:
        return ReservationLimit(year, kind, 0.0, share, max(0.0, room), "below_threshold")
    if room <= 0:
        return ReservationLimit(year, kind, 0.0, share, 0.0, "cap_reached")
    return ReservationLimit(year, kind, min(above, room), share, room, "ok")


def use_limit(year: int, kind: ReserveKind, balanced_result_mnkr: float, balance_mnkr: float,
              tax_base_growth_pu: float | None = None,
              national_avg_growth_pu: float | None = None,
              unforeseen_event: bool = False) -> UseLimit:
    """Largest use of a reserve allowed (see the module docstring for the rule)."""
    if kind == "RUR" and year > RUR_LAST_USE_YEAR:
        return UseLimit(year, kind, 0.0, "rur_expired")
    if balanced_result_mnkr >= 0:
        return UseLimit(year, kind, 0.0, "result_not_negative")
    slow_growth = (tax_base_growth_pu is not None and national_avg_growth_pu is not None
                   and tax_base_growth_pu < national_avg_growth_pu)
    if not (slow_growth or unforeseen_event):
        return UseLimit(year, kind, 0.0, "criteria_not_met")
    if balance_mnkr <= 0:
        return UseLimit(year, kind, 0.0, "empty")
    return UseLimit(year, kind, min(-balanced_result_mnkr, balance_mnkr), "ok")
