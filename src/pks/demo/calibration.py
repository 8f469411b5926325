"""Calibration of the demo region against real Swedish figures (``data/public/se``).

Two halves, both pure:

- :func:`real_figures` reads the published figures for Region Norrbotten from the vendored
  files (waiting for an operation, beds, physician FTE, agency share of care staff, the
  national monthly share waiting ≤ 90 days);
- :func:`demo_figures` measures the same quantities on a generated region
  (:class:`~pks.data.planning_data.PlanningData`), so a test can compare the two and
  ``data/demo_region/README.md`` can list them side by side.

Definitions (demo side):

- waiting for an operation = Σ ``waiting_list_cases`` of the lines with guarantee stage
  ``treatment`` at the last history week (December 2025); the real figure is a point value
  of the SKR waiting-time statistics (2020–2021);
- physician FTE = Σ ``staffing_target_fte`` of ``lakare`` (region-employed physicians,
  SKR personnel statistics, FTE = årsarbetare);
- beds = Σ ``staffed_beds`` in an ordinary week of the budget year (week 10);
- agency share = agency hours ÷ (worked + overtime + agency hours) of the care-staff
  categories (sjuksköterska, undersköterska, läkare) in the budget year's actuals;
- share within 90 days = 1 − waiting over the guarantee ÷ waiting list of the guaranteed
  lines (``treatment``), per month of the history (last week of the month).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pks.data.planning_data import PlanningData

SE_DIR = Path(__file__).resolve().parents[3] / "data" / "public" / "se"
"""The vendored Swedish figures (``data/public/se`` of the repository)."""

REGION = "Norrbotten"
CARE_STAFF = ("lakare", "sjukskoterska", "underskoterska")
ORDINARY_WEEK = 10
"""An ordinary week (no holiday closures) for staffed beds."""
PER_1000 = 1_000.0
PER_100K = 100_000.0


@dataclass(frozen=True)
class Figures:
    """The calibrated quantities of one region (real or demo)."""

    population_persons: float
    waiting_operation_cases: float
    beds: float
    physician_fte: float
    agency_share_pu: float
    within_90_days_pu: float
    within_90_days_august_pu: float

    @property
    def beds_per_1000(self) -> float:
        """Staffed (available) beds per 1 000 inhabitants."""
        return self.beds / self.population_persons * PER_1000

    @property
    def physician_fte_per_100k(self) -> float:
        """Physician FTE per 100 000 inhabitants."""
        return self.physician_fte / self.population_persons * PER_100K

    @property
    def waiting_operation_per_100k(self) -> float:
        """Patients waiting for an operation per 100 000 inhabitants."""
        return self.waiting_operation_cases / self.population_persons * PER_100K


def _value(df: pd.DataFrame, **where: str) -> float:
    sel = df
    for col, val in where.items():
        sel = sel[sel[col].astype(str) == val]
    if len(sel) != 1:
        raise KeyError(f"expected one row for {where}, found {len(sel)}")
    return float(sel["value"].iloc[0])


def real_figures(se_dir: Path = SE_DIR) -> Figures:
    """Region Norrbotten's published figures from the vendored files.

    Waiting for an operation: mean of the 2020–2021 point values (3 828, 4 644, 4 500;
    the undated "drygt 4 100" is left out); population of the physician table's 2020 row
    (249 614); the national monthly share waiting ≤ 90 days for operations, mean over
    2016–2019 and over the Augusts.
    """
    wait = pd.read_csv(se_dir / "vardgaranti_region_points.csv", dtype=str)
    ops = wait[(wait["region"] == REGION) & (wait["measure"] == "operation_atgard")
               & (wait["metric"] == "n_waiting_total")
               & wait["period"].isin(["2020-10", "2020-11", "2021-10"])]
    beds = pd.read_csv(se_dir / "beds_vardplatser.csv", dtype=str)
    phys = pd.read_csv(se_dir / "staff_physicians.csv", dtype=str)
    agency = pd.read_csv(se_dir / "agency_staff_hyrpersonal.csv", dtype=str)
    nat = pd.read_csv(se_dir / "vardgaranti_national_monthly_2016_2019.csv")
    nat = nat[nat["measure"] == "operation_atgard_specialiserad"]
    august = nat[nat["month"].str.endswith("-08")]
    fte_2020 = phys[(phys["region"] == REGION) & (phys["year"] == "2020")
                    & (phys["metric"] == "region_employed_physicians_fte")]
    pop_2020 = float(fte_2020["population_denominator"].iloc[0])
    return Figures(
        population_persons=pop_2020,
        waiting_operation_cases=float(ops["value"].astype(float).mean()),
        beds=_value(beds, region=REGION, year="2015",
                    metric="genomsnittligt_disponibla_vardplatser"),
        physician_fte=_value(phys, region=REGION, year="2020",
                             metric="region_employed_physicians_fte"),
        agency_share_pu=_value(agency, region=REGION, year="2021",
                               metric="agency_share_of_care_staff") / 100.0,
        within_90_days_pu=float(nat["share_waited_le_90d_pct"].mean()) / 100.0,
        within_90_days_august_pu=float(august["share_waited_le_90d_pct"].mean()) / 100.0,
    )


def _guaranteed(data: PlanningData, stage: str) -> pd.DataFrame:
    care = data.care_types[["unit_id", "care_type", "guarantee_stage"]]
    keys = care[care["guarantee_stage"] == stage][["unit_id", "care_type"]]
    return data.demand_history.merge(keys, on=["unit_id", "care_type"])


def within_guarantee_by_month(data: PlanningData, stage: str = "treatment") -> pd.Series:
    """Share of the guaranteed lines' list waiting ≤ the guarantee, per history month.

    Taken at the last history week of each month (ISO week of the month's last Thursday,
    approximated by the week whose Monday falls in the month last).
    """
    h = _guaranteed(data, stage)
    wk = h.groupby("week")[["waiting_list_cases", "waiting_over_guarantee_cases"]].sum()
    monday = pd.to_datetime([f"{w}-1" for w in wk.index], format="%G-W%V-%u")
    wk["month"] = monday.strftime("%Y-%m")
    last = wk.groupby("month").tail(1).set_index("month")
    return 1.0 - last["waiting_over_guarantee_cases"] / last["waiting_list_cases"]


def demo_figures(data: PlanningData, budget_year: int) -> Figures:
    """The calibrated quantities measured on a generated region (see the module docstring)."""
    pop = data.population
    pop = pop[(pop["scenario"] == "scb") & (pop["year"] == budget_year)]
    h = _guaranteed(data, "treatment")
    last = h["week"].max()
    staff = data.staffing
    cap = data.unit_capacity
    week = f"{budget_year}-W{ORDINARY_WEEK:02d}"
    act = data.actuals_staff
    act = act[act["staff_category"].isin(CARE_STAFF)]
    hours = act[["worked_h", "overtime_h", "agency_h"]].sum()
    share = within_guarantee_by_month(data)
    return Figures(
        population_persons=float(pop["population_persons"].sum()),
        waiting_operation_cases=float(h.loc[h["week"] == last, "waiting_list_cases"].sum()),
        beds=float(cap.loc[cap["week"] == week, "staffed_beds"].sum()),
        physician_fte=float(staff.loc[staff["staff_category"] == "lakare",
                                      "staffing_target_fte"].sum()),
        agency_share_pu=float(hours["agency_h"] / hours.sum()),
        within_90_days_pu=float(share.mean()),
        within_90_days_august_pu=float(share[share.index.str.endswith("-08")].mean()),
    )
