"""Input preparation per small group: one pure function per group of ``ModelInputs`` fields.

:func:`pks.optimise.inputs.prepare` sequences these. Each group function takes only the
tables and settings it needs and returns the fields it prepares (a small frozen dataclass
or one value). Validation is returned, not raised: a group that can find problems returns
them (``problems``), or a separate ``*_problems`` function checks the raw table before
alignment, so that ``prepare`` raises one :class:`InputError` listing every problem.

Units: cases (``_cases``), weeks, days, hours (``_h``), kronor (``_sek``), full-time
equivalents (``fte``), per-unit fractions (``_pu``); arrays are (rows, periods) where the
rows are the table they sit beside (``units``, ``uc``, ``uck``, ``staff``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pks import rules
from pks.calendar import DAYS_PER_WEEK, WEEKS_PER_YEAR
from pks.data.tree import OrgTree
from pks.data.weeks import week_number

if TYPE_CHECKING:
    from pks.optimise.inputs import TimeGrid

log = logging.getLogger(__name__)

UC = ["unit_id", "care_type"]
UCK = ["unit_id", "care_type", "priority_class"]
US = ["unit_id", "staff_category"]


class InputError(ValueError):
    """Inputs that cannot form a model; the message lists every problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid optimiser inputs:\n  " + "\n  ".join(self.problems))


def row_positions(table: pd.DataFrame, keys: pd.DataFrame, on: list[str]) -> np.ndarray:
    """Row position in ``table`` of each row of ``keys`` matched on the columns ``on``."""
    t = table[on].copy()
    t["_pos"] = np.arange(len(t))
    m = keys[on].merge(t, on=on, how="left", sort=False)
    if m["_pos"].isna().any():
        bad = keys.loc[m["_pos"].isna().to_numpy(), on].drop_duplicates().head(5)
        raise InputError([f"no match for {bad.to_dict('records')} in {on}"])
    return m["_pos"].to_numpy(np.int64)


# ---------------------------------------------------------------------- helpers


def grid_weeks(grid: TimeGrid) -> list[str]:
    """The ISO weeks of ``grid`` in period order."""
    return [w for ws in grid.weeks for w in ws]


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


# ---------------------------------------------------------------------- units and org


def unit_problems(unit_ids: Sequence[str], known_nodes: set[str]) -> list[str]:
    """Producing units (units with care types) that are not org nodes."""
    return [f"care_types: unit {u!r} is not an org node" for u in unit_ids
            if u not in known_nodes]


def prepare_units(unit_ids: Sequence[str], tree: OrgTree,
                  unit_finance: pd.DataFrame) -> pd.DataFrame:
    """The unit table: org ancestors, fixed cost and capitation revenue per unit.

    Columns ``unit_id, area_id, division_id, fixed_cost_sek_per_year,
    capitation_sek_per_year``.
    ``area_id``/``division_id`` are the nearest ancestors of that node type (the parent,
    or the unit itself at the root, where there is none); costs and capitation revenue
    (SEK per year) come from ``unit_finance``, 0 where a unit has no row. Every unit must
    be an org node (:func:`unit_problems`).
    """
    def anc(u: str, typ: str) -> str:
        a = tree.ancestor_of_type(u, typ)
        return a if a is not None else (tree.parent(u) or u)

    units = pd.DataFrame({"unit_id": unit_ids})
    units["area_id"] = [anc(u, "area") for u in unit_ids]
    units["division_id"] = [anc(u, "division") for u in unit_ids]
    fin = unit_finance.set_index("unit_id")
    units["fixed_cost_sek_per_year"] = units["unit_id"].map(
        fin["fixed_cost_sek_per_year"]).fillna(0.0).astype(float)
    units["capitation_sek_per_year"] = units["unit_id"].map(
        fin["capitation_revenue_sek_per_year"]).fillna(0.0).astype(float)
    return units


# ---------------------------------------------------------------------- care types and classes


@dataclass(frozen=True)
class CareLines:
    """Care lines: unit × care type (``uc``) and unit × care type × priority class (``uck``)."""

    uc: pd.DataFrame
    """``care_types`` sorted by unit and care type, ``acute`` as bool."""
    uck: pd.DataFrame
    """unit_id, care_type, acute, priority_class, share_pu, max_wait_days, ...,
    uc_pos (row in ``uc``), max_wait_weeks."""
    problems: tuple[str, ...]
    """Care types whose class shares do not sum to 1."""


def prepare_care_lines(care_types: pd.DataFrame, priorities: pd.DataFrame) -> CareLines:
    """Split each care type into its priority classes.

    A care type without rows in ``care_type_priorities`` is one class-1 line with
    ``share_pu = 1`` and ``max_wait_days = 365``. ``max_wait_weeks = max_wait_days / 7``.
    The class shares of each care type must sum to 1 (± 1e-6).
    """
    uc = care_types.copy().sort_values(UC).reset_index(drop=True)
    uc["acute"] = uc["acute"].astype(bool)
    pr = priorities.copy()
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
    problems = tuple(f"care_type_priorities: shares of {u}/{c} sum to {s:.4f}, not 1"
                     for (u, c), s in bad.items())
    uck["uc_pos"] = row_positions(uc, uck, UC)
    uck["max_wait_weeks"] = uck["max_wait_days"].astype(float) / DAYS_PER_WEEK
    return CareLines(uc=uc, uck=uck, problems=problems)


# ---------------------------------------------------------------------- demand per uck and period


@dataclass(frozen=True)
class Demand:
    """Demand on the grid."""

    cases: np.ndarray
    """Cases per uck and period, shape (len(uck), n): ``d_uckt = D_uct · share_uck``."""
    uc_cases_per_week: np.ndarray
    """Mean cases per week over the grid per uc: ``Σ_t D_uct / weeks``."""
    uck_cases_per_week: np.ndarray
    """Mean cases per week over the grid per uck."""


def prepare_demand(demand: pd.DataFrame, uc: pd.DataFrame, uck: pd.DataFrame,
                   grid: TimeGrid) -> Demand:
    """Weekly demand (unit_id, care_type, week, demand_cases) summed to the grid's periods.

    Split over the classes by ``uck.share_pu``; a care line without demand has zero
    (logged).
    """
    dem = demand.groupby([*UC, "week"], as_index=False)["demand_cases"].sum()
    d_uc = to_period_matrix(dem, uc, UC, "demand_cases", grid)
    missing_d = set(map(tuple, uc[UC].to_numpy())) - set(map(tuple, dem[UC].to_numpy()))
    if missing_d:
        log.warning("no demand for %d unit/care-type pairs; zero assumed", len(missing_d))
    cases = d_uc[uck["uc_pos"].to_numpy()] * uck["share_pu"].to_numpy(float)[:, None]
    n_weeks = float(len(grid_weeks(grid)))
    return Demand(cases=cases, uc_cases_per_week=d_uc.sum(axis=1) / n_weeks,
                  uck_cases_per_week=cases.sum(axis=1) / n_weeks)


# ---------------------------------------------------------------------- guarantee queue size


@dataclass(frozen=True)
class Guarantee:
    """Care-guarantee targets per uc (Little's law on the target mean wait)."""

    wait_factor: float
    """``f = ln(1 / (1 - s))`` for the target share ``s`` within the guarantee."""
    guarantee_days: np.ndarray
    """Guarantee limit in days per uc (NaN where none applies)."""
    target_wait_weeks: np.ndarray
    """Target mean wait ``W = limit_days / 7 / f`` (weeks)."""
    target_queue_cases: np.ndarray
    """Target waiting list ``Q = λ · W`` (cases), ``λ`` = demand cases per week."""


def prepare_guarantee(uc: pd.DataFrame, targets: pd.Series) -> Guarantee:
    """Guarantee limits and target queues of the care lines under the target set.

    ``uc`` needs guarantee_stage, acute and demand_cases_per_week; ``targets`` is the
    target set in force.
    """
    share = float(targets["within_guarantee_share_pu"])
    gdays = rules.limit_days_of(uc["guarantee_stage"], uc["acute"], targets)
    return Guarantee(
        wait_factor=rules.wait_factor(share), guarantee_days=gdays,
        target_wait_weeks=np.asarray(rules.target_mean_wait_weeks(gdays, share), float),
        target_queue_cases=np.asarray(
            rules.target_queue_cases(uc["demand_cases_per_week"], gdays, share), float))


# ---------------------------------------------------------------------- initial lists


def prepare_initial_lists(list_source: pd.DataFrame, uc: pd.DataFrame, uck: pd.DataFrame,
                          first_week: str) -> np.ndarray:
    """Waiting list (cases) per uck before ``first_week``.

    The latest list of each uc in ``list_source`` before the first week (:func:`initial_lists`)
    split by ``uck.share_pu``; acute lines start empty.
    """
    l0_uc = initial_lists(list_source, uc, first_week)
    l0 = l0_uc[uck["uc_pos"].to_numpy()] * uck["share_pu"].to_numpy(float)
    return np.where(uck["acute"].to_numpy(bool), 0.0, l0)


# ---------------------------------------------------------------------- staff


@dataclass(frozen=True)
class Staff:
    """Staff per unit × staff category and the hours one FTE gives per period."""

    table: pd.DataFrame
    """``staffing`` of the units with contracted_h_per_fte_year, fte, hourly_cost_sek."""
    hours_per_fte: np.ndarray
    """Available hours per FTE and period, shape (len(table), n)."""
    problems: tuple[str, ...]
    """Unknown staff categories and negative limits."""


def staff_problems(staff: pd.DataFrame) -> list[str]:
    """Staff categories without contracted hours; negative FTE, overtime or agency limits."""
    problems = []
    if staff["contracted_h_per_fte_year"].isna().any():
        problems.append("staffing: staff categories missing from staff_categories")
    neg = staff[(staff[["fte", "overtime_h_per_fte_year_max", "agency_h_per_week_max"]] < 0)
                .any(axis=1)]
    for r in neg.itertuples():
        problems.append(f"staffing: negative limit for {r.unit_id}/{r.staff_category}")
    return problems


def prepare_staff(staffing: pd.DataFrame, staff_categories: pd.DataFrame,
                  staff_availability: pd.DataFrame, unit_ids: Sequence[str],
                  grid: TimeGrid, *, fte: pd.DataFrame | None,
                  sick_leave_pu: pd.DataFrame | None,
                  overtime_h_per_fte_year_max: float | None) -> Staff:
    """Staff of the units and their available hours per FTE.

    ``fte`` is the staffing target, or the handed-down ``fte`` where given;
    ``hourly_cost_sek = cost_sek_per_fte_year / contracted_h_per_fte_year``;
    ``overtime_h_per_fte_year_max`` replaces the table's limit where given.
    Available hours ``h_st = Σ_{w∈t} (1 - vacation - sick_leave - training)_w ·
    contracted_h_per_fte_year / 52`` (availability clipped to [0, 1]; a row without
    availability data is fully available); ``sick_leave_pu`` replaces the planned sick leave.
    """
    weeks = grid_weeks(grid)
    st = staffing.merge(staff_categories[["staff_category", "contracted_h_per_fte_year"]],
                        on="staff_category", how="left")
    st = st[st["unit_id"].isin(set(unit_ids))].sort_values(US).reset_index(drop=True)
    st["fte"] = st["staffing_target_fte"].astype(float)
    if fte is not None:
        f = st[US].merge(fte[[*US, "fte"]], on=US, how="left")["fte"]
        st["fte"] = np.where(f.isna(), st["fte"], f)
    st["hourly_cost_sek"] = st["cost_sek_per_fte_year"] / st["contracted_h_per_fte_year"]
    if overtime_h_per_fte_year_max is not None:
        st["overtime_h_per_fte_year_max"] = overtime_h_per_fte_year_max
    av = weekly_values(staff_availability, US,
                       ["vacation_pu", "sick_leave_pu", "training_pu"], weeks) \
        if not staff_availability.empty else \
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
    return Staff(table=st, hours_per_fte=hours_per_fte, problems=tuple(staff_problems(st)))


# ---------------------------------------------------------------------- resource use


@dataclass(frozen=True)
class ResourceUse:
    """Staff hours per case of the care lines."""

    table: pd.DataFrame
    """unit_id, care_type, staff_category, staff_h_per_case (> 0) of the care lines in
    ``uc``; the positions ``uc_pos``/``us_pos`` are set by ``ModelInputs.reindexed``."""
    problems: tuple[str, ...]
    """Staff categories used but not staffed in a unit."""


def prepare_resource_use(resource_use: pd.DataFrame, uc: pd.DataFrame,
                         staff: pd.DataFrame) -> ResourceUse:
    """Rows of ``resource_use`` with hours (> 0) of the care lines in ``uc``.

    Each must have its unit × staff category in ``staff`` (else a problem).
    """
    ru = resource_use[resource_use["staff_h_per_case"] > 0]
    ru = ru.merge(uc[UC], on=UC, how="inner").reset_index(drop=True)
    ru_st = ru.merge(staff[US], on=US, how="left", indicator=True)
    lack = ru_st[ru_st["_merge"] == "left_only"][US].drop_duplicates()
    problems = tuple(f"resource_use needs {r.staff_category} in {r.unit_id} "
                     f"but staffing has no such row" for r in lack.itertuples())
    return ResourceUse(table=ru, problems=problems)


# ---------------------------------------------------------------------- beds and theatre


@dataclass(frozen=True)
class BedsTheatre:
    """Bed and theatre capacity per unit and period."""

    occupancy_max_pu: np.ndarray
    """Occupancy ceiling per unit."""
    staffed_beds: np.ndarray
    """Mean staffed beds per unit and period, shape (len(units), n)."""
    bed_days: np.ndarray
    """Bed-days at the ceiling ``Σ_{w∈t} beds_w · 7 · occ_u``, shape (len(units), n)."""
    theatre_h: np.ndarray
    """Theatre hours ``Σ_{w∈t} theatre_h_per_week_w``, shape (len(units), n)."""


def prepare_beds_theatre(unit_capacity: pd.DataFrame, unit_ids: Sequence[str],
                         grid: TimeGrid, *, occupancy_max_pu: float,
                         overflow_probability_max_pu: float,
                         ward_size_occupancy: bool) -> BedsTheatre:
    """Staffed beds, bed-days at the occupancy ceiling and theatre hours on the grid.

    Weekly values from ``unit_capacity`` (gaps filled by :func:`weekly_values`; zero
    without a capacity table) summed over each period's weeks.
    With ``ward_size_occupancy`` (and an overflow probability > 0) a unit of at least one
    mean staffed bed has the occupancy ceiling ``min(occupancy_max_pu, Erlang-B occupancy
    at that refusal probability)``; otherwise ``occupancy_max_pu``.
    """
    units = pd.DataFrame({"unit_id": unit_ids})
    if unit_capacity.empty:
        cap = units.merge(pd.DataFrame({"week": grid_weeks(grid)}), how="cross").assign(
            staffed_beds=0.0, theatre_h_per_week=0.0)
    else:
        cap = weekly_values(unit_capacity, ["unit_id"],
                            ["staffed_beds", "theatre_h_per_week"], grid_weeks(grid))
    beds_sum = to_period_matrix(cap, units, ["unit_id"], "staffed_beds", grid)
    staffed_beds = beds_sum / grid.length_weeks[None, :]
    occ_max, p_ref = occupancy_max_pu, overflow_probability_max_pu
    mean_beds = staffed_beds.mean(axis=1)
    if ward_size_occupancy and p_ref > 0:
        occ = np.array([min(occ_max, sustainable_occupancy(x, p_ref)) if x >= 1 else occ_max
                        for x in mean_beds])
    else:
        occ = np.full(len(units), occ_max)
    return BedsTheatre(
        occupancy_max_pu=occ, staffed_beds=staffed_beds,
        bed_days=beds_sum * DAYS_PER_WEEK * occ[:, None],
        theatre_h=to_period_matrix(cap, units, ["unit_id"], "theatre_h_per_week", grid))


# ---------------------------------------------------------------------- frames


def frame_problems(budget_frames: pd.DataFrame, known_nodes: set[str]) -> list[str]:
    """Budget frames (any year) on unknown org nodes or below zero."""
    problems = []
    for r in budget_frames.itertuples():
        if r.node_id not in known_nodes:
            problems.append(f"budget_frames: frame for unknown node {r.node_id!r}")
        if r.frame_sek < 0:
            problems.append(f"budget_frames: negative frame for {r.node_id} {r.year}")
    return problems


@dataclass(frozen=True)
class Frames:
    """Budget frames of the grid's years and the units each covers."""

    frames: pd.DataFrame
    """node_id, year, frame_sek, kind ('frame' from the data, 'handoff' handed down)."""
    frame_units: pd.DataFrame
    """node_id, unit_id: the producing units (leaves) under each frame node."""


def prepare_frames(budget_frames: pd.DataFrame, unit_budgets: pd.DataFrame | None,
                   years: Sequence[int], tree: OrgTree, known_nodes: set[str],
                   unit_ids: Sequence[str]) -> Frames:
    """Frames of ``years`` from ``budget_frames`` and the hand-down ``unit_budgets``."""
    fr = budget_frames[budget_frames["year"].isin(years)].copy()
    fr["kind"] = "frame"
    if unit_budgets is not None and not unit_budgets.empty:
        ub = unit_budgets[unit_budgets["year"].isin(years)].copy()
        ub["kind"] = "handoff"
        fr = pd.concat([fr, ub[["node_id", "year", "frame_sek", "kind"]]], ignore_index=True)
    fr = fr[["node_id", "year", "frame_sek", "kind"]].reset_index(drop=True)
    unit_set = set(unit_ids)
    pairs = [(n, u) for n in fr["node_id"].unique() if n in known_nodes
             for u in tree.leaves_under(n) if u in unit_set]
    fu = pd.DataFrame(pairs, columns=["node_id", "unit_id"]).drop_duplicates()
    return Frames(frames=fr, frame_units=fu)


# ---------------------------------------------------------------------- prices by year


@dataclass(frozen=True)
class Prices:
    """Price and agency-share parameters per year of the grid."""

    wage_factor: dict[int, float]
    """LPIK hourly-wage uprating factor relative to the budget year."""
    consumption_factor: dict[int, float]
    """LPIK consumption uprating factor relative to the budget year."""
    agency_share_max: dict[int, float]
    """Agency cost / own staff cost target per year."""


def prepare_prices(cost_indices: pd.DataFrame, budget_year: int, years: Sequence[int], *,
                   agency_share_max_pu: float,
                   agency_share_path_pu: Sequence[float]) -> Prices:
    """LPIK uprating factors and the agency-share target per year.

    Uprating ``Π_{y'=budget_year+1..y} (1 + uprating_pu_{y'})`` (:func:`uprating_factors`);
    the agency share target ``agency_share_max_pu`` in every year, except from the budget
    year on where ``agency_share_path_pu`` gives one per year.
    """
    ag = {y: agency_share_max_pu for y in years}
    for i, s in enumerate(agency_share_path_pu):
        if budget_year + i in ag:
            ag[budget_year + i] = s
    return Prices(
        wage_factor=uprating_factors(cost_indices, budget_year, years, "hourly_wage"),
        consumption_factor=uprating_factors(cost_indices, budget_year, years, "consumption"),
        agency_share_max=ag)


# ---------------------------------------------------------------------- operative extras


def prepare_plan_target(plan_target: pd.DataFrame | None, uc: pd.DataFrame,
                        grid: TimeGrid) -> np.ndarray | None:
    """Target production cases per uc and period (operative), from weekly production_cases."""
    if plan_target is None:
        return None
    pt = plan_target.groupby([*UC, "week"], as_index=False)["production_cases"].sum()
    return to_period_matrix(pt, uc, UC, "production_cases", grid)


def prepare_transfers(staff: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Possible staff transfers (operative): from_unit, to_unit, staff_category, area_id.

    Every ordered pair of distinct units of one area that both staff the category.
    """
    s2 = staff[US].merge(units[["unit_id", "area_id"]], on="unit_id")
    p = s2.merge(s2, on=["area_id", "staff_category"], suffixes=("_from", "_to"))
    p = p[p["unit_id_from"] != p["unit_id_to"]]
    return p.rename(columns={"unit_id_from": "from_unit", "unit_id_to": "to_unit"})[
        ["from_unit", "to_unit", "staff_category", "area_id"]].reset_index(drop=True)
