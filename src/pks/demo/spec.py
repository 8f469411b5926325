"""Specification of a synthetic region: organisation, producing units, frames, parameters.

A :class:`RegionSpec` fixes everything structural about a region; the numbers are drawn by
:func:`pks.demo.generate_region` from the spec and a seed. The demo region, the
Västerbotten-style instance and benchmark regions are built in
:mod:`pks.demo.regions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pks.calendar import DAYS_PER_WEEK
from pks.data.weeks import week_range, weeks_of_year
from pks.demo.population import PopulationScenario


@dataclass(frozen=True)
class NodeSpec:
    """A non-producing organisation node (region, board, division, area, administration)."""

    node_id: str
    parent_id: str | None
    name: str
    node_type: str
    pks_level: str
    owner_role: str


@dataclass(frozen=True)
class UnitSpec:
    """A producing leaf (unit / basenhet, or cost centre in the Västerbotten style).

    Attributes
    ----------
    profile : key of :data:`pks.demo.profiles.PROFILES` (or ``"generic"``).
    size : volume scale of the profile (1 = a mid-sized unit of its specialty).
    staffing_pu : staffed capacity relative to the expected demand (< 1: short, waiting
        lists grow; > 1: slack).
    behind_pu : share of the planned production missing in the actuals of the budget year.
    actuals_missing_weeks : weeks without any follow-up (late or missing reporting, R-16).
    agency_base_pu : share of physician hours bought from agencies in a normal week.
    n_care_types : use only the first n care types of the profile.
    capitation_pu : capitation revenue relative to the unit's net cost (capitation units).
    remote : a hard-to-staff area (Malmfälten): 4 % dearer FTE, 2 points more attrition
        and up to 4 % more vacancies.
    """

    node_id: str
    parent_id: str
    name: str
    profile: str
    size: float
    site: str
    staffing_pu: float = 1.0
    node_type: str = "unit"
    pks_level: str = "operative"
    owner_role: str = "forsta_linjens_chef"
    funding_mode: str = "frame"
    kpp_exception: bool = False
    behind_pu: float = 0.0
    actuals_missing_weeks: tuple[str, ...] = ()
    agency_base_pu: float = 0.01
    n_care_types: int | None = None
    capitation_pu: float = 1.0
    remote: bool = False


@dataclass(frozen=True)
class FrameSpec:
    """Budget frame of a node: derived from its units' cost, or fixed for the budget year.

    ``fit_pu`` is the budget-year frame relative to the cost of meeting the expected
    demand at the standard staffing (< 1: a tight frame with a gap). ``frame_sek`` fixes
    the budget-year frame instead (e.g. the board's frame from the seed).
    """

    node_id: str
    fit_pu: float = 1.0
    efficiency_pu: float = 0.0
    frame_sek: float | None = None


@dataclass(frozen=True)
class Calibration:
    """How the generator's waiting lists, staff and budget-year actuals are calibrated.

    The defaults reproduce the original synthetic regions (benchmark sizes and the
    Västerbotten-style instance); :data:`pks.demo.regions.DEMO_CALIBRATION` calibrates the
    demo region against real Norrbotten figures (``data/demo_region/README.md``).

    Attributes
    ----------
    guaranteed_buffer_weeks : booking buffer of lines with a care-guarantee step (weeks of
        demand): production never takes the list below it.
    other_buffer_weeks : the same for elective lines without a guarantee step (return and
        digital visits, examinations); primary care uses ``primary_care_buffer_weeks``.
    initial_extra_weeks : the history's first list is the buffer plus a uniform draw in this
        range (weeks of demand); lines without a guarantee step draw
        ``other_initial_extra_weeks``.
    guaranteed_slack_pu, other_slack_pu : added to the unit's staffing factor for the
        history's production capacity (> 0: a margin that clears summer backlogs).
    plan_path : the budget year's actuals follow a plan path (capacity at need, steered
        towards the target list) instead of continuing the history's staffing.
    plan_target_weeks : target list of guaranteed lines in weeks of demand: the guarantee
        (90 days = 12.86 weeks) ÷ the forecast's queue factor 4 (NHSRwaitinglist).
    plan_gain : share of the gap to the target list closed per week on the plan path.
    plan_max_adjust_pu : largest capacity change for the gap, relative to the demand.
    physician_direct_time_pu : share of a physician's working time booked on the lines'
        cases; the hours per case are divided by it (the rest is on call, administration,
        consultations and services the demo does not model as lines).
    agency_physician_extra_pu : added to every unit's standing physician agency share.
    agency_floor_pu : standing agency share of övriga, sjuksköterska and undersköterska
        hours, added to the unit's physician share × (0.03, 0.07, 0.04).
    """

    guaranteed_buffer_weeks: float = 2.5
    other_buffer_weeks: float = 2.5
    primary_care_buffer_weeks: float = 0.6
    initial_extra_weeks: tuple[float, float] = (0.0, 8.0)
    other_initial_extra_weeks: tuple[float, float] = (0.0, 8.0)
    guaranteed_slack_pu: float = 0.0
    other_slack_pu: float = 0.0
    plan_path: bool = False
    plan_target_weeks: float = 90.0 / DAYS_PER_WEEK / 4.0
    plan_gain: float = 0.0
    plan_max_adjust_pu: float = 0.0
    physician_direct_time_pu: float = 1.0
    agency_physician_extra_pu: float = 0.0
    agency_floor_pu: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class RegionSpec:
    """Everything that defines a synthetic region (all other numbers are generated)."""

    name: str
    county: str
    nodes: tuple[NodeSpec, ...]
    units: tuple[UnitSpec, ...]
    frames: tuple[FrameSpec, ...]
    population_scenarios: tuple[PopulationScenario, ...]
    history_population_scenario: str = "scb"
    history_first_year: int = 2023
    budget_year: int = 2026
    plan_years: int = 2
    as_of_week: str = "2026-W46"
    population_last_year: int = 2035
    volume_scale: float = 1.0
    trend_pu_per_year: float = 0.005
    lpik: tuple[tuple[int, str, float], ...] = field(default_factory=lambda: LPIK_NORRBOTTEN)
    calibration: Calibration = field(default_factory=Calibration)

    @property
    def history_weeks(self) -> list[str]:
        """Weeks of ``demand_history``: first history year W01 to the year before the budget."""
        return week_range(f"{self.history_first_year}-W01", weeks_of_year(self.budget_year - 1)[-1])

    @property
    def all_weeks(self) -> list[str]:
        """Weeks of the weekly capacity tables: history years to the last plan year."""
        last = weeks_of_year(self.budget_year + self.plan_years)[-1]
        return week_range(f"{self.history_first_year}-W01", last)

    @property
    def plan_year_list(self) -> list[int]:
        """Budget year and plan years."""
        return list(range(self.budget_year, self.budget_year + self.plan_years + 1))


# LPIK per component (digest §4.4: Norrbotten, SKR EkonomiNytt 04/2022 [002:2007-2021];
# pharmaceuticals from the Västerbotten table [003:828-839]); 2027-2028 extrapolated.
LPIK_NORRBOTTEN: tuple[tuple[int, str, float], ...] = tuple(
    (y, k, v) for y, row in {
        2022: {"hourly_wage": 0.027, "social_charges": 0.032, "consumption": 0.039,
               "pharmaceuticals": -0.007, "lpik_total": 0.027},
        2023: {"hourly_wage": 0.030, "social_charges": 0.129, "consumption": 0.028,
               "pharmaceuticals": -0.007, "lpik_total": 0.043},
        2024: {"hourly_wage": 0.031, "social_charges": 0.012, "consumption": 0.026,
               "pharmaceuticals": -0.007, "lpik_total": 0.021},
        2025: {"hourly_wage": 0.032, "social_charges": 0.003, "consumption": 0.027,
               "pharmaceuticals": -0.007, "lpik_total": 0.020},
        2026: {"hourly_wage": 0.033, "social_charges": 0.056, "consumption": 0.027,
               "pharmaceuticals": -0.007, "lpik_total": 0.031},
        2027: {"hourly_wage": 0.033, "social_charges": 0.033, "consumption": 0.025,
               "pharmaceuticals": -0.007, "lpik_total": 0.030},
        2028: {"hourly_wage": 0.033, "social_charges": 0.033, "consumption": 0.025,
               "pharmaceuticals": -0.007, "lpik_total": 0.030},
    }.items() for k, v in row.items()
)
