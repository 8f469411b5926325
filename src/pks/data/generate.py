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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from pks.data import generate_calendar as cal
from pks.data.generate_history import simulate
from pks.data.generate_population import (
    PopulationScenario,
    norrbotten_scenarios,
    project,
    vasterbotten_scenarios,
)
from pks.data.generate_profiles import (
    AGE_BANDS,
    AGE_PROFILES,
    GENERIC_PROFILE,
    PROFILES,
    CareTypeProfile,
)
from pks.data.planning_data import PlanningData
from pks.data.weeks import week_range, weeks_of_year

SEXES = ("female", "male")
HOSPITALS = ("Sunderby", "Piteå", "Kalix", "Gällivare", "Kiruna")
WEEKS_PER_YEAR = 52.18

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
    profile : key of :data:`pks.data.generate_profiles.PROFILES` (or ``"generic"``).
    size : volume scale of the profile (1 = a mid-sized unit of its specialty).
    staffing_pu : staffed capacity relative to the expected demand (< 1: short, waiting
        lists grow; > 1: slack).
    behind_pu : share of the planned production missing in the actuals of the budget year.
    actuals_missing_weeks : weeks without any follow-up (late or missing reporting, R-16).
    agency_base_pu : share of physician hours bought from agencies in a normal week.
    n_care_types : use only the first n care types of the profile.
    capitation_pu : capitation revenue relative to the unit's net cost (capitation units).
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


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(stream.encode())]))


# --------------------------------------------------------------------------- specs


def _area(div: str, code: str, name: str, role: str = "verksamhetschef") -> NodeSpec:
    return NodeSpec(f"{div}-{code}", div, name, "area", "tactical", role)


def demo_spec() -> RegionSpec:
    """The demo region: a synthetic Region Norrbotten (55 producing units, 5 hospitals)."""
    root = NodeSpec("NLL", None, "Region Norrbotten", "region", "political", "regionfullmaktige")
    rs = NodeSpec("NLL-RS", "NLL", "Regionstyrelsen", "board", "political", "regionstyrelse")
    divs = [
        NodeSpec("NLL-RS-DNV", "NLL-RS", "Division Närsjukvård", "division", "strategic",
                 "divisionschef"),
        NodeSpec("NLL-RS-DOS", "NLL-RS", "Division Opererande specialiteter", "division",
                 "strategic", "divisionschef"),
        NodeSpec("NLL-RS-DPS", "NLL-RS", "Division Psykiatri", "division", "strategic",
                 "divisionschef"),
        NodeSpec("NLL-RS-DDM", "NLL-RS", "Division Diagnostik och medicinsk service", "division",
                 "strategic", "divisionschef"),
        NodeSpec("NLL-RS-DPV", "NLL-RS", "Division Primärvård", "division", "strategic",
                 "divisionschef"),
        NodeSpec("NLL-RS-RGM", "NLL-RS", "Regiongemensamma verksamheter", "region_wide",
                 "strategic", "regiondirektor"),
    ]
    dnv, dos, dps, ddm, dpv, rgm = (d.node_id for d in divs)
    areas = [
        _area(dnv, "MED", "Verksamhetsområde Medicin"),
        _area(dnv, "AKM", "Verksamhetsområde Akutsjukvård"),
        _area(dnv, "GER", "Verksamhetsområde Geriatrik och rehabilitering"),
        _area(dnv, "BUM", "Verksamhetsområde Barn- och ungdomsmedicin"),
        _area(dnv, "ONK", "Verksamhetsområde Cancervård"),
        _area(dos, "ORT", "Verksamhetsområde Ortopedi"),
        _area(dos, "KIR", "Verksamhetsområde Kirurgi"),
        _area(dos, "URO", "Verksamhetsområde Urologi"),
        _area(dos, "ONH", "Verksamhetsområde Öron-näsa-hals"),
        _area(dos, "OGO", "Verksamhetsområde Ögonsjukvård"),
        _area(dos, "KVI", "Verksamhetsområde Kvinnosjukvård"),
        _area(dps, "VPS", "Verksamhetsområde Vuxenpsykiatri"),
        _area(dps, "BUP", "Verksamhetsområde Barn- och ungdomspsykiatri"),
        _area(ddm, "BFM", "Verksamhetsområde Bild- och funktionsmedicin"),
        _area(dpv, "PLB", "Primärvårdsområde Luleå–Boden", "omradeschef"),
        _area(dpv, "PPA", "Primärvårdsområde Piteå–Älvsbyn", "omradeschef"),
        _area(dpv, "POS", "Primärvårdsområde Östra Norrbotten", "omradeschef"),
        _area(dpv, "PMT", "Primärvårdsområde Malmfälten–Tornedalen", "omradeschef"),
    ]
    site_code = {"Sunderby": "SUN", "Piteå": "PIT", "Kalix": "KAL", "Gällivare": "GAL",
                 "Kiruna": "KIR"}
    malm = ("Gällivare", "Kiruna")
    units: list[UnitSpec] = []

    def add(area: str, site: str, name: str, profile: str, size: float, staffing: float = 1.0,
            code: str | None = None, **kw: object) -> None:
        parent = f"{area}"
        uid = f"{parent}-{code or site_code[site]}"
        somatic = profile not in ("psychiatry_inpatient", "psychiatry_outpatient",
                                  "child_psychiatry", "primary_care")
        extra: dict[str, object] = {"kpp_exception": site in malm and somatic}
        if site in malm:
            extra["agency_base_pu"] = 0.06
        extra.update(kw)
        units.append(UnitSpec(uid, parent, name, profile, size, site, staffing,
                              **extra))  # type: ignore[arg-type]

    med, akm, ger, bum, onk = (a.node_id for a in areas[:5])
    ort, kir, uro, onh, ogo, kvi = (a.node_id for a in areas[5:11])
    vps, bup, bfm = (a.node_id for a in areas[11:14])
    plb, ppa, pos, pmt = (a.node_id for a in areas[14:18])
    add(med, "Sunderby", "Medicinkliniken Sunderby sjukhus", "medicine", 2.4, 0.97)
    add(med, "Sunderby", "Hjärtcentrum Sunderby sjukhus", "cardiology", 1.6, 1.0, code="SUN-HJC")
    add(med, "Piteå", "Medicinkliniken Piteå älvdals sjukhus", "medicine", 1.1, 1.03)
    add(med, "Kalix", "Medicinkliniken Kalix sjukhus", "medicine", 0.8, 1.02)
    add(med, "Gällivare", "Medicinkliniken Gällivare sjukhus", "medicine", 0.9, 0.98)
    add(med, "Kiruna", "Medicinkliniken Kiruna sjukhus", "medicine", 0.7, 0.96)
    add(akm, "Sunderby", "Akutmottagningen Sunderby sjukhus", "emergency", 1.6)
    add(akm, "Piteå", "Akutmottagningen Piteå älvdals sjukhus", "emergency", 0.55)
    add(akm, "Kalix", "Akutmottagningen Kalix sjukhus", "emergency", 0.4)
    add(akm, "Gällivare", "Akutmottagningen Gällivare sjukhus", "emergency", 0.5)
    add(akm, "Kiruna", "Akutmottagningen Kiruna sjukhus", "emergency", 0.45)
    add(ger, "Sunderby", "Geriatriken Sunderby sjukhus", "geriatrics", 1.2, 0.99, code="SUN-GER")
    add(ger, "Piteå", "Rehabiliteringsmedicin Piteå älvdals sjukhus", "rehabilitation", 1.0, 0.95,
        code="PIT-REH")
    add(bum, "Sunderby", "Barn- och ungdomskliniken Sunderby sjukhus", "paediatrics", 1.5, 1.02)
    add(bum, "Gällivare", "Barn- och ungdomsmottagningen Gällivare", "paediatrics", 0.4, 1.04)
    add(onk, "Sunderby", "Onkologiska kliniken Sunderby sjukhus", "oncology", 1.3, 0.99)
    add(ort, "Sunderby", "Ortopedkliniken Sunderby sjukhus", "orthopaedics", 1.6, 0.94,
        behind_pu=0.06)
    add(ort, "Piteå", "Ortopedkliniken Piteå älvdals sjukhus (planerad ortopedi)",
        "orthopaedics", 1.0, 0.97)
    add(ort, "Gällivare", "Ortopedkliniken Gällivare sjukhus", "orthopaedics", 0.6, 0.95)
    add(kir, "Sunderby", "Kirurgkliniken Sunderby sjukhus", "surgery", 1.8, 0.96)
    add(kir, "Piteå", "Kirurgkliniken Piteå älvdals sjukhus", "surgery", 0.6, 1.02)
    add(kir, "Kalix", "Kirurgkliniken Kalix sjukhus", "surgery", 0.5, 1.03)
    add(kir, "Gällivare", "Kirurgkliniken Gällivare sjukhus", "surgery", 0.7, 0.95,
        behind_pu=0.08)
    add(kir, "Kiruna", "Kirurgmottagningen Kiruna sjukhus", "surgery", 0.35, 1.0)
    add(uro, "Sunderby", "Urologkliniken Sunderby sjukhus", "urology", 1.2, 0.95)
    add(onh, "Sunderby", "Öron-näsa-halskliniken Sunderby sjukhus", "ent", 1.3, 0.97)
    add(ogo, "Sunderby", "Ögonkliniken Sunderby sjukhus", "ophthalmology", 1.5, 0.96)
    add(ogo, "Gällivare", "Ögonmottagningen Gällivare sjukhus", "ophthalmology", 0.4, 1.0)
    add(kvi, "Sunderby", "Kvinnokliniken Sunderby sjukhus", "gynaecology", 1.4, 1.01)
    add(kvi, "Gällivare", "Kvinnokliniken Gällivare sjukhus", "gynaecology", 0.45, 1.0)
    add(vps, "Sunderby", "Psykiatriska kliniken Sunderby sjukhus, slutenvård",
        "psychiatry_inpatient", 2.6, 0.98, code="SUN-SV")
    add(vps, "Sunderby", "Psykiatrisk öppenvård Luleå–Boden", "psychiatry_outpatient", 1.6,
        0.95, code="SUN-OV")
    add(vps, "Piteå", "Psykiatrisk öppenvård Piteå", "psychiatry_outpatient", 0.8, 0.97)
    add(vps, "Kalix", "Psykiatrisk öppenvård Kalix", "psychiatry_outpatient", 0.5, 1.0)
    add(vps, "Gällivare", "Psykiatriska kliniken Gällivare, slutenvård", "psychiatry_inpatient",
        0.8, 0.97, code="GAL-SV")
    add(vps, "Kiruna", "Psykiatrisk öppenvård Kiruna", "psychiatry_outpatient", 0.5, 0.94,
        behind_pu=0.05)
    add(bup, "Sunderby", "Barn- och ungdomspsykiatrin Sunderby", "child_psychiatry", 1.4, 0.92)
    add(bup, "Gällivare", "Barn- och ungdomspsykiatrin Gällivare", "child_psychiatry", 0.5, 0.95,
        actuals_missing_weeks=("2026-W44", "2026-W45", "2026-W46"))
    add(bfm, "Sunderby", "Röntgenkliniken Sunderby sjukhus", "radiology", 1.6, 0.98,
        code="SUN-RTG")
    add(bfm, "Piteå", "Röntgen Piteå älvdals sjukhus", "radiology", 0.6, 1.02, code="PIT-RTG")
    add(bfm, "Gällivare", "Röntgen Gällivare sjukhus", "radiology", 0.5, 1.0, code="GAL-RTG")
    add(bfm, "Sunderby", "Klinisk fysiologi Sunderby sjukhus", "clinical_physiology", 1.2, 0.96,
        code="SUN-KFY")
    pc = {"funding_mode": "capitation", "agency_base_pu": 0.10}
    add(plb, "Sunderby", "Hälsocentralen Hertsön (Luleå)", "primary_care", 0.9, 1.0,
        code="HER", capitation_pu=1.01, **pc)
    add(plb, "Sunderby", "Hälsocentralen Örnäset (Luleå)", "primary_care", 0.8, 0.99,
        code="ORN", capitation_pu=0.99, **pc)
    add(plb, "Sunderby", "Hälsocentralen Boden", "primary_care", 1.0, 1.0, code="BOD",
        capitation_pu=1.0, **pc)
    add(ppa, "Piteå", "Hälsocentralen Piteå centrum", "primary_care", 1.0, 1.01, code="PIT",
        capitation_pu=1.02, **pc)
    add(ppa, "Piteå", "Hälsocentralen Älvsbyn", "primary_care", 0.45, 0.98, code="ALV",
        capitation_pu=0.97, **pc)
    add(pos, "Kalix", "Hälsocentralen Kalix", "primary_care", 0.7, 1.0, code="KAL",
        capitation_pu=1.0, **pc)
    add(pos, "Kalix", "Hälsocentralen Haparanda", "primary_care", 0.5, 0.97, code="HAP",
        capitation_pu=0.98, **pc)
    add(pmt, "Gällivare", "Hälsocentralen Gällivare", "primary_care", 0.7, 0.96, code="GAL",
        capitation_pu=0.97, **{**pc, "agency_base_pu": 0.14})
    add(pmt, "Kiruna", "Hälsocentralen Kiruna", "primary_care", 0.8, 0.97, code="KIR",
        capitation_pu=0.98, **{**pc, "agency_base_pu": 0.14})
    add(pmt, "Gällivare", "Hälsocentralen Pajala", "primary_care", 0.25, 0.95, code="PAJ",
        capitation_pu=0.96, actuals_missing_weeks=("2026-W21", "2026-W22", "2026-W46"),
        **{**pc, "agency_base_pu": 0.18})
    add(pmt, "Gällivare", "Hälsocentralen Jokkmokk", "primary_care", 0.25, 0.96, code="JOK",
        capitation_pu=0.97, **{**pc, "agency_base_pu": 0.18})
    add(rgm, "Sunderby", "Habiliteringen Norrbotten", "habilitation", 1.5, 0.97, code="HAB")
    add(rgm, "Sunderby", "Digitala vårdmottagningen", "digital_clinic", 1.0, 1.05, code="DIG")
    frames = (
        # RS regionbidrag 2025 9 854.5 mnkr [002:2484-2522] uprated by LPIK 2026 3.1 %.
        FrameSpec("NLL-RS", frame_sek=round(9_854.5e6 * 1.031, -5)),
        FrameSpec(dnv, fit_pu=1.01, efficiency_pu=0.005),
        FrameSpec(dos, fit_pu=0.955),
        FrameSpec(dps, fit_pu=1.0),
        FrameSpec(ddm, fit_pu=1.02),
        FrameSpec(dpv, fit_pu=1.0),
        FrameSpec(rgm, fit_pu=1.01),
    )
    return RegionSpec(
        name="Region Norrbotten (demo)", county="Norrbottens län",
        nodes=(root, rs, *divs, *areas), units=tuple(units), frames=frames,
        population_scenarios=norrbotten_scenarios(), history_population_scenario="region",
    )


def vasterbotten_spec() -> RegionSpec:
    """A small instance in the Västerbotten hierarchy.

    Region → förvaltning (administration) → basenhet (unit) → kostnadsställe (cost centre).
    """
    root = NodeSpec("VLL", None, "Region Västerbotten", "region", "political",
                    "regionfullmaktige")
    hsf = NodeSpec("VLL-HSF", "VLL", "Hälso- och sjukvårdsförvaltningen", "administration",
                   "strategic", "forvaltningschef")
    be = [
        NodeSpec("VLL-HSF-ORT-NUS", "VLL-HSF", "Basenhet Ortopedi NUS", "unit", "tactical",
                 "verksamhetschef"),
        NodeSpec("VLL-HSF-MED-SKE", "VLL-HSF", "Basenhet Medicin Skellefteå lasarett", "unit",
                 "tactical", "verksamhetschef"),
        NodeSpec("VLL-HSF-PSY-LYC", "VLL-HSF", "Basenhet Psykiatri Lycksele", "unit", "tactical",
                 "verksamhetschef"),
        NodeSpec("VLL-HSF-PV-UME", "VLL-HSF", "Basenhet Primärvård Umeå", "unit", "tactical",
                 "verksamhetschef"),
    ]
    cc = {"node_type": "cost_centre", "pks_level": "operative"}
    units = (
        UnitSpec("VLL-HSF-ORT-NUS-MOT", be[0].node_id, "Ortopedmottagning NUS", "orthopaedics",
                 1.2, "Umeå (NUS)", 0.95, n_care_types=3, **cc),  # type: ignore[arg-type]
        UnitSpec("VLL-HSF-ORT-NUS-OP", be[0].node_id, "Ortopedoperation och avdelning NUS",
                 "orthopaedics", 1.2, "Umeå (NUS)", 0.97, **cc),  # type: ignore[arg-type]
        UnitSpec("VLL-HSF-MED-SKE-AVD", be[1].node_id, "Medicinavdelning Skellefteå",
                 "medicine", 1.2, "Skellefteå", 1.0, **cc),  # type: ignore[arg-type]
        UnitSpec("VLL-HSF-MED-SKE-AKM", be[1].node_id, "Akutmottagning Skellefteå", "emergency",
                 0.7, "Skellefteå", 1.0, **cc),  # type: ignore[arg-type]
        UnitSpec("VLL-HSF-PSY-LYC-OV", be[2].node_id, "Psykiatrisk öppenvård Lycksele",
                 "psychiatry_outpatient", 0.5, "Lycksele", 0.95, agency_base_pu=0.15,
                 **cc),  # type: ignore[arg-type]
        UnitSpec("VLL-HSF-PSY-LYC-SV", be[2].node_id, "Psykiatrisk slutenvård Lycksele",
                 "psychiatry_inpatient", 0.6, "Lycksele", 1.0, **cc),  # type: ignore[arg-type]
        UnitSpec("VLL-HSF-PV-UME-ALI", be[3].node_id, "Hälsocentral Ålidhem", "primary_care",
                 0.9, "Umeå", 1.0, funding_mode="capitation", agency_base_pu=0.14,
                 **cc),  # type: ignore[arg-type]
        UnitSpec("VLL-HSF-PV-UME-TEG", be[3].node_id, "Hälsocentral Teg", "primary_care", 0.8,
                 "Umeå", 0.97, funding_mode="capitation", agency_base_pu=0.14,
                 actuals_missing_weeks=("2026-W46",), **cc),  # type: ignore[arg-type]
    )
    frames = (
        FrameSpec("VLL-HSF", fit_pu=0.99),
        # the primary-care basenhet is a result unit financed by capitation: no frame
        *(FrameSpec(b.node_id, fit_pu=f) for b, f in zip(be[:3], (0.97, 1.0, 1.0), strict=True)),
    )
    lpik = tuple((y, k, v) for y, k, v in LPIK_NORRBOTTEN)
    return RegionSpec(
        name="Region Västerbotten (exempel)", county="Västerbottens län",
        nodes=(root, hsf, *be), units=units, frames=frames,
        population_scenarios=vasterbotten_scenarios(), history_population_scenario="scb",
        plan_years=2, lpik=lpik,
    )


def sized_spec(n_units: int, n_care_types: int = 5) -> RegionSpec:
    """A benchmark region with ``n_units`` producing units of ``n_care_types`` (1–10) each.

    Units are spread over divisions of about 25 units and areas of 5, the five hospital
    sites in turn; sizes and staffing follow a fixed deterministic pattern.
    """
    if not 1 <= n_care_types <= len(GENERIC_PROFILE):
        raise ValueError(f"n_care_types must be 1..{len(GENERIC_PROFILE)}")
    if n_units < 1:
        raise ValueError("n_units must be positive")
    root = NodeSpec("REG", None, f"Benchmarkregion {n_units}×{n_care_types}", "region",
                    "political", "regionfullmaktige")
    board = NodeSpec("REG-RS", "REG", "Regionstyrelsen", "board", "political", "regionstyrelse")
    n_div = max(1, (n_units + 24) // 25)
    n_area = max(1, (n_units + 4) // 5)
    divs = [NodeSpec(f"REG-RS-D{d:02d}", "REG-RS", f"Division {d + 1}", "division", "strategic",
                     "divisionschef") for d in range(n_div)]
    areas = [NodeSpec(f"{divs[a * n_div // n_area].node_id}-A{a:03d}",
                      divs[a * n_div // n_area].node_id, f"Verksamhetsområde {a + 1}", "area",
                      "tactical", "verksamhetschef") for a in range(n_area)]
    units = []
    for u in range(n_units):
        area = areas[u * n_area // n_units]
        size = 0.5 + ((u * 37) % 20) / 10.0
        staffing = 0.93 + ((u * 53) % 13) / 100.0
        units.append(UnitSpec(f"{area.node_id}-U{u:04d}", area.node_id, f"Enhet {u + 1}",
                              "generic", size, HOSPITALS[u % 5], staffing,
                              n_care_types=n_care_types))
    frames = (FrameSpec("REG-RS", fit_pu=1.0),
              *(FrameSpec(d.node_id, fit_pu=0.97 if i % 3 == 0 else 1.01)
                for i, d in enumerate(divs)))
    return RegionSpec(name=root.name, county="Norrbottens län", nodes=(root, board, *divs, *areas),
                      units=tuple(units), frames=frames,
                      population_scenarios=norrbotten_scenarios(),
                      history_population_scenario="region")


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
    return _Lines(
        unit_idx=np.array(unit_idx, dtype=int),
        profiles=tuple(profs),
        care_type=np.array([p.care_type for p in profs], dtype=object),
        per_week=np.array([p.per_week for p in profs]) * size * spec.volume_scale
        * jitter[:, 0],
        los=np.round(np.array([p.los_days for p in profs]) * jitter[:, 1], 1),
        theatre_h=np.round(np.array([p.theatre_h for p in profs]) * jitter[:, 2], 2),
        hours=np.round(np.array([p.hours for p in profs])[:, PROFILE_TO_STAFF]
                       * jitter[:, 3:4], 2),
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
    nu = len(units)
    lines = _lines(spec, _rng(seed, "structure"))
    nl = len(lines.unit_idx)
    # The round-trip rounding the CSV applies is applied here, so the frames equal the files.
    lines_age = _round_shares(lines.age_share)
    sex_share = lines_age.sum(axis=2)  # (line, sex)

    # ---------------------------------------------------------------- population
    population = project(spec.county, spec.population_scenarios, spec.population_last_year)
    demo_factor = _demographic_factors(population, spec, lines_age)  # (line, year) dict

    # ---------------------------------------------------------------- calendar
    burn_in = weeks_of_year(spec.history_first_year - 1)
    all_weeks = spec.all_weeks
    sim_weeks = burn_in + week_range(f"{spec.history_first_year}-W01", spec.as_of_week)
    cal_weeks = burn_in + all_weeks
    wd = cal.workday_fraction(cal_weeks)
    vac = cal.vacation_share(cal_weeks)
    summer = cal.summer_weight(cal_weeks)
    xmas = cal.christmas_weight(cal_weeks)
    winter = cal.winter_wave(cal_weeks)
    wn = cal.week_numbers(cal_weeks)

    # staff availability per unit × category × week
    rs = _rng(seed, "availability")
    unit_vac_scale = rs.uniform(0.92, 1.08, size=(nu, 1, 1))
    unit_sick_scale = rs.uniform(0.8, 1.25, size=(nu, 4, 1))
    vac_ucw = np.clip(vac[None, None, :] * VACATION_SCALE[None, :, None] * unit_vac_scale,
                      0.0, 0.6)
    vac_ucw = np.round(vac_ucw, 3)
    sick_ucw = SICK_BASE[None, :, None] * unit_sick_scale * (1.0 + 0.25 * winter[None, None, :])
    sick_ucw = np.round(sick_ucw, 3)
    holiday = (summer > 0) | (xmas > 0)
    train_ucw = np.where(holiday[None, None, :], 0.005, TRAINING_BASE[None, :, None]
                         * np.ones((nu, 1, 1)))
    train_ucw = np.round(train_ucw, 3)
    avail_ucw = 1.0 - vac_ucw - sick_ucw - train_ucw  # share of contracted time at work

    # ---------------------------------------------------------------- demand means
    yf = cal.year_fraction(cal_weeks, spec.budget_year)
    years_of_week = np.array([int(w[:4]) for w in cal_weeks])
    rt = _rng(seed, "trend")
    unit_trend = spec.trend_pu_per_year + rt.normal(0.0, 0.008, size=nu)
    trend = (1.0 + unit_trend[lines.unit_idx, None]) ** yf[None, :]
    demo = _weekly_demo(demo_factor, yf, spec.budget_year)
    elective_season = wd * (1.0 - 0.22 * summer) * (1.0 - 0.25 * xmas)
    acute_season = (1.0 + 0.06 * winter) * (1.0 - 0.05 * summer)
    season = np.where(lines.acute[:, None], acute_season[None, :], elective_season[None, :])
    season = season / season.mean(axis=1, keepdims=True)
    ref_mean_line = lines.per_week[:, None] * trend * demo * season  # (line, week)

    # ---------------------------------------------------------------- capacity
    staffing = np.array([u.staffing_pu for u in units])
    unit_of_line = lines.unit_idx
    by_year = {y: years_of_week == y for y in sorted(set(years_of_week))}
    budget_mask = by_year[spec.budget_year]
    annual_cases_budget = (lines.per_week[:, None] * trend * demo)[:, budget_mask].mean(axis=1) \
        * WEEKS_PER_YEAR
    bed_days_week = np.zeros(nu)
    theatre_week = np.zeros(nu)
    np.add.at(bed_days_week, unit_of_line, annual_cases_budget / WEEKS_PER_YEAR * lines.los)
    np.add.at(theatre_week, unit_of_line, annual_cases_budget / WEEKS_PER_YEAR * lines.theatre_h)
    is_psych = np.array([u.profile.startswith("psych") for u in units])
    beds_normal = np.where(bed_days_week > 0, np.ceil(bed_days_week / 7.0 / 0.87), 0.0)
    closure = np.where(is_psych[:, None], 0.15, 0.30) * summer[None, :] + 0.15 * xmas[None, :]
    beds_w = np.round(beds_normal[:, None] * (1.0 - closure))
    theatre_normal = np.round(theatre_week / 0.85 * 2.0) / 2.0
    theatre_cut = 0.5 * summer + 0.4 * xmas
    theatre_w = np.round(theatre_normal[:, None] * (1.0 - theatre_cut[None, :]) * wd[None, :]
                         * 2.0) / 2.0

    # capacity factor of each line by week (normalised to 1 over the year)
    staff_factor = avail_ucw.mean(axis=1) * wd[None, :]  # (unit, week)
    staff_factor = staff_factor / staff_factor.mean(axis=1, keepdims=True)
    bed_factor = np.where(beds_normal[:, None] > 0, beds_w / np.maximum(beds_normal[:, None], 1),
                          1.0)
    th_factor = np.where(theatre_normal[:, None] > 0,
                         theatre_w / np.maximum(theatre_normal[:, None], 0.5), 1.0)
    cap_factor = staff_factor[unit_of_line]
    uses_beds = lines.los > 0
    uses_theatre = lines.theatre_h > 0
    cap_factor = np.where(uses_beds[:, None], np.minimum(cap_factor, bed_factor[unit_of_line]),
                          cap_factor)
    cap_factor = np.where(uses_theatre[:, None],
                          np.minimum(cap_factor, th_factor[unit_of_line] * 1.05), cap_factor)
    level = (lines.per_week[:, None] * trend * demo)
    behind = np.array([u.behind_pu for u in units])[unit_of_line]
    in_budget = (years_of_week >= spec.budget_year)[None, :]
    cap_mean_line = level * staffing[unit_of_line, None] * cap_factor * np.where(
        in_budget, 1.0 - behind[:, None], 1.0)
    # 2026 winter sick-leave spike (influenza) lowers capacity in weeks 3–9 of the budget year
    flu = in_budget & (wn[None, :] >= 3) & (wn[None, :] <= 9)
    cap_mean_line = cap_mean_line * np.where(flu, 0.96, 1.0)

    # ---------------------------------------------------------------- simulation
    n_sim = len(sim_weeks)
    rsim = _rng(seed, "history")
    ref_s = (ref_mean_line[:, None, :n_sim] * sex_share[:, :, None]).reshape(nl * 2, n_sim)
    cap_s = (cap_mean_line[:, None, :n_sim] * sex_share[:, :, None]).reshape(nl * 2, n_sim)
    acute_s = np.repeat(lines.acute, 2)
    is_pc = np.array([u.profile == "primary_care" for u in units])[unit_of_line]
    buffer_weeks = np.where(is_pc, 0.6, 2.5)
    init_extra = _rng(seed, "initial").uniform(0.0, 8.0, size=nl)
    init_extra = np.where(is_pc, init_extra * 0.1, init_extra)
    mean_ref = ref_s[:, :52].mean(axis=1)
    buffer_s = np.floor(np.repeat(buffer_weeks, 2) * mean_ref)
    init_s = np.floor((np.repeat(buffer_weeks + init_extra, 2)) * mean_ref)
    guarantee_weeks = np.array([13 if p.stage in ("first_visit", "treatment") else 0
                                for p in lines.profiles])
    sim = simulate(ref_s, cap_s, acute_s, buffer_s, init_s, np.repeat(guarantee_weeks, 2),
                   rsim)
    n_burn = len(burn_in)
    n_hist = len(spec.history_weeks)

    def series_frame(cols: slice, weeks: list[str]) -> pd.DataFrame:
        """Rows in key order (unit, care type, week, sex) from the (line × sex, week) arrays."""
        k = len(weeks)

        def flat(a: np.ndarray) -> np.ndarray:
            return a[:, cols].reshape(nl, 2, k).transpose(0, 2, 1).reshape(-1)

        return pd.DataFrame({
            "unit_id": np.repeat(np.array([units[i].node_id for i in unit_of_line]), 2 * k),
            "care_type": np.repeat(lines.care_type, 2 * k),
            "week": np.tile(np.repeat(np.array(weeks), 2), nl),
            "sex": np.tile(np.array(SEXES), nl * k),
            "referrals_cases": flat(sim.referrals),
            "production_cases": flat(sim.production),
            "waiting_list_cases": flat(sim.waiting),
            "waiting_over_guarantee_cases": flat(sim.over_guarantee),
        })

    demand_history = series_frame(slice(n_burn, n_burn + n_hist), spec.history_weeks)
    actual_weeks = week_range(f"{spec.budget_year}-W01", spec.as_of_week)
    actuals_production = series_frame(slice(n_burn + n_hist, n_sim), actual_weeks)

    # ---------------------------------------------------------------- staffing
    ru = _rng(seed, "staffing")
    hours = lines.hours
    req_h = np.zeros((nu, 4))
    np.add.at(req_h, unit_of_line, annual_cases_budget[:, None] * hours)
    mean_avail = avail_ucw[:, :, budget_mask].mean(axis=2)
    fte_need = req_h / (CONTRACTED_H[None, :] * mean_avail * UTILISATION_TARGET)
    fte_target = np.round(fte_need * staffing[:, None], 1)
    malm = np.array([u.kpp_exception or u.site in ("Gällivare", "Kiruna") for u in units])
    cost_fte = np.round(COST_PER_FTE[None, :] * np.where(malm, 1.04, 1.0)[:, None]
                        * ru.uniform(0.97, 1.03, size=(nu, 4)), -3)
    weekly_req = req_h / WEEKS_PER_YEAR
    agency_max = np.round(weekly_req * np.array([0.25, 0.08, 0.12, 0.10])[None, :], 0)
    recruit = np.round(np.maximum(0.5, fte_target * 0.15), 1)
    attrition = np.round(ATTRITION[None, :] + np.where(malm, 0.02, 0.0)[:, None]
                         + ru.uniform(-0.01, 0.01, size=(nu, 4)), 3)

    # ---------------------------------------------------------------- economy
    hourly = cost_fte / CONTRACTED_H[None, :]
    internal_cost_line = (hours * hourly[unit_of_line]).sum(axis=1) + np.array(
        [p.var_cost_sek for p in lines.profiles])
    var_cost = np.round(np.array([p.var_cost_sek for p in lines.profiles])
                        * ru.uniform(0.9, 1.1, size=nl), -1)
    revenue = np.array([p.revenue_sek for p in lines.profiles])
    ext_factor = np.array([p.ext_factor for p in lines.profiles])
    ext_price = np.round(ext_factor * internal_cost_line * 1.15, -2)  # 1.15: fixed-cost share
    ext_cap = np.where(ext_factor > 0, np.round(annual_cases_budget / WEEKS_PER_YEAR * 0.15, 1),
                       0.0)
    staff_cost = (fte_target * cost_fte).sum(axis=1)
    staff_cost_full = ((fte_need * cost_fte).sum(axis=1))
    var_total = np.zeros(nu)
    rev_total = np.zeros(nu)
    np.add.at(var_total, unit_of_line, annual_cases_budget * var_cost)
    np.add.at(rev_total, unit_of_line, annual_cases_budget * revenue)
    fixed = np.round(0.12 * staff_cost + 350_000.0 * beds_normal + 150_000.0 * theatre_normal,
                     -3)
    capitation = np.array([u.funding_mode == "capitation" for u in units])
    cap_pu = np.array([u.capitation_pu for u in units])
    cap_rev = np.where(capitation, np.round((staff_cost_full + var_total + fixed - rev_total)
                                            * cap_pu, -3), 0.0)
    cost_demand_met = staff_cost_full + var_total + fixed - rev_total - cap_rev
    # a capitation unit's surplus is its own (result unit, R-33); only a deficit is framed
    # (the appropriation for extra missions in sparsely populated areas, [001:171-175])
    cost_framed = np.where(capitation, np.maximum(cost_demand_met, 0.0), cost_demand_met)
    staff_share = staff_cost_full / np.maximum(staff_cost_full + var_total + fixed, 1.0)

    # ---------------------------------------------------------------- assemble tables
    uid = np.array([u.node_id for u in units])
    org_nodes = _org_nodes(spec)
    care_types = pd.DataFrame({
        "unit_id": uid[unit_of_line],
        "care_type": lines.care_type,
        "care_type_kind": [p.kind for p in lines.profiles],
        "acute": lines.acute,
        "guarantee_stage": [p.stage for p in lines.profiles],
        "mean_los_days": lines.los,
        "theatre_h_per_case": lines.theatre_h,
        "drg_weight": np.round(np.array([p.drg for p in lines.profiles])
                               * np.where(uses_beds, lines.los / np.maximum(
                                   [p.los_days or 1.0 for p in lines.profiles], 0.1), 1.0), 3),
        "variable_cost_sek_per_case": var_cost,
        "revenue_sek_per_case": revenue,
        "external_price_sek_per_case": ext_price,
        "external_cases_per_week_max": ext_cap,
    })
    prio_rows = []
    for k, p in enumerate(lines.profiles):
        for cls, (share, wait) in enumerate(p.priorities, start=1):
            prio_rows.append((uid[unit_of_line[k]], p.care_type, cls, share, wait))
    care_type_priorities = pd.DataFrame(prio_rows, columns=[
        "unit_id", "care_type", "priority_class", "share_pu", "max_wait_days"])
    staff_categories = pd.DataFrame({
        "staff_category": [c[0] for c in STAFF_CATEGORIES],
        "name_sv": [c[1] for c in STAFF_CATEGORIES],
        "name_en": [c[2] for c in STAFF_CATEGORIES],
        "contracted_h_per_fte_year": CONTRACTED_H,
    })
    resource_use = pd.DataFrame({
        "unit_id": np.repeat(uid[unit_of_line], 4),
        "care_type": np.repeat(lines.care_type, 4),
        "staff_category": np.tile(np.array(STAFF), nl),
        "staff_h_per_case": hours.reshape(-1),
    })
    resource_use = resource_use[resource_use["staff_h_per_case"] > 0]
    staffing_tbl = pd.DataFrame({
        "unit_id": np.repeat(uid, 4),
        "staff_category": np.tile(np.array(STAFF), nu),
        "staffing_target_fte": fte_target.reshape(-1),
        "cost_sek_per_fte_year": cost_fte.reshape(-1),
        "overtime_cost_factor_pu": np.tile(OVERTIME_FACTOR, nu),
        "overtime_h_per_fte_year_max": 200.0,
        "agency_cost_factor_pu": np.tile(AGENCY_FACTOR, nu),
        "agency_h_per_week_max": agency_max.reshape(-1),
        "recruitment_fte_per_year_max": recruit.reshape(-1),
        "attrition_pu_per_year": attrition.reshape(-1),
    })
    out_mask = np.array([w >= f"{spec.history_first_year}-W01" for w in cal_weeks])
    out_weeks = [w for w, m in zip(cal_weeks, out_mask, strict=True) if m]
    nw = len(out_weeks)
    staff_availability = pd.DataFrame({
        "unit_id": np.repeat(uid, 4 * nw),
        "staff_category": np.tile(np.repeat(np.array(STAFF), nw), nu),
        "week": np.tile(np.array(out_weeks), nu * 4),
        "vacation_pu": vac_ucw[:, :, out_mask].reshape(-1),
        "sick_leave_pu": sick_ucw[:, :, out_mask].reshape(-1),
        "training_pu": train_ucw[:, :, out_mask].reshape(-1),
    })
    unit_capacity = pd.DataFrame({
        "unit_id": np.repeat(uid, nw),
        "week": np.tile(np.array(out_weeks), nu),
        "staffed_beds": beds_w[:, out_mask].reshape(-1),
        "theatre_h_per_week": theatre_w[:, out_mask].reshape(-1),
    })
    unit_finance = pd.DataFrame({
        "unit_id": uid,
        "funding_mode": np.where(capitation, "capitation", "frame"),
        "fixed_cost_sek_per_year": fixed,
        "capitation_revenue_sek_per_year": cap_rev,
        "kpp_exception": np.array([u.kpp_exception for u in units], dtype=bool),
    })
    demand_age_profile = pd.DataFrame({
        "unit_id": np.repeat(uid[unit_of_line], 2 * len(AGE_BANDS)),
        "care_type": np.repeat(lines.care_type, 2 * len(AGE_BANDS)),
        "sex": np.tile(np.repeat(np.array(SEXES), len(AGE_BANDS)), nl),
        "age_band": np.tile(np.array(AGE_BANDS), 2 * nl),
        "share_pu": lines_age.reshape(-1),
    })
    cost_indices = pd.DataFrame(list(spec.lpik), columns=["year", "cost_type", "uprating_pu"])
    budget_frames = _budget_frames(spec, uid, cost_framed, staff_share, cost_indices)
    targets = _targets(spec)

    # ---------------------------------------------------------------- actuals
    act_idx = np.array([i for i, w in enumerate(cal_weeks) if w in set(actual_weeks)])
    actuals_staff, actuals_unit = _actuals(
        spec, _rng(seed, "actuals"), uid, actual_weeks, act_idx, fte_target, cost_fte,
        vac_ucw, sick_ucw, train_ucw, winter, wn, sim.production[:, n_burn + n_hist:],
        lines, hours, beds_w, var_cost, revenue, fixed, malm)
    missing = {(u.node_id, w) for u in units for w in u.actuals_missing_weeks}
    if missing:
        def drop(df: pd.DataFrame) -> pd.DataFrame:
            keys = pd.Series(list(zip(df["unit_id"], df["week"], strict=True)), index=df.index)
            return df[~keys.isin(missing)].reset_index(drop=True)
        actuals_production = drop(actuals_production)
        actuals_staff = drop(actuals_staff)
        actuals_unit = drop(actuals_unit)

    tables = {
        "org_nodes": org_nodes,
        "care_types": care_types,
        "care_type_priorities": care_type_priorities,
        "staff_categories": staff_categories,
        "resource_use": resource_use,
        "staffing": staffing_tbl,
        "staff_availability": staff_availability,
        "unit_capacity": unit_capacity,
        "unit_finance": unit_finance,
        "demand_history": demand_history,
        "demand_age_profile": demand_age_profile,
        "population": population,
        "budget_frames": budget_frames,
        "cost_indices": cost_indices,
        "targets": targets,
        "actuals_production": actuals_production,
        "actuals_staff": actuals_staff,
        "actuals_unit": actuals_unit,
    }
    return PlanningData.from_tables({k: _finish(k, v) for k, v in tables.items()})


def _mask(weeks: list[str], year: int) -> np.ndarray:
    return np.array([w.startswith(f"{year}-") for w in weeks])


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


def _actuals(spec: RegionSpec, rng: np.random.Generator, uid: np.ndarray, weeks: list[str],
             idx: np.ndarray, fte: np.ndarray, cost_fte: np.ndarray, vac: np.ndarray,
             sick: np.ndarray, train: np.ndarray, winter: np.ndarray, wn: np.ndarray,
             production_s: np.ndarray, lines: _Lines, hours: np.ndarray, beds_w: np.ndarray,
             var_cost: np.ndarray, revenue: np.ndarray, fixed: np.ndarray,
             malm: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Staff and unit actuals of the budget year consistent with the simulated production."""
    nu = len(uid)
    nw = len(weeks)
    prod_line = production_s.reshape(-1, 2, nw).sum(axis=1)  # (line, week)
    req = np.zeros((nu, 4, nw))
    np.add.at(req, lines.unit_idx, prod_line[:, None, :] * hours[:, :, None])
    vacancy = rng.uniform(0.0, 0.06, size=(nu, 4)) + np.where(malm, 0.04, 0.0)[:, None]
    fte_act = fte * (1.0 - vacancy)
    contracted_w = fte_act[:, :, None] * (np.array([c[3] for c in STAFF_CATEGORIES])
                                          / WEEKS_PER_YEAR)[None, :, None]
    flu = ((wn[idx] >= 3) & (wn[idx] <= 9)).astype(float)
    sick_act = sick[:, :, idx] * (1.0 + 0.35 * flu[None, None, :]) * rng.lognormal(
        0.0, 0.12, size=(nu, 4, nw))
    sick_act = np.minimum(sick_act, 0.4)
    at_work = np.maximum(1.0 - vac[:, :, idx] - sick_act - train[:, :, idx], 0.05)
    worked = contracted_w * at_work
    sick_h = contracted_w * sick_act
    shortfall = np.maximum(req - worked * 0.95, 0.0)
    agency_base = np.array([u.agency_base_pu for u in _sorted_units(spec)])
    base_share = np.stack([agency_base, agency_base * 0.03, agency_base * 0.07,
                           agency_base * 0.04], axis=1)
    overtime_cap = fte_act[:, :, None] * 200.0 / WEEKS_PER_YEAR * 2.0
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
    # beds: occupied bed-days ≈ admissions × LOS (Little's law), daily variation ~ Poisson
    bed_days = np.zeros((nu, nw))
    np.add.at(bed_days, lines.unit_idx, prod_line * lines.los[:, None])
    # a stay spans weeks: smooth admissions with weight 7 / (LOS + 7) on the current week
    occ_line = np.empty_like(prod_line)
    alpha = np.minimum(1.0, 7.0 / (lines.los + 7.0))[:, None]
    state = prod_line[:, :1].copy()
    for w in range(nw):
        state = alpha * prod_line[:, w:w + 1] + (1.0 - alpha) * state
        occ_line[:, w:w + 1] = state
    np.add.at(bed_days := np.zeros((nu, nw)), lines.unit_idx, occ_line * lines.los[:, None])
    occ = bed_days / 7.0
    beds = beds_w[:, idx]
    sd = np.sqrt(np.maximum(occ, 1e-9)) * 1.2
    z = (occ - beds) / sd
    expected_excess = (occ - beds) * norm.cdf(z) + sd * norm.pdf(z)
    overflow = np.where(occ > 0, 7.0 * expected_excess, 0.0)
    hourly = cost_fte / (np.array([c[3] for c in STAFF_CATEGORIES])[None, :])
    staff_cost = (fte_act * cost_fte).sum(axis=1)[:, None] / WEEKS_PER_YEAR \
        + (overtime * (hourly * OVERTIME_FACTOR[None, :])[:, :, None]).sum(axis=1) \
        + (agency * (hourly * AGENCY_FACTOR[None, :])[:, :, None]).sum(axis=1)
    var = np.zeros((nu, nw))
    np.add.at(var, lines.unit_idx, prod_line * (var_cost - revenue)[:, None])
    cost = staff_cost + var + fixed[:, None] / WEEKS_PER_YEAR
    actuals_unit = pd.DataFrame({
        "unit_id": np.repeat(uid, nw),
        "week": np.tile(np.array(weeks), nu),
        "occupied_beds": np.round(occ, 1).reshape(-1),
        "overflow_bed_days": np.round(overflow, 1).reshape(-1),
        "cost_sek": np.round(np.maximum(cost, 0.0), -2).reshape(-1),
    })
    return actuals_staff, actuals_unit


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
