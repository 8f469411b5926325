"""Model inputs: PlanningData + demand + a time grid → aligned arrays for the pieces.

Everything here is pure and vectorised (pandas joins, numpy). The pieces in
``constraints/`` only read :class:`ModelInputs`; the levels decide the grid and the
hand-off overrides (FTE, unit budgets, plan targets, initial lists). :func:`prepare`
sequences the group functions of :mod:`pks.optimise.input_groups` (one per group of
fields) and raises one :class:`InputError` with every problem they find.
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
from pks.config.optimise import BuildConfig
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.tree import OrgTree
from pks.data.weeks import add_weeks, parse_week, week_month, week_number, weeks_of_year
from pks.optimise.input_groups import (
    UC,
    US,
    InputError,
    frame_problems,
    prepare_beds_theatre,
    prepare_care_lines,
    prepare_demand,
    prepare_frames,
    prepare_guarantee,
    prepare_initial_lists,
    prepare_plan_target,
    prepare_prices,
    prepare_resource_use,
    prepare_staff,
    prepare_transfers,
    prepare_units,
    row_positions,
    unit_problems,
)

log = logging.getLogger(__name__)

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
        uck["uc_pos"] = row_positions(uc, uck, UC)
        staff = self.staff.reset_index(drop=True)
        ru = self.resource_use.drop(columns=["uc_pos", "us_pos"], errors="ignore")
        ru = ru.reset_index(drop=True)
        ru["uc_pos"] = row_positions(uc, ru, UC)
        ru["us_pos"] = row_positions(staff, ru, US)
        tr = self.transfers
        if tr is not None:
            tr = tr.reset_index(drop=True).copy()
            tr["from_pos"] = row_positions(staff, tr.rename(columns={"from_unit": "unit_id"}), US)
            tr["to_pos"] = row_positions(staff, tr.rename(columns={"to_unit": "unit_id"}), US)
        return replace(self, units=units, uc=uc, uck=uck, staff=staff, resource_use=ru,
                       frames=self.frames.reset_index(drop=True),
                       frame_units=self.frame_units.reset_index(drop=True), transfers=tr)


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


# ---------------------------------------------------------------------- assembly


def active_targets(targets: pd.DataFrame, target_set: str, first_week: str) -> pd.Series:
    """The version of ``target_set`` in force at ``first_week`` (:mod:`pks.rules.targets`)."""
    y, w = parse_week(first_week)
    try:
        return rules.target_set_in_force(targets, target_set,
                                         dt.date.fromisocalendar(y, w, 1))
    except rules.TargetSetNotFound as exc:
        raise InputError([str(exc.args[0])]) from exc


def prepare(data: PlanningData, demand: pd.DataFrame, grid: TimeGrid, *, level: str,
            budget_year: int, target_set: str, build: BuildConfig,
            fte: pd.DataFrame | None = None, unit_budgets: pd.DataFrame | None = None,
            list_source: pd.DataFrame | None = None,
            sick_leave_pu: pd.DataFrame | None = None,
            plan_target: pd.DataFrame | None = None,
            transfers: bool = False, fte_variable: bool = False) -> ModelInputs:
    """Align the planning data to ``grid``, one group of fields at a time.

    The groups (:mod:`pks.optimise.input_groups`) are pure; the groups that can find
    problems run first and ``prepare`` raises one :class:`InputError` listing all of them
    before aligning the rest.

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
    first_week = grid.weeks[0][0]
    tgt = active_targets(data.targets, target_set, first_week)
    tree = OrgTree(data.org_nodes)
    unit_ids = data.unit_ids
    known_nodes = set(data.org_nodes["node_id"])

    # the groups that validate: every problem in one error
    care = prepare_care_lines(data.care_types, data.care_type_priorities)
    staff = prepare_staff(data.staffing, data.staff_categories, data.staff_availability,
                          unit_ids, grid, fte=fte, sick_leave_pu=sick_leave_pu,
                          overtime_h_per_fte_year_max=b.overtime_h_per_fte_year_max)
    ru = prepare_resource_use(data.resource_use, care.uc, staff.table)
    problems = [*unit_problems(unit_ids, known_nodes), *care.problems, *staff.problems,
                *ru.problems, *frame_problems(data.budget_frames, known_nodes)]
    if problems:
        raise InputError(problems)

    units = prepare_units(unit_ids, tree, data.unit_finance)
    dem = prepare_demand(demand, care.uc, care.uck, grid)
    uc = care.uc.assign(demand_cases_per_week=dem.uc_cases_per_week)
    uck = care.uck.assign(demand_cases_per_week=dem.uck_cases_per_week)
    g = prepare_guarantee(uc, tgt)
    uc = uc.assign(guarantee_days=g.guarantee_days, target_wait_weeks=g.target_wait_weeks,
                   target_queue_cases=g.target_queue_cases)
    l0 = prepare_initial_lists(data.demand_history if list_source is None else list_source,
                               uc, uck, first_week)
    cap = prepare_beds_theatre(data.unit_capacity, unit_ids, grid,
                               occupancy_max_pu=float(tgt["occupancy_max_pu"]),
                               overflow_probability_max_pu=float(
                                   tgt["overflow_probability_max_pu"]),
                               ward_size_occupancy=b.ward_size_occupancy)
    units = units.assign(occupancy_max_pu=cap.occupancy_max_pu)
    years = sorted(set(grid.year.tolist()))
    fr = prepare_frames(data.budget_frames, unit_budgets, years, tree, known_nodes, unit_ids)
    prices = prepare_prices(
        data.cost_indices, budget_year, years,
        agency_share_max_pu=float(tgt["agency_cost_share_max_pu"])
        if b.agency_share_max_pu is None else b.agency_share_max_pu,
        agency_share_path_pu=b.agency_share_path_pu)

    mi = ModelInputs(level=level, grid=grid, units=units, uc=uc, uck=uck, demand=dem.cases,
                     initial_list=l0, staff=staff.table, hours_per_fte=staff.hours_per_fte,
                     resource_use=ru.table, bed_days=cap.bed_days,
                     staffed_beds=cap.staffed_beds, theatre_h=cap.theatre_h,
                     frames=fr.frames, frame_units=fr.frame_units,
                     wage_factor=prices.wage_factor,
                     consumption_factor=prices.consumption_factor,
                     agency_share_max=prices.agency_share_max,
                     plan_target=prepare_plan_target(plan_target, uc, grid),
                     transfers=prepare_transfers(staff.table, units) if transfers else None,
                     fte_variable=fte_variable,
                     meta={"budget_year": budget_year, "target_set": target_set,
                           "guarantee_factor": g.wait_factor})
    return mi.reindexed()
