"""Capacity need from the demand forecast: waiting-list targets, staff need and bed need.

- ``need_capacity`` (per unit × care type × year): weekly demand, the care-guarantee
  limit, the NHSRwaitinglist targets (mean wait = limit / factor, Little's-law queue,
  Kingman capacity) and the care-guarantee translation for a share within the limit
  (mean wait = limit / ln(1/(1 − share)), see :func:`pks.forecast.queueing.guarantee_mean_wait`),
  the current waiting list with the relief capacity that clears the excess in 26 weeks,
  and the staff hours and FTE implied by the target capacity;
- ``need_staff`` (per unit × care type × staff category × year): hours and FTE;
- ``need_beds`` (per unit with length of stay > 0 × week): Erlang-B staffed beds for the
  refusal-probability target, against the planned staffed beds;
- ``need_ward_sizes``: the occupancy a ward of 5..60 beds can sustain at each refusal level.

Acute care types are not waitlisted: their capacity need is the demand itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pks import rules
from pks.calendar import DAYS_PER_WEEK
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import week_year, weeks_in_year
from pks.forecast import queueing as q
from pks.forecast.demand import ForecastResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NeedResult:
    """Tables ``need_capacity``, ``need_staff``, ``need_beds`` and ``need_ward_sizes``."""

    need_capacity: pd.DataFrame
    need_staff: pd.DataFrame
    need_beds: pd.DataFrame
    need_ward_sizes: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name."""
        return {
            "need_capacity": self.need_capacity,
            "need_staff": self.need_staff,
            "need_beds": self.need_beds,
            "need_ward_sizes": self.need_ward_sizes,
        }


def active_targets(targets: pd.DataFrame, target_set: str, on: dt.date) -> pd.Series:
    """The version of ``target_set`` in force on ``on`` (:func:`pks.rules.target_set_in_force`).

    Raises
    ------
    KeyError
        If the target set does not exist.
    """
    return rules.target_set_in_force(targets, target_set, on)


def _table(forecast: ForecastResult | pd.DataFrame) -> pd.DataFrame:
    return forecast.forecast_demand if isinstance(forecast, ForecastResult) else forecast


def yearly_demand(forecast: ForecastResult | pd.DataFrame) -> pd.DataFrame:
    """Mean weekly demand (cases/week, both sexes) per unit × care type × year."""
    df = _table(forecast)
    tot = df.groupby(["unit_id", "care_type", "week"], as_index=False)["demand_cases"].sum()
    tot["year"] = tot["week"].map(week_year)
    out = tot.groupby(["unit_id", "care_type", "year"], as_index=False).agg(
        demand_cases_per_week=("demand_cases", "mean"),
        demand_cases_per_year=("demand_cases", "sum"),
    )
    return out


def capacity_need(
    data: PlanningData, cfg: ScenarioConfig, forecast: ForecastResult | pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables ``need_capacity`` and ``need_staff`` (see module docstring).

    Parameters
    ----------
    data
        Planning inputs (care types, targets, resource use, staff categories and
        availability, demand history for the current waiting list).
    cfg
        Scenario: target set, budget year and the ``forecast`` section (queue factor,
        coefficients of variation).
    forecast
        The demand forecast (result or its ``forecast_demand`` table).
    """
    fc = cfg.forecast
    tg = active_targets(data.targets, cfg.data.target_set, dt.date(cfg.data.budget_year, 1, 1))
    share = float(tg["within_guarantee_share_pu"])
    g_factor = rules.wait_factor(share)
    dem = yearly_demand(forecast)
    care = data.care_types.set_index(["unit_id", "care_type"])
    hist = data.demand_history
    last_wl = pd.Series(dtype=float)
    if len(hist):
        last_week = hist.groupby(["unit_id", "care_type"])["week"].transform("max")
        last = hist[hist["week"] == last_week]
        last_wl = last.groupby(["unit_id", "care_type"])["waiting_list_cases"].sum()
    rows = []
    for r in dem.itertuples(index=False):
        ct = care.loc[(r.unit_id, r.care_type)]
        acute = bool(ct["acute"]) if not isinstance(ct["acute"], str) else \
            ct["acute"].strip().lower() in ("true", "1", "yes")
        limit_days = rules.limit_days(str(ct["guarantee_stage"]), tg, acute=acute)
        d = float(r.demand_cases_per_week)
        wl_now = float(last_wl.get((r.unit_id, r.care_type), np.nan))
        row = {
            "unit_id": r.unit_id, "care_type": r.care_type, "year": int(r.year),
            "acute": acute,
            "demand_cases_per_week": d,
            "demand_cases_per_year": float(r.demand_cases_per_year),
            "guarantee_days": limit_days,
            "within_guarantee_share_pu": share,
        }
        if np.isnan(limit_days) or d <= 0:
            row.update(
                target_wait_weeks=np.nan, target_mean_wait_weeks=np.nan,
                target_queue_cases=0.0, target_capacity_cases_per_week=d,
                guarantee_mean_wait_weeks=np.nan, guarantee_queue_cases=0.0,
                guarantee_capacity_cases_per_week=d,
                waiting_list_cases_now=wl_now, relief_capacity_cases_per_week=d,
                waiting_list_pressure_pu=np.nan,
            )
        else:
            limit_w = limit_days / DAYS_PER_WEEK
            target_q = q.target_queue_size(d, limit_w, fc.queue_factor)
            g_mean = float(rules.target_mean_wait_weeks(limit_days, share))
            g_queue = float(rules.target_queue_cases(d, limit_days, share))
            # current mean wait by Little's law from the list and the demand rate
            mean_wait_now = wl_now / d if not np.isnan(wl_now) else np.nan
            row.update(
                target_wait_weeks=limit_w,
                target_mean_wait_weeks=q.target_mean_wait(limit_w, fc.queue_factor),
                target_queue_cases=target_q,
                target_capacity_cases_per_week=q.target_capacity(
                    d, limit_w, fc.queue_factor, fc.cv_arrival, fc.cv_service),
                guarantee_mean_wait_weeks=g_mean,
                guarantee_queue_cases=g_queue,
                guarantee_capacity_cases_per_week=q.target_capacity(
                    d, limit_w, g_factor, fc.cv_arrival, fc.cv_service),
                waiting_list_cases_now=wl_now,
                relief_capacity_cases_per_week=(
                    q.relief_capacity(d, wl_now, target_q, 26) if not np.isnan(wl_now)
                    and wl_now > target_q else
                    q.target_capacity(d, limit_w, fc.queue_factor, fc.cv_arrival,
                                      fc.cv_service)),
                waiting_list_pressure_pu=q.waiting_list_pressure(mean_wait_now, limit_w)
                if not np.isnan(mean_wait_now) else np.nan,
            )
        row["capacity_cases_per_year"] = row["target_capacity_cases_per_week"] * weeks_in_year(
            int(r.year))
        rows.append(row)
    need = pd.DataFrame(rows)
    staff = _staff_need(data, need)
    if len(staff):
        tot = staff.groupby(["unit_id", "care_type", "year"], as_index=False)[
            ["staff_h_per_year", "fte"]].sum()
        need = need.merge(tot, on=["unit_id", "care_type", "year"], how="left")
    else:
        need["staff_h_per_year"] = 0.0
        need["fte"] = 0.0
    need[["staff_h_per_year", "fte"]] = need[["staff_h_per_year", "fte"]].fillna(0.0)
    return need, staff


def _staff_need(data: PlanningData, need: pd.DataFrame) -> pd.DataFrame:
    """Staff hours and FTE per unit × care type × category × year from the target capacity.

    FTE = hours per year / (contracted hours per FTE-year × availability), availability
    = 1 − mean(vacation + sick leave + training) of the unit's category over the year
    (1 when the unit has no availability rows).
    """
    ru = data.resource_use
    if ru.empty or need.empty:
        return pd.DataFrame(columns=["unit_id", "care_type", "staff_category", "year",
                                     "staff_h_per_case", "staff_h_per_year", "available_pu",
                                     "contracted_h_per_fte_year", "fte"])
    m = need[["unit_id", "care_type", "year", "capacity_cases_per_year"]].merge(
        ru, on=["unit_id", "care_type"], how="inner")
    m["staff_h_per_year"] = m["capacity_cases_per_year"] * m["staff_h_per_case"].astype(float)
    cats = data.staff_categories.set_index("staff_category")["contracted_h_per_fte_year"]
    m["contracted_h_per_fte_year"] = m["staff_category"].map(cats).astype(float)
    av = data.staff_availability
    if len(av):
        av = av.assign(year=av["week"].map(week_year),
                       available_pu=1 - av[["vacation_pu", "sick_leave_pu",
                                            "training_pu"]].astype(float).sum(axis=1))
        avy = av.groupby(["unit_id", "staff_category", "year"], as_index=False)[
            "available_pu"].mean()
        m = m.merge(avy, on=["unit_id", "staff_category", "year"], how="left")
    else:
        m["available_pu"] = np.nan
    m["available_pu"] = m["available_pu"].fillna(1.0).clip(lower=0.05)
    m["fte"] = m["staff_h_per_year"] / (m["contracted_h_per_fte_year"] * m["available_pu"])
    return m[["unit_id", "care_type", "staff_category", "year", "staff_h_per_case",
              "staff_h_per_year", "available_pu", "contracted_h_per_fte_year", "fte"]]


def bed_need(
    data: PlanningData, cfg: ScenarioConfig, forecast: ForecastResult | pd.DataFrame,
    p_refuse_max: float | None = None,
) -> pd.DataFrame:
    """Table ``need_beds``: Erlang-B staffed beds per unit (care types with LOS > 0) × week.

    Arrivals per day are the week's forecast admissions / 7; the offered load is
    arrivals × mean length of stay (admission-weighted over the unit's care types);
    ``beds_needed`` is the smallest bed count whose refusal probability is at most
    ``p_refuse_max`` (default: the target set's ``overflow_probability_max_pu``).
    """
    if p_refuse_max is None:
        tg = active_targets(data.targets, cfg.data.target_set,
                            dt.date(cfg.data.budget_year, 1, 1))
        p_refuse_max = float(tg["overflow_probability_max_pu"])
    care = data.care_types[["unit_id", "care_type", "mean_los_days"]].copy()
    care["mean_los_days"] = care["mean_los_days"].astype(float)
    care = care[care["mean_los_days"] > 0]
    df = _table(forecast).merge(care, on=["unit_id", "care_type"], how="inner")
    if df.empty:
        return pd.DataFrame(columns=[
            "unit_id", "year", "week", "arrivals_per_day", "mean_los_days",
            "offered_load_beds", "p_refuse_max_pu", "beds_needed",
            "occupancy_at_beds_needed_pu", "staffed_beds_planned"])
    df["bed_days"] = df["demand_cases"] * df["mean_los_days"]
    wk = df.groupby(["unit_id", "week"], as_index=False)[["demand_cases", "bed_days"]].sum()
    wk["arrivals_per_day"] = wk["demand_cases"] / DAYS_PER_WEEK
    wk["mean_los_days"] = np.where(wk["demand_cases"] > 0,
                                   wk["bed_days"] / wk["demand_cases"].where(
                                       wk["demand_cases"] > 0, 1.0), 0.0)
    wk["offered_load_beds"] = wk["arrivals_per_day"] * wk["mean_los_days"]
    beds = [q.beds_for_refusal(a, 1.0, p_refuse_max) for a in wk["offered_load_beds"]]
    wk["p_refuse_max_pu"] = p_refuse_max
    wk["beds_needed"] = beds
    wk["occupancy_at_beds_needed_pu"] = [
        q.occupancy(int(c), a) if c > 0 else 0.0
        for c, a in zip(wk["beds_needed"], wk["offered_load_beds"], strict=True)]
    wk["year"] = wk["week"].map(week_year)
    cap = data.unit_capacity[["unit_id", "week", "staffed_beds"]].rename(
        columns={"staffed_beds": "staffed_beds_planned"})
    wk = wk.merge(cap, on=["unit_id", "week"], how="left")
    return wk[["unit_id", "year", "week", "arrivals_per_day", "mean_los_days",
               "offered_load_beds", "p_refuse_max_pu", "beds_needed",
               "occupancy_at_beds_needed_pu", "staffed_beds_planned"]]


def ward_size_table(beds: tuple[int, int] = (5, 60),
                    p_refuse: tuple[float, ...] = (0.01, 0.05)) -> pd.DataFrame:
    """Table ``need_ward_sizes``: sustainable occupancy per ward size and refusal level."""
    return pd.DataFrame(q.ward_size_rows(range(beds[0], beds[1] + 1), p_refuse))


def compute_need(
    data: PlanningData, cfg: ScenarioConfig, forecast: ForecastResult | pd.DataFrame
) -> NeedResult:
    """All need tables for one scenario's forecast."""
    cap, staff = capacity_need(data, cfg, forecast)
    return NeedResult(
        need_capacity=cap,
        need_staff=staff,
        need_beds=bed_need(data, cfg, forecast),
        need_ward_sizes=ward_size_table(cfg.forecast.ward_sizes, cfg.forecast.p_refuse_levels),
    )
