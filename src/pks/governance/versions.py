"""Plan versions that explain themselves (R-40) and the Finansplan revision (R-52).

Every plan run keeps its calculation bases here (``gov_run_bases``): LPIK uprating per year
and cost type, the efficiency factor and frame per node and year, the population per
projection scenario and year, totals and the last week of the actuals, and the resolved
configuration flattened to ``path = value``. Bases are taken from the store's inputs when
they are the inputs the run was made from (same input checksum); a run whose inputs were
replaced before its bases were taken has only its configuration to compare.

:func:`compare_runs` lists what changed in the bases and what changed in the plan —
production, unmet care, staff (FTE where the plan has them, else hours) and net cost per
node and year, every node being the sum of the units below it — largest change first.

:func:`revise_plan` is the November (Finansplan) revision: the updated prerequisites are
validated with the other inputs, the level is re-planned through the optimiser's public
entry points (as ``pks plan`` does), and only when it solves are the inputs replaced, the
new draft version stored (``supersedes`` the previous one) and both versions' bases kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from pks.config.schema import ScenarioConfig
from pks.data.audit import record_audit
from pks.data.checks import ValidationFailed, validate
from pks.data.parse import coerce_tables
from pks.data.planning_data import PlanningData
from pks.data.store import Store
from pks.data.tree import OrgTree, roll_up
from pks.governance.records import RUN_BASES, ensure_governance_tables
from pks.governance.roles import Actor
from pks.types import LEVELS, Level

BASIS_ORDER: tuple[str, ...] = ("cost_index", "efficiency", "frame", "staff_cost",
                                "staffing_target", "population", "actuals", "config")
FIGURE_ORDER: tuple[str, ...] = ("production_cases", "unmet_cases", "fte", "staff_h",
                                 "net_cost_sek")
REVISABLE_TABLES: tuple[str, ...] = ("cost_indices", "budget_frames", "population",
                                     "targets", "staffing", "unit_finance")
"""Input tables a revision may update (the prerequisites; not the organisation)."""
CHANGE_TOLERANCE = 1e-9
"""Relative difference below which two values count as equal."""


class RevisionFailed(RuntimeError):
    """The re-plan did not solve to optimality; nothing was written."""


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def calculation_bases(data: PlanningData, config: Mapping[str, Any]) -> pd.DataFrame:
    """The bases of a run: ``basis, key, value, text`` (numbers in ``value``).

    Bases: LPIK uprating per year/cost type, efficiency factor and frame per node/year,
    cost per FTE and staffing target per unit/staff category, population per projection
    scenario/year, actuals totals and last week, the configuration as ``path = value``.
    """
    parts = []
    ci = data.cost_indices
    parts.append(pd.DataFrame({"basis": "cost_index",
                               "key": ci["year"].astype(str) + "/" + ci["cost_type"].astype(str),
                               "value": ci["uprating_pu"].astype(float)}))
    bf = data.budget_frames
    k = bf["node_id"].astype(str) + "/" + bf["year"].astype(str)
    parts.append(pd.DataFrame({"basis": "efficiency", "key": k,
                               "value": bf["efficiency_pu"].astype(float)}))
    parts.append(pd.DataFrame({"basis": "frame", "key": k, "value": bf["frame_sek"].astype(float)}))
    st = data.staffing
    ks = st["unit_id"].astype(str) + "/" + st["staff_category"].astype(str)
    parts.append(pd.DataFrame({"basis": "staff_cost", "key": ks,
                               "value": st["cost_sek_per_fte_year"].astype(float)}))
    parts.append(pd.DataFrame({"basis": "staffing_target", "key": ks,
                               "value": st["staffing_target_fte"].astype(float)}))
    pop = data.population.groupby(["scenario", "year"], as_index=False)["population_persons"].sum()
    parts.append(pd.DataFrame({"basis": "population",
                               "key": pop["scenario"].astype(str) + "/" + pop["year"].astype(str),
                               "value": pop["population_persons"].astype(float)}))
    acts = []
    for table, col in (("actuals_production", "production_cases"),
                       ("actuals_staff", "worked_h"), ("actuals_unit", "cost_sek")):
        df = getattr(data, table)
        acts.append({"basis": "actuals", "key": f"{table}.{col}",
                     "value": float(df[col].sum()) if len(df) else 0.0})
        acts.append({"basis": "actuals", "key": f"{table}.last_week", "value": np.nan,
                     "text": str(df["week"].max()) if len(df) else ""})
    parts.append(pd.DataFrame(acts))
    flat: dict[str, str] = {}
    _flatten("", dict(config), flat)
    parts.append(pd.DataFrame({"basis": "config", "key": list(flat), "value": np.nan,
                               "text": list(flat.values())}))
    out = pd.concat(parts, ignore_index=True)
    if "text" not in out.columns:
        out["text"] = None
    out["text"] = out["text"].astype(object).where(out["text"].notna(), None)
    return out[["basis", "key", "value", "text"]]


def _stored_bases(store: Store, run_id: str) -> pd.DataFrame | None:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(RUN_BASES).where(RUN_BASES.c.run_id == run_id)).all()
    if not rows:
        return None
    df = pd.DataFrame([r._asdict() for r in rows])
    return df[["basis", "key", "value", "text"]]


def keep_bases(store: Store, run_id: str, bases: pd.DataFrame) -> None:
    """Store a run's bases (once; a run's bases never change afterwards)."""
    ensure_governance_tables(store)
    if _stored_bases(store, run_id) is not None:
        return
    recs = [{"run_id": run_id, "basis": r.basis, "key": r.key,
             "value": None if pd.isna(r.value) else float(r.value), "text": r.text}
            for r in bases.itertuples(index=False)]
    with store.transaction() as conn:
        conn.execute(RUN_BASES.insert(), recs)


def bases_of(store: Store, run_id: str) -> pd.DataFrame:
    """A run's bases.

    Stored ones; else taken now when the store still holds the run's inputs (then kept);
    else only the configuration the run stored.
    """
    ensure_governance_tables(store)
    stored = _stored_bases(store, run_id)
    if stored is not None:
        return stored
    info = store.run(run_id)
    if store.has_inputs() and store.input_checksum() == info.input_checksum:
        cfg = info.config
        data = store.read_inputs()
        edits = cfg.get("data_edits") or []
        if edits:
            from pks.config.edits import apply_edits

            data = apply_edits(data, ScenarioConfig.model_validate(cfg).data_edits)
        bases = calculation_bases(data, cfg)
        keep_bases(store, run_id, bases)
        return bases
    flat: dict[str, str] = {}
    _flatten("", dict(info.config), flat)
    return pd.DataFrame({"basis": "config", "key": list(flat), "value": np.nan,
                         "text": list(flat.values())})


def plan_figures(tables: Mapping[str, pd.DataFrame], tree: OrgTree) -> pd.DataFrame:
    """Plan figures per node and year: ``node_id, figure, year, value``, rolled up the tree.

    Figures: ``production_cases`` and ``unmet_cases`` (plan_production), ``fte``
    (plan_fte, strategic plans) or ``staff_h`` = own + overtime + agency hours
    (plan_staff), ``net_cost_sek`` of the units (plan_cost rows of units).
    """
    per_unit = []
    pp = tables.get("plan_production")
    if pp is not None and len(pp):
        g = pp.groupby(["unit_id", "year"], as_index=False)[["production_cases",
                                                             "unmet_cases"]].sum()
        per_unit += [g.assign(figure=f, value=g[f])[["unit_id", "year", "figure", "value"]]
                     for f in ("production_cases", "unmet_cases")]
    pf = tables.get("plan_fte")
    ps = tables.get("plan_staff")
    if pf is not None and len(pf):
        g = pf.groupby(["unit_id", "year"], as_index=False)["fte"].sum()
        per_unit.append(g.assign(figure="fte", value=g["fte"])[["unit_id", "year", "figure",
                                                                "value"]])
    elif ps is not None and len(ps):
        s = ps.assign(h=ps["own_h"] + ps["overtime_h"] + ps["agency_h"])
        g = s.groupby(["unit_id", "year"], as_index=False)["h"].sum()
        per_unit.append(g.assign(figure="staff_h", value=g["h"])[["unit_id", "year", "figure",
                                                                  "value"]])
    pc = tables.get("plan_cost")
    if pc is not None and len(pc):
        rows = pc[pc["kind"] == "unit"] if "kind" in pc.columns else pc
        g = rows.rename(columns={"node_id": "unit_id"}).groupby(
            ["unit_id", "year"], as_index=False)["net_cost_sek"].sum()
        per_unit.append(g.assign(figure="net_cost_sek", value=g["net_cost_sek"])[
            ["unit_id", "year", "figure", "value"]])
    if not per_unit:
        return pd.DataFrame(columns=["node_id", "figure", "year", "value"])
    long = pd.concat(per_unit, ignore_index=True)
    up = roll_up(long, tree, ["value"], by=["figure", "year"])
    return up[["node_id", "figure", "year", "value"]]


@dataclass(frozen=True)
class VersionComparison:
    """What changed between two plan versions (``before`` → ``after``)."""

    before: str
    after: str
    prerequisites: pd.DataFrame
    """``basis, key, before, after, change`` (numbers) / texts, changed rows only."""
    plan_changes: pd.DataFrame
    """``node_id, figure, year, before, after, change, change_pu``, changed rows, largest
    absolute change first within each figure."""
    bases_complete: bool
    """False when one run's inputs were no longer available (only its config compared)."""


def _changed(a: pd.Series, b: pd.Series) -> pd.Series:
    scale = np.maximum(np.maximum(a.abs(), b.abs()), 1.0)
    return ((a - b).abs() > CHANGE_TOLERANCE * scale) | (a.isna() != b.isna())


def compare_bases(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Changed bases between ``a`` (before) and ``b`` (after)."""
    m = a.merge(b, on=["basis", "key"], how="outer", suffixes=("_a", "_b"))
    num = _changed(m["value_a"].astype(float), m["value_b"].astype(float))
    txt = m["text_a"].fillna("") != m["text_b"].fillna("")
    missing = m["value_a"].isna() & m["text_a"].isna() | m["value_b"].isna() & m["text_b"].isna()
    out = m[num | txt | missing].copy()
    out["before"] = out["value_a"].astype(object).where(out["value_a"].notna(), out["text_a"])
    out["after"] = out["value_b"].astype(object).where(out["value_b"].notna(), out["text_b"])
    out["change"] = out["value_b"] - out["value_a"]
    out["_o"] = out["basis"].map({b_: i for i, b_ in enumerate(BASIS_ORDER)})
    out["_abs"] = out["change"].abs()
    out = out.sort_values(["_o", "_abs", "key"], ascending=[True, False, True])
    return out[["basis", "key", "before", "after", "change"]].reset_index(drop=True)


def compare_figures(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Changed plan figures, largest absolute change first within each figure."""
    m = a.merge(b, on=["node_id", "figure", "year"], how="outer", suffixes=("_a", "_b"))
    m = m.rename(columns={"value_a": "before", "value_b": "after"})
    m["change"] = m["after"].fillna(0.0) - m["before"].fillna(0.0)
    m["change_pu"] = m["change"] / m["before"].abs().where(m["before"].abs() > 0)
    m = m[_changed(m["before"].fillna(0.0), m["after"].fillna(0.0))].copy()
    m["_o"] = m["figure"].map({f: i for i, f in enumerate(FIGURE_ORDER)})
    m["_abs"] = m["change"].abs()
    m = m.sort_values(["_o", "_abs"], ascending=[True, False])
    return m[["node_id", "figure", "year", "before", "after", "change",
              "change_pu"]].reset_index(drop=True)


def compare_runs(store: Store, tree: OrgTree, before: str, after: str) -> VersionComparison:
    """Compare two plan runs (any two, or a plan and its revision)."""
    ba, bb = bases_of(store, before), bases_of(store, after)
    complete = set(ba["basis"]) - {"config"} != set() and set(bb["basis"]) - {"config"} != set()
    if not complete:  # compare only what both have
        ba, bb = ba[ba["basis"] == "config"], bb[bb["basis"] == "config"]
    fa = plan_figures(store.load_run_tables(before), tree)
    fb = plan_figures(store.load_run_tables(after), tree)
    return VersionComparison(before, after, compare_bases(ba, bb), compare_figures(fa, fb),
                             complete)


def updated_inputs(current: PlanningData, updates: Mapping[str, pd.DataFrame]
                   ) -> PlanningData:
    """The inputs with ``updates`` replacing whole tables, validated together.

    Raises :class:`ValidationFailed` with every problem (including updates of tables that
    are not prerequisites) before anything is computed or written.
    """
    from pks.data.checks import Issue

    bad = [Issue(name, None, "", name, ", ".join(REVISABLE_TABLES), "not_allowed")
           for name in updates if name not in REVISABLE_TABLES]
    if bad:
        raise ValidationFailed(bad)
    tables = current.tables()
    tables.update(updates)
    issues = validate(tables)
    if issues:
        raise ValidationFailed(issues)
    return PlanningData.from_tables(coerce_tables(tables))


@dataclass(frozen=True)
class Revision:
    """A stored revision: the previous and the new plan version and their comparison."""

    previous_run_id: str
    run_id: str
    comparison: VersionComparison


def _as_level(level: str) -> Level:
    """``level`` as a plan :data:`~pks.types.Level`; anything else is an error."""
    for known in LEVELS:
        if known == level:
            return known
    raise KeyError(f"no plan level {level!r} (one of {', '.join(LEVELS)})")


def revise_plan(store: Store, cfg: ScenarioConfig, level: str, actor: Actor,
                updates: Mapping[str, pd.DataFrame], note: str = "Finansplan") -> Revision:
    """Re-plan ``level`` with updated prerequisites as a new version (R-52, R-40).

    Order: the previous version's bases are kept (from the current inputs), the updated
    inputs are validated, the level is planned in memory (``pks.optimise.run.plan_level``
    with the stored hand-off and demand, as ``pks plan`` does); only when it is optimal are
    the inputs replaced, the new draft saved (``save_level``), its bases kept and the
    revision audited. Raises :class:`ValidationFailed`, :class:`RevisionFailed` or
    ``KeyError`` (no previous plan) with nothing written.
    """
    from pks.config.edits import apply_edits
    from pks.optimise.inputs import demand_for
    from pks.optimise.run import (
        horizon_weeks,
        plan_level,
        save_level,
        stored_demand,
        upper_plan,
    )

    prev = store.latest_run("plan", scenario=cfg.name, level=level)
    if prev is None:
        raise KeyError(f"no {level} plan of scenario {cfg.name!r} to revise")
    new_inputs = updated_inputs(store.read_inputs(), updates)
    bases_of(store, prev.run_id)  # keeps the previous version's bases before inputs change
    data = apply_edits(new_inputs, cfg.data_edits)
    upper_id, upper = upper_plan(store, cfg.name, level)
    demand = stored_demand(store, cfg.name)
    if demand is None:
        demand = demand_for(data, cfg, horizon_weeks(cfg))
    run = plan_level(data, cfg, _as_level(level), upper, demand)
    if not run.result.ok:
        raise RevisionFailed(f"the revised {level} plan is {run.result.status.value}; "
                             "nothing was written")
    store.write_inputs(new_inputs, source=f"{note}: {', '.join(updates)}")
    run_id = save_level(store, run, cfg, upper_id, prev.node_id)
    keep_bases(store, run_id, calculation_bases(data, cfg.model_dump(mode="json")))
    tree = OrgTree(new_inputs.org_nodes)
    with store.transaction() as conn:
        record_audit(conn, user=actor.username, role=actor.role, action="plan.revise",
                     object_type="plan", object_id=run_id, node_id=prev.node_id,
                     before={"run_id": prev.run_id}, after={"run_id": run_id, "note": note,
                                                            "updated": sorted(updates)})
    return Revision(prev.run_id, run_id, compare_runs(store, tree, prev.run_id, run_id))
