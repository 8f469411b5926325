"""The operative rolling re-plan, warm-started from the basis the previous re-plan left.

Every week the planner re-plans the operative window from the latest actuals. The model of
week ``w + 1`` has the structure of week ``w``'s (same units, care types, classes and window
length; only bounds and coefficients move), so the optimal basis of the previous plan is a
good start: it is stored with the plan (result table :data:`BASIS_TABLE`, sparse, see
:class:`pks.optimise.solve.Basis`) and handed to HiGHS before the next solve. A basis of a
model of another size is ignored (cold start). The optimum does not depend on the start:
warm and cold give the same objective (to the solver's tolerance).

The tables are finished as :func:`pks.optimise.run.plan_level` finishes an operative plan:
whole cases by largest remainder, the reallocation proposal and the explanation.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.optimise.explain import explanation_table, reallocation_proposal
from pks.optimise.run import LevelRun, build_level
from pks.optimise.solve import Basis, Resolver
from pks.optimise.whole import whole_cases

BASIS_TABLE = "plan_solver_basis"
"""Result table holding the optimal basis of an operative plan (not shown to users)."""

KEYS = ["unit_id", "care_type", "week"]


def stored_basis(store: object, scenario: str) -> tuple[str | None, Basis | None]:
    """Run id and basis of the scenario's newest operative plan that stored one."""
    info = store.latest_run("plan", scenario=scenario, level="operative")  # type: ignore[attr-defined]
    if info is None or BASIS_TABLE not in info.tables:
        return None, None
    t = store.load_run_tables(info.run_id, [BASIS_TABLE])[BASIS_TABLE]  # type: ignore[attr-defined]
    return info.run_id, Basis.from_table(t)


def replan_operative(data: PlanningData, cfg: ScenarioConfig,
                     upper: Mapping[str, pd.DataFrame] | None, demand: pd.DataFrame | None,
                     basis: Basis | None = None) -> tuple[LevelRun, bool]:
    """The operative plan, solved from ``basis`` when it fits; returns (run, warm?).

    The run's tables include :data:`BASIS_TABLE` (the new optimal basis) when solved.
    """
    m, extra = build_level(data, cfg, "operative", upper, demand)
    res = Resolver(m, cfg.solve, basis=basis)
    r = res.solve()
    tables = dict(r.tables)
    if not r.ok:
        return LevelRun("operative", r, tables, timings=r.timings), res.warm_from_basis
    p = tables["plan_production"]
    tables["plan_production"] = p.assign(
        production_whole_cases=whole_cases(p, "production_cases", KEYS),
        external_whole_cases=whole_cases(p, "external_cases", KEYS))
    if "plan_cost" in tables:
        tables["plan_reallocation"] = reallocation_proposal(
            tables["plan_cost"], data.org_nodes, tables["plan_production"], data.care_types)
    tables["plan_explanation"] = explanation_table(tables, "operative", data.org_nodes,
                                                   data.care_types, status=r.status.value,
                                                   warnings=r.warnings)
    b = res.basis()
    if b is not None:
        tables[BASIS_TABLE] = b.to_table()
    timings = {**extra.get("timings", {}), **r.timings}  # type: ignore[dict-item]
    return LevelRun("operative", r, tables, timings=timings), res.warm_from_basis
