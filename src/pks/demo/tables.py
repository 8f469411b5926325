"""Deterministic synthetic planning regions: the demo region and benchmark regions.

:func:`generate_region` turns a :class:`RegionSpec` and a seed into a complete
:class:`~pks.data.planning_data.PlanningData` with every table of ``pks/data/schema``. It is
pure: no files are written, every random draw comes from a NumPy generator derived from
``(seed, stream name)`` (CRC-32, never Python's salted ``hash``), and every output is sorted
by its key, so the same spec and seed give identical frames on every run.

:func:`demo_spec` is the demo region (modelled on Region Norrbotten, see
``data/demo_region/README.md``), :func:`vasterbotten_spec` a small instance in the
Västerbotten hierarchy style and :func:`sized_spec` a benchmark region of any size.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from pks.calendar import DAYS_PER_WEEK, WEEKS_PER_YEAR
from pks.calendar import ROUNDED_MEAN_WEEKS_PER_YEAR as MEAN_WEEKS
from pks.data.planning_data import PlanningData
from pks.data.weeks import week_range, weeks_of_year
from pks.demo import calendar as cal
from pks.demo.history import SimResult, simulate
from pks.demo.population import project
from pks.demo.profiles import (
    AGE_BANDS,
    AGE_PROFILES,
    GENERIC_PROFILE,
    PROFILES,
    CareTypeProfile,
)
from pks.demo.regions import HOSPITALS, demo_spec, sized_spec, vasterbotten_spec
from pks.demo.spec import Calibration, FrameSpec, NodeSpec, RegionSpec, UnitSpec

__all__ = ["HOSPITALS", "FrameSpec", "NodeSpec", "RegionSpec", "UnitSpec", "demo_spec",
           "generate_region", "sized_spec", "vasterbotten_spec"]

SEXES = ("female", "male")

# Staff categories: id, Swedish, English, contracted hours per FTE and year, LPIK cost type.
# 40 h/week × 52.18 weeks = 2 087 h minus ≈ 11 weekday public holidays (≈ 88 h) ≈ 2 000 h for
# daytime staff; ward nurses and assistant nurses work shift schedules (38.25 h/week average
# full time in the collective agreement for shift work) ≈ 1 910 h. Vacation, sick leave and
# training are NOT deducted here: they are the weekly shares in ``staff_availability``.
# Order: alphabetical by id (the key order of every staff table); the profiles give hours
# as (läkare, sjuksköterska, undersköterska, övriga) and are permuted by PROFILE_TO_STAFF.
STAFF_CATEGORIES = (
    ("lakare", "Läkare", "Physicians", 2000.0),
    ("ovriga", "Övriga", "Other staff", 2000.0),
    ("sjukskoterska", "Sjuksköterska", "Registered nurses", 1910.0),
    ("underskoterska", "Undersköterska", "Assistant nurses", 1910.0),
)
STAFF = tuple(c[0] for c in STAFF_CATEGORIES)
PROFILE_TO_STAFF = [0, 3, 1, 2]
CONTRACTED_H = np.array([c[3] for c in STAFF_CATEGORIES])
# Full annual cost per FTE incl. PO (social charges ≈ 42–47 %), 2026 prices.
COST_PER_FTE = np.array([1_450_000.0, 650_000.0, 760_000.0, 600_000.0])
OVERTIME_FACTOR = np.array([1.8, 1.5, 1.7, 1.6])
AGENCY_FACTOR = np.array([2.4, 1.6, 2.0, 1.8])
ATTRITION = np.array([0.06, 0.07, 0.09, 0.08])
# Sick leave by category (annual mean) and training share outside holiday weeks.
SICK_BASE = np.array([0.030, 0.050, 0.060, 0.075])
TRAINING_BASE = np.array([0.040, 0.030, 0.030, 0.025])
VACATION_SCALE = np.array([0.92, 1.0, 1.0, 1.0])
UTILISATION_TARGET = 0.90
GUARANTEED_STAGES = ("first_visit", "treatment")
GUARANTEE_WEEKS = 13
"""Waits longer than 13 weeks (90 days) count as over the guarantee in the history."""


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(stream.encode())]))


# ----------------------------------------------------------------------- generation


@dataclass(frozen=True)
class _Lines:
    """Flattened production lines (unit × care type) and their parameters."""

    unit_idx: np.ndarray
    profiles: tuple[CareTypeProfile, ...]
    care_type: np.ndarray
    per_week: np.ndarray
    los: np.ndarray
    theatre_h: np.ndarray
    hours: np.ndarray  # (line, category)
    acute: np.ndarray
    age_share: np.ndarray  # (line, sex, band)


def _sorted_units(spec: RegionSpec) -> tuple[UnitSpec, ...]:
    """Units in node-id order (the key order of every per-unit table)."""
    return tuple(sorted(spec.units, key=lambda u: u.node_id))


def _profile_of(u: UnitSpec) -> tuple[CareTypeProfile, ...]:
    prof = GENERIC_PROFILE if u.profile == "generic" else PROFILES[u.profile]
    return prof[: u.n_care_types] if u.n_care_types else prof


def _lines(spec: RegionSpec, rng: np.random.Generator) -> _Lines:
    unit_idx, profs = [], []
    for i, u in enumerate(_sorted_units(spec)):
        for p in sorted(_profile_of(u), key=lambda q: q.care_type):
            unit_idx.append(i)
            profs.append(p)
    n = len(profs)
    jitter = rng.uniform(0.9, 1.1, size=(n, 4))
    age = np.empty((n, 2, len(AGE_BANDS)))
    for k, p in enumerate(profs):
        f, m = AGE_PROFILES[p.age]
        a = np.array([f, m], dtype=float) * rng.uniform(0.85, 1.15, size=(2, len(AGE_BANDS)))
        age[k] = a / a.sum()
    sorted_units = _sorted_units(spec)
    size = np.array([sorted_units[i].size for i in unit_idx])
    direct_time = np.ones(len(STAFF))
    direct_time[STAFF.index("lakare")] = spec.calibration.physician_direct_time_pu
    return _Lines(
        unit_idx=np.array(unit_idx, dtype=int),
        profiles=tuple(profs),
        care_type=np.array([p.care_type for p in profs], dtype=object),
        per_week=np.array([p.per_week for p in profs]) * size * spec.volume_scale
        * jitter[:, 0],
        los=np.round(np.array([p.los_days for p in profs]) * jitter[:, 1], 1),
        theatre_h=np.round(np.array([p.theatre_h for p in profs]) * jitter[:, 2], 2),
        hours=np.round(np.array([p.hours for p in profs])[:, PROFILE_TO_STAFF]
                       * jitter[:, 3:4] / direct_time[None, :], 2),
        acute=np.array([p.acute for p in profs], dtype=bool),
        age_share=age,
    )


def _round_shares(shares: np.ndarray, decimals: int = 4) -> np.ndarray:
    """Round rows of shares to ``decimals`` so each row still sums to 1 in decimal."""
    scale = 10**decimals
    flat = shares.reshape(shares.shape[0], -1)
    units = np.floor(flat * scale + 0.5)
    diff = scale - units.sum(axis=1)
    idx = np.argmax(flat, axis=1)
    units[np.arange(len(units)), idx] += diff
    return (units / scale).reshape(shares.shape)


@dataclass(frozen=True)
class _Calendar:
    """The simulated and written weeks with their calendar factors (all arrays per week)."""

    weeks: list[str]  # burn-in year + history years .. last plan year
    n_burn: int  # weeks of the burn-in year (simulated, never written)
    n_hist: int  # weeks of demand_history
    n_sim: int  # burn-in + history + actual weeks up to the as-of week
    actual_weeks: list[str]
    workdays: np.ndarray
    vacation: np.ndarray
    summer: np.ndarray
    xmas: np.ndarray
    winter: np.ndarray
    week_no: np.ndarray
    years: np.ndarray  # ISO year of each week
    year_frac: np.ndarray  # years since 1 January of the budget year

    @classmethod
    def of(cls, spec: RegionSpec) -> _Calendar:
        burn_in = weeks_of_year(spec.history_first_year - 1)
        weeks = burn_in + spec.all_weeks
        actual = week_range(f"{spec.budget_year}-W01", spec.as_of_week)
        n_hist = len(spec.history_weeks)
        return cls(
            weeks=weeks, n_burn=len(burn_in), n_hist=n_hist,
            n_sim=len(burn_in) + n_hist + len(actual), actual_weeks=actual,
            workdays=cal.workday_fraction(weeks), vacation=cal.vacation_share(weeks),
            summer=cal.summer_weight(weeks), xmas=cal.christmas_weight(weeks),
            winter=cal.winter_wave(weeks), week_no=cal.week_numbers(weeks),
            years=np.array([int(w[:4]) for w in weeks]),
            year_frac=cal.year_fraction(weeks, spec.budget_year),
        )

    def year_mask(self, year: int) -> np.ndarray:
        """Weeks of ISO year ``year``."""
        return self.years == year

    @property
    def written(self) -> np.ndarray:
        """Weeks written to the weekly capacity tables (the burn-in year is not)."""
        return np.arange(len(self.weeks)) >= self.n_burn


@dataclass(frozen=True)
class _Availability:
    """Shares of contracted time per unit × staff category × week."""

    vacation: np.ndarray
    sick: np.ndarray
    training: np.ndarray

    @property
    def at_work(self) -> np.ndarray:
        """Share of contracted time at work."""
        return 1.0 - self.vacation - self.sick - self.training


def _availability(nu: int, c: _Calendar, rng: np.random.Generator) -> _Availability:
    """Vacation, sick leave and training by unit, category and week (rounded to 0.1 %)."""
    unit_vac_scale = rng.uniform(0.92, 1.08, size=(nu, 1, 1))
    unit_sick_scale = rng.uniform(0.8, 1.25, size=(nu, 4, 1))
    vac = np.clip(c.vacation[None, None, :] * VACATION_SCALE[None, :, None] * unit_vac_scale,
                  0.0, 0.6)
    sick = SICK_BASE[None, :, None] * unit_sick_scale * (1.0 + 0.25 * c.winter[None, None, :])
    holiday = (c.summer > 0) | (c.xmas > 0)
    train = np.where(holiday[None, None, :], 0.005, TRAINING_BASE[None, :, None]
                     * np.ones((nu, 1, 1)))
    return _Availability(np.round(vac, 3), np.round(sick, 3), np.round(train, 3))


@dataclass(frozen=True)
class _Demand:
    """Expected demand per line and week, and its budget-year volume."""

    level: np.ndarray  # (line, week): volume without season (trend × demography)
    referrals: np.ndarray  # (line, week): expected referrals incl. season
    annual_budget: np.ndarray  # (line,): expected cases in the budget year


def _demand(spec: RegionSpec, nu: int, lines: _Lines, demo_factor: dict[int, np.ndarray],
            c: _Calendar, rng: np.random.Generator) -> _Demand:
    """Expected referrals: base volume × unit trend × demography × season."""
    unit_trend = spec.trend_pu_per_year + rng.normal(0.0, 0.008, size=nu)
    trend = (1.0 + unit_trend[lines.unit_idx, None]) ** c.year_frac[None, :]
    demo = _weekly_demo(demo_factor, c.year_frac, spec.budget_year)
    elective_season = c.workdays * (1.0 - 0.22 * c.summer) * (1.0 - 0.25 * c.xmas)
    acute_season = (1.0 + 0.06 * c.winter) * (1.0 - 0.05 * c.summer)
    season = np.where(lines.acute[:, None], acute_season[None, :], elective_season[None, :])
    season = season / season.mean(axis=1, keepdims=True)
    level = lines.per_week[:, None] * trend * demo
    annual = level[:, c.year_mask(spec.budget_year)].mean(axis=1) * MEAN_WEEKS
    return _Demand(level, level * season, annual)


@dataclass(frozen=True)
class _Physical:
    """Staffed beds and theatre hours: ordinary level per unit and per unit × week."""

    beds_normal: np.ndarray
    beds: np.ndarray
    theatre_normal: np.ndarray
    theatre: np.ndarray


def _physical(units: tuple[UnitSpec, ...], lines: _Lines, d: _Demand,
              c: _Calendar) -> _Physical:
    """Beds at 87 % mean occupancy and theatre hours at 85 % use, with holiday closures."""
    nu = len(units)
    bed_days_week = np.zeros(nu)
    theatre_week = np.zeros(nu)
    np.add.at(bed_days_week, lines.unit_idx, d.annual_budget / MEAN_WEEKS * lines.los)
    np.add.at(theatre_week, lines.unit_idx, d.annual_budget / MEAN_WEEKS * lines.theatre_h)
    is_psych = np.array([u.profile.startswith("psych") for u in units])
    beds_normal = np.where(bed_days_week > 0, np.ceil(bed_days_week / DAYS_PER_WEEK / 0.87), 0.0)
    closure = np.where(is_psych[:, None], 0.15, 0.30) * c.summer[None, :] + 0.15 * c.xmas[None, :]
    beds = np.round(beds_normal[:, None] * (1.0 - closure))
    theatre_normal = np.round(theatre_week / 0.85 * 2.0) / 2.0
    cut = 0.5 * c.summer + 0.4 * c.xmas
    theatre = np.round(theatre_normal[:, None] * (1.0 - cut[None, :]) * c.workdays[None, :]
                       * 2.0) / 2.0
    return _Physical(beds_normal, beds, theatre_normal, theatre)


def _capacity(spec: RegionSpec, units: tuple[UnitSpec, ...], lines: _Lines, d: _Demand,
              c: _Calendar, av: _Availability, ph: _Physical) -> np.ndarray:
    """Expected elective production capacity per line and week (cases)."""
    staff_factor = av.at_work.mean(axis=1) * c.workdays[None, :]  # (unit, week)
    staff_factor = staff_factor / staff_factor.mean(axis=1, keepdims=True)
    bed_factor = np.where(ph.beds_normal[:, None] > 0,
                          ph.beds / np.maximum(ph.beds_normal[:, None], 1), 1.0)
    th_factor = np.where(ph.theatre_normal[:, None] > 0,
                         ph.theatre / np.maximum(ph.theatre_normal[:, None], 0.5), 1.0)
    u = lines.unit_idx
    factor = staff_factor[u]
    factor = np.where((lines.los > 0)[:, None], np.minimum(factor, bed_factor[u]), factor)
    factor = np.where((lines.theatre_h > 0)[:, None],
                      np.minimum(factor, th_factor[u] * 1.05), factor)
    cal_ = spec.calibration
    guaranteed = _guaranteed(lines)
    staffing = np.array([x.staffing_pu for x in units])[u] + np.where(
        guaranteed, cal_.guaranteed_slack_pu, cal_.other_slack_pu)
    behind = np.array([x.behind_pu for x in units])[u]
    in_budget = (c.years >= spec.budget_year)[None, :]
    if cal_.plan_path:  # the plan staffs to need; being behind acts after the steering
        staffing_now = np.where(in_budget, 1.0, staffing[:, None])
        return d.level * staffing_now * factor * np.where(in_budget & _flu(c), 0.96, 1.0)
    cap = d.level * staffing[:, None] * factor * np.where(in_budget, 1.0 - behind[:, None], 1.0)
    # influenza wave of the budget year: sick leave up, capacity −4 % in weeks 3–9
    flu = in_budget & (c.week_no[None, :] >= 3) & (c.week_no[None, :] <= 9)
    return cap * np.where(flu, 0.96, 1.0)


def _guaranteed(lines: _Lines) -> np.ndarray:
    """Lines with a care-guarantee step (first visit or treatment)."""
    return np.array([p.stage in GUARANTEED_STAGES for p in lines.profiles], dtype=bool)


def _flu(c: _Calendar) -> np.ndarray:
    """Weeks 3–9: the influenza wave of the budget year (capacity −4 %)."""
    return ((c.week_no >= 3) & (c.week_no <= 9))[None, :]


def _simulate(spec: RegionSpec, units: tuple[UnitSpec, ...], lines: _Lines, d: _Demand,
              cap: np.ndarray, sex_share: np.ndarray, c: _Calendar, seed: int) -> SimResult:
    """Referrals, production and waiting lists per line × sex over the simulated weeks.

    With ``calibration.plan_path`` the budget year's capacity is steered towards the target
    list (guaranteed lines: ``plan_target_weeks`` of the budget year's mean demand; other
    lines: their booking buffer), then cut by the unit's ``behind_pu``.
    """
    cal_ = spec.calibration
    nl, n = len(lines.unit_idx), c.n_sim
    ref_s = (d.referrals[:, None, :n] * sex_share[:, :, None]).reshape(nl * 2, n)
    cap_s = (cap[:, None, :n] * sex_share[:, :, None]).reshape(nl * 2, n)
    is_pc = np.array([u.profile == "primary_care" for u in units])[lines.unit_idx]
    guaranteed = _guaranteed(lines)
    buffer_weeks = np.where(is_pc, cal_.primary_care_buffer_weeks,
                            np.where(guaranteed, cal_.guaranteed_buffer_weeks,
                                     cal_.other_buffer_weeks))
    draw = _rng(seed, "initial").uniform(0.0, 1.0, size=nl)
    lo, hi = np.where(guaranteed, cal_.initial_extra_weeks[0], cal_.other_initial_extra_weeks[0]), \
        np.where(guaranteed, cal_.initial_extra_weeks[1], cal_.other_initial_extra_weeks[1])
    init_extra = lo + draw * (hi - lo)
    init_extra = np.where(is_pc, init_extra * 0.1, init_extra)
    mean_ref = ref_s[:, :WEEKS_PER_YEAR].mean(axis=1)
    buffer_s = np.floor(np.repeat(buffer_weeks, 2) * mean_ref)
    init_s = np.floor((np.repeat(buffer_weeks + init_extra, 2)) * mean_ref)
    guarantee_weeks = np.where(guaranteed, GUARANTEE_WEEKS, 0)
    if not cal_.plan_path:
        return simulate(ref_s, cap_s, np.repeat(lines.acute, 2), buffer_s, init_s,
                        np.repeat(guarantee_weeks, 2), _rng(seed, "history"))
    budget = c.year_mask(spec.budget_year)[:n]
    demand_budget = ref_s[:, budget].mean(axis=1)
    target = np.where(np.repeat(guaranteed, 2), cal_.plan_target_weeks * demand_budget,
                      buffer_s)
    behind = np.repeat(np.array([x.behind_pu for x in units])[lines.unit_idx], 2)
    after = np.where(budget[None, :], 1.0 - behind[:, None], 1.0)
    return simulate(ref_s, cap_s, np.repeat(lines.acute, 2), buffer_s, init_s,
                    np.repeat(guarantee_weeks, 2), _rng(seed, "history"),
                    target_list=target, control_from=int(np.argmax(budget)),
                    gain=cal_.plan_gain, max_adjust_pu=cal_.plan_max_adjust_pu,
                    after_control=after)


def _series_frame(uid: np.ndarray, lines: _Lines, sim: SimResult, cols: slice,
                  weeks: list[str]) -> pd.DataFrame:
    """Rows in key order (unit, care type, week, sex) from the (line × sex, week) arrays."""
    nl, k = len(lines.unit_idx), len(weeks)

    def flat(a: np.ndarray) -> np.ndarray:
        return a[:, cols].reshape(nl, 2, k).transpose(0, 2, 1).reshape(-1)

    return pd.DataFrame({
        "unit_id": np.repeat(uid[lines.unit_idx], 2 * k),
        "care_type": np.repeat(lines.care_type, 2 * k),
        "week": np.tile(np.repeat(np.array(weeks), 2), nl),
        "sex": np.tile(np.array(SEXES), nl * k),
        "referrals_cases": flat(sim.referrals),
        "production_cases": flat(sim.production),
        "waiting_list_cases": flat(sim.waiting),
        "waiting_over_guarantee_cases": flat(sim.over_guarantee),
    })


@dataclass(frozen=True)
class _Staffing:
    """Staffing targets and staff parameters per unit × category."""

    fte_need: np.ndarray  # FTE that meets the expected demand at the target utilisation
    fte_target: np.ndarray  # bemanningsmål = need × the unit's staffing factor
    cost_fte: np.ndarray
    agency_max: np.ndarray
    recruit: np.ndarray
    attrition: np.ndarray
    remote: np.ndarray  # (unit,)


def _staffing(spec: RegionSpec, units: tuple[UnitSpec, ...], lines: _Lines, d: _Demand,
              c: _Calendar, av: _Availability, rng: np.random.Generator) -> _Staffing:
    """Bemanningsmål from the hours the budget year's demand needs at 90 % utilisation."""
    nu = len(units)
    req_h = np.zeros((nu, 4))
    np.add.at(req_h, lines.unit_idx, d.annual_budget[:, None] * lines.hours)
    mean_avail = av.at_work[:, :, c.year_mask(spec.budget_year)].mean(axis=2)
    fte_need = req_h / (CONTRACTED_H[None, :] * mean_avail * UTILISATION_TARGET)
    staffing = np.array([u.staffing_pu for u in units])
    fte_target = np.round(fte_need * staffing[:, None], 1)
    remote = np.array([u.remote for u in units])
    cost_fte = np.round(COST_PER_FTE[None, :] * np.where(remote, 1.04, 1.0)[:, None]
                        * rng.uniform(0.97, 1.03, size=(nu, 4)), -3)
    agency_max = np.round(req_h / MEAN_WEEKS * np.array([0.25, 0.08, 0.12, 0.10])[None, :])
    recruit = np.round(np.maximum(0.5, fte_target * 0.15), 1)
    attrition = np.round(ATTRITION[None, :] + np.where(remote, 0.02, 0.0)[:, None]
                         + rng.uniform(-0.01, 0.01, size=(nu, 4)), 3)
    return _Staffing(fte_need, fte_target, cost_fte, agency_max, recruit, attrition, remote)


@dataclass(frozen=True)
class _Economy:
    """Per-case and per-unit money (SEK)."""

    var_cost: np.ndarray  # (line,)
    revenue: np.ndarray  # (line,)
    ext_price: np.ndarray  # (line,)
    ext_cap: np.ndarray  # (line,)
    fixed: np.ndarray  # (unit,)
    capitation: np.ndarray  # (unit,) bool
    cap_rev: np.ndarray  # (unit,)
    cost_framed: np.ndarray  # (unit,) net cost of meeting demand that a frame must cover
    staff_share: np.ndarray  # (unit,)


def _economy(units: tuple[UnitSpec, ...], lines: _Lines, d: _Demand, st: _Staffing,
             ph: _Physical, rng: np.random.Generator) -> _Economy:
    """Variable costs, purchased-care prices, fixed costs, capitation and framed cost."""
    nu = len(units)
    u = lines.unit_idx
    profile_var = np.array([p.var_cost_sek for p in lines.profiles])
    hourly = st.cost_fte / CONTRACTED_H[None, :]
    internal_cost_line = (lines.hours * hourly[u]).sum(axis=1) + profile_var
    var_cost = np.round(profile_var * rng.uniform(0.9, 1.1, size=len(u)), -1)
    revenue = np.array([p.revenue_sek for p in lines.profiles])
    ext_factor = np.array([p.ext_factor for p in lines.profiles])
    ext_price = np.round(ext_factor * internal_cost_line * 1.15, -2)  # 1.15: fixed-cost share
    ext_cap = np.where(ext_factor > 0, np.round(d.annual_budget / MEAN_WEEKS * 0.15, 1), 0.0)
    staff_cost = (st.fte_target * st.cost_fte).sum(axis=1)
    staff_cost_full = (st.fte_need * st.cost_fte).sum(axis=1)
    var_total = np.zeros(nu)
    rev_total = np.zeros(nu)
    np.add.at(var_total, u, d.annual_budget * var_cost)
    np.add.at(rev_total, u, d.annual_budget * revenue)
    fixed = np.round(0.12 * staff_cost + 350_000.0 * ph.beds_normal
                     + 150_000.0 * ph.theatre_normal, -3)
    capitation = np.array([x.funding_mode == "capitation" for x in units])
    cap_pu = np.array([x.capitation_pu for x in units])
    cap_rev = np.where(capitation, np.round((staff_cost_full + var_total + fixed - rev_total)
                                            * cap_pu, -3), 0.0)
    cost_demand_met = staff_cost_full + var_total + fixed - rev_total - cap_rev
    # a capitation unit's surplus is its own (result unit, R-33); only a deficit is framed
    # (the appropriation for extra missions in sparsely populated areas, [001:171-175])
    cost_framed = np.where(capitation, np.maximum(cost_demand_met, 0.0), cost_demand_met)
    staff_share = staff_cost_full / np.maximum(staff_cost_full + var_total + fixed, 1.0)
    return _Economy(var_cost, revenue, ext_price, ext_cap, fixed, capitation, cap_rev,
                    cost_framed, staff_share)


def generate_region(spec: RegionSpec, seed: int) -> PlanningData:
    """Generate every input table of a synthetic region.

    Parameters
    ----------
    spec : the region's structure and parameters.
    seed : seed of all random draws; the same spec and seed give identical tables.

    Returns
    -------
    PlanningData with all required tables and the actuals of the budget year up to
    ``spec.as_of_week``.
    """
    units = _sorted_units(spec)
    uid = np.array([u.node_id for u in units])
    lines = _lines(spec, _rng(seed, "structure"))
    # the CSV's rounding is applied here, so the frames equal the files
    age_share = _round_shares(lines.age_share)
    sex_share = age_share.sum(axis=2)  # (line, sex)
    population = project(spec.county, spec.population_scenarios, spec.population_last_year)
    c = _Calendar.of(spec)
    av = _availability(len(units), c, _rng(seed, "availability"))
    d = _demand(spec, len(units), lines, _demographic_factors(population, spec, age_share), c,
                _rng(seed, "trend"))
    ph = _physical(units, lines, d, c)
    sim = _simulate(spec, units, lines, d, _capacity(spec, units, lines, d, c, av, ph),
                    sex_share, c, seed)
    rs = _rng(seed, "staffing")
    st = _staffing(spec, units, lines, d, c, av, rs)
    ec = _economy(units, lines, d, st, ph, rs)

    cost_indices = pd.DataFrame(list(spec.lpik), columns=["year", "cost_type", "uprating_pu"])
    tables = {
        "org_nodes": _org_nodes(spec),
        **_production_tables(uid, lines, ec),
        "staff_categories": pd.DataFrame({
            "staff_category": [k[0] for k in STAFF_CATEGORIES],
            "name_sv": [k[1] for k in STAFF_CATEGORIES],
            "name_en": [k[2] for k in STAFF_CATEGORIES],
            "contracted_h_per_fte_year": CONTRACTED_H,
        }),
        **_weekly_capacity_tables(uid, st, c, av, ph),
        "unit_finance": pd.DataFrame({
            "unit_id": uid,
            "funding_mode": np.where(ec.capitation, "capitation", "frame"),
            "fixed_cost_sek_per_year": ec.fixed,
            "capitation_revenue_sek_per_year": ec.cap_rev,
            "kpp_exception": np.array([u.kpp_exception for u in units], dtype=bool),
        }),
        "demand_history": _series_frame(uid, lines, sim, slice(c.n_burn, c.n_burn + c.n_hist),
                                        spec.history_weeks),
        "demand_age_profile": pd.DataFrame({
            "unit_id": np.repeat(uid[lines.unit_idx], 2 * len(AGE_BANDS)),
            "care_type": np.repeat(lines.care_type, 2 * len(AGE_BANDS)),
            "sex": np.tile(np.repeat(np.array(SEXES), len(AGE_BANDS)), len(lines.unit_idx)),
            "age_band": np.tile(np.array(AGE_BANDS), 2 * len(lines.unit_idx)),
            "share_pu": age_share.reshape(-1),
        }),
        "population": population,
        "budget_frames": _budget_frames(spec, uid, ec.cost_framed, ec.staff_share, cost_indices),
        "cost_indices": cost_indices,
        "targets": _targets(spec),
        "actuals_production": _series_frame(uid, lines, sim,
                                            slice(c.n_burn + c.n_hist, c.n_sim), c.actual_weeks),
        **_actuals(spec.calibration, units, _rng(seed, "actuals"), uid, c, st, av,
                   sim.production[:, c.n_burn + c.n_hist:c.n_sim], lines, ph, ec),
    }
    missing = {(u.node_id, w) for u in units for w in u.actuals_missing_weeks}
    for name in ("actuals_production", "actuals_staff", "actuals_unit"):
        df = tables[name]
        keys = pd.Series(list(zip(df["unit_id"], df["week"], strict=True)), index=df.index)
        tables[name] = df[~keys.isin(missing)].reset_index(drop=True)
    return PlanningData.from_tables({k: _finish(k, v) for k, v in tables.items()})


def _production_tables(uid: np.ndarray, lines: _Lines, ec: _Economy) -> dict[str, pd.DataFrame]:
    """care_types, care_type_priorities and resource_use."""
    u = lines.unit_idx
    profile_los = np.array([p.los_days or 1.0 for p in lines.profiles])
    care_types = pd.DataFrame({
        "unit_id": uid[u],
        "care_type": lines.care_type,
        "care_type_kind": [p.kind for p in lines.profiles],
        "acute": lines.acute,
        "guarantee_stage": [p.stage for p in lines.profiles],
        "mean_los_days": lines.los,
        "theatre_h_per_case": lines.theatre_h,
        # DRG weight follows the line's length of stay around its profile's
        "drg_weight": np.round(np.array([p.drg for p in lines.profiles]) * np.where(
            lines.los > 0, lines.los / np.maximum(profile_los, 0.1), 1.0), 3),
        "variable_cost_sek_per_case": ec.var_cost,
        "revenue_sek_per_case": ec.revenue,
        "external_price_sek_per_case": ec.ext_price,
        "external_cases_per_week_max": ec.ext_cap,
    })
    prio = [(uid[u[k]], p.care_type, cls, share, wait)
            for k, p in enumerate(lines.profiles)
            for cls, (share, wait) in enumerate(p.priorities, start=1)]
    priorities = pd.DataFrame(prio, columns=["unit_id", "care_type", "priority_class",
                                             "share_pu", "max_wait_days"])
    resource_use = pd.DataFrame({
        "unit_id": np.repeat(uid[u], 4),
        "care_type": np.repeat(lines.care_type, 4),
        "staff_category": np.tile(np.array(STAFF), len(u)),
        "staff_h_per_case": lines.hours.reshape(-1),
    })
    return {"care_types": care_types, "care_type_priorities": priorities,
            "resource_use": resource_use[resource_use["staff_h_per_case"] > 0]}


def _weekly_capacity_tables(uid: np.ndarray, st: _Staffing, c: _Calendar, av: _Availability,
                            ph: _Physical) -> dict[str, pd.DataFrame]:
    """staffing, staff_availability and unit_capacity."""
    nu = len(uid)
    written = c.written
    weeks = np.array(c.weeks)[written]
    nw = len(weeks)
    staffing = pd.DataFrame({
        "unit_id": np.repeat(uid, 4),
        "staff_category": np.tile(np.array(STAFF), nu),
        "staffing_target_fte": st.fte_target.reshape(-1),
        "cost_sek_per_fte_year": st.cost_fte.reshape(-1),
        "overtime_cost_factor_pu": np.tile(OVERTIME_FACTOR, nu),
        "overtime_h_per_fte_year_max": 200.0,
        "agency_cost_factor_pu": np.tile(AGENCY_FACTOR, nu),
        "agency_h_per_week_max": st.agency_max.reshape(-1),
        "recruitment_fte_per_year_max": st.recruit.reshape(-1),
        "attrition_pu_per_year": st.attrition.reshape(-1),
    })
    availability = pd.DataFrame({
        "unit_id": np.repeat(uid, 4 * nw),
        "staff_category": np.tile(np.repeat(np.array(STAFF), nw), nu),
        "week": np.tile(weeks, nu * 4),
        "vacation_pu": av.vacation[:, :, written].reshape(-1),
        "sick_leave_pu": av.sick[:, :, written].reshape(-1),
        "training_pu": av.training[:, :, written].reshape(-1),
    })
    capacity = pd.DataFrame({
        "unit_id": np.repeat(uid, nw),
        "week": np.tile(weeks, nu),
        "staffed_beds": ph.beds[:, written].reshape(-1),
        "theatre_h_per_week": ph.theatre[:, written].reshape(-1),
    })
    return {"staffing": staffing, "staff_availability": availability, "unit_capacity": capacity}


def _demographic_factors(population: pd.DataFrame, spec: RegionSpec,
                         age_share: np.ndarray) -> dict[int, np.ndarray]:
    """Per year: demand factor of every line relative to the budget year (age × sex mix)."""
    pop = population[population["scenario"] == spec.history_population_scenario]
    bands = pd.cut(pop["age"], bins=[-1, 17, 44, 64, 79, 200], labels=list(AGE_BANDS))
    tab = pop.assign(band=bands).groupby(["year", "sex", "band"], observed=True)[
        "population_persons"].sum()
    base_year = spec.budget_year
    base = tab.loc[base_year]
    out: dict[int, np.ndarray] = {}
    for year in sorted(pop["year"].unique()):
        ratio = np.array([[tab.loc[(year, s, b)] / base.loc[(s, b)] for b in AGE_BANDS]
                          for s in SEXES])
        out[int(year)] = (age_share * ratio[None, :, :]).sum(axis=(1, 2))
    return out


def _weekly_demo(factors: dict[int, np.ndarray], yf: np.ndarray, budget_year: int) -> np.ndarray:
    """Interpolate yearly demographic factors to weeks (population is at 31 December)."""
    ys = np.array(sorted(factors), dtype=float)
    mat = np.stack([factors[int(y)] for y in ys], axis=1)  # (line, year)
    t = budget_year + yf
    out = np.empty((mat.shape[0], len(yf)))
    for i in range(mat.shape[0]):
        out[i] = np.interp(t, ys + 1.0, mat[i])
    return out


def _org_nodes(spec: RegionSpec) -> pd.DataFrame:
    rows: list[tuple[str, str | None, str, str, str, str, str | None, str]] = [
        (n.node_id, n.parent_id, n.name, n.node_type, n.pks_level, n.owner_role, None,
         spec.county) for n in spec.nodes]
    rows += [(u.node_id, u.parent_id, u.name, u.node_type, u.pks_level, u.owner_role, u.site,
              spec.county) for u in spec.units]
    return pd.DataFrame(rows, columns=["node_id", "parent_id", "name", "node_type", "pks_level",
                                       "owner_role", "site", "county"])


def _budget_frames(spec: RegionSpec, uid: np.ndarray, cost: np.ndarray, staff_share: np.ndarray,
                   cost_indices: pd.DataFrame) -> pd.DataFrame:
    parent = {n.node_id: n.parent_id for n in spec.nodes}
    parent.update({u.node_id: u.parent_id for u in spec.units})
    idx = cost_indices.set_index(["year", "cost_type"])["uprating_pu"]
    rows = []
    for f in spec.frames:
        under = np.array([_is_under(u, f.node_id, parent) for u in uid])
        base_cost = float(cost[under].sum())
        share = float((staff_share[under] * cost[under]).sum() / max(base_cost, 1.0)) \
            if under.any() else 0.6
        frame = f.frame_sek if f.frame_sek is not None else base_cost * f.fit_pu
        for k, year in enumerate(spec.plan_year_list):
            if k > 0:
                wage = 0.77 * idx[(year, "hourly_wage")] + 0.23 * idx[(year, "social_charges")]
                up = share * wage + (1 - share) * idx[(year, "consumption")]
                if f.frame_sek is not None:
                    up = idx[(year, "lpik_total")]
                frame = frame * (1.0 + up) * (1.0 - f.efficiency_pu)
            rows.append((f.node_id, year, max(round(frame, -3), 0.0), f.efficiency_pu))
    return pd.DataFrame(rows, columns=["node_id", "year", "frame_sek", "efficiency_pu"])


def _is_under(node: str, ancestor: str, parent: dict[str, str | None]) -> bool:
    cur: str | None = node
    while cur is not None:
        if cur == ancestor:
            return True
        cur = parent.get(cur)
    return False


def _targets(spec: RegionSpec) -> pd.DataFrame:
    common = {"valid_from": f"{spec.budget_year}-01-01", "contact_days": 0, "assessment_days": 3,
              "within_guarantee_share_pu": 0.8, "occupancy_max_pu": 0.9,
              "overflow_probability_max_pu": 0.05, "overtime_h_per_fte_year_max": 100.0,
              "agency_cost_share_max_pu": 0.02, "utilisation_min_pu": 0.75,
              "utilisation_max_pu": 0.95}
    rows = [
        {"target_set": "vardgaranti_0_3_90_90", "version": 1, **common, "first_visit_days": 90,
         "treatment_days": 90},
        {"target_set": "vardgaranti_60", "version": 1, **common, "first_visit_days": 60,
         "treatment_days": 60},
    ]
    cols = ["target_set", "version", "valid_from", "contact_days", "assessment_days",
            "first_visit_days", "treatment_days", "within_guarantee_share_pu",
            "occupancy_max_pu", "overflow_probability_max_pu", "overtime_h_per_fte_year_max",
            "agency_cost_share_max_pu", "utilisation_min_pu", "utilisation_max_pu"]
    return pd.DataFrame(rows)[cols]


def _actuals(calibration: Calibration, units: tuple[UnitSpec, ...], rng: np.random.Generator,
             uid: np.ndarray,
             c: _Calendar, st: _Staffing, av: _Availability, production_s: np.ndarray,
             lines: _Lines, ph: _Physical, ec: _Economy) -> dict[str, pd.DataFrame]:
    """Staff and unit actuals of the budget year consistent with the simulated production."""
    nu = len(uid)
    weeks = c.actual_weeks
    nw = len(weeks)
    idx = np.arange(c.n_burn + c.n_hist, c.n_sim)
    prod_line = production_s.reshape(-1, 2, nw).sum(axis=1)  # (line, week)
    req = np.zeros((nu, 4, nw))
    np.add.at(req, lines.unit_idx, prod_line[:, None, :] * lines.hours[:, :, None])
    vacancy = rng.uniform(0.0, 0.06, size=(nu, 4)) + np.where(st.remote, 0.04, 0.0)[:, None]
    fte_act = st.fte_target * (1.0 - vacancy)
    contracted_w = fte_act[:, :, None] * (CONTRACTED_H / MEAN_WEEKS)[None, :, None]
    wn = c.week_no[idx]
    flu = ((wn >= 3) & (wn <= 9)).astype(float)
    sick_act = av.sick[:, :, idx] * (1.0 + 0.35 * flu[None, None, :]) * rng.lognormal(
        0.0, 0.12, size=(nu, 4, nw))
    sick_act = np.minimum(sick_act, 0.4)
    at_work = np.maximum(1.0 - av.vacation[:, :, idx] - sick_act - av.training[:, :, idx], 0.05)
    worked = contracted_w * at_work
    sick_h = contracted_w * sick_act
    # hours needed beyond a sound 95 % of the worked hours: overtime first, then agency
    shortfall = np.maximum(req - worked * 0.95, 0.0)
    cal_ = calibration
    agency_base = np.array([u.agency_base_pu for u in units]) + cal_.agency_physician_extra_pu
    floor = cal_.agency_floor_pu
    base_share = np.stack([agency_base, agency_base * 0.03 + floor[0],
                           agency_base * 0.07 + floor[1], agency_base * 0.04 + floor[2]],
                          axis=1)
    overtime_cap = fte_act[:, :, None] * 200.0 / MEAN_WEEKS * 2.0
    overtime = np.minimum(0.03 * worked + 0.6 * shortfall, overtime_cap)
    rest = np.maximum(0.03 * worked + shortfall - overtime, 0.0)
    rest_share = np.array([0.8, 0.05, 0.12, 0.08])[None, :, None]
    agency = base_share[:, :, None] * worked + rest * rest_share
    agency = agency * rng.lognormal(0.0, 0.1, size=(nu, 4, nw))
    actuals_staff = pd.DataFrame({
        "unit_id": np.repeat(uid, 4 * nw),
        "staff_category": np.tile(np.repeat(np.array(STAFF), nw), nu),
        "week": np.tile(np.array(weeks), nu * 4),
        "worked_h": np.round(worked, 1).reshape(-1),
        "overtime_h": np.round(overtime, 1).reshape(-1),
        "agency_h": np.round(agency, 1).reshape(-1),
        "sick_leave_h": np.round(sick_h, 1).reshape(-1),
    })
    # beds: occupied bed-days ≈ admissions × LOS (Little's law); a stay spans weeks, so
    # admissions are smoothed with weight 7 / (LOS + 7) on the current week
    occ_line = np.empty_like(prod_line)
    alpha = np.minimum(1.0, DAYS_PER_WEEK / (lines.los + DAYS_PER_WEEK))[:, None]
    state = prod_line[:, :1].copy()
    for w in range(nw):
        state = alpha * prod_line[:, w:w + 1] + (1.0 - alpha) * state
        occ_line[:, w:w + 1] = state
    bed_days = np.zeros((nu, nw))
    np.add.at(bed_days, lines.unit_idx, occ_line * lines.los[:, None])
    occ = bed_days / DAYS_PER_WEEK
    # overflow: expected census above the staffed beds, daily census ~ N(occ, 1.44 occ)
    beds = ph.beds[:, idx]
    sd = np.sqrt(np.maximum(occ, 1e-9)) * 1.2
    z = (occ - beds) / sd
    expected_excess = (occ - beds) * norm.cdf(z) + sd * norm.pdf(z)
    overflow = np.where(occ > 0, DAYS_PER_WEEK * expected_excess, 0.0)
    hourly = st.cost_fte / CONTRACTED_H[None, :]
    staff_cost = (fte_act * st.cost_fte).sum(axis=1)[:, None] / MEAN_WEEKS \
        + (overtime * (hourly * OVERTIME_FACTOR[None, :])[:, :, None]).sum(axis=1) \
        + (agency * (hourly * AGENCY_FACTOR[None, :])[:, :, None]).sum(axis=1)
    var = np.zeros((nu, nw))
    np.add.at(var, lines.unit_idx, prod_line * (ec.var_cost - ec.revenue)[:, None])
    cost = staff_cost + var + ec.fixed[:, None] / MEAN_WEEKS
    actuals_unit = pd.DataFrame({
        "unit_id": np.repeat(uid, nw),
        "week": np.tile(np.array(weeks), nu),
        "occupied_beds": np.round(occ, 1).reshape(-1),
        "overflow_bed_days": np.round(overflow, 1).reshape(-1),
        "cost_sek": np.round(np.maximum(cost, 0.0), -2).reshape(-1),
    })
    return {"actuals_staff": actuals_staff, "actuals_unit": actuals_unit}


# -------------------------------------------------------------- output discipline

# Decimals per float column (the CSV writer uses the same; rounding here keeps the frame
# returned by generate_region identical to what the files hold).
FLOAT_DECIMALS: dict[str, int] = {
    "population_persons": 1,
    "frame_sek": 0,
    "cost_sek": 0,
    "fixed_cost_sek_per_year": 0,
    "capitation_revenue_sek_per_year": 0,
    "cost_sek_per_fte_year": 0,
}
DEFAULT_DECIMALS = 4
# Tables built in key order by construction (units, care types, staff categories, weeks and
# sexes all enumerate in sorted order), so the costly sort is skipped; tests check the order.
_PRESORTED = frozenset({"org_nodes", "demand_history", "actuals_production", "staff_availability",
                        "unit_capacity", "actuals_staff", "actuals_unit", "resource_use",
                        "staffing", "demand_age_profile", "care_types", "care_type_priorities"})


def _finish(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Cast to the canonical dtypes of ``pks.data.parse``, round floats, sort by key."""
    from pks.data.schema import SCHEMAS

    schema = SCHEMAS[name]
    out = df[list(schema.column_names)].copy()
    for c in schema.columns:
        col = out[c.name]
        if c.dtype == "float":
            out[c.name] = np.round(col.astype(float), FLOAT_DECIMALS.get(c.name, DEFAULT_DECIMALS))
            out[c.name] = out[c.name] + 0.0  # no negative zeros
        elif c.dtype == "int":
            out[c.name] = col.astype("int64")
        elif c.dtype == "bool":
            out[c.name] = col.astype(bool)
        elif c.dtype == "date":
            out[c.name] = pd.to_datetime(col).astype("datetime64[ns]")
        else:  # str and week: pandas' string dtype, missing as NaN (as pks.data.io reads them)
            out[c.name] = pd.Series(col.to_numpy(dtype=object), dtype="str", index=col.index)
    if name not in _PRESORTED:
        out = out.sort_values(list(schema.key), kind="mergesort")
    return out.reset_index(drop=True)
