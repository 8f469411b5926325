"""Data access of the dashboard: reads the store through ``pks``, enforces who sees what.

Every public method takes the :class:`~pks.dashboard.access.Principal` and the node asked
for, and raises :class:`~pks.dashboard.access.AccessDenied` when that user may not see the
node: the restriction of a first-line manager to their own units lives here, server-side,
not in the browser. Nothing is loaded at import; the first request opens the store.

Snapshots of the store (inputs, actuals, the list of runs) are reused for
``settings.cache_ttl_s`` seconds and reloaded when the input checksum or the runs changed;
a run's result tables never change once saved, so they are cached by run id.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pandas as pd

from pks.config import ScenarioConfig, load_scenario
from pks.dashboard.access import AccessDenied, Principal, allowed_units, require_node
from pks.dashboard.settings import DashboardSettings
from pks.data.planning_data import PlanningData
from pks.data.tree import OrgTree, roll_up
from pks.data.weeks import add_weeks, is_valid_week, week_year, weeks_of_year
from pks.followup.board import BoardReport, board_report_content
from pks.followup.cost import cost_forecast, flag_red_below
from pks.followup.coverage import coverage_by_node, unit_coverage, unit_week_coverage
from pks.followup.deviations import (
    beds_vs_capacity,
    planned_sick_leave,
    production_vs_plan,
    staff_vs_plan,
    waiting_vs_target,
)
from pks.followup.kpis import FollowupInputs, cost_lights, node_kpis, staffed_beds
from pks.followup.plans import as_of_week as followup_as_of_week
from pks.followup.plans import plan_run_to_follow, simulation_run_to_follow
from pks.rules.completeness import (
    Completeness,
    completeness_of,
    latest_complete_week,
    node_week_completeness,
    unit_week_reported,
)
from pks.rules.lights import LightMargins, Thresholds, resolve_thresholds

log = logging.getLogger(__name__)

NODE_TYPE_ORDER = ("region", "board", "administration", "division", "area", "unit",
                   "cost_centre", "region_wide")


@dataclass(frozen=True)
class Snapshot:
    """What the store held at one moment."""

    data: PlanningData
    runs: pd.DataFrame
    checksum: str
    loaded_at: float

    @cached_property
    def tree(self) -> OrgTree:
        """Organisation tree."""
        return OrgTree(self.data.org_nodes)

    @cached_property
    def unit_ids(self) -> list[str]:
        """Producing units."""
        return self.data.unit_ids

    @cached_property
    def as_of_week(self) -> str | None:
        """Latest week with production actuals."""
        a = self.data.actuals_production
        return None if a.empty else str(a["week"].astype(str).max())


@dataclass(frozen=True)
class PlanRef:
    """A plan run chosen for follow-up."""

    run_id: str | None
    scenario: str
    level: str
    status: str = ""
    created_at: str = ""


@dataclass
class _Cache:
    snapshot: Snapshot | None = None
    checked_at: float = 0.0
    run_tables: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    derived: dict[tuple[Any, ...], Any] = field(default_factory=dict)


class DataService:
    """All reads and writes of the dashboard, scoped to the signed-in user."""

    def __init__(self, settings: DashboardSettings) -> None:
        self.settings = settings
        self._store: Any = None
        self._lock = threading.RLock()
        self._cache = _Cache()
        self._configs: dict[str, ScenarioConfig] = {}
        self._key_locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._generation = 0

    # ------------------------------------------------------------------ store
    @property
    def store(self) -> Any:
        """The opened :class:`pks.data.store.Store` (opened on first use)."""
        if self._store is None:
            from pks.data.store import Store

            self._store = Store.open(self.settings.db_url)
        return self._store

    def config(self, scenario: str | None = None) -> ScenarioConfig:
        """Resolved configuration of ``scenario`` (the settings' scenario by default)."""
        name = scenario or self.settings.scenario
        if name not in self._configs:
            self._configs[name] = load_scenario(self.settings.model_dir, name)
        return self._configs[name]

    def scenarios(self) -> list[str]:
        """Scenario names of the model instance."""
        from pks.config.loader import scenario_names

        return scenario_names(self.settings.model_dir)

    def invalidate(self) -> None:
        """Forget the snapshot (after this process wrote to the store)."""
        with self._lock:
            self._cache.snapshot = None
            self._cache.derived.clear()
            self._generation += 1

    def snapshot(self) -> Snapshot:
        """The current snapshot of the store, reloaded when it changed."""
        with self._lock:
            now = time.monotonic()
            snap = self._cache.snapshot
            if snap is not None and now - self._cache.checked_at < self.settings.cache_ttl_s:
                return snap
            checksum = str(self.store.input_checksum())
            runs = self.store.runs()
            if snap is not None and snap.checksum == checksum:
                # same inputs: keep them (and every derived table, keyed by plan run id)
                if len(runs) != len(snap.runs):
                    old = snap
                    snap = Snapshot(data=snap.data, runs=runs, checksum=checksum,
                                    loaded_at=snap.loaded_at)
                    snap.__dict__["tree"] = old.tree
                    self._cache.snapshot = snap
                self._cache.checked_at = now
                return snap
            data = self.store.read_inputs()
            snap = Snapshot(data=data, runs=runs, checksum=checksum, loaded_at=time.time())
            self._cache.snapshot = snap
            self._cache.checked_at = now
            self._cache.derived.clear()
            self._generation += 1
            log.info("dashboard snapshot loaded: %d units, %d runs", len(snap.unit_ids), len(runs))
            return snap

    def run_tables(self, run_id: str) -> dict[str, pd.DataFrame]:
        """Result tables of a run (cached: runs never change)."""
        with self._lock:
            hit = self._cache.run_tables.get(run_id)
            if hit is not None:
                return hit
            key_lock = self._key_locks.setdefault(("run", run_id), threading.Lock())
        with key_lock:  # one reader per run; other requests are not held up meanwhile
            with self._lock:
                hit = self._cache.run_tables.get(run_id)
            if hit is None:
                hit = self.store.load_run_tables(run_id)
                with self._lock:
                    self._cache.run_tables[run_id] = hit
            return hit

    def _derived(self, key: tuple[Any, ...], make: Any) -> Any:
        """``make()`` once per key and snapshot generation.

        Computed outside the service lock (under a lock of its own key), so requests whose
        tables are cached are answered while another request computes a new one.
        """
        with self._lock:
            if key in self._cache.derived:
                return self._cache.derived[key]
            key_lock = self._key_locks.setdefault(("derived", key), threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._cache.derived:
                    return self._cache.derived[key]
                generation = self._generation
            value = make()
            with self._lock:
                if generation == self._generation:  # not computed from a replaced snapshot
                    self._cache.derived[key] = value
            return value

    # ------------------------------------------------------------------ runs
    def plan_ref(self, scenario: str, level: str) -> PlanRef:
        """The plan to follow up: the adopted one, else the newest of that scenario and level."""
        row = plan_run_to_follow(self.snapshot().runs, scenario, level)
        if row is None:
            return PlanRef(None, scenario, level)
        return PlanRef(str(row["run_id"]), scenario, level, str(row.get("status", "")),
                       str(row.get("created_at", "")))

    def unagreed(self, ref: PlanRef) -> tuple[int, int] | None:
        """``(unagreed nodes, nodes)`` of the plan a page follows, from the agreement records.

        Read fresh on every call: agreements change without the inputs changing. An adopted
        plan is the binding plan (its adoption is the last agreement), so it is not flagged.
        """
        if ref.run_id is None or ref.status == "adopted":
            return None
        from pks.governance.agreements import unagreed_count

        return unagreed_count(self.store, self.tree(), ref.run_id)

    def plan_tables(self, ref: PlanRef) -> dict[str, pd.DataFrame]:
        """Tables of a plan run (empty when there is none)."""
        return {} if ref.run_id is None else self.run_tables(ref.run_id)

    def scenarios_with_plans(self, level: str) -> list[str]:
        """Scenarios that have at least one plan run of ``level`` (model order)."""
        runs = self.snapshot().runs
        if runs.empty:
            return []
        have = set(runs.loc[(runs["kind"] == "plan") & (runs["level"] == level), "scenario"])
        return [s for s in self.scenarios() if s in have] + sorted(have - set(self.scenarios()))

    def latest_simulation(self, scenario: str, plan_run_id: str | None) -> str | None:
        """Newest simulation of ``plan_run_id``, else the newest of the scenario's plans."""
        sim = simulation_run_to_follow(self.snapshot().runs, scenario, plan_run_id)
        return None if sim is None else str(sim["run_id"])

    # ------------------------------------------------------------------ scope
    def tree(self) -> OrgTree:
        """The organisation tree."""
        return self.snapshot().tree

    def check(self, principal: Principal, node_id: str) -> None:
        """Raise :class:`AccessDenied` unless the principal may see ``node_id``."""
        require_node(principal, self.tree(), node_id)

    def default_node(self, principal: Principal) -> str:
        """The node a user lands on: the region, or their first unit."""
        tree = self.tree()
        if principal.restricted:
            for n in principal.units:
                if n in tree.nodes.index:
                    return n
            raise AccessDenied(f"{principal.username} has no units in this region")
        assert tree.root is not None
        return tree.root

    def _scope_units(self, principal: Principal) -> set[str] | None:
        return allowed_units(principal, self.tree())

    def thresholds(self, scenario: str | None = None) -> Thresholds:
        """Traffic-light thresholds of the scenario's target set."""
        cfg = self.config(scenario)
        week = self.as_of_week(scenario)
        from pks.data.weeks import week_monday

        return resolve_thresholds(self.snapshot().data.targets, cfg.data.target_set,
                                  week_monday(week), LightMargins.of(cfg.dashboard))

    def as_of_week(self, scenario: str | None = None) -> str:
        """Latest week with actuals, or the configured as-of week."""
        return followup_as_of_week(self.config(scenario).data.as_of_week,
                                   self.snapshot().data.actuals_production)

    def year(self, scenario: str | None = None) -> int:
        """The budget year followed up."""
        return self.config(scenario).data.budget_year

    # ------------------------------------------------------------------ follow-up
    def _rid(self, scenario: str, level: str) -> tuple[str, str | None]:
        """Cache key part: the scenario's as-of week and the plan run followed up."""
        return self.as_of_week(scenario), self.plan_ref(scenario, level).run_id

    def _followup(self, scenario: str, level: str) -> FollowupInputs:
        ref = self.plan_ref(scenario, level)
        return FollowupInputs(self.snapshot().data, self.plan_tables(ref),
                              self.as_of_week(scenario))

    def week_completeness(self, scenario: str) -> pd.DataFrame:
        """Per node and week of the budget year: ``reported_units, expected_units, complete``.

        See :mod:`pks.rules.completeness` (the one rule of which units have reported).
        """
        def make() -> pd.DataFrame:
            snap = self.snapshot()
            d = snap.data
            acts = {"actuals_production": d.actuals_production,
                    "actuals_staff": d.actuals_staff, "actuals_unit": d.actuals_unit}
            rep = unit_week_reported(acts, snap.unit_ids, weeks_of_year(self.year(scenario)))
            return node_week_completeness(rep, snap.tree)
        return self._derived(("completeness", self.as_of_week(scenario), scenario), make)

    def completeness(self, principal: Principal, node_id: str, scenario: str, week: str
                     ) -> Completeness:
        """How many of the units under ``node_id`` have reported ``week``."""
        self.check(principal, node_id)
        return completeness_of(self.week_completeness(scenario), node_id, week)

    def default_week(self, principal: Principal, node_id: str, scenario: str) -> str:
        """The node's latest complete week (every unit under it reported), else the as-of week."""
        self.check(principal, node_id)
        as_of = self.as_of_week(scenario)
        return latest_complete_week(self.week_completeness(scenario), node_id, as_of) or as_of

    def weekly_production(self, principal: Principal, node_id: str, scenario: str,
                          level: str = "tactical", by_care_type: bool = False) -> pd.DataFrame:
        """Production against plan per week for ``node_id`` (all weeks of the plan year).

        Each week carries ``reported_units`` and ``expected_units`` (units under the node
        that have reported it, :mod:`pks.rules.completeness`) and ``partial_weeks`` (1 when
        some but not all have), so a chart marks the actuals of a partial week.
        """
        self.check(principal, node_id)
        key = ("prod", self._rid(scenario, level), by_care_type, scenario)
        full = self._derived(key, lambda: production_vs_plan(
            self._followup(scenario, level).plan_table("plan_production"),
            self.snapshot().data.actuals_production, self.tree(), by_care_type=by_care_type,
            first_week=weeks_of_year(self.year(scenario))[0],
            last_week=weeks_of_year(self.year(scenario))[-1]))
        out = full[full["node_id"] == node_id].drop(columns=["reported_units"], errors="ignore")
        comp = self.week_completeness(scenario)
        comp = comp[comp["node_id"] == node_id][["week", "reported_units", "expected_units",
                                                 "complete"]]
        out = out.merge(comp, on="week", how="left")
        out["complete"] = out["complete"].fillna(False).astype(bool)
        out["partial_weeks"] = ((out["reported_units"].fillna(0) > 0)
                                & ~out["complete"]).astype(int)
        return out.drop(columns=["complete"]).reset_index(drop=True)

    def weekly_waiting(self, principal: Principal, node_id: str, scenario: str,
                       level: str = "tactical") -> pd.DataFrame:
        """Waiting list against target per week for ``node_id``."""
        self.check(principal, node_id)
        year_weeks = weeks_of_year(self.year(scenario))
        key = ("wait", self._rid(scenario, level), scenario)
        full = self._derived(key, lambda: waiting_vs_target(
            self._followup(scenario, level).plan_table("plan_production"),
            self.snapshot().data.actuals_production, self.tree(),
            first_week=year_weeks[0], last_week=year_weeks[-1]))
        return full[full["node_id"] == node_id].reset_index(drop=True)

    def weekly_staff(self, principal: Principal, node_id: str, scenario: str,
                     level: str = "tactical") -> pd.DataFrame:
        """Staff hours against plan per week for ``node_id``."""
        self.check(principal, node_id)
        year_weeks = weeks_of_year(self.year(scenario))

        def make() -> pd.DataFrame:
            d = self.snapshot().data
            sick = planned_sick_leave(d.staffing, d.staff_availability, d.staff_categories)
            return staff_vs_plan(self._followup(scenario, level).plan_table("plan_staff"),
                                 d.actuals_staff, self.tree(), sick_leave_plan=sick,
                                 first_week=year_weeks[0], last_week=year_weeks[-1])
        full = self._derived(("staff", self._rid(scenario, level), scenario), make)
        return full[full["node_id"] == node_id].reset_index(drop=True)

    def weekly_beds(self, principal: Principal, node_id: str, scenario: str,
                    level: str = "tactical") -> pd.DataFrame:
        """Occupancy and overflow per week for ``node_id``."""
        self.check(principal, node_id)
        key = ("beds", self._rid(scenario, level), scenario)
        full = self._derived(key, lambda: beds_vs_capacity(
            self.snapshot().data.actuals_unit, staffed_beds(self._followup(scenario, level)),
            self.tree()))
        return full[full["node_id"] == node_id].reset_index(drop=True)

    def cost(self, principal: Principal, node_id: str, scenario: str, level: str = "tactical"
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Monthly cost follow-up of ``node_id`` and the annual rows of it and its children."""
        self.check(principal, node_id)

        def make() -> tuple[pd.DataFrame, pd.DataFrame]:
            snap = self.snapshot()
            fi = self._followup(scenario, level)
            cfg = self.config(scenario)
            monthly, annual = cost_forecast(
                fi.plan_table("plan_cost"), snap.data.actuals_unit, snap.data.budget_frames,
                snap.tree, snap.unit_ids, self.year(scenario), self.as_of_week(scenario),
                cfg.dashboard.forecast_method, unit_finance=snap.data.unit_finance)
            annual["light"] = cost_lights(annual, self.thresholds(scenario))
            names = dict(zip(snap.data.org_nodes["node_id"], snap.data.org_nodes["name"],
                             strict=True))
            return monthly, flag_red_below(annual, snap.tree, names)
        monthly, annual = self._derived(("cost", self._rid(scenario, level), scenario), make)
        tree = self.tree()
        show = [node_id, *tree.children(node_id)]
        annual = annual[annual["node_id"].isin(show)]
        return (monthly[monthly["node_id"] == node_id].reset_index(drop=True),
                self._tag(annual).reset_index(drop=True))

    def _tag(self, frame: pd.DataFrame) -> pd.DataFrame:
        from pks.followup.responsibility import tag_responsible

        return tag_responsible(frame, self.snapshot().data.org_nodes)

    def kpis(self, principal: Principal, scenario: str, first_week: str, last_week: str,
             level: str = "tactical") -> pd.DataFrame:
        """KPIs of every node the principal may see over a week span, with lights.

        Followed up against the tactical plan by default, as the pages and the board report.
        """
        key = ("kpis", self._rid(scenario, level), scenario, first_week, last_week)
        full = self._derived(key, lambda: node_kpis(
            self._followup(scenario, level), first_week, last_week, self.thresholds(scenario)))
        return self.restrict(principal, full)

    def restrict(self, principal: Principal, frame: pd.DataFrame,
                 node_col: str = "node_id") -> pd.DataFrame:
        """Keep the rows of nodes the principal may see."""
        units = self._scope_units(principal)
        if units is None:
            return frame
        tree = self.tree()
        ok = {n for n in frame[node_col].unique() if set(tree.leaves_under(n)) <= units}
        return frame[frame[node_col].isin(ok)].reset_index(drop=True)

    def nodes_below(self, principal: Principal, node_id: str, node_type: str | None
                    ) -> list[str]:
        """``node_id`` and its descendants (of ``node_type`` when given) visible to the user."""
        self.check(principal, node_id)
        tree = self.tree()
        sub = [node_id, *tree.descendants(node_id)]
        if node_type:
            sub = [n for n in sub if tree.nodes.at[n, "node_type"] == node_type]
        units = self._scope_units(principal)
        if units is not None:
            sub = [n for n in sub if set(tree.leaves_under(n)) <= units]
        return sub

    def coverage(self, principal: Principal, node_id: str, scenario: str
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Coverage of follow-up: per node below ``node_id`` and per unit (R-16)."""
        self.check(principal, node_id)

        def make() -> tuple[pd.DataFrame, pd.DataFrame]:
            snap = self.snapshot()
            d = snap.data
            cfg = self.config(scenario)
            acts = {"actuals_production": d.actuals_production,
                    "actuals_staff": d.actuals_staff, "actuals_unit": d.actuals_unit}
            uw = unit_week_coverage(acts, snap.unit_ids, weeks_of_year(self.year(scenario))[0],
                                    self.config(scenario).data.as_of_week,
                                    cfg.dashboard.coverage_grace_weeks)
            return coverage_by_node(uw, snap.tree), unit_coverage(uw)
        by_node, per_unit = self._derived(("coverage", scenario), make)
        below = set(self.nodes_below(principal, node_id, None))
        by_node = self._tag(by_node[by_node["node_id"].isin(below)])
        per_unit = per_unit[per_unit["unit_id"].isin(below)]
        return by_node.reset_index(drop=True), per_unit.reset_index(drop=True)

    def board_content(self, principal: Principal, scenario: str, year: int, month: int
                      ) -> BoardReport:
        """Content of the monthly board report (whole region: not for restricted users)."""
        if principal.restricted:
            raise AccessDenied(f"{principal.username} may not see the whole region")
        cfg = self.config(scenario)

        def make() -> BoardReport:
            return board_report_content(
                self._followup(scenario, "tactical"), self.thresholds(scenario), year=year,
                month=month, region_name=cfg.data.region_name,
                forecast_method=cfg.dashboard.forecast_method,
                grace_weeks=cfg.dashboard.coverage_grace_weeks)
        key = ("board", self._rid(scenario, "tactical"), scenario, year, month)
        out: BoardReport = self._derived(key, make)
        return out

    def red_deviations(self, principal: Principal, scenario: str, year: int, month: int
                       ) -> pd.DataFrame:
        """Every red deviation of the month, as the board report lists them."""
        return self.board_content(principal, scenario, year, month).reds

    def plan_explanation(self, principal: Principal, ref: PlanRef, lang: str) -> list[str]:
        """The optimiser's planner-language explanation of a plan.

        The explanation is region-wide, so only users who see the whole region get it.
        """
        if principal.restricted or ref.run_id is None:
            return []
        ex = self.plan_tables(ref).get("plan_explanation")
        if ex is None or ex.empty or lang not in ex.columns:
            return []
        return [str(x) for x in ex[lang].tolist()]

    def operative_suggestion(self, principal: Principal, node_id: str, scenario: str,
                             weeks: int = 4) -> tuple[PlanRef, pd.DataFrame, pd.DataFrame]:
        """The operative re-plan's suggestion for the coming weeks of the node's units."""
        self.check(principal, node_id)
        ref = self.plan_ref(scenario, "operative")
        tables = self.plan_tables(ref)
        units = set(self.tree().leaves_under(node_id))
        as_of = self.as_of_week(scenario)
        coming = {add_weeks(as_of, i) for i in range(1, weeks + 1)}
        prod = tables.get("plan_production", pd.DataFrame())
        staff = tables.get("plan_staff", pd.DataFrame())
        if not prod.empty:
            prod = prod[prod["unit_id"].isin(units) & prod["week"].isin(coming)]
            prod = prod.groupby(["unit_id", "care_type", "week"], as_index=False)[
                ["demand_cases", "production_cases", "external_cases", "waiting_list_cases",
                 "waiting_list_target_cases"]].sum()
        if not staff.empty:
            staff = staff[staff["unit_id"].isin(units) & staff["week"].isin(coming)]
            staff = staff.groupby(["unit_id", "staff_category", "week"], as_index=False)[
                ["own_h", "overtime_h", "agency_h", "required_h"]].sum()
        return ref, prod, staff

    # ------------------------------------------------------------------ strategic
    def strategic(self, principal: Principal, node_id: str, scenarios: list[str]
                  ) -> dict[str, pd.DataFrame]:
        """Scenario comparison for the subtree of ``node_id``.

        Returns frames ``demand`` (node, year, scenario, demand/production cases), ``fte``
        (year, staff_category, scenario, fte), ``cost`` (node, year, scenario, net cost,
        frame), ``agency`` (year, scenario, agency cost share) and ``guarantee`` (node,
        scenario, probability with its interval) — each empty when no run has it.
        """
        self.check(principal, node_id)
        tree = self.tree()
        units = set(tree.leaves_under(node_id))
        children = tree.children(node_id) or [node_id]
        child_of = {u: c for c in children for u in tree.leaves_under(c)}
        out: dict[str, list[pd.DataFrame]] = {k: [] for k in
                                                ("demand", "fte", "cost", "agency", "guarantee")}
        d = self.snapshot().data
        for sc in scenarios:
            ref = self.plan_ref(sc, "strategic")
            pre = self._derived(("strategic_pre", ref.run_id), lambda ref=ref: _strategic_per_unit(
                self.plan_tables(ref)))
            pp = pre.get("production")
            if pp is not None:
                pp = pp[pp["unit_id"].isin(units)].copy()
                pp["node_id"] = pp["unit_id"].map(child_of)
                g = pp.groupby(["node_id", "year"], as_index=False)[
                    ["demand_cases", "production_cases", "external_cases", "unmet_cases"]].sum()
                out["demand"].append(g.assign(scenario=sc))
            fte = pre.get("fte")
            if fte is not None:
                f = fte[fte["unit_id"].isin(units)]
                out["fte"].append(f.groupby(["year", "staff_category"], as_index=False)["fte"]
                                  .sum().assign(scenario=sc))
            ps = pre.get("staff")
            if ps is not None:
                from pks.followup.deviations import agency_cost_share

                ps = ps[ps["unit_id"].isin(units)]
                rows = []
                for year, g in ps.groupby("year"):
                    a = agency_cost_share(g, d.staffing, d.staff_categories, tree)
                    rows.append(a[a["node_id"] == node_id].assign(year=year))
                if rows:
                    out["agency"].append(pd.concat(rows).assign(scenario=sc))
            pc = pre.get("cost")
            if pc is not None:
                # unit rows summed up the tree (exact), compared with each node's own frame
                per_unit = pc[pc["unit_id"].isin(units)]
                c = roll_up(per_unit, tree, ["net_cost_sek"], by=["year"])
                c = c[c["node_id"].isin([node_id, *children])]
                frames = d.budget_frames[["node_id", "year", "frame_sek"]]
                c = c.merge(frames, on=["node_id", "year"], how="left")
                out["cost"].append(c.assign(scenario=sc))
            sim = self.latest_simulation(sc, ref.run_id)
            if sim is not None:
                v = self.run_tables(sim).get("sim_verdicts")
                if v is not None and not v.empty:
                    v = v[v["node_id"].isin([node_id, *children])]
                    if "target" in v and (v["target"] == "guarantee").any():
                        v = v[v["target"] == "guarantee"]
                    out["guarantee"].append(v.assign(scenario=sc))
        return {k: (pd.concat(v, ignore_index=True) if v else pd.DataFrame())
                for k, v in out.items()}

    # ------------------------------------------------------------------ writes
    def replace_actuals(self, principal: Principal, tables: dict[str, pd.DataFrame]) -> None:
        """Validate and store uploaded actuals in one transaction (raises on any problem).

        A first-line manager may only upload rows of their own units.
        """
        units = self._scope_units(principal)
        if units is not None:
            foreign = sorted({str(u) for t in tables.values() if "unit_id" in t
                              for u in t["unit_id"].dropna().unique()} - units)
            if foreign:
                raise AccessDenied(f"{principal.username} may not report for {foreign}")
        self.store.replace_actuals(tables)
        self.invalidate()


def _strategic_per_unit(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A strategic plan's tables summed to unit × year (× category): small and fast to filter."""
    out: dict[str, pd.DataFrame] = {}
    pp = t.get("plan_production")
    if pp is not None and not pp.empty:
        pp = pp.assign(year=pp["week"].map(week_year)) if "year" not in pp else pp
        out["production"] = pp.groupby(["unit_id", "year"], as_index=False)[
            ["demand_cases", "production_cases", "external_cases", "unmet_cases"]].sum()
    fte = t.get("plan_fte")
    if fte is not None and not fte.empty:
        key = "unit_id" if "unit_id" in fte.columns else "node_id"
        out["fte"] = fte.rename(columns={key: "unit_id"}).groupby(
            ["unit_id", "staff_category", "year"], as_index=False)["fte"].sum()
    ps = t.get("plan_staff")
    if ps is not None and not ps.empty:
        ps = ps.assign(year=ps["week"].map(week_year)) if "year" not in ps else ps
        out["staff"] = ps.groupby(["unit_id", "staff_category", "year"], as_index=False)[
            ["own_h", "agency_h"]].sum()
    pc = t.get("plan_cost")
    if pc is not None and not pc.empty:
        from pks.followup.cost import unit_cost_rows

        out["cost"] = unit_cost_rows(pc)[["node_id", "year", "net_cost_sek"]].rename(
            columns={"node_id": "unit_id"})
    return out


def valid_week_or(default: str, week: str | None) -> str:
    """``week`` when it is a valid ISO week, else ``default``."""
    return week if week and is_valid_week(week) else default


__all__ = ["AccessDenied", "DataService", "PlanRef", "Snapshot", "valid_week_or"]


def board_report(svc: DataService, principal: Principal, scenario: str, year: int, month: int,
                 lang: Any) -> str:
    """The monthly board report as HTML (strategists and planners only: it shows all units)."""
    from pks.report import render_board_report
    from pks.report.sections import board_sections

    nodes = svc.tree().nodes
    names = dict(zip(nodes["node_id"].astype(str), nodes["name"].astype(str), strict=True))
    extra = board_sections(svc.store, svc.settings.model_dir, scenario, year, month, names,
                           lang)
    return render_board_report(svc.board_content(principal, scenario, year, month), lang,
                               extra)


# ---------------------------------------------------------------------- tactical what-ifs


class WhatIfService:
    """Tactical what-ifs of one server process, each answered by a kept, warm model.

    The kept model (:class:`pks.optimise.whatif.KeptTactical`) of a scenario's followed
    tactical plan is built once per plan run id and kept for the life of the process; a
    what-if updates it and warm-starts HiGHS. The answer is compared with the stored plan.
    One lock per process: HiGHS objects are not shared between threads.
    """

    def __init__(self, svc: DataService) -> None:
        self.svc = svc
        self._kept: dict[str, Any] = {}
        self._lock = threading.Lock()

    def kept(self, scenario: str) -> tuple[PlanRef, Any]:
        """The followed tactical plan of ``scenario`` and its kept model (built on first use).

        Raises ``LookupError`` when the scenario has no tactical plan.
        """
        from pks.config.edits import apply_edits
        from pks.optimise.inputs import demand_for
        from pks.optimise.run import horizon_weeks, stored_demand
        from pks.optimise.whatif import KeptTactical

        ref = self.svc.plan_ref(scenario, "tactical")
        if ref.run_id is None:
            raise LookupError(f"no tactical plan in scenario {scenario}")
        if ref.run_id not in self._kept:
            cfg = self.svc.config(scenario)
            data = apply_edits(self.svc.snapshot().data, cfg.data_edits)
            runs = self.svc.snapshot().runs
            row = runs[runs["run_id"] == ref.run_id]
            parent = row["parent_run_id"].iloc[0] if "parent_run_id" in row and len(row) else None
            upper = self.svc.run_tables(str(parent)) if isinstance(parent, str) and parent \
                else None
            demand = stored_demand(self.svc.store, cfg.name)
            if demand is None:
                demand = demand_for(data, cfg, horizon_weeks(cfg))
            self._kept[ref.run_id] = KeptTactical(data, cfg, upper, demand)
        return ref, self._kept[ref.run_id]

    def ask(self, principal: Principal, scenario: str, whatif: Any) -> Any:
        """Answer ``whatif`` for a user who may see its target.

        ``whatif`` is a :class:`pks.optimise.whatif.WhatIf`; the answer a
        :class:`pks.optimise.whatif.WhatIfAnswer` whose difference is taken from the stored
        plan and limited to the units the user may see.
        """
        self.svc.check(principal, whatif.target)
        with self._lock:
            ref, kept = self.kept(scenario)
            ans = kept.ask(whatif, self.svc.run_tables(str(ref.run_id)))
        scope = allowed_units(principal, self.svc.tree())
        if scope is not None:
            d = ans.difference
            ans = replace(ans, difference=d[d["unit_id"].isin(scope)].reset_index(drop=True))
        return ans
