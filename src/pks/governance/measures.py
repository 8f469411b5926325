"""The action-plan register (åtgärdsplan, R-43..R-45): measures, their triggers and follow-up.

A measure belongs to a node, names its owner body (e.g. "HSN och RS") and PKS level, what it
answers (deviations or targets, free text), its expected effect per year — in mnkr, in per
cent against a baseline year, or in cases — the year the effect is due (``effect_year``), a
timeline, a status and, once followed up, its realised effect.

Triggers (:func:`deficit_triggers`, :func:`budget_cut_triggers`,
:func:`red_deviation_triggers`, :func:`target_failure_triggers`) name nodes that must carry
an action plan; :func:`action_plan_warnings` keeps those without a live measure on that very
node (a measure higher up does not answer a unit's deficit). :func:`followup` compares
expected and realised effects of the measures due in a year, per node and summed up the tree
(a node's figure is the sum over the measures of it and every node below it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pks.data.audit import record_audit
from pks.data.checks import ValidationFailed
from pks.data.planning_data import PlanningData
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance.records import MEASURES, ensure_governance_tables
from pks.governance.roles import Actor, may_propose, require
from pks.governance.validation import Field, check_frame, check_refs, check_unique
from pks.types import Language

TABLE = "measures"
STATUSES: tuple[str, ...] = ("planned", "ongoing", "done", "cancelled")
LIVE_STATUSES: tuple[str, ...] = ("planned", "ongoing", "done")
PKS_LEVELS: tuple[str, ...] = ("political", "strategic", "tactical", "operative")
DEFICIT_TOLERANCE_PU = 0.0
"""A forecast above budget by more than this share of the budget is a deficit."""
RED_DEVIATION_MAX_AGE_WEEKS = 4
"""A deviation red for more than this many consecutive weeks needs a measure (default)."""

FIELDS: tuple[Field, ...] = (
    Field("measure_id", "str", required=True),
    Field("node_id", "str", required=True),
    Field("owner_body", "str", required=True),
    Field("pks_level", "str", required=True, allowed=PKS_LEVELS),
    Field("title", "str", required=True),
    Field("answers", "str"),
    Field("expected_mnkr", "float", min=-1e5, max=1e5),
    Field("expected_pct", "float", min=-100, max=1000),
    Field("expected_cases", "float", min=-1e7, max=1e7),
    Field("baseline_year", "int", min=1990, max=2100),
    Field("effect_year", "int", required=True, min=1990, max=2100),
    Field("start_date", "date", required=True),
    Field("end_date", "date", required=True),
    Field("status", "str", required=True, allowed=STATUSES),
    Field("realised_mnkr", "float", min=-1e5, max=1e5),
    Field("realised_pct", "float", min=-100, max=1000),
    Field("realised_cases", "float", min=-1e7, max=1e7),
    Field("restoration_year", "int", min=1990, max=2100),
)
COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
TRIGGER_COLUMNS = ["node_id", "reason", "value"]


def validate_measures(df: pd.DataFrame, tree: OrgTree) -> pd.DataFrame:
    """Typed measures, or :class:`ValidationFailed` listing every problem.

    Beyond types and allowed values: ``node_id`` must be a tree node, ``measure_id`` unique,
    the end not before the start, and a percentage effect needs its baseline year.
    """
    out, issues = check_frame(TABLE, df, FIELDS)
    if "node_id" in df.columns:
        issues += check_refs(TABLE, out["node_id"], set(map(str, tree.nodes.index)),
                             "node_id", "org_nodes")
    if "measure_id" in df.columns:
        issues += check_unique(TABLE, out["measure_id"], "measure_id")
    from pks.data.checks import Issue

    for pos, r in enumerate(out.itertuples(index=False), start=1):
        if isinstance(r.start_date, str) and isinstance(r.end_date, str) and \
                r.end_date < r.start_date:
            issues.append(Issue(TABLE, pos, "end_date", str(r.end_date),
                                f"≥ {r.start_date}", "below_min"))
        if pd.notna(r.expected_pct) and pd.isna(r.baseline_year):
            issues.append(Issue(TABLE, pos, "baseline_year", "", "int", "missing_value"))
    if issues:
        raise ValidationFailed(issues)
    out["answers"] = [("" if v is None else v) for v in out["answers"]]
    return out


def read_measures(store: Store, node_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """The register (optionally only measures of ``node_ids``), ordered by id."""
    ensure_governance_tables(store)
    q = sa.select(MEASURES).order_by(MEASURES.c.measure_id)
    if node_ids is not None:
        q = q.where(MEASURES.c.node_id.in_(list(node_ids)))
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([r._asdict() for r in rows], columns=list(COLUMNS))


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v)
            for k, v in row.items()}


def save_measures(store: Store, tree: OrgTree, actor: Actor, df: pd.DataFrame,
                  action: str = "measure.import") -> int:
    """Validate and insert or update measures (by ``measure_id``) in one transaction.

    The actor must be responsible for each measure's node (or an ancestor); every problem
    (validation or rights) is found before anything is written. Each insert or change is
    audited with its before and after. Returns the number of measures written.
    """
    clean = validate_measures(df, tree)
    for n in clean["node_id"]:
        require(may_propose(actor, tree, str(n)), actor, "edit measures of", str(n))
    ensure_governance_tables(store)
    from pks.governance.roles import line_role

    role = line_role(actor, tree)
    with store.transaction() as conn:
        for rec in clean.to_dict("records"):
            row = _record(rec)
            old = conn.execute(sa.select(MEASURES).where(
                MEASURES.c.measure_id == row["measure_id"])).first()
            before = None if old is None else _record(old._asdict())
            if before is not None:
                require(may_propose(actor, tree, str(before["node_id"])), actor,
                        "edit measures of", str(before["node_id"]))
                conn.execute(MEASURES.update().where(
                    MEASURES.c.measure_id == row["measure_id"]).values(**row))
            else:
                conn.execute(MEASURES.insert().values(**row))
            if before != row:
                record_audit(conn, user=actor.username, role=f"{actor.role}/{role}",
                             action=action, object_type="measure",
                             object_id=str(row["measure_id"]), node_id=str(row["node_id"]),
                             before=before, after=row)
    return len(clean)


# --------------------------------------------------------------------------- triggers


def deficit_triggers(annual: pd.DataFrame, tolerance_pu: float = DEFICIT_TOLERANCE_PU
                     ) -> pd.DataFrame:
    """Nodes whose year-end forecast exceeds their budget (R-43).

    ``annual`` has ``node_id, forecast_sek`` and a budget: ``frame_sek`` where the node
    holds a frame, else ``plan_cost_sek`` (the adopted plan is the unit's budget).
    A deficit is ``forecast − budget > tolerance_pu × budget``; ``value`` = the excess in SEK.
    """
    budget = annual["frame_sek"].where(annual["frame_sek"].notna(), annual["plan_cost_sek"]) \
        if "frame_sek" in annual.columns else annual["plan_cost_sek"]
    gap = annual["forecast_sek"] - budget
    hit = budget.notna() & (budget > 0) & (gap > tolerance_pu * budget)
    return pd.DataFrame({"node_id": annual.loc[hit, "node_id"].astype(str),
                         "reason": "deficit", "value": gap[hit]})[TRIGGER_COLUMNS]


def budget_cut_triggers(budget_frames: pd.DataFrame, year: int) -> pd.DataFrame:
    """Nodes whose frame for ``year`` is below their frame for ``year − 1`` (R-43).

    ``value`` = the cut in SEK (frame of the year before minus frame of ``year``).
    """
    a = budget_frames[budget_frames["year"] == year - 1].set_index("node_id")["frame_sek"]
    b = budget_frames[budget_frames["year"] == year].set_index("node_id")["frame_sek"]
    cut = (a - b).dropna()
    cut = cut[cut > 0]
    return pd.DataFrame({"node_id": cut.index.astype(str), "reason": "budget_cut",
                         "value": cut.to_numpy()})[TRIGGER_COLUMNS]


def red_deviation_triggers(lights: pd.DataFrame, as_of_week: str,
                           max_age_weeks: int = RED_DEVIATION_MAX_AGE_WEEKS) -> pd.DataFrame:
    """Node KPIs red for more than ``max_age_weeks`` consecutive weeks up to ``as_of_week``.

    ``lights`` has ``node_id, kpi, week, light`` (one row per node, KPI and week). The age
    of a deviation is the number of consecutive red weeks ending at ``as_of_week``;
    ``value`` = that age in weeks (the oldest KPI of the node).
    """
    lt = lights[lights["week"].astype(str) <= as_of_week].sort_values("week")
    ages: dict[str, int] = {}
    for (node, _kpi), g in lt.groupby(["node_id", "kpi"], sort=False):
        red = (g["light"] == "red").to_numpy()[::-1]
        age = int(red.argmin()) if not red.all() else len(red)
        if g["week"].iloc[-1] == as_of_week and age > max_age_weeks:
            ages[str(node)] = max(age, ages.get(str(node), 0))
    return pd.DataFrame({"node_id": list(ages), "reason": "red_deviation",
                         "value": [float(v) for v in ages.values()]})[TRIGGER_COLUMNS]


def target_failure_triggers(root: str, failing_targets: Sequence[str]) -> pd.DataFrame:
    """The budget level (the root) needs an action plan if a financial target fails.

    R-44; one row per failing target, ``value`` NaN.
    """
    return pd.DataFrame({"node_id": [root] * len(failing_targets),
                         "reason": [f"target:{x}" for x in failing_targets],
                         "value": float("nan")})[TRIGGER_COLUMNS]


def action_plan_warnings(triggers: pd.DataFrame, measures: pd.DataFrame,
                         tree: OrgTree) -> pd.DataFrame:
    """Triggered nodes without a live measure (planned, ongoing or done) on that node.

    Returns ``node_id, reason, value, node_type, pks_level`` — the warning is shown on the
    node's own level.
    """
    live = set(measures.loc[measures["status"].isin(LIVE_STATUSES), "node_id"].astype(str))
    w = triggers[~triggers["node_id"].astype(str).isin(live)].copy()
    w["node_type"] = [str(tree.nodes.at[n, "node_type"]) if n in tree.nodes.index else ""
                      for n in w["node_id"]]
    w["pks_level"] = [str(tree.nodes.at[n, "pks_level"]) if n in tree.nodes.index else ""
                      for n in w["node_id"]]
    return w.reset_index(drop=True)


# --------------------------------------------------------------------------- follow-up


def followup(measures: pd.DataFrame, tree: OrgTree, year: int) -> pd.DataFrame:
    """Expected against realised effect of the measures due in ``year``, up the tree.

    For every node *n*: the sums over the live measures with ``effect_year == year`` of *n*
    and all nodes below it of ``expected_mnkr``, ``realised_mnkr``, ``expected_cases`` and
    ``realised_cases``; ``measures_n`` counts them, ``unreported_n`` counts those without
    any realised value, and ``realised_share_pu = realised_mnkr / expected_mnkr`` (NaN when
    nothing in mnkr is expected). Percentage effects are not summed (their bases differ);
    they are followed up per measure. Only nodes with at least one such measure are listed.
    """
    cols = ["node_id", "measures_n", "unreported_n", "expected_mnkr", "realised_mnkr",
            "expected_cases", "realised_cases", "realised_share_pu"]
    m = measures[(measures["effect_year"] == year)
                 & measures["status"].isin(LIVE_STATUSES)].copy()
    if m.empty:
        return pd.DataFrame(columns=cols)
    vals = ["expected_mnkr", "realised_mnkr", "expected_cases", "realised_cases"]
    for c in vals:
        m[c] = pd.to_numeric(m[c], errors="coerce")
    m["unreported_n"] = m[["realised_mnkr", "realised_pct", "realised_cases"]].isna().all(
        axis=1).astype(int)
    m["measures_n"] = 1
    rows = []
    for r in m.itertuples(index=False):
        node = str(r.node_id)
        for n in [node, *tree.ancestors(node)] if node in tree.nodes.index else [node]:
            rows.append({"node_id": n, "measures_n": 1, "unreported_n": r.unreported_n,
                         **{c: getattr(r, c) for c in vals}})
    long = pd.DataFrame(rows)
    out = long.groupby("node_id", as_index=False, sort=False).agg(
        measures_n=("measures_n", "sum"), unreported_n=("unreported_n", "sum"),
        **{c: (c, lambda s: s.sum(min_count=1)) for c in vals})
    out["realised_share_pu"] = out["realised_mnkr"] / out["expected_mnkr"].where(
        out["expected_mnkr"] != 0)
    order = {n: i for i, n in enumerate([tree.root, *tree.descendants(tree.root)])} \
        if tree.root else {}
    out["_o"] = out["node_id"].map(order)
    return out.sort_values("_o").drop(columns="_o")[cols].reset_index(drop=True)


def measure_label(row: pd.Series, lang: Language = "sv") -> str:
    """The expected effect as text with its unit, e.g. ``−250 mnkr`` or ``−15 % mot 2023``."""
    from pks.i18n import format_number, t

    parts = []
    if pd.notna(row.get("expected_mnkr")):
        parts.append(f"{format_number(float(row['expected_mnkr']), lang, 1)} "
                     f"{t('gov.unit.mnkr', lang)}")
    if pd.notna(row.get("expected_pct")):
        parts.append(t("gov.effect.pct", lang, pct=format_number(float(row["expected_pct"]),
                                                                  lang, 1),
                       year=int(row["baseline_year"])))
    if pd.notna(row.get("expected_cases")):
        parts.append(f"{format_number(float(row['expected_cases']), lang, 0)} "
                     f"{t('gov.unit.cases', lang)}")
    return ", ".join(parts) or t("gov.effect.unquantified", lang)


def economy_triggers(data: PlanningData, plan_cost: pd.DataFrame, tree: OrgTree, year: int,
                     as_of_week: str) -> pd.DataFrame:
    """Deficit and budget-cut triggers of every node from the store's data and a plan.

    The year-end forecast is the follow-up's (:func:`pks.followup.cost.cost_forecast`,
    actuals so far plus plan for the rest of the year) against the node's frame, or its
    planned cost where it holds no frame; budget cuts compare the frames of ``year + 1``
    with ``year`` (the year being planned against the current one).
    """
    from pks.followup.cost import cost_forecast

    _, annual = cost_forecast(plan_cost, data.actuals_unit, data.budget_frames, tree,
                              data.unit_ids, year, as_of_week)
    return pd.concat([deficit_triggers(annual), budget_cut_triggers(data.budget_frames,
                                                                    year + 1)],
                     ignore_index=True)
