"""The target set in force: one lookup, one fallback policy, for every layer.

A target set (``targets`` table) is region-wide: it has no node column, so the set in force
for a node is the set in force for the region on that date. Versions of a set supersede one
another from their ``valid_from`` day.

Policy (the only one in pks):

1. the version in force on day ``on`` is the **highest version whose ``valid_from`` ≤ on**;
2. if no version is valid yet on ``on`` (a plan that starts before the first version takes
   effect), the **highest version** of the set is used — the set the region has decided on;
3. a target set that does not exist raises :class:`TargetSetNotFound` (a ``KeyError``)
   listing the known sets; each layer turns it into its own input error;
4. with no ``targets`` table at all (a bare model), :data:`DEFAULT_TARGETS` apply: the
   national 0-3-90-90 care guarantee with 90 % of patients within it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

DEFAULT_TARGETS: dict[str, float] = {
    "first_visit_days": 90.0,
    "treatment_days": 90.0,
    "within_guarantee_share_pu": 0.9,
    "occupancy_max_pu": 0.9,
    "overflow_probability_max_pu": 0.05,
    "overtime_h_per_fte_year_max": 50.0,
    "agency_cost_share_max_pu": 0.02,
    "utilisation_min_pu": 0.75,
    "utilisation_max_pu": 1.0,
}
"""Targets used when the model has no ``targets`` table (0-3-90-90 care guarantee)."""


class TargetSetNotFound(KeyError):
    """The target set named by the scenario is not in the ``targets`` table."""


def target_set_in_force(targets: pd.DataFrame, target_set: str, on: dt.date) -> pd.Series:
    """The row of ``target_set`` in force on ``on`` (see the module docstring for the policy).

    Raises
    ------
    TargetSetNotFound
        If ``targets`` has no row of ``target_set``.

    Examples
    --------
    >>> t = pd.DataFrame({"target_set": ["g", "g"], "version": [1, 2],
    ...                   "valid_from": ["2026-01-01", "2026-07-01"]})
    >>> int(target_set_in_force(t, "g", dt.date(2026, 3, 1))["version"])
    1
    >>> int(target_set_in_force(t, "g", dt.date(2026, 8, 1))["version"])
    2
    >>> int(target_set_in_force(t, "g", dt.date(2025, 1, 1))["version"])
    2
    """
    rows = targets[targets["target_set"].astype(str) == target_set]
    if rows.empty:
        known = sorted(targets["target_set"].astype(str).unique().tolist())
        raise TargetSetNotFound(f"target set {target_set!r} not found; known: {known}")
    valid_from = pd.to_datetime(rows["valid_from"], errors="coerce").dt.date
    current = rows[valid_from <= on]
    pick = current if len(current) else rows
    return pick.sort_values("version").iloc[-1]


def targets_in_force(targets: pd.DataFrame | None, target_set: str, on: dt.date
                     ) -> dict[str, float]:
    """The numeric targets in force as a dict, :data:`DEFAULT_TARGETS` filling gaps.

    With no ``targets`` table (``None``, empty or without a ``target_set`` column) the
    defaults apply; otherwise :func:`target_set_in_force` decides.
    """
    out = dict(DEFAULT_TARGETS)
    if targets is None or targets.empty or "target_set" not in targets:
        return out
    row = target_set_in_force(targets, target_set, on)
    for k in out:
        if k in row and pd.notna(row[k]):
            out[k] = float(row[k])
    return out
