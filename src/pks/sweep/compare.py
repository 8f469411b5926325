"""Named scenarios side by side: run each (resumably) and tabulate their differences.

A scenario of the instance (``scenarios.yaml`` or a workbench scenario) is run as a
one-scenario sweep whose base is the scenario itself, so its result is kept in the store
under a stable sweep id (:func:`scenario_sweep_id`) and found again by every later
comparison. :func:`difference_table` turns the comparison rows into one row per measure
and one column per scenario, with the difference of each scenario from the first
(``Δ x = x_scenario − x_first``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pks.sweep.run import PLAN_COST_TABLE, SWEEP_PREFIX
from pks.sweep.spec import SweepScenario
from pks.sweep.store_io import run_sweep, sweep_comparison, sweep_id_of

if TYPE_CHECKING:
    from pks.data.planning_data import PlanningData
    from pks.data.store import Store

MEASURES = ("cost_mnkr", "agency_share_pu", "unmet_cases", "guarantee_probability_pu")
"""Measures of the difference table besides FTE per category (``fte_<category>``)."""
DIFF_PREFIX = "diff_"


def _one(name: str) -> list[SweepScenario]:
    return [SweepScenario(name, {})]


def scenario_sweep_id(name: str, replications: int) -> str:
    """The sweep id under which scenario ``name``'s result is stored."""
    return sweep_id_of(name, _one(name), replications)


def run_scenarios(store: Store, data: PlanningData, model_dir: str | Path,
                  names: Sequence[str], replications: int,
                  progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Forecast, strategic plan and simulation of every scenario not yet stored.

    A scenario stored without its plan's cost (before the cost was kept with the result)
    is run again, so that the economy can judge its plan. Returns
    :func:`stored_comparison` of ``names``.
    """
    stored = _latest_runs(store, names, replications)
    stale = {n for n, r in stored.items() if PLAN_COST_TABLE not in store.run(r).tables}
    for k, name in enumerate(names):
        run_sweep(store, data, model_dir, name, _one(name), replications,
                  redo=[name] if name in stale else ())
        if progress:
            progress(k + 1, len(names))
    return stored_comparison(store, names, replications)


def stored_comparison(store: Store, names: Sequence[str], replications: int) -> pd.DataFrame:
    """The stored comparison rows of ``names`` (in that order; missing ones left out)."""
    frames = [sweep_comparison(store, scenario_sweep_id(n, replications)) for n in names]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def difference_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Measures × scenarios, plus ``diff_<scenario>`` = value − the first scenario's value.

    ``rows`` is :func:`stored_comparison`'s frame; the result has a ``measure`` column
    (the comparison column name, FTE per category included) and one column per scenario.
    """
    if rows.empty:
        return pd.DataFrame(columns=["measure"])
    ftes = sorted(c for c in rows.columns if c.startswith("fte_"))
    measures = [m for m in (MEASURES[0], *ftes, *MEASURES[1:]) if m in rows.columns]
    wide = rows.set_index("scenario")[measures].T.astype(float)
    first = wide.columns[0]
    for s in wide.columns[1:]:
        wide[f"{DIFF_PREFIX}{s}"] = wide[s] - wide[first]
    return wide.rename_axis(None, axis=1).rename_axis("measure").reset_index()


def _latest_runs(store: Store, names: Sequence[str], replications: int) -> dict[str, str]:
    """Scenario → run id of its latest stored result (missing ones left out), in order."""
    from pks.sweep.store_io import SWEEP_RUN_KIND

    runs = store.runs(kind=SWEEP_RUN_KIND).sort_values("created_at")
    out = {}
    for n in names:
        key = f"{SWEEP_PREFIX}:{scenario_sweep_id(n, replications)}:{n}"
        mine = runs[runs["scenario"].astype(str) == key]
        if len(mine):
            out[n] = str(mine["run_id"].iloc[-1])
    return out


def stored_run_ids(store: Store, names: Sequence[str], replications: int) -> list[str]:
    """Run ids of the stored results of ``names`` (latest each; missing ones left out)."""
    return list(_latest_runs(store, names, replications).values())


def stored_plan_costs(store: Store, names: Sequence[str], replications: int
                      ) -> dict[str, pd.DataFrame]:
    """Scenario → its stored strategic plan's ``plan_cost`` (latest result each).

    Scenarios not run, or stored before the plan cost was kept, are left out.
    """
    out = {}
    for n, run_id in _latest_runs(store, names, replications).items():
        if PLAN_COST_TABLE in store.run(run_id).tables:
            out[n] = store.load_run_tables(run_id, [PLAN_COST_TABLE])[PLAN_COST_TABLE]
    return out
