"""The committed synthetic regions and benchmark regions, as :class:`RegionSpec` objects.

- :func:`demo_spec`: the demo region, a synthetic Region Norrbotten (see
  ``data/demo_region/README.md`` for every assumption and its source);
- :func:`vasterbotten_spec`: a small instance in the Västerbotten hierarchy style;
- :func:`sized_spec`: a benchmark region of any size.
"""

from __future__ import annotations

from typing import Any, TypedDict

from pks.demo.population import norrbotten_scenarios, vasterbotten_scenarios
from pks.demo.profiles import GENERIC_PROFILE
from pks.demo.spec import LPIK_NORRBOTTEN, Calibration, FrameSpec, NodeSpec, RegionSpec, UnitSpec

HOSPITALS = ("Sunderby", "Piteå", "Kalix", "Gällivare", "Kiruna")
MALMFALTEN = ("Gällivare", "Kiruna")


class _CostCentre(TypedDict):
    """The node kind of a cost centre (keyword arguments of :class:`UnitSpec`)."""

    node_type: str
    pks_level: str


def _area(div: str, code: str, name: str, role: str = "verksamhetschef") -> NodeSpec:
    return NodeSpec(f"{div}-{code}", div, name, "area", "tactical", role)


DEMO_CALIBRATION = Calibration(
    guaranteed_buffer_weeks=1.5,
    other_buffer_weeks=0.0,
    primary_care_buffer_weeks=0.0,
    initial_extra_weeks=(0.5, 3.0),
    other_initial_extra_weeks=(0.0, 0.3),
    guaranteed_slack_pu=0.08,
    other_slack_pu=0.06,
    plan_path=True,
    plan_gain=1.0 / 8.0,
    plan_max_adjust_pu=0.5,
    physician_direct_time_pu=0.45,
    agency_floor_pu=(0.01, 0.07, 0.05),
)
"""Calibration of the demo region against real Norrbotten figures; every value and its
source is in ``data/demo_region/README.md`` (section "Calibration")."""


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
    malm = MALMFALTEN
    units: list[UnitSpec] = []

    def add(area: str, site: str, name: str, profile: str, size: float, staffing: float = 1.0,
            code: str | None = None, **kw: Any) -> None:
        parent = f"{area}"
        uid = f"{parent}-{code or site_code[site]}"
        somatic = profile not in ("psychiatry_inpatient", "psychiatry_outpatient",
                                  "child_psychiatry", "primary_care")
        extra: dict[str, Any] = {"kpp_exception": site in malm and somatic,
                                 "remote": site in malm}
        if site in malm:
            extra["agency_base_pu"] = 0.06
        extra.update(kw)
        units.append(UnitSpec(uid, parent, name, profile, size, site, staffing,
                              **extra))

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
        calibration=DEMO_CALIBRATION,
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
    cc = _CostCentre(node_type="cost_centre", pks_level="operative")
    units = (
        UnitSpec("VLL-HSF-ORT-NUS-MOT", be[0].node_id, "Ortopedmottagning NUS", "orthopaedics",
                 1.2, "Umeå (NUS)", 0.95, n_care_types=3, **cc),
        UnitSpec("VLL-HSF-ORT-NUS-OP", be[0].node_id, "Ortopedoperation och avdelning NUS",
                 "orthopaedics", 1.2, "Umeå (NUS)", 0.97, **cc),
        UnitSpec("VLL-HSF-MED-SKE-AVD", be[1].node_id, "Medicinavdelning Skellefteå",
                 "medicine", 1.2, "Skellefteå", 1.0, **cc),
        UnitSpec("VLL-HSF-MED-SKE-AKM", be[1].node_id, "Akutmottagning Skellefteå", "emergency",
                 0.7, "Skellefteå", 1.0, **cc),
        UnitSpec("VLL-HSF-PSY-LYC-OV", be[2].node_id, "Psykiatrisk öppenvård Lycksele",
                 "psychiatry_outpatient", 0.5, "Lycksele", 0.95, agency_base_pu=0.15,
                 **cc),
        UnitSpec("VLL-HSF-PSY-LYC-SV", be[2].node_id, "Psykiatrisk slutenvård Lycksele",
                 "psychiatry_inpatient", 0.6, "Lycksele", 1.0, **cc),
        UnitSpec("VLL-HSF-PV-UME-ALI", be[3].node_id, "Hälsocentral Ålidhem", "primary_care",
                 0.9, "Umeå", 1.0, funding_mode="capitation", agency_base_pu=0.14,
                 **cc),
        UnitSpec("VLL-HSF-PV-UME-TEG", be[3].node_id, "Hälsocentral Teg", "primary_care", 0.8,
                 "Umeå", 0.97, funding_mode="capitation", agency_base_pu=0.14,
                 actuals_missing_weeks=("2026-W46",), **cc),
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
        site = HOSPITALS[u % 5]
        units.append(UnitSpec(f"{area.node_id}-U{u:04d}", area.node_id, f"Enhet {u + 1}",
                              "generic", size, site, staffing, n_care_types=n_care_types,
                              remote=site in MALMFALTEN))
    frames = (FrameSpec("REG-RS", fit_pu=1.0),
              *(FrameSpec(d.node_id, fit_pu=0.97 if i % 3 == 0 else 1.01)
                for i, d in enumerate(divs)))
    return RegionSpec(name=root.name, county="Norrbottens län", nodes=(root, board, *divs, *areas),
                      units=tuple(units), frames=frames,
                      population_scenarios=norrbotten_scenarios(),
                      history_population_scenario="region")
