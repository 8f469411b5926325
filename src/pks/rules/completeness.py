"""Reporting completeness: which units have reported a week or a month, per node.

A unit has *reported* a week when it has a row for that week in every weekly actuals table
it reports in at all (``actuals_production``, ``actuals_staff``, ``actuals_unit``; a table
in which the unit never appears, e.g. bed figures of a unit without beds, is not expected of
it). A node's week is **complete** when every producing unit under it has reported;
otherwise it is ``N of M units reported``. A month (or any span of weeks) is complete for a
node when every unit under it has reported every week of the span; ``reported_units`` then
counts the units that have.

Views show a node's figures for a week or a month only when it is complete, or labelled
with ``N of M``; the default week of a node is its latest complete week
(:func:`latest_complete_week`), so one unit's upload does not change a parent's "this week"
until all its units have reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pks.data.tree import OrgTree, roll_up

ACTUALS_TABLES: tuple[str, ...] = ("actuals_production", "actuals_staff", "actuals_unit")


@dataclass(frozen=True)
class Completeness:
    """How many of a node's units have reported a period."""

    node_id: str
    reported_units: int
    expected_units: int

    @property
    def complete(self) -> bool:
        """Every unit under the node has reported."""
        return self.reported_units >= self.expected_units

def unit_week_reported(actuals: dict[str, pd.DataFrame], unit_ids: list[str],
                       weeks: list[str]) -> pd.DataFrame:
    """``unit_id, week, reported`` for every unit × week (see the module rule)."""
    grid = pd.DataFrame({"unit_id": unit_ids}).merge(pd.DataFrame({"week": weeks}),
                                                     how="cross")
    ok = pd.Series(True, index=grid.index)
    any_table = False
    for name in ACTUALS_TABLES:
        t = actuals.get(name)
        if t is None or t.empty:
            continue
        any_table = True
        keys = t[["unit_id", "week"]].astype(str).drop_duplicates()
        reports_here = grid["unit_id"].isin(set(keys["unit_id"]))
        hit = grid.merge(keys.assign(_hit=True), on=["unit_id", "week"], how="left")["_hit"]
        ok &= ~reports_here.to_numpy() | hit.fillna(False).astype(bool).to_numpy()
    grid["reported"] = ok.to_numpy() & any_table
    return grid


def node_week_completeness(reported: pd.DataFrame, tree: OrgTree) -> pd.DataFrame:
    """Per node and week: ``node_id, week, reported_units, expected_units, complete``."""
    r = reported.assign(reported_units=reported["reported"].astype(int), expected_units=1)
    up = roll_up(r, tree, ["reported_units", "expected_units"], by=["week"])
    up["complete"] = up["reported_units"] >= up["expected_units"]
    return up


def span_completeness(reported: pd.DataFrame, tree: OrgTree, weeks: list[str]) -> pd.DataFrame:
    """Per node over a span of weeks: units that reported every week of it.

    Returns ``node_id, reported_units, expected_units, complete``.
    """
    r = reported[reported["week"].isin(weeks)]
    per_unit = r.groupby("unit_id", as_index=False)["reported"].all()
    per_unit = per_unit.assign(reported_units=per_unit["reported"].astype(int),
                               expected_units=1)
    up = roll_up(per_unit, tree, ["reported_units", "expected_units"])
    up["complete"] = up["reported_units"] >= up["expected_units"]
    return up


def completeness_of(table: pd.DataFrame, node_id: str, week: str | None = None
                    ) -> Completeness:
    """The :class:`Completeness` of one node (and week) from one of the frames above."""
    rows = table[table["node_id"] == node_id]
    if week is not None and "week" in rows:
        rows = rows[rows["week"] == week]
    if rows.empty:
        return Completeness(node_id, 0, 0)
    r = rows.iloc[0]
    return Completeness(node_id, int(r["reported_units"]), int(r["expected_units"]))


def latest_complete_week(node_weeks: pd.DataFrame, node_id: str,
                         upto: str | None = None) -> str | None:
    """The latest week (≤ ``upto``) in which every unit under ``node_id`` has reported."""
    rows = node_weeks[(node_weeks["node_id"] == node_id) & node_weeks["complete"]]
    if upto is not None:
        rows = rows[rows["week"] <= upto]
    return None if rows.empty else str(rows["week"].max())
