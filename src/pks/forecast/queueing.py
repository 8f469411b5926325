"""Queueing arithmetic for waiting lists and wards (pure functions, no pandas).

Waiting lists follow Fong et al. (2022) as implemented in the R package
NHSRwaitinglist (``calc_queue_load``, ``calc_target_mean_wait``,
``calc_target_queue_size``, ``calc_relief_capacity``, ``calc_target_capacity``,
``calc_waiting_list_pressure``): same argument order, same defaults, same results.
Rates and times must use the same time unit (e.g. cases per week and weeks).

Wards follow the Erlang loss model M/G/c/c (insensitive to the length-of-stay
distribution): an admission that finds all ``c`` staffed beds occupied is refused
(overflow). The occupancy a ward can sustain for a given refusal probability grows
with its size (de Bruin et al. 2010, *Health Care Manag Sci* 13:1-12), so a flat 85 %
target is too high for small wards and too low for large ones.

The care-guarantee translation (:func:`guarantee_mean_wait`) assumes FIFO service
with exponentially distributed waits, P(W > L) = exp(-L / mean_wait).

Examples
--------
>>> target_queue_size(30, 52)
390.0
>>> round(relief_capacity(30, 1200, 390, 26), 6)
61.153846
>>> round(erlang_b(2, 1.0), 6)
0.2
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from pks.rules import guarantee as rules_guarantee


def _check_positive(**values: float) -> None:
    bad = [f"{k}={v!r}" for k, v in values.items() if not (isinstance(v, int | float) and v > 0)]
    if bad:
        raise ValueError("must be positive numbers: " + ", ".join(bad))


# --------------------------------------------------------------------------- waiting lists


def queue_load(demand: float, capacity: float) -> float:
    """Queue load: arrivals per removal, ``demand / capacity`` (> 1 means the list grows).

    Examples
    --------
    >>> round(queue_load(30, 27), 4)
    1.1111
    """
    _check_positive(capacity=capacity)
    return demand / capacity


def target_mean_wait(target_wait: float,
                     factor: float = rules_guarantee.DEFAULT_WAIT_FACTOR) -> float:
    """Target mean wait ``target_wait / factor``.

    The default ``factor`` is the one rule's :data:`pks.rules.guarantee.DEFAULT_WAIT_FACTOR`
    (NHSRwaitinglist's 4); a share within the limit gives its factor through
    :func:`guarantee_factor` (= :func:`pks.rules.guarantee.wait_factor`).

    With exponential waits, a mean of a quarter (factor 4) of the target leaves
    exp(-4) ≈ 1.8 % of patients over the target; factor 6 leaves 0.25 %.

    Examples
    --------
    >>> target_mean_wait(52, 4)
    13.0
    """
    _check_positive(target_wait=target_wait, factor=factor)
    return target_wait / factor


def target_queue_size(demand: float, target_wait: float,
                      factor: float = rules_guarantee.DEFAULT_WAIT_FACTOR) -> float:
    """Target waiting-list size by Little's law: ``demand × target_wait / factor``.

    Examples
    --------
    >>> target_queue_size(30, 52, 4)
    390.0
    """
    return demand * target_mean_wait(target_wait, factor)


def relief_capacity(
    demand: float,
    queue_size: float,
    target_queue_size: float,
    time_to_target: float = 26,
    num_referrals: float = 0,
    cv_demand: float = 0,
) -> float:
    """Capacity per period that brings the list to its target size in ``time_to_target``.

    ``demand + (queue_size - target_queue_size) / time_to_target``. When the demand is an
    estimate from ``num_referrals`` referrals with coefficient of variation ``cv_demand``,
    it is first inflated by two standard errors as in NHSRwaitinglist.

    Examples
    --------
    >>> round(relief_capacity(30, 1200, 390, 26), 6)
    61.153846
    """
    _check_positive(time_to_target=time_to_target)
    if num_referrals > 0:
        inflation = 2 * demand * cv_demand / math.sqrt(num_referrals)
        if inflation < 1:
            demand = demand / (1 - inflation)
    return demand + (queue_size - target_queue_size) / time_to_target


def target_capacity(
    demand: float,
    target_wait: float,
    factor: float = rules_guarantee.DEFAULT_WAIT_FACTOR,
    cv_demand: float = 1,
    cv_capacity: float = 1,
) -> float:
    """Capacity for a target wait by Kingman's (VUT) approximation, as in NHSRwaitinglist.

    ``demand + (cv_demand² + cv_capacity²) / 2 × factor / target_wait``: the mean wait of a
    G/G/1 queue in heavy traffic is ≈ (ca² + cs²)/2 / (capacity − demand); setting it to
    ``target_wait / factor`` and solving for capacity gives the formula.

    Examples
    --------
    >>> round(target_capacity(30, 52, 3, 1.1, 1.2), 6)
    30.076442
    """
    _check_positive(target_wait=target_wait, factor=factor)
    return demand + ((cv_demand**2 + cv_capacity**2) / 2) * (factor / target_wait)


def waiting_list_pressure(mean_wait: float, target_wait: float) -> float:
    """Waiting-list pressure ``2 × mean_wait / target_wait`` (> 1: the target will be missed).

    Examples
    --------
    >>> round(waiting_list_pressure(63, 52), 7)
    2.4230769
    """
    _check_positive(target_wait=target_wait)
    return 2 * mean_wait / target_wait


# --------------------------------------------------------------------------- care guarantee


def guarantee_mean_wait(limit: float, share_within: float = 0.9) -> float:
    """Largest mean wait such that ``share_within`` of patients wait at most ``limit``.

    Under FIFO with exponential waits, P(W > L) = exp(-L/m) ≤ 1 − share gives
    m ≤ L / ln(1/(1 − share)). For share = 0.9 this is L/2.303; the NHSRwaitinglist
    rule (m = L/4) corresponds to share = 1 − e⁻⁴ ≈ 98.2 %.

    Examples
    --------
    >>> round(guarantee_mean_wait(90, 0.9), 4)
    39.0865
    >>> round(guarantee_mean_wait(52, 1 - math.exp(-4)), 6)
    13.0
    """
    _check_positive(limit=limit)
    if not 0 < share_within < 1:
        raise ValueError(f"share_within must be in (0, 1), got {share_within!r}")
    return rules_guarantee.guarantee_mean_wait(limit, share_within)


def guarantee_factor(share_within: float = 0.9) -> float:
    """The NHSRwaitinglist ``factor`` equivalent to a share within the limit: ln(1/(1−share)).

    Examples
    --------
    >>> round(guarantee_factor(0.9), 4)
    2.3026
    """
    if not 0 < share_within < 1:
        raise ValueError(f"share_within must be in (0, 1), got {share_within!r}")
    return rules_guarantee.wait_factor(share_within)


def share_within_limit(mean_wait: float, limit: float) -> float:
    """Share of patients waiting at most ``limit`` when waits are exponential with ``mean_wait``.

    Examples
    --------
    >>> round(share_within_limit(13, 52), 4)
    0.9817
    """
    if mean_wait <= 0:
        return 1.0
    return 1 - math.exp(-limit / mean_wait)


# --------------------------------------------------------------------------- wards (Erlang B)


def erlang_b(servers: int, offered_load: float) -> float:
    """Erlang-B blocking probability of an M/G/c/c loss system.

    Uses the numerically stable recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).

    Parameters
    ----------
    servers
        Number of servers (staffed beds), ``c ≥ 0``.
    offered_load
        Offered load ``a = λ × mean service time`` in erlangs (occupied beds if
        nobody were refused).

    Examples
    --------
    >>> erlang_b(0, 3.0)
    1.0
    >>> round(erlang_b(10, 5.0), 6)
    0.018385
    """
    if servers < 0 or int(servers) != servers:
        raise ValueError(f"servers must be a non-negative integer, got {servers!r}")
    if offered_load < 0:
        raise ValueError(f"offered_load must be non-negative, got {offered_load!r}")
    b = 1.0
    for k in range(1, int(servers) + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def beds_for_refusal(
    arrival_rate_per_day: float, mean_los_days: float, p_refuse_max: float
) -> int:
    """Smallest number of beds whose Erlang-B refusal probability is at most ``p_refuse_max``.

    Examples
    --------
    >>> beds_for_refusal(2.0, 5.0, 0.05)  # 10 erlangs
    15
    """
    if not 0 < p_refuse_max < 1:
        raise ValueError(f"p_refuse_max must be in (0, 1), got {p_refuse_max!r}")
    a = arrival_rate_per_day * mean_los_days
    if a < 0:
        raise ValueError("arrival rate and length of stay must be non-negative")
    if a == 0:
        return 0
    b, c = 1.0, 0
    while b > p_refuse_max:
        c += 1
        b = a * b / (c + a * b)
    return c


def occupancy(servers: int, offered_load: float) -> float:
    """Mean occupancy of ``servers`` beds: carried load a·(1 − B) divided by c."""
    if servers <= 0:
        return 0.0
    return offered_load * (1 - erlang_b(servers, offered_load)) / servers


def max_offered_load(servers: int, p_refuse_max: float, tol: float = 1e-10) -> float:
    """Largest offered load ``a`` with ``erlang_b(servers, a) ≤ p_refuse_max`` (bisection).

    B(c, a) increases strictly in ``a``, so the root is unique.
    """
    if servers <= 0:
        return 0.0
    if not 0 < p_refuse_max < 1:
        raise ValueError(f"p_refuse_max must be in (0, 1), got {p_refuse_max!r}")
    lo, hi = 0.0, float(servers)
    while erlang_b(servers, hi) < p_refuse_max:
        hi *= 2
    while hi - lo > tol * max(1.0, hi):
        mid = 0.5 * (lo + hi)
        if erlang_b(servers, mid) <= p_refuse_max:
            lo = mid
        else:
            hi = mid
    return lo


def sustainable_occupancy(beds: int, p_refuse_max: float) -> float:
    """Occupancy a ward of ``beds`` beds can run at with refusal probability ``p_refuse_max``.

    Examples
    --------
    >>> round(sustainable_occupancy(10, 0.05), 3) < 0.85 < round(sustainable_occupancy(60, 0.05), 3)
    True
    """
    a = max_offered_load(beds, p_refuse_max)
    return occupancy(beds, a)


def ward_size_rows(
    beds: Iterable[int], p_refuse: Iterable[float]
) -> list[dict[str, float]]:
    """Rows ``beds, p_refuse_max_pu, offered_load_beds, occupancy_pu`` for a ward-size table."""
    rows: list[dict[str, float]] = []
    for p in p_refuse:
        for c in beds:
            a = max_offered_load(int(c), float(p))
            rows.append(
                {
                    "beds": int(c),
                    "p_refuse_max_pu": float(p),
                    "offered_load_beds": a,
                    "occupancy_pu": occupancy(int(c), a),
                }
            )
    return rows
