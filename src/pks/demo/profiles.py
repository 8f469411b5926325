"""Clinical profiles of the synthetic units: care types, resource use, age profiles.

Every number here is an invented but plausible assumption (the seeds give no volumes, staff
hours or costs, digest §4.14); ``data/demo_region/README.md`` lists them with reasons.
A *profile* is a specialty template; a unit = profile × size factor × site.
"""

from __future__ import annotations

from dataclasses import dataclass

STAFF = ("lakare", "sjukskoterska", "underskoterska", "ovriga")
AGE_BANDS = ("0-17", "18-44", "45-64", "65-79", "80+")

# Inpatient ward hours per bed-day (läkare, ssk, usk, övriga): a ward runs 24/7, roughly
# 1.1–1.3 FTE nurses and assistant nurses per staffed bed.
WARD_H_PER_BED_DAY = (0.7, 4.6, 5.0, 0.5)
# Hours per episode besides the bed-days (admission, discharge, documentation).
EPISODE_H = (1.2, 1.0, 0.5, 0.6)


@dataclass(frozen=True)
class CareTypeProfile:
    """Template of one production line (care type) of a profile.

    ``per_week`` is the mean weekly demand of a unit of size 1. ``hours`` is staff hours per
    case (läkare, sjuksköterska, undersköterska, övriga); inpatient kinds add the ward
    hours per bed-day × LOS. ``ext_factor`` is the purchased-care price relative to the
    internal full cost per case (0 = not purchasable).
    """

    care_type: str
    kind: str
    acute: bool
    stage: str
    per_week: float
    los_days: float = 0.0
    theatre_h: float = 0.0
    drg: float = 0.1
    var_cost_sek: float = 400.0
    revenue_sek: float = 300.0
    ext_factor: float = 0.0
    hours: tuple[float, float, float, float] = (0.5, 0.4, 0.1, 0.2)
    age: str = "adult"
    priorities: tuple[tuple[float, int], ...] = ((0.15, 14), (0.45, 60), (0.40, 120))


def fv(per_week: float, hours: tuple[float, float, float, float] = (0.9, 0.5, 0.2, 0.3), *,
       age: str = "adult", drg: float = 0.15, ext: float = 0.0, stage: str = "first_visit",
       var: float = 600.0) -> CareTypeProfile:
    """First visit (nybesök), elective, first-visit guarantee."""
    return CareTypeProfile("first_visit", "first_visit", False, stage, per_week, drg=drg,
                           var_cost_sek=var, revenue_sek=300.0, ext_factor=ext, hours=hours,
                           age=age, priorities=((0.15, 14), (0.45, 60), (0.40, 120)))


def rv(per_week: float, hours: tuple[float, float, float, float] = (0.6, 0.4, 0.1, 0.2), *,
       age: str = "adult", drg: float = 0.1) -> CareTypeProfile:
    """Return visit (återbesök), elective, no guarantee step."""
    return CareTypeProfile("return_visit", "return_visit", False, "none", per_week, drg=drg,
                           var_cost_sek=400.0, revenue_sek=300.0, hours=hours, age=age,
                           priorities=((0.10, 30), (0.50, 90), (0.40, 180)))


def dv(per_week: float, hours: tuple[float, float, float, float] = (0.3, 0.3, 0.0, 0.1), *,
       age: str = "adult") -> CareTypeProfile:
    """Digital visit (digitalt vårdbesök), elective, no guarantee step."""
    return CareTypeProfile("digital_visit", "digital_visit", False, "none", per_week, drg=0.05,
                           var_cost_sek=100.0, revenue_sek=150.0, hours=hours, age=age,
                           priorities=((0.10, 7), (0.50, 30), (0.40, 60)))


def op(per_week: float, theatre_h: float, los: float, drg: float, var: float, *,
       ext: float = 1.35, age: str = "adult", care_type: str = "operation") -> CareTypeProfile:
    """Elective operation (procedure in theatre), treatment guarantee."""
    lak = 1.0 + 1.6 * theatre_h
    ssk = 1.0 + 2.2 * theatre_h
    usk = 0.5 + 1.0 * theatre_h
    ward = tuple(h * los for h in WARD_H_PER_BED_DAY)
    hours = (lak + ward[0], ssk + ward[1], usk + ward[2], 0.6 + ward[3])
    return CareTypeProfile(care_type, "procedure", False, "treatment", per_week, los_days=los,
                           theatre_h=theatre_h, drg=drg, var_cost_sek=var + 1_200.0 * los,
                           revenue_sek=100.0 * los + 200.0, ext_factor=ext,
                           hours=hours, age=age,
                           priorities=((0.20, 30), (0.50, 90), (0.30, 180)))


def ip(per_week: float, los: float, drg: float, *, acute: bool = True, age: str = "adult",
       care_type: str | None = None, day_var: float = 1_500.0) -> CareTypeProfile:
    """Inpatient episode (vårdtillfälle); acute by default."""
    lak, ssk, usk, ovr = (e + w * los for e, w in zip(EPISODE_H, WARD_H_PER_BED_DAY, strict=True))
    hours = (lak, ssk, usk, ovr)
    name = care_type or ("inpatient_acute" if acute else "inpatient_elective")
    prio = ((1.0, 0),) if acute else ((0.30, 30), (0.50, 90), (0.20, 180))
    return CareTypeProfile(name, "inpatient_episode", acute, "none" if acute else "treatment",
                           per_week, los_days=los, drg=drg, var_cost_sek=day_var * los,
                           revenue_sek=100.0 * los, hours=hours, age=age,
                           priorities=prio)


def av(per_week: float, hours: tuple[float, float, float, float] = (1.0, 1.2, 0.8, 0.3), *,
       age: str = "adult", drg: float = 0.2, care_type: str = "acute_visit",
       kind: str = "first_visit") -> CareTypeProfile:
    """Acute visit (akutbesök), not waitlisted."""
    return CareTypeProfile(care_type, kind, True, "none", per_week, drg=drg,
                           var_cost_sek=900.0, revenue_sek=300.0, hours=hours, age=age,
                           priorities=((1.0, 0),))


def exam(per_week: float, acute: bool, hours: tuple[float, float, float, float], *,
         age: str = "adult") -> CareTypeProfile:
    """Diagnostic examination (röntgen, fysiologi) as a procedure without theatre."""
    name = "examination_acute" if acute else "examination"
    prio = ((1.0, 0),) if acute else ((0.25, 14), (0.45, 30), (0.30, 90))
    return CareTypeProfile(name, "procedure", acute, "none", per_week, drg=0.05,
                           var_cost_sek=500.0, revenue_sek=0.0, hours=hours, age=age,
                           priorities=prio)


_PSY_FV = (1.5, 1.0, 0.0, 1.5)
_PSY_RV = (0.4, 0.8, 0.0, 1.2)
_PC_FV = (0.6, 0.2, 0.1, 0.15)
_PC_RV = (0.1, 0.6, 0.2, 0.1)
_PC_AV = (0.5, 0.4, 0.2, 0.1)

PROFILES: dict[str, tuple[CareTypeProfile, ...]] = {
    "medicine": (fv(25, ext=0.0), rv(60), dv(15), ip(55, 4.6, 0.9, age="geriatric")),
    "cardiology": (fv(20), rv(50),
                   op(12, 1.5, 1.0, 1.6, 12_000.0, ext=1.3, care_type="operation"),
                   ip(30, 3.5, 1.0, age="geriatric")),
    "emergency": (av(500, age="all"),),
    "geriatrics": (fv(8, age="old"), rv(10, age="old"), ip(20, 8.0, 1.1, age="old")),
    "rehabilitation": (fv(6), rv(20), ip(6, 18.0, 2.5, acute=False)),
    "paediatrics": (fv(15, age="child"), rv(30, age="child"), dv(5, age="child"),
                    ip(15, 2.5, 0.6, age="child")),
    "oncology": (fv(10, (1.2, 0.8, 0.2, 0.4)), rv(60, (0.7, 0.5, 0.1, 0.2)),
                 CareTypeProfile("treatment", "procedure", False, "treatment", 80.0, drg=0.4,
                                 var_cost_sek=9_000.0, revenue_sek=0.0, hours=(0.3, 2.5, 0.8, 0.2),
                                 priorities=((0.5, 14), (0.4, 30), (0.1, 60))),
                 ip(8, 5.0, 1.3)),
    "surgery": (fv(30, ext=1.4), rv(35), dv(10),
                op(25, 2.0, 1.0, 1.2, 9_000.0, ext=1.35), ip(30, 3.0, 0.8)),
    "orthopaedics": (fv(35, ext=1.4), rv(40), dv(8),
                     op(20, 2.2, 2.5, 1.6, 22_000.0, ext=1.3), ip(18, 4.5, 1.4, age="old")),
    "urology": (fv(20, ext=1.4), rv(30), op(12, 1.5, 1.0, 1.0, 7_000.0, ext=1.4),
                ip(5, 3.0, 0.8, age="old")),
    "ent": (fv(25, ext=1.4, age="all"), rv(20, age="all"),
            op(10, 1.2, 0.5, 0.8, 5_000.0, ext=1.45, age="all"),
            av(10, (0.6, 0.4, 0.2, 0.1), age="all")),
    "ophthalmology": (fv(30, ext=1.3, age="old"), rv(60, age="old"), dv(10, age="old"),
                      op(35, 0.5, 0.0, 0.5, 4_000.0, ext=1.25, age="old")),
    "gynaecology": (fv(25, ext=1.4, age="women"), rv(30, age="women"),
                    op(10, 1.5, 1.0, 1.0, 6_000.0, ext=1.4, age="women"),
                    ip(35, 2.5, 0.7, age="maternity", care_type="inpatient_acute")),
    "psychiatry_inpatient": (fv(4, _PSY_FV, age="psych", drg=0.2),
                             rv(10, _PSY_RV, age="psych"), ip(6, 12.0, 1.8, age="psych",
                                                             day_var=900.0)),
    "psychiatry_outpatient": (fv(12, _PSY_FV, age="psych", drg=0.2, ext=1.3),
                              rv(80, _PSY_RV, age="psych"), dv(20, age="psych"),
                              av(8, (1.0, 1.0, 0.0, 0.8), age="psych")),
    "child_psychiatry": (fv(8, _PSY_FV, age="child", drg=0.2), rv(50, _PSY_RV, age="child"),
                         dv(10, age="child")),
    "radiology": (exam(250, False, (0.3, 0.6, 0.1, 0.2), age="all"),
                  exam(150, True, (0.3, 0.6, 0.1, 0.2), age="all")),
    "clinical_physiology": (exam(60, False, (0.5, 0.8, 0.1, 0.3), age="old"),
                            exam(10, True, (0.5, 0.8, 0.1, 0.3), age="old")),
    "primary_care": (fv(120, _PC_FV, age="all", stage="none", var=300.0),
                     rv(200, _PC_RV, age="all"), dv(80, (0.15, 0.25, 0.0, 0.05), age="all"),
                     av(60, _PC_AV, age="all", drg=0.1)),
    "habilitation": (fv(5, (0.8, 0.6, 0.0, 2.0), age="young"),
                     rv(40, (0.2, 0.3, 0.0, 1.5), age="young")),
    "digital_clinic": (dv(150, (0.2, 0.3, 0.0, 0.05), age="all"),
                       rv(10, (0.3, 0.3, 0.0, 0.1), age="all")),
}

# The generic profile of benchmark regions: ten production lines, the first n are used.
GENERIC_PROFILE: tuple[CareTypeProfile, ...] = (
    fv(30, ext=1.4), rv(50), ip(20, 4.0, 1.0), op(15, 1.8, 1.5, 1.3, 10_000.0),
    dv(15), av(40), ip(5, 6.0, 1.5, acute=False),
    exam(60, False, (0.3, 0.6, 0.1, 0.2)),
    op(20, 0.7, 0.0, 0.6, 4_000.0, care_type="day_surgery", ext=1.3),
    CareTypeProfile("team_visit", "return_visit", False, "none", 25.0, drg=0.15,
                    hours=(0.4, 0.8, 0.4, 1.0)),
)

# Age × sex profiles: (female shares by band, male shares by band); normalised later.
AGE_PROFILES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "adult": ((0.02, 0.16, 0.17, 0.12, 0.05), (0.02, 0.13, 0.16, 0.13, 0.04)),
    "all": ((0.10, 0.16, 0.13, 0.09, 0.05), (0.10, 0.13, 0.11, 0.09, 0.04)),
    "geriatric": ((0.00, 0.05, 0.09, 0.17, 0.19), (0.00, 0.05, 0.10, 0.18, 0.17)),
    "old": ((0.00, 0.03, 0.10, 0.20, 0.16), (0.00, 0.03, 0.10, 0.22, 0.16)),
    "child": ((0.48, 0.00, 0.00, 0.00, 0.00), (0.52, 0.00, 0.00, 0.00, 0.00)),
    "psych": ((0.03, 0.30, 0.14, 0.04, 0.01), (0.03, 0.27, 0.13, 0.04, 0.01)),
    "young": ((0.32, 0.12, 0.00, 0.00, 0.00), (0.40, 0.16, 0.00, 0.00, 0.00)),
    "women": ((0.03, 0.42, 0.32, 0.18, 0.05), (0.00, 0.00, 0.00, 0.00, 0.00)),
    "maternity": ((0.00, 0.92, 0.08, 0.00, 0.00), (0.00, 0.00, 0.00, 0.00, 0.00)),
}
