r"""The care-guarantee translation: a limit in days and a share within it → target wait and queue.

The care guarantee (vårdgarantin) asks that a share :math:`s` of patients be seen within
:math:`L` days. Under FIFO service with exponential waits, :math:`P(W > L) = e^{-L/m}`, so
the largest mean wait that meets the guarantee is

.. math::

   m = L / f, \qquad f = \ln\frac{1}{1 - s}

(the *wait factor*; :math:`f = 2.303` for :math:`s = 0.9`). By Little's law the target
queue is :math:`Q = \lambda\, m` for a demand of :math:`\lambda` cases per week. When the
target set gives no usable share (missing, 0 or 1), the wait factor is
:data:`DEFAULT_WAIT_FACTOR` = 4, the NHSRwaitinglist rule (mean wait a quarter of the
limit, i.e. :math:`s = 1 - e^{-4} ≈ 98.2\,\%`). The forecaster's need, the optimiser's
waiting-list target and the simulator's guarantee all go through this module, so the same
scenario is judged against the same guarantee everywhere.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pks.calendar import DAYS_PER_WEEK

DEFAULT_WAIT_FACTOR = 4.0
"""NHSRwaitinglist factor: target mean wait = limit / 4 (used when no share is given)."""
GUARANTEE_STAGES: dict[str, str] = {"first_visit": "first_visit_days",
                                    "treatment": "treatment_days"}
"""Care-guarantee stage of a care type → the target-set column holding its limit in days."""


def wait_factor(share_within: float | None) -> float:
    r"""The wait factor :math:`f = \ln(1/(1-s))`, or :data:`DEFAULT_WAIT_FACTOR`.

    Examples
    --------
    >>> round(wait_factor(0.9), 4)
    2.3026
    >>> wait_factor(None), wait_factor(1.0)
    (4.0, 4.0)
    """
    if share_within is None or not np.isfinite(share_within) or not 0 < share_within < 1:
        return DEFAULT_WAIT_FACTOR
    return math.log(1.0 / (1.0 - share_within))


def guarantee_mean_wait(limit: float, share_within: float = 0.9) -> float:
    """Largest mean wait such that ``share_within`` of patients wait at most ``limit``.

    ``m = limit / ln(1/(1 − share))``, in the unit of ``limit``.

    Raises
    ------
    ValueError
        If ``limit`` is not positive or the share is not in (0, 1).

    Examples
    --------
    >>> round(guarantee_mean_wait(90, 0.9), 4)
    39.0865
    """
    if not limit > 0:
        raise ValueError(f"limit must be > 0, got {limit!r}")
    if not 0 < share_within < 1:
        raise ValueError(f"share_within must be in (0, 1), got {share_within!r}")
    return limit / wait_factor(share_within)


def limit_days(stage: str, targets: pd.Series | dict[str, float], acute: bool = False
               ) -> float:
    """Care-guarantee limit in days of a care type's ``guarantee_stage`` (NaN: none).

    Acute care types and stages without a guarantee (e.g. ``none``) have no limit.

    Examples
    --------
    >>> limit_days("treatment", {"first_visit_days": 60, "treatment_days": 90})
    90.0
    >>> import math; math.isnan(limit_days("first_visit", {"first_visit_days": 60}, acute=True))
    True
    """
    col = GUARANTEE_STAGES.get(str(stage))
    if acute or col is None:
        return float("nan")
    return float(targets[col])


def limit_days_of(stage: pd.Series, acute: pd.Series, targets: pd.Series | dict[str, float]
                  ) -> np.ndarray:
    """:func:`limit_days` for columns of care types (``guarantee_stage``, ``acute``)."""
    return np.array([limit_days(s, targets, bool(a))
                     for s, a in zip(stage, acute, strict=True)], dtype="float64")


def target_mean_wait_weeks(limit_days_: float | np.ndarray | pd.Series,
                           share_within: float | None) -> float | np.ndarray | pd.Series:
    """Target mean wait in weeks: ``limit_days / 7 / f`` (NaN where there is no limit)."""
    return limit_days_ / DAYS_PER_WEEK / wait_factor(share_within)


def target_queue_cases(demand_cases_per_week: float | np.ndarray | pd.Series,
                       limit_days_: float | np.ndarray | pd.Series,
                       share_within: float | None) -> float | np.ndarray | pd.Series:
    """Target waiting list by Little's law: ``Q = λ · limit_days / 7 / f`` (cases).

    Examples
    --------
    >>> round(float(target_queue_cases(10.0, 90.0, 0.9)), 3)
    55.838
    """
    return demand_cases_per_week * target_mean_wait_weeks(limit_days_, share_within)
