"""The operative rolling re-plan, warm-started from the basis the previous re-plan left.

Every week the planner re-plans the operative window from the latest actuals. The model of
week ``w + 1`` has the structure of week ``w``'s (same units, care types, classes and window
length; only bounds and coefficients move), so the optimal basis of the previous plan is a
good start: it is stored with the plan (result table :data:`BASIS_TABLE`, sparse, see
:class:`pks.optimise.solve.Basis`) and handed to HiGHS before the next solve. A basis of a
model of another size is ignored (cold start). The optimum does not depend on the start:
warm and cold give the same objective (to the solver's tolerance).

The tables are finished by :func:`pks.optimise.run.finish_level`, as a cold plan is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.store import Store
from pks.optimise.run import LevelRun, build_level, finish_level
from pks.optimise.solve import Basis, Resolver

BASIS_TABLE = "plan_solver_basis"
"""Result table holding the optimal basis of an operative plan (not shown to users)."""

def stored_basis(store: Store, scenario: str) -> tuple[str | None, Basis | None]:
    """Run id and basis of the scenario's newest operative plan that stored one."""
    info = store.latest_run("plan", scenario=scenario, level="operative")
    if info is None or BASIS_TABLE not in info.tables:
        return None, None
    t = store.load_run_tables(info.run_id, [BASIS_TABLE])[BASIS_TABLE]
    return info.run_id, Basis.from_table(t)


def replan_operative(data: PlanningData, cfg: ScenarioConfig,
                     upper: Mapping[str, pd.DataFrame] | None, demand: pd.DataFrame | None,
                     basis: Basis | None = None) -> tuple[LevelRun, bool]:
    """The operative plan, solved from ``basis`` when it fits; returns (run, warm?).

    The run's tables include :data:`BASIS_TABLE` (the new optimal basis) when solved.
    """
    m, built = build_level(data, cfg, "operative", upper, demand)
    res = Resolver(m, cfg.solve, basis=basis)
    r = res.solve()
    run = finish_level(data, cfg, "operative", upper, demand, built, r)
    b = res.basis()
    tables = dict(run.tables)
    if r.ok and b is not None:
        tables[BASIS_TABLE] = b.to_table()
    return (replace(run, tables=tables, timings={**built.timings, **r.timings}),
            res.warm_from_basis)
