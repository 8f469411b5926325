"""Model inputs: PlanningData + demand + a time grid → aligned arrays for the pieces.

Everything here is pure and vectorised (pandas joins, numpy). The pieces in
``constraints/`` only read :class:`ModelInputs`; the levels decide the grid and the
hand-off overrides (FTE, unit budgets, plan targets, initial lists).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from pks import rules
from pks.calendar import DAYS_PER_WEEK, WEEKS_PER_YEAR
from pks.config.optimise import BuildConfig
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.tree import OrgTree
from pks.data.weeks import add_weeks, parse_week, week_month, week_number, weeks_of_year

log = logging.getLogger(__name__)

UC = ["unit_id", "care_type"]
UCK = ["unit_id", "care_type", "priority_class"]
US = ["unit_id", "staff_category"]


class InputError(ValueError):
    """Inputs that cannot form a model; the message lists every problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid optimiser inputs:\n  " + "\n  ".join(self.problems))


@dataclass(frozen=True)
class TimeGrid:
    """Periods of a model, each a list of ISO weeks."""

    periods: tuple[str, ...]
    weeks: tuple[tuple[str, ...], ...]

    @property
    def n(self) -> int:
        """Number of periods."""
        return len(self.periods)

    @property
    def length_weeks(self) -> np.ndarray:
        """Length of each period in weeks."""
        return np.array([len(w) for w in self.weeks], float)

    @property
    def year(self) -> np.ndarray:
        """ISO year of the first week of each period."""
        return np.array([parse_week(w[0])[0] for w in self.weeks], int)

    def week_table(self) -> pd.DataFrame:
        """Long table ``week, t`` (period position of each week)."""
        rows = [(w, t) for t, ws in enumerate(self.weeks) for w in ws]
        return pd.DataFrame(rows, columns=["week", "t"])


def weekly_grid(first_week: str, n_weeks: int) -> TimeGrid:
    """``n_weeks`` consecutive ISO weeks from ``first_week``."""
    weeks = [add_weeks(first_week, i) for i in range(n_weeks)]
    return TimeGrid(tuple(weeks), tuple((w,) for w in weeks))


def year_grid(years: Sequence[int], by: str = "year") -> TimeGrid:
    """Years (``by='year'``) or quarters (``'quarter'``, by the month of each week's Thursday)."""
    periods: list[str] = []
    weeks: list[tuple[str, ...]] = []
    for y in years:
        ws = weeks_of_year(y)
        if by == "year":
            periods.append(str(y))
            weeks.append(tuple(ws))
        else:
            for q in range(4):
                wq = tuple(w for w in ws if (week_month(w) - 1) // 3 == q)
                periods.append(f"{y}-Q{q + 1}")
                weeks.append(wq)
    return TimeGrid(tuple(periods), tuple(weeks))


PER = "per"
"""``ModelInputs`` field metadata key: what the field's rows (or first axis) are per."""
PER_REGION, PER_UNIT, PER_UC, PER_UCK = "region", "unit", "unit_care", "unit_care_class"
PER_STAFF, PER_UNIT_ROWS, PER_FRAME, PER_TRANSFER = "staff", "unit_rows", "frame", "transfer"
"""Kinds: region-wide; aligned with ``units``/``uc``/``uck``/``staff``; rows of a table with
a ``unit_id`` column; frames (kept when a kept unit is under the node); transfers (kept
between kept units)."""


@dataclass(frozen=True)
class ModelInputs:
    """Aligned inputs of one model. Arrays are indexed like the frames they sit beside."""

    level: str = field(metadata={PER: PER_REGION})
    grid: TimeGrid = field(metadata={PER: PER_REGION})
    units: pd.DataFrame = field(metadata={PER: PER_UNIT})
    """unit_id, area_id, division_id, fixed_cost_sek_per_year, capitation_sek_per_year,
    occupancy_max_pu."""
    uc: pd.DataFrame = field(metadata={PER: PER_UC})
    """unit_id, care_type, acute, mean_los_days, theatre_h_per_case, variable cost,
    revenue, external price/max, guarantee_days, target_queue_cases, demand mean."""
    uck: pd.DataFrame = field(metadata={PER: PER_UCK})
    """unit_id, care_type, priority_class, share_pu, max_wait_weeks, acute, uc_pos."""
    demand: np.ndarray = field(metadata={PER: PER_UCK})
    """Cases per period, shape (len(uck), n)."""
    initial_list: np.ndarray = field(metadata={PER: PER_UCK})
    """Waiting list before the first period, per uck."""
    staff: pd.DataFrame = field(metadata={PER: PER_STAFF})
    """unit_id, staff_category, fte, hourly_cost_sek, overtime/agency parameters."""
    hours_per_fte: np.ndarray = field(metadata={PER: PER_STAFF})
    """Available hours of one FTE per period (after vacation, sick leave, training),
    shape (len(staff), n)."""
    resource_use: pd.DataFrame = field(metadata={PER: PER_UNIT_ROWS})
    """unit_id, care_type, staff_category, staff_h_per_case, uc_pos, us_pos."""
    bed_days: np.ndarray = field(metadata={PER: PER_UNIT})
    """Bed-days available per unit and period at the occupancy ceiling, shape (len(units), n)."""
    staffed_beds: np.ndarray = field(metadata={PER: PER_UNIT})
    """Mean staffed beds per unit and period."""
    theatre_h: np.ndarray = field(metadata={PER: PER_UNIT})
    """Theatre hours per unit and period, shape (len(units), n)."""
    frames: pd.DataFrame = field(metadata={PER: PER_FRAME})
    """node_id, year, frame_sek, kind ('frame' or 'handoff')."""
    frame_units: pd.DataFrame = field(metadata={PER: PER_UNIT_ROWS})
    """node_id, unit_id: the units under each frame node."""
    wage_factor: dict[int, float] = field(metadata={PER: PER_REGION})
    """LPIK hourly-wage uprating factor per year relative to the price base year."""
    consumption_factor: dict[int, float] = field(metadata={PER: PER_REGION})
    """LPIK consumption uprating factor per year."""
    agency_share_max: dict[int, float] = field(metadata={PER: PER_REGION})
    """Agency cost / own staff cost target per year."""
    plan_target: np.ndarray | None = field(default=None, metadata={PER: PER_UC})
    """Operative: tactical production per uc and period (None elsewhere)."""
    transfers: pd.DataFrame | None = field(default=None, metadata={PER: PER_TRANSFER})
    """Operative: from_unit, to_unit, staff_category, from_pos, to_pos (positions in staff)."""
    fte_variable: bool = field(default=False, metadata={PER: PER_REGION})
    """Strategic: FTE per unit × category × year is a decision."""
    recent_production: np.ndarray | None = field(default=None, metadata={PER: PER_UC})
    """Operative: mean weekly production of the last reported weeks per uc (NaN: none)."""
    meta: dict[str, object] = field(default_factory=dict, metadata={PER: PER_REGION})

    def restrict(self, units: Sequence[str]) -> ModelInputs:
        """The same inputs for a subset of units (for decomposition).

        Follows the fields' declarations (``metadata[PER]``): rows of the unit, unit ×
        care type, unit × care type × class and staff tables (and the arrays aligned with
        them) of the kept units; rows of tables with a ``unit_id`` column; frames of the
        nodes above a kept unit; transfers between kept units; region-wide fields as
        they are. A field without a declaration raises ``TypeError``.
        """
        keep = set(units)
        masks = {k: getattr(self, t)["unit_id"].isin(keep).to_numpy()
                 for k, t in ((PER_UNIT, "units"), (PER_UC, "uc"), (PER_UCK, "uck"),
                             (PER_STAFF, "staff"))}
        changes: dict[str, Any] = {}
        for f in fields(self):
            kind = f.metadata.get(PER)
            value = getattr(self, f.name)
            if kind is None:
                raise TypeError(f"ModelInputs.{f.name}: no {PER!r} declaration")
            if kind in (PER_REGION, PER_FRAME) or value is None:
                continue
            if kind in masks:
                changes[f.name] = value[masks[kind]]
            elif kind == PER_UNIT_ROWS:
                changes[f.name] = value[value["unit_id"].isin(keep)]
            elif kind == PER_TRANSFER:
                changes[f.name] = value[value["from_unit"].isin(keep)
                                        & value["to_unit"].isin(keep)]
        fu = changes["frame_units"]
        assert isinstance(fu, pd.DataFrame)
        changes["frames"] = self.frames[self.frames["node_id"].isin(set(fu["node_id"]))]
        return replace(self, **changes).reindexed()

    def reindexed(self) -> ModelInputs:
        """Recompute the position columns after filtering."""
        units = self.units.reset_index(drop=True)
        uc = self.uc.reset_index(drop=True)
        uck = self.uck.reset_index(drop=True).drop(columns=["uc_pos"], errors="ignore")
        uck["uc_pos"] = _pos(uc, uck, UC)
        staff = self.staff.reset_index(drop=True)
        ru = self.resource_use.drop(columns=["uc_pos", "us_pos"], errors="ignore")
        ru = ru.reset_index(drop=True)
        ru["uc_pos"] = _pos(uc, ru, UC)
        ru["us_pos"] = _pos(staff, ru, US)
        tr = self.transfers
        if tr is not None:
            tr = tr.reset_index(drop=True).copy()
            tr["from_pos"] = _pos(staff, tr.rename(columns={"from_unit": "unit_id"}), US)
            tr["to_pos"] = _pos(staff, tr.rename(columns={"to_unit": "unit_id"}), US)
        return replace(self, units=units, uc=uc, uck=uck, staff=staff, resource_use=ru,
                       frames=self.frames.reset_index(drop=True),
                       frame_units=self.frame_units.reset_index(drop=True), transfers=tr)


def _pos(table: pd.DataFrame, keys: pd.DataFrame, on: list[str]) -> np.ndarray:
    t = table[on].copy()
    t["_pos"] = np.arange(len(t))
    m = keys[on].merge(t, on=on, how="left", sort=False)
    if m["_pos"].isna().any():
        bad = keys.loc[m["_pos"].isna().to_numpy(), on].drop_duplicates().head(5)
        raise InputError([f"no match for {bad.to_dict('records')} in {on}"])
    return m["_pos"].to_numpy(np.int64)


# ---------------------------------------------------------------------- demand


def demand_from_history(data: PlanningData, weeks: Sequence[str]) -> pd.DataFrame:
    """Seasonal-mean demand: mean referrals per ISO week number over the history.

    The fallback when :mod:`pks.forecast` is not available. Weeks with a number the
    history lacks (week 53) take the unit and care type's overall weekly mean.
    """
    h = data.demand_history
    if h.empty:
        raise InputError(["demand_history is empty: no demand to plan for"])
    g = h.groupby([*UC, "week"], as_index=False)["referrals_cases"].sum()
    g["wk"] = g["week"].map(week_number)
    by_wk = g.groupby([*UC, "wk"], as_index=False)["referrals_cases"].mean()
    overall = g.groupby(UC, as_index=False)["referrals_cases"].mean()
    target = pd.DataFrame({"week": list(weeks)})
    target["wk"] = target["week"].map(week_number)
    pairs = overall[UC]
    full = pairs.merge(target, how="cross").merge(by_wk, on=[*UC, "wk"], how="left")
    fill = full[UC].merge(overall, on=UC, how="left")["referrals_cases"].to_numpy()
    vals = full["referrals_cases"].to_numpy(float)
    full["demand_cases"] = np.where(np.isnan(vals), fill, vals)
    return full[[*UC, "week", "demand_cases"]]


def demand_for(data: PlanningData, scenario: ScenarioConfig,
               weeks: Sequence[str]) -> pd.DataFrame:
    """Demand per unit × care type × week: the forecaster's (seasonal mean where it has none)."""
    from pks.forecast.demand import forecast_demand

    fc = forecast_demand(data, scenario)
    table = fc.forecast_demand
    d = table.groupby([*UC, "week"], as_index=False)["demand_cases"].sum()
    d = d[d["week"].isin(set(weeks))]
    missing = set(weeks) - set(d["week"])
    if missing:
        log.warning("forecast lacks %d weeks of the horizon; seasonal mean used there",
                    len(missing))
        d = pd.concat([d, demand_from_history(data, sorted(missing))], ignore_index=True)
    return d


# ---------------------------------------------------------------------- helpers


def weekly_values(table: pd.DataFrame, keys: list[str], cols: list[str],
                  weeks: Sequence[str]) -> pd.DataFrame:
    """Values per key × week, filling gaps.

    Weeks missing from ``table`` take the same ISO week number of the latest year
    present, then the key's mean.
    """
    target = table[keys].drop_duplicates().merge(pd.DataFrame({"week": list(weeks)}),
                                                 how="cross")
    exact = target.merge(table[[*keys, "week", *cols]], on=[*keys, "week"], how="left")
    if exact[cols].isna().any().any():
        t2 = table[[*keys, "week", *cols]].copy()
        t2["wk"] = t2["week"].map(week_number)
        t2["yr"] = t2["week"].str.slice(0, 4).astype(int)
        latest = t2.sort_values("yr").groupby([*keys, "wk"], as_index=False).last()
        target_wk = exact[[*keys, "week"]].copy()
        target_wk["wk"] = target_wk["week"].map(week_number)
        by_wk = target_wk.merge(latest[[*keys, "wk", *cols]], on=[*keys, "wk"], how="left")
        means = exact[keys].merge(table.groupby(keys, as_index=False)[cols].mean(), on=keys,
                                  how="left")
        for c in cols:
            v = exact[c].to_numpy(float)
            v = np.where(np.isnan(v), by_wk[c].to_numpy(float), v)
            exact[c] = np.where(np.isnan(v), means[c].to_numpy(float), v)
    return exact


def to_period_matrix(long: pd.DataFrame, keys_table: pd.DataFrame, keys: list[str],
                     col: str, grid: TimeGrid, how: str = "sum") -> np.ndarray:
    """Aggregate a long weekly frame to a (len(keys_table), n_periods) array."""
    wt = grid.week_table()
    d = long.merge(wt, on="week", how="inner")
    agg = d.groupby([*keys, "t"], as_index=False)[col].agg(how)
    pos = keys_table[keys].copy()
    pos["_e"] = np.arange(len(pos))
    agg = agg.merge(pos, on=keys, how="inner")
    out = np.zeros((len(keys_table), grid.n))
    out[agg["_e"].to_numpy(), agg["t"].to_numpy()] = agg[col].to_numpy(float)
    return out


def uprating_factors(cost_indices: pd.DataFrame, base_year: int, years: Sequence[int],
                     cost_type: str) -> dict[int, float]:
    """Cumulative LPIK factor per year relative to ``base_year`` (1.0 at the base year).

    Uses ``cost_type`` where present, else ``lpik_total``, else no change.
    """
    ci = cost_indices
    out: dict[int, float] = {}
    for y in years:
        f = 1.0
        for yy in range(base_year + 1, y + 1):
            rows = ci[(ci["year"] == yy) & (ci["cost_type"] == cost_type)]
            if rows.empty:
                rows = ci[(ci["year"] == yy) & (ci["cost_type"] == "lpik_total")]
            f *= 1.0 + (float(rows["uprating_pu"].iloc[0]) if not rows.empty else 0.0)
        out[int(y)] = f
    return out


def active_targets(targets: pd.DataFrame, target_set: str, first_week: str) -> pd.Series:
    """The version of ``target_set`` in force at ``first_week`` (:mod:`pks.rules.targets`)."""
    y, w = parse_week(first_week)
    try:
        return rules.target_set_in_force(targets, target_set,
                                         dt.date.fromisocalendar(y, w, 1))
    except rules.TargetSetNotFound as exc:
        raise InputError([str(exc.args[0])]) from exc


def sustainable_occupancy(beds: float, p_refuse: float) -> float:
    """Erlang-B occupancy a ward of ``beds`` beds sustains at refusal probability ``p_refuse``."""
    if beds < 1 or p_refuse <= 0:
        return 0.0
    try:
        from pks.forecast.queueing import sustainable_occupancy as so

        return float(so(int(round(beds)), p_refuse))
    except ImportError:  # pragma: no cover
        return _erlang_occupancy(int(round(beds)), p_refuse)


def _erlang_occupancy(c: int, p: float) -> float:
    def eb(a: float) -> float:
        b = 1.0
        for k in range(1, c + 1):
            b = a * b / (k + a * b)
        return b
    lo, hi = 0.0, float(c) * 2 + 10
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if eb(mid) <= p else (lo, mid)
    return lo * (1 - eb(lo)) / c


def initial_lists(history: pd.DataFrame, uc: pd.DataFrame, before_week: str) -> np.ndarray:
    """Waiting list per unit × care type at the latest history week before ``before_week``."""
    if history.empty:
        return np.zeros(len(uc))
    h = history[history["week"] < before_week]
    if h.empty:
        h = history
    last = h.groupby(UC, as_index=False)["week"].max()
    h = h.merge(last, on=[*UC, "week"])
    wl = h.groupby(UC, as_index=False)["waiting_list_cases"].sum()
    return uc[UC].merge(wl, on=UC, how="left")["waiting_list_cases"].fillna(0.0).to_numpy(float)


# ---------------------------------------------------------------------- assembly


def prepare(data: PlanningData, demand: pd.DataFrame, grid: TimeGrid, *, level: str,
            budget_year: int, target_set: str, build: BuildConfig,
            fte: pd.DataFrame | None = None, unit_budgets: pd.DataFrame | None = None,
            list_source: pd.DataFrame | None = None,
            sick_leave_pu: pd.DataFrame | None = None,
            plan_target: pd.DataFrame | None = None,
            transfers: bool = False, fte_variable: bool = False) -> ModelInputs:
    """Align the planning data to ``grid``.

    Parameters
    ----------
    demand : unit_id, care_type, week, demand_cases (weekly, at least the grid's weeks).
    fte : optional unit_id, staff_category, fte (hand-off from strategic; replaces the
        staffing target as the FTE available).
    unit_budgets : optional node_id, year, frame_sek handed down (extra frames, 'handoff').
    list_source : table with unit_id, care_type, week, waiting_list_cases for the initial
        list (default ``demand_history``; the operative level passes actuals).
    sick_leave_pu : optional unit_id, staff_category, sick_leave_pu replacing the planned
        sick leave (operative: actual sick leave of the latest week).
    plan_target : optional unit_id, care_type, week, production_cases (operative target).
    """
    b = build
    problems: list[str] = []
    weeks = [w for ws in grid.weeks for w in ws]
    first = weeks[0]
    tgt = active_targets(data.targets, target_set, first)

    # --- units and org
    tree = OrgTree(data.org_nodes)
    unit_ids = data.unit_ids
    units = pd.DataFrame({"unit_id": unit_ids})
    known_nodes = set(data.org_nodes["node_id"])
    for u in unit_ids:
        if u not in known_nodes:
            problems.append(f"care_types: unit {u!r} is not an org node")
    if problems:
        raise InputError(problems)

    def _anc(u: str, typ: str) -> str:
        a = tree.ancestor_of_type(u, typ)
        return a if a is not None else (tree.parent(u) or u)

    units["area_id"] = [_anc(u, "area") for u in unit_ids]
    units["division_id"] = [_anc(u, "division") for u in unit_ids]
    fin = data.unit_finance.set_index("unit_id")
    units["fixed_cost_sek_per_year"] = units["unit_id"].map(
        fin["fixed_cost_sek_per_year"]).fillna(0.0).astype(float)
    units["capitation_sek_per_year"] = units["unit_id"].map(
        fin["capitation_revenue_sek_per_year"]).fillna(0.0).astype(float)

    # --- care types and classes
    ct = data.care_types.copy()
    uc = ct.sort_values(UC).reset_index(drop=True)
    uc["acute"] = uc["acute"].astype(bool)
    pr = data.care_type_priorities.copy()
    pr["priority_class"] = pr["priority_class"].astype(int)
    uck = uc[[*UC, "acute"]].merge(pr, on=UC, how="left")
    no_pr = uck[uck["priority_class"].isna()]
    if not no_pr.empty:  # a care type without a priority split is one class-1 line
        uck.loc[no_pr.index, "priority_class"] = 1
        uck.loc[no_pr.index, "share_pu"] = 1.0
        uck.loc[no_pr.index, "max_wait_days"] = 365
    uck["priority_class"] = uck["priority_class"].astype(int)
    uck = uck.sort_values(UCK).reset_index(drop=True)
    sums = uck.groupby(UC)["share_pu"].sum()
    bad = sums[(sums - 1.0).abs() > 1e-6]
    for (u, c), s in bad.items():
        problems.append(f"care_type_priorities: shares of {u}/{c} sum to {s:.4f}, not 1")
    uck["uc_pos"] = _pos(uc, uck, UC)
    uck["max_wait_weeks"] = uck["max_wait_days"].astype(float) / DAYS_PER_WEEK

    # --- demand per uck and period
    dem = demand.groupby([*UC, "week"], as_index=False)["demand_cases"].sum()
    d_uc = to_period_matrix(dem, uc, UC, "demand_cases", grid)
    missing_d = set(map(tuple, uc[UC].to_numpy())) - set(map(tuple, dem[UC].to_numpy()))
    if missing_d:
        log.warning("no demand for %d unit/care-type pairs; zero assumed", len(missing_d))
    demand_arr = d_uc[uck["uc_pos"].to_numpy()] * uck["share_pu"].to_numpy(float)[:, None]
    n_weeks = float(len(weeks))
    uc["demand_cases_per_week"] = d_uc.sum(axis=1) / n_weeks
    uck["demand_cases_per_week"] = demand_arr.sum(axis=1) / n_weeks

    # --- guarantee queue size (Little's law on the target mean wait)
    share = float(tgt["within_guarantee_share_pu"])
    factor = rules.wait_factor(share)
    gdays = rules.limit_days_of(uc["guarantee_stage"], uc["acute"], tgt)
    uc["guarantee_days"] = gdays
    uc["target_wait_weeks"] = rules.target_mean_wait_weeks(gdays, share)
    uc["target_queue_cases"] = rules.target_queue_cases(uc["demand_cases_per_week"], gdays, share)

    # --- initial lists split by class share
    src = data.demand_history if list_source is None else list_source
    l0_uc = initial_lists(src, uc, first)
    l0 = l0_uc[uck["uc_pos"].to_numpy()] * uck["share_pu"].to_numpy(float)
    l0 = np.where(uck["acute"].to_numpy(bool), 0.0, l0)

    # --- staff
    st = data.staffing.merge(data.staff_categories[["staff_category",
                                                    "contracted_h_per_fte_year"]],
                             on="staff_category", how="left")
    st = st[st["unit_id"].isin(set(unit_ids))].sort_values(US).reset_index(drop=True)
    if st["contracted_h_per_fte_year"].isna().any():
        problems.append("staffing: staff categories missing from staff_categories")
    st["fte"] = st["staffing_target_fte"].astype(float)
    if fte is not None:
        f = st[US].merge(fte[[*US, "fte"]], on=US, how="left")["fte"]
        st["fte"] = np.where(f.isna(), st["fte"], f)
    st["hourly_cost_sek"] = st["cost_sek_per_fte_year"] / st["contracted_h_per_fte_year"]
    if b.overtime_h_per_fte_year_max is not None:
        st["overtime_h_per_fte_year_max"] = b.overtime_h_per_fte_year_max
    neg = st[(st[["fte", "overtime_h_per_fte_year_max", "agency_h_per_week_max"]] < 0)
             .any(axis=1)]
    for r in neg.itertuples():
        problems.append(f"staffing: negative limit for {r.unit_id}/{r.staff_category}")
    av = weekly_values(data.staff_availability, US,
                       ["vacation_pu", "sick_leave_pu", "training_pu"], weeks) \
        if not data.staff_availability.empty else \
        st[US].merge(pd.DataFrame({"week": weeks}), how="cross").assign(
            vacation_pu=0.0, sick_leave_pu=0.0, training_pu=0.0)
    if sick_leave_pu is not None:
        s2 = av[US].merge(sick_leave_pu[[*US, "sick_leave_pu"]], on=US, how="left")
        av["sick_leave_pu"] = np.where(s2["sick_leave_pu"].isna(), av["sick_leave_pu"],
                                       s2["sick_leave_pu"])
    av["avail_pu"] = (1 - av["vacation_pu"] - av["sick_leave_pu"] - av["training_pu"]).clip(0, 1)
    avail = to_period_matrix(av, st, US, "avail_pu", grid)  # sum over weeks of the period
    covered = to_period_matrix(av.assign(one=1.0), st, US, "one", grid)
    avail = np.where(covered > 0, avail, grid.length_weeks[None, :])  # no row = fully available
    hours_per_fte = avail * (st["contracted_h_per_fte_year"].to_numpy(float)
                             / WEEKS_PER_YEAR)[:, None]

    # --- resource use
    ru = data.resource_use[data.resource_use["staff_h_per_case"] > 0]
    ru = ru.merge(uc[UC], on=UC, how="inner").reset_index(drop=True)
    ru_st = ru.merge(st[US], on=US, how="left", indicator=True)
    lack = ru_st[ru_st["_merge"] == "left_only"][US].drop_duplicates()
    for r in lack.itertuples():
        problems.append(f"resource_use needs {r.staff_category} in {r.unit_id} "
                        f"but staffing has no such row")
    if problems:
        raise InputError(problems)
    ru["uc_pos"] = _pos(uc, ru, UC)
    ru["us_pos"] = _pos(st, ru, US)

    # --- beds and theatre
    if data.unit_capacity.empty:
        cap = units[["unit_id"]].merge(pd.DataFrame({"week": weeks}), how="cross").assign(
            staffed_beds=0.0, theatre_h_per_week=0.0)
    else:
        cap = weekly_values(data.unit_capacity, ["unit_id"],
                            ["staffed_beds", "theatre_h_per_week"], weeks)
    beds_sum = to_period_matrix(cap, units, ["unit_id"], "staffed_beds", grid)
    staffed_beds = beds_sum / grid.length_weeks[None, :]
    occ_max = float(tgt["occupancy_max_pu"])
    p_ref = float(tgt["overflow_probability_max_pu"])
    mean_beds = staffed_beds.mean(axis=1)
    if b.ward_size_occupancy and p_ref > 0:
        occ = np.array([min(occ_max, sustainable_occupancy(x, p_ref)) if x >= 1 else occ_max
                        for x in mean_beds])
    else:
        occ = np.full(len(units), occ_max)
    units["occupancy_max_pu"] = occ
    bed_days = beds_sum * DAYS_PER_WEEK * occ[:, None]
    theatre = to_period_matrix(cap, units, ["unit_id"], "theatre_h_per_week", grid)

    # --- frames
    years = sorted(set(grid.year.tolist()))
    fr = data.budget_frames[data.budget_frames["year"].isin(years)].copy()
    fr["kind"] = "frame"
    for r in data.budget_frames.itertuples():
        if r.node_id not in known_nodes:
            problems.append(f"budget_frames: frame for unknown node {r.node_id!r}")
        if r.frame_sek < 0:
            problems.append(f"budget_frames: negative frame for {r.node_id} {r.year}")
    if unit_budgets is not None and not unit_budgets.empty:
        ub = unit_budgets[unit_budgets["year"].isin(years)].copy()
        ub["kind"] = "handoff"
        fr = pd.concat([fr, ub[["node_id", "year", "frame_sek", "kind"]]], ignore_index=True)
    fr = fr[["node_id", "year", "frame_sek", "kind"]].reset_index(drop=True)
    unit_set = set(unit_ids)
    pairs = []
    for n in fr["node_id"].unique():
        if n in known_nodes:
            pairs += [(n, u) for u in tree.leaves_under(n) if u in unit_set]
            if n in unit_set and not tree.children(n):
                pass
    fu = pd.DataFrame(pairs, columns=["node_id", "unit_id"]).drop_duplicates()

    # --- prices by year
    wage = uprating_factors(data.cost_indices, budget_year, years, "hourly_wage")
    cons = uprating_factors(data.cost_indices, budget_year, years, "consumption")
    base_share = float(tgt["agency_cost_share_max_pu"]) if b.agency_share_max_pu is None \
        else b.agency_share_max_pu
    ag = {y: base_share for y in years}
    for i, s in enumerate(b.agency_share_path_pu):
        if budget_year + i in ag:
            ag[budget_year + i] = s
    if problems:
        raise InputError(problems)

    # --- operative extras
    target_arr = None
    if plan_target is not None:
        pt = plan_target.groupby([*UC, "week"], as_index=False)["production_cases"].sum()
        target_arr = to_period_matrix(pt, uc, UC, "production_cases", grid)
    tr = None
    if transfers:
        s2 = st[US].merge(units[["unit_id", "area_id"]], on="unit_id")
        p = s2.merge(s2, on=["area_id", "staff_category"], suffixes=("_from", "_to"))
        p = p[p["unit_id_from"] != p["unit_id_to"]]
        tr = p.rename(columns={"unit_id_from": "from_unit", "unit_id_to": "to_unit"})[
            ["from_unit", "to_unit", "staff_category", "area_id"]].reset_index(drop=True)

    mi = ModelInputs(level=level, grid=grid, units=units, uc=uc, uck=uck, demand=demand_arr,
                     initial_list=l0, staff=st, hours_per_fte=hours_per_fte,
                     resource_use=ru, bed_days=bed_days, staffed_beds=staffed_beds,
                     theatre_h=theatre, frames=fr, frame_units=fu, wage_factor=wage,
                     consumption_factor=cons, agency_share_max=ag, plan_target=target_arr,
                     transfers=tr, fte_variable=fte_variable,
                     meta={"budget_year": budget_year, "target_set": target_set,
                           "guarantee_factor": factor})
    return mi.reindexed()
