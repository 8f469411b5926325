"""Coverage of follow-up: which units have missing or late weekly actuals (R-16)."""

from __future__ import annotations

import pandas as pd

from pks.data.tree import OrgTree, roll_up
from pks.data.weeks import add_weeks, week_range

ACTUALS_TABLES: tuple[str, ...] = ("actuals_production", "actuals_staff", "actuals_unit")


def unit_week_coverage(actuals: dict[str, pd.DataFrame], unit_ids: list[str], first_week: str,
                       as_of_week: str, grace_weeks: int = 1) -> pd.DataFrame:
    """Status of every unit × week from ``first_week`` to ``as_of_week``.

    A unit-week is ``complete`` when every actuals table has a row for it, ``partial`` when
    some have, and otherwise ``late`` (within the last ``grace_weeks`` weeks, still expected)
    or ``missing``.

    Returns
    -------
    DataFrame
        ``unit_id, week, status, tables_reported``.
    """
    weeks = week_range(first_week, as_of_week)
    grid = pd.DataFrame({"unit_id": unit_ids}).merge(pd.DataFrame({"week": weeks}), how="cross")
    grid["tables_reported"] = 0
    for name in ACTUALS_TABLES:
        t = actuals.get(name)
        if t is None or t.empty:
            continue
        seen = t[["unit_id", "week"]].astype(str).drop_duplicates().assign(_hit=1)
        grid = grid.merge(seen, on=["unit_id", "week"], how="left")
        grid["tables_reported"] += grid.pop("_hit").fillna(0).astype(int)
    late_from = add_weeks(as_of_week, -(grace_weeks - 1)) if grace_weeks > 0 else None
    status = pd.Series("missing", index=grid.index, dtype="object")
    if late_from is not None:
        status[grid["week"] >= late_from] = "late"
    status[grid["tables_reported"] > 0] = "partial"
    status[grid["tables_reported"] == len(ACTUALS_TABLES)] = "complete"
    grid["status"] = status
    return grid


def coverage_by_node(unit_weeks: pd.DataFrame, tree: OrgTree) -> pd.DataFrame:
    """Roll unit-week statuses up the tree.

    Returns
    -------
    DataFrame
        ``node_id, unit_weeks, complete, partial, late, missing, coverage_pu`` (share of the
        unit-weeks complete) and ``units_missing`` (units with at least one missing week).
    """
    f = unit_weeks.assign(unit_weeks=1)
    for s in ("complete", "partial", "late", "missing"):
        f[s] = (f["status"] == s).astype(int)
    per_unit = f.groupby("unit_id", as_index=False)[
        ["unit_weeks", "complete", "partial", "late", "missing"]].sum()
    per_unit["units_missing"] = (per_unit["missing"] + per_unit["partial"] > 0).astype(int)
    per_unit["units_late"] = (per_unit["late"] > 0).astype(int)
    cols = ["unit_weeks", "complete", "partial", "late", "missing", "units_missing", "units_late"]
    up = roll_up(per_unit, tree, cols)
    up["coverage_pu"] = up["complete"] / up["unit_weeks"]
    return up


def unit_coverage(unit_weeks: pd.DataFrame) -> pd.DataFrame:
    """One row per unit: last complete week, number of missing/late weeks and the weeks."""
    rows = []
    for unit, g in unit_weeks.groupby("unit_id", sort=True):
        done = g[g["status"] == "complete"]["week"]
        gaps = g[g["status"].isin(["missing", "partial"])]["week"].tolist()
        late = g[g["status"] == "late"]["week"].tolist()
        rows.append({"unit_id": unit, "last_complete_week": done.max() if len(done) else "",
                     "missing_weeks": len(gaps), "late_weeks": len(late),
                     "missing_list": ", ".join(gaps[-6:]) + (" …" if len(gaps) > 6 else ""),
                     "late_list": ", ".join(late)})
    return pd.DataFrame(rows, columns=["unit_id", "last_complete_week", "missing_weeks",
                                       "late_weeks", "missing_list", "late_list"])
