"""The demo region against real Norrbotten figures (vendored in data/public/se).

Each band is stated relative to the published figure, scaled to the demo's population, so a
change of the generator that takes a quantity out of the plausible range fails here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pks.data.planning_data import PlanningData
from pks.demo.calibration import Figures, demo_figures, real_figures, within_guarantee_by_month

BUDGET_YEAR = 2026
GUARANTEE_DAYS = 90.0
DAYS_PER_WEEK = 7.0
QUEUE_FACTOR = 4.0  # the forecast's default: target mean wait = guarantee / 4
AMBER_PU, RED_PU = 0.05, 0.15  # follow-up's waiting-list thresholds (dashboard config)


@pytest.fixture(scope="module")
def real() -> Figures:
    return real_figures()


@pytest.fixture(scope="module")
def measured(demo: PlanningData) -> Figures:
    return demo_figures(demo, BUDGET_YEAR)


def test_real_figures_are_read_from_the_vendored_files(real: Figures) -> None:
    # independent: the values written in data/public/se/README.md and the shared README
    assert real.physician_fte == 695
    assert real.beds == 669
    assert real.agency_share_pu == pytest.approx(0.06)
    assert real.waiting_operation_cases == pytest.approx((3828 + 4644 + 4500) / 3)
    assert real.population_persons == 249_614
    assert real.within_90_days_august_pu < real.within_90_days_pu  # the summer dip


def test_waiting_for_an_operation_plausible(real: Figures, measured: Figures) -> None:
    ratio = measured.waiting_operation_per_100k / real.waiting_operation_per_100k
    assert 0.65 < ratio < 1.35


def test_physicians_per_100k_within_ten_percent(real: Figures, measured: Figures) -> None:
    assert measured.physician_fte_per_100k == pytest.approx(real.physician_fte_per_100k,
                                                            rel=0.10)


def test_beds_per_1000_within_fifteen_percent(real: Figures, measured: Figures) -> None:
    # the real 669 include psychiatry and sluten primärvård, as the demo's beds do
    assert measured.beds_per_1000 == pytest.approx(real.beds_per_1000, rel=0.15)


def test_agency_share_of_care_staff_near_six_percent(real: Figures, measured: Figures) -> None:
    assert abs(measured.agency_share_pu - real.agency_share_pu) < 0.015


def test_share_within_guarantee_dips_in_summer(demo: PlanningData, real: Figures) -> None:
    share = within_guarantee_by_month(demo)
    august = share[share.index.str.endswith("-08")].mean()
    may = share[share.index.str.endswith("-05")].mean()
    assert august < may
    assert real.within_90_days_august_pu < share.mean() < 1.0


def _guaranteed_lists(demo: PlanningData, week: str) -> pd.DataFrame:
    care = demo.care_types[["unit_id", "care_type", "guarantee_stage"]]
    act = demo.actuals_production.merge(care, on=["unit_id", "care_type"])
    act = act[act["guarantee_stage"].isin(["first_visit", "treatment"])]
    weeks = act["week"].nunique()
    demand = act.groupby("unit_id")["referrals_cases"].sum() / weeks
    last = act[act["week"] == week].groupby("unit_id")["waiting_list_cases"].sum()
    target = demand * GUARANTEE_DAYS / DAYS_PER_WEEK / QUEUE_FACTOR
    return pd.DataFrame({"list": last, "target": target}).dropna()


def test_actuals_follow_a_plan_path_with_a_mix_of_lights(demo: PlanningData) -> None:
    """At the as-of week the guaranteed lists are near their targets: some units green, some
    amber or red (the units behind plan), the region within a third of its target."""
    lists = _guaranteed_lists(demo, "2026-W45")  # W46 lacks the late reporters
    over = lists["list"] / lists["target"] - 1.0
    light = np.select([over > RED_PU, over > AMBER_PU], ["red", "amber"], "green")
    counts = pd.Series(light).value_counts()
    assert counts.get("green", 0) >= len(lists) // 3
    assert counts.get("red", 0) >= 2
    assert lists["list"].sum() < 1.35 * lists["target"].sum()


def test_production_near_demand_in_the_budget_year(demo: PlanningData) -> None:
    act = demo.actuals_production
    ratio = act["production_cases"].sum() / act["referrals_cases"].sum()
    assert 0.97 < ratio < 1.10  # lists come down towards target, nothing far off
