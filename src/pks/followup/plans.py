"""Which plan run a follow-up compares with, and up to which week actuals count."""

from __future__ import annotations

import pandas as pd


def plan_run_to_follow(runs: pd.DataFrame, scenario: str, level: str) -> pd.Series | None:
    """The adopted plan run of ``scenario`` and ``level``, else the newest one (or ``None``).

    ``runs`` is the store's run list, newest first.
    """
    if runs.empty:
        return None
    r = runs[(runs["kind"] == "plan") & (runs["scenario"] == scenario) & (runs["level"] == level)]
    if r.empty:
        return None
    adopted = r[r["status"] == "adopted"]
    return (adopted if not adopted.empty else r).iloc[0]


def simulation_run_to_follow(runs: pd.DataFrame, scenario: str,
                            plan_run_id: str | None) -> pd.Series | None:
    """The newest simulation of ``plan_run_id``, else the scenario's newest (or ``None``).

    ``runs`` is the store's run list, newest first; a simulation's ``parent_run_id`` is the
    plan it simulated.
    """
    if runs.empty:
        return None
    sims = runs[runs["kind"] == "simulation"]
    if plan_run_id is not None and "parent_run_id" in sims:
        of_plan = sims[sims["parent_run_id"] == plan_run_id]
        if not of_plan.empty:
            return of_plan.iloc[0]
    sims = sims[sims["scenario"] == scenario]
    return None if sims.empty else sims.iloc[0]


def as_of_week(configured_week: str, actuals_production: pd.DataFrame) -> str:
    """The later of the configured as-of week and the latest week with production actuals."""
    if actuals_production.empty:
        return configured_week
    return max(configured_week, str(actuals_production["week"].astype(str).max()))
