"""SimParams: everything one replication needs, as arrays (pure: data + plan → params).

A *line* is one unit × care type. Arrays are indexed ``[line]``, ``[line, week]``,
``[unit, staff_category, week]`` or ``[unit, week]``; ``weeks`` are the plan's ISO weeks.

Initial waiting list (no empty-system warm-up bias)
---------------------------------------------------
The simulation starts from the last observed waiting list before the plan's first week
(``actuals_production``, else ``demand_history``; summed over sex): ``N`` patients waiting,
``M`` of them past the care-guarantee limit ``G`` days. How long each has waited is
reconstructed under the assumption of a first-come-first-served list fed at the recent
referral rate ``λ`` (mean of the last 13 observed weeks, cases per day): then the ages
of the patients on the list are evenly spread, so the ``N − M`` patients within the
guarantee get ages evenly spaced on ``[0, min(G, (N − M)/λ)]`` and the ``M`` past it ages
evenly spaced on ``(G, G + M/λ]``. With no guarantee stage, all ``N`` get ages on
``[0, N/λ]``. The ages are then increased by the days between the observed week's end and
the plan's start. The reconstruction reproduces ``N`` and ``M`` exactly.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pks import rules
from pks.calendar import DAYS_PER_WEEK, DAYS_PER_WEEK_INT, WEEKS_PER_YEAR
from pks.config.simulate import SimulateConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import week_monday
from pks.types import AGE_BANDS

log = logging.getLogger(__name__)

PRIORITY_CLASSES: tuple[int, ...] = (1, 2, 3, 4)
SEXES: tuple[str, ...] = ("female", "male")
DEMOGRAPHICS: tuple[tuple[str, str], ...] = tuple((s, a) for s in SEXES for a in AGE_BANDS)
NEG_TOL = 1e-6
"""Negative plan values down to this size are solver round-off and read as zero."""
Z80 = 1.2815515655446004
"""Standard normal quantile at 90 %: half-width of a central 80 % forecast interval in σ."""
Z95 = 1.959963984540054
"""Standard normal quantile at 97.5 %: half-width of a central 95 % forecast interval in σ."""
RECENT_WEEKS = 13
"""Weeks of history (a quarter) whose mean referrals give the rate behind the initial
waiting list's ages."""
MIN_RATE_PER_DAY = 1e-9
"""Floor of that rate (cases a day), so a line without recent referrals still gets ages."""
DEFAULT_CONTRACTED_H_PER_FTE_YEAR = 1700.0
"""Contracted hours a year per FTE for a staff category the data gives none for."""
MIN_PRESENT_SHARE = 1e-6
"""Floor of 1 − absence when contracted hours are inferred from available ones (guards a
category planned as fully absent)."""
DEFAULT_TARGETS = rules.DEFAULT_TARGETS
"""Targets used when the data has no target set (0-3-90-90 care guarantee)."""


class SimInputError(ValueError):
    """Inputs that cannot be simulated; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, eq=False)
class SimParams:
    """Arrays for one plan (see the module docstring for the axes)."""

    weeks: tuple[str, ...]
    units: tuple[str, ...]
    line_unit: tuple[str, ...]
    line_care_type: tuple[str, ...]
    line_unit_idx: np.ndarray
    acute: np.ndarray
    inpatient: np.ndarray
    guarantee_days: np.ndarray
    demand_mean: np.ndarray
    demand_sigma_level: np.ndarray
    demand_sigma_week: np.ndarray
    capacity_plan: np.ndarray
    class_shares: np.ndarray
    demo_shares: np.ndarray
    mean_los: np.ndarray
    initial_ages: tuple[np.ndarray, ...]
    list_target: np.ndarray
    staff_categories: tuple[str, ...]
    h_per_case: np.ndarray
    staff_available: np.ndarray
    staff_overtime: np.ndarray
    staff_agency: np.ndarray
    staff_required: np.ndarray
    staff_transfer: np.ndarray
    staff_contracted: np.ndarray
    sick_plan: np.ndarray
    fte: np.ndarray
    beds: np.ndarray
    has_beds: np.ndarray
    targets: Mapping[str, float]
    cfg: SimulateConfig

    @property
    def n_lines(self) -> int:
        """Number of unit × care-type lines."""
        return len(self.line_unit)

    @property
    def n_weeks(self) -> int:
        """Number of simulated weeks."""
        return len(self.weeks)

    def with_config(self, cfg: SimulateConfig) -> SimParams:
        """Same plan, other simulation settings."""
        return dataclasses.replace(self, cfg=cfg)

    def replace(self, **changes: Any) -> SimParams:
        """Copy with some fields replaced (used for what-if variants and tests).

        The values are typed ``Any`` because each field has its own type; ``dataclasses``
        checks the names at run time.
        """
        return dataclasses.replace(self, **changes)


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col], errors="coerce").astype(float)


def resolve_targets(data: PlanningData, target_set: str, start_week: str) -> dict[str, float]:
    """Targets in force at the plan start (:func:`pks.rules.targets_in_force`)."""
    try:
        return rules.targets_in_force(data.targets, target_set, week_monday(start_week))
    except rules.TargetSetNotFound as exc:
        raise SimInputError([f"target set {target_set!r} not found in targets"]) from exc


def _demand_arrays(
    demand: pd.DataFrame | None, plan: pd.DataFrame, keys: pd.DataFrame, weeks: list[str],
    cfg: SimulateConfig,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean demand per line-week and lognormal sigmas fitted to the prediction intervals."""
    n_l, n_w = len(keys), len(weeks)
    mean = np.full((n_l, n_w), np.nan)
    rel_var = np.zeros(n_l)
    key_cols = ["unit_id", "care_type"]
    if demand is not None and not demand.empty:
        d = demand[demand["week"].isin(weeks)].copy()
        d["demand_cases"] = _num(d, "demand_cases")
        parts = []
        for lo, hi, z in (("demand_cases_lo80", "demand_cases_hi80", Z80),
                          ("demand_cases_lo95", "demand_cases_hi95", Z95)):
            if lo in d and hi in d:
                parts.append(((_num(d, hi) - _num(d, lo)) / (2 * z)) ** 2)
        d["var"] = sum(parts) / len(parts) if parts else 0.0
        g = d.groupby([*key_cols, "week"], as_index=False)[["demand_cases", "var"]].sum()
        g = keys.reset_index().merge(g, on=key_cols, how="inner")
        widx = {w: i for i, w in enumerate(weeks)}
        li = g["index"].to_numpy()
        wi = g["week"].map(widx).to_numpy()
        mean[li, wi] = g["demand_cases"].to_numpy()
        m = g["demand_cases"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            rv = np.where(m > 0, np.maximum(g["var"].to_numpy() - m, 0.0) / m**2, 0.0)
        g["rv"] = rv
        med = g.groupby("index")["rv"].median()
        rel_var[med.index.to_numpy()] = med.to_numpy()
    # fall back to the plan's demand where the forecast has no value
    p = plan.groupby([*key_cols, "week"], as_index=False)["demand_cases"].sum()
    p = keys.reset_index().merge(p, on=key_cols, how="inner")
    widx = {w: i for i, w in enumerate(weeks)}
    li, wi = p["index"].to_numpy(), p["week"].map(widx).to_numpy()
    pm = np.full((n_l, n_w), np.nan)
    pm[li, wi] = p["demand_cases"].to_numpy()
    mean = np.where(np.isnan(mean), pm, mean)
    mean = np.nan_to_num(mean, nan=0.0)
    if not cfg.use_forecast_uncertainty:
        rel_var[:] = 0.0
    sigma2 = np.log1p(rel_var)
    rho = cfg.demand_level_correlation
    return mean, np.sqrt(rho * sigma2), np.sqrt((1 - rho) * sigma2)


def _initial_ages(
    data: PlanningData, keys: pd.DataFrame, guarantee: np.ndarray, start_week: str,
) -> list[np.ndarray]:
    """Reconstructed ages (days waited at the plan start) of the initial waiting list."""
    frames = [f for f in (data.actuals_production, data.demand_history)
              if f is not None and not f.empty]
    out: list[np.ndarray] = [np.zeros(0) for _ in range(len(keys))]
    if not frames:
        log.warning("no waiting-list history: the simulation starts from an empty list")
        return out
    cols = ["unit_id", "care_type", "week", "referrals_cases", "waiting_list_cases",
            "waiting_over_guarantee_cases"]
    hist = pd.concat([f[cols] for f in frames], ignore_index=True)
    hist = hist[hist["week"] < start_week]
    hist = hist.drop_duplicates(["unit_id", "care_type", "week"] + (
        ["sex"] if "sex" in hist else []), keep="first")
    for c in cols[3:]:
        hist[c] = _num(hist, c)
    g = hist.groupby(["unit_id", "care_type", "week"], as_index=False)[cols[3:]].sum()
    start = week_monday(start_week)
    by_line = {k: v for k, v in g.groupby(["unit_id", "care_type"])}
    for i, (u, c) in enumerate(zip(keys["unit_id"], keys["care_type"], strict=True)):
        h = by_line.get((u, c))
        if h is None or h.empty:
            continue
        h = h.sort_values("week")
        last = h.iloc[-1]
        n = int(round(float(last["waiting_list_cases"])))
        if n <= 0:
            continue
        m = int(round(min(float(last["waiting_over_guarantee_cases"]), n)))
        lam = max(float(h["referrals_cases"].tail(RECENT_WEEKS).mean()) / DAYS_PER_WEEK,
                  MIN_RATE_PER_DAY)
        # days between the end of the last observed week and the plan's start
        gap = (start - week_monday(str(last["week"]))).days - DAYS_PER_WEEK_INT
        gd = guarantee[i]
        if np.isnan(gd):
            ages = (np.arange(n) + 0.5) / n * (n / lam)
        else:
            within = n - m
            top = min(gd, within / lam)
            a1 = (np.arange(within) + 0.5) / max(within, 1) * top
            a2 = gd + (np.arange(m) + 0.5) / max(m, 1) * (m / lam)
            ages = np.concatenate([a1, a2])
        out[i] = np.sort(ages + max(gap, 0))[::-1].copy()
    return out


def build_params(
    data: PlanningData,
    plan_production: pd.DataFrame,
    plan_staff: pd.DataFrame | None,
    plan_beds: pd.DataFrame | None,
    demand: pd.DataFrame | None,
    cfg: SimulateConfig,
    target_set: str = "vardgaranti_0_3_90_90",
) -> SimParams:
    """Turn a plan (its tables), the planning data and a demand forecast into SimParams.

    Parameters
    ----------
    data : the planning data the plan was made from.
    plan_production, plan_staff, plan_beds : the optimiser's plan tables (CONTRACTS.md).
    demand : ``forecast_demand`` (optional; the plan's ``demand_cases`` are used where missing).
    cfg : simulation settings.
    target_set : the target set in force (``DataConfig.target_set``).

    Raises
    ------
    SimInputError
        Listing every problem (missing columns, negative rates, unknown care types, ...).
    """
    problems: list[str] = []
    need = ["unit_id", "care_type", "week", "demand_cases", "production_cases"]
    miss = [c for c in need if c not in plan_production]
    if miss:
        raise SimInputError([f"plan_production lacks columns {miss}"])
    if plan_production.empty:
        raise SimInputError(["plan_production is empty"])
    pp = plan_production.copy()
    if "external_cases" not in pp:
        pp["external_cases"] = 0.0
    for c in ("demand_cases", "production_cases", "external_cases"):
        pp[c] = _num(pp, c).fillna(0.0)
        if (pp[c] < -NEG_TOL).any():
            problems.append(f"plan_production.{c} has negative values "
                            f"({int((pp[c] < -NEG_TOL).sum())} rows)")
        pp[c] = pp[c].clip(lower=0.0)  # solver round-off (|x| <= NEG_TOL)
    if demand is not None and "demand_cases" in demand:
        if (_num(demand, "demand_cases") < 0).any():
            problems.append("forecast demand_cases has negative values")
    weeks = sorted(pp["week"].astype(str).unique())
    ct = data.care_types.copy()
    keys = (pp[["unit_id", "care_type"]].drop_duplicates()
            .sort_values(["unit_id", "care_type"]).reset_index(drop=True))
    keys = keys.merge(ct, on=["unit_id", "care_type"], how="left")
    unknown = keys[keys["care_type_kind"].isna()]
    for _, r in unknown.iterrows():
        problems.append(f"plan line {r['unit_id']}/{r['care_type']} is not in care_types")
    if problems:
        raise SimInputError(problems)
    targets = resolve_targets(data, target_set, weeks[0])
    n_l, n_w = len(keys), len(weeks)
    units = tuple(sorted(keys["unit_id"].unique()))
    uidx = {u: i for i, u in enumerate(units)}
    line_unit_idx = keys["unit_id"].map(uidx).to_numpy()
    acute = keys["acute"].map(lambda v: str(v).lower() in ("true", "1", "yes")).to_numpy()
    kind = keys["care_type_kind"].astype(str).to_numpy()
    mean_los = _num(keys, "mean_los_days").fillna(0.0).to_numpy()
    guarantee = rules.limit_days_of(keys["guarantee_stage"].astype(str),
                                    pd.Series(acute), targets)

    demand_mean, sig_l, sig_w = _demand_arrays(demand, pp, keys, weeks, cfg)
    cap = pp.assign(cap=pp["production_cases"] + pp["external_cases"]).groupby(
        ["unit_id", "care_type", "week"], as_index=False)["cap"].sum()
    cap = keys[["unit_id", "care_type"]].reset_index().merge(cap, on=["unit_id", "care_type"])
    widx = {w: i for i, w in enumerate(weeks)}
    capacity = np.zeros((n_l, n_w))
    capacity[cap["index"].to_numpy(), cap["week"].map(widx).to_numpy()] = cap["cap"].to_numpy()

    # waiting-list target at the plan's last week
    list_target = np.full(n_l, np.nan)
    if "waiting_list_target_cases" in pp:
        lt = pp[pp["week"] == weeks[-1]].assign(
            t=_num(pp, "waiting_list_target_cases")).groupby(
            ["unit_id", "care_type"], as_index=False)["t"].sum(min_count=1)
        lt = keys[["unit_id", "care_type"]].reset_index().merge(lt, on=["unit_id", "care_type"])
        list_target[lt["index"].to_numpy()] = lt["t"].to_numpy()

    # priority classes
    class_shares = np.zeros((n_l, len(PRIORITY_CLASSES)))
    pr = data.care_type_priorities
    if pr is not None and not pr.empty:
        pr = keys[["unit_id", "care_type"]].reset_index().merge(pr, on=["unit_id", "care_type"])
        ci = pr["priority_class"].astype(int).to_numpy() - 1
        class_shares[pr["index"].to_numpy(), ci] = _num(pr, "share_pu").to_numpy()
    tot = class_shares.sum(axis=1)
    class_shares[tot <= 0, 0] = 1.0
    class_shares /= class_shares.sum(axis=1, keepdims=True)

    demo = np.zeros((n_l, len(DEMOGRAPHICS)))
    ap = data.demand_age_profile
    if ap is not None and not ap.empty:
        didx = {d: i for i, d in enumerate(DEMOGRAPHICS)}
        ap = keys[["unit_id", "care_type"]].reset_index().merge(ap, on=["unit_id", "care_type"])
        di = [didx.get((s, a), -1) for s, a in zip(ap["sex"], ap["age_band"], strict=True)]
        ok = np.array(di) >= 0
        demo[ap["index"].to_numpy()[ok], np.array(di)[ok]] = _num(ap, "share_pu").to_numpy()[ok]
    tot = demo.sum(axis=1)
    demo[tot <= 0, :] = 1.0
    demo /= demo.sum(axis=1, keepdims=True)

    # staff
    cats = tuple(sorted(data.staff_categories["staff_category"].astype(str)))
    kidx = {k: i for i, k in enumerate(cats)}
    n_u, n_k = len(units), len(cats)
    h = np.zeros((n_l, n_k))
    ru = keys[["unit_id", "care_type"]].reset_index().merge(
        data.resource_use, on=["unit_id", "care_type"])
    ru = ru[ru["staff_category"].isin(kidx)]
    np.add.at(h, (ru["index"].to_numpy(), ru["staff_category"].map(kidx).to_numpy()),
              _num(ru, "staff_h_per_case").to_numpy())
    arrays = {n: np.zeros((n_u, n_k, n_w)) for n in
              ("available_h", "overtime_h", "agency_h", "required_h", "transfer_in_h",
               "transfer_out_h")}
    has_staff = np.zeros((n_u, n_k), dtype=bool)
    if plan_staff is not None and not plan_staff.empty:
        ps = plan_staff[plan_staff["unit_id"].isin(uidx) & plan_staff["week"].isin(widx)
                        & plan_staff["staff_category"].isin(kidx)]
        ui = ps["unit_id"].map(uidx).to_numpy()
        ki = ps["staff_category"].map(kidx).to_numpy()
        wi = ps["week"].map(widx).to_numpy()
        for n, arr in arrays.items():
            if n in ps:
                vals = _num(ps, n).fillna(0.0).to_numpy()
                if (vals < -NEG_TOL).any():
                    problems.append(f"plan_staff.{n} has negative values")
                np.add.at(arr, (ui, ki, wi), np.maximum(vals, 0.0))
        has_staff[ui, ki] = True
    fte = np.zeros((n_u, n_k))
    st = data.staffing[data.staffing["unit_id"].isin(uidx)
                       & data.staffing["staff_category"].isin(kidx)]
    fte[st["unit_id"].map(uidx).to_numpy(), st["staff_category"].map(kidx).to_numpy()] = (
        _num(st, "staffing_target_fte").to_numpy())
    contracted_y = data.staff_categories.set_index("staff_category")[
        "contracted_h_per_fte_year"].astype(float)
    sick = np.zeros((n_u, n_k, n_w))
    absent = np.zeros((n_u, n_k, n_w))
    sa = data.staff_availability
    if sa is not None and not sa.empty:
        sa = sa[sa["unit_id"].isin(uidx) & sa["staff_category"].isin(kidx) & sa["week"].isin(widx)]
        ix = (sa["unit_id"].map(uidx).to_numpy(), sa["staff_category"].map(kidx).to_numpy(),
              sa["week"].map(widx).to_numpy())
        s = _num(sa, "sick_leave_pu").fillna(0.0).to_numpy()
        if (s < 0).any():
            problems.append("staff_availability.sick_leave_pu has negative values")
        sick[ix] = s
        absent[ix] = (s + _num(sa, "vacation_pu").fillna(0.0).to_numpy()
                      + _num(sa, "training_pu").fillna(0.0).to_numpy())
    contracted = np.zeros((n_u, n_k, n_w))
    for k, cat in enumerate(cats):
        h_per_fte_year = float(contracted_y.get(cat, DEFAULT_CONTRACTED_H_PER_FTE_YEAR))
        contracted[:, k, :] = fte[:, k, None] * h_per_fte_year / WEEKS_PER_YEAR
    # where the plan gives available hours, infer the contracted hours from them
    with np.errstate(divide="ignore", invalid="ignore"):
        inferred = arrays["available_h"] / np.clip(1.0 - absent, MIN_PRESENT_SHARE, None)
    contracted = np.where(arrays["available_h"] > 0, inferred, contracted)
    if not has_staff.any():
        log.info("no plan_staff rows: staff absence does not reduce capacity")

    # beds
    beds = np.zeros((n_u, n_w))
    src = plan_beds if plan_beds is not None and not plan_beds.empty else data.unit_capacity
    if src is not None and not src.empty:
        b = src[src["unit_id"].isin(uidx) & src["week"].isin(widx)]
        beds[b["unit_id"].map(uidx).to_numpy(), b["week"].map(widx).to_numpy()] = (
            _num(b, "staffed_beds").fillna(0.0).to_numpy())
    if (beds < 0).any():
        problems.append("staffed_beds has negative values")
    # Care with a length of stay takes a bed only where the unit has staffed beds (day
    # surgery with mean_los_days 0.5 at a unit without a ward does not); an inpatient-episode
    # line at a unit with no beds at all is simulated with every admission in overflow.
    unit_has_beds = beds.max(axis=1) > 0
    inpatient = (kind == "inpatient_episode") | ((mean_los > 0) & unit_has_beds[line_unit_idx])
    has_beds = np.zeros(n_u, dtype=bool)
    has_beds[np.unique(line_unit_idx[inpatient])] = True
    for u in np.flatnonzero(has_beds & ~unit_has_beds):
        log.warning("unit %s has inpatient care but no staffed beds in the plan: every "
                    "admission counts as overflow", units[u])
    if problems:
        raise SimInputError(problems)
    initial = _initial_ages(data, keys, guarantee, weeks[0])
    for i in np.flatnonzero(acute):
        initial[i] = np.zeros(0)
    return SimParams(
        weeks=tuple(weeks), units=units,
        line_unit=tuple(keys["unit_id"].astype(str)),
        line_care_type=tuple(keys["care_type"].astype(str)),
        line_unit_idx=line_unit_idx, acute=acute, inpatient=inpatient,
        guarantee_days=guarantee, demand_mean=demand_mean, demand_sigma_level=sig_l,
        demand_sigma_week=sig_w, capacity_plan=capacity, class_shares=class_shares,
        demo_shares=demo, mean_los=mean_los,
        initial_ages=tuple(initial), list_target=list_target, staff_categories=cats,
        h_per_case=h, staff_available=arrays["available_h"],
        staff_overtime=arrays["overtime_h"], staff_agency=arrays["agency_h"],
        staff_required=arrays["required_h"],
        staff_transfer=arrays["transfer_in_h"] - arrays["transfer_out_h"],
        staff_contracted=contracted, sick_plan=sick,
        fte=fte, beds=beds, has_beds=has_beds, targets=targets, cfg=cfg,
    )
