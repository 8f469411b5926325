"""A strategic plan under a required result never plans below it, or says by how much and why.

A tiny region (two units in division D1, frame 200 000 kr) inside a hand-made results
budget: revenue 10 mnkr, net cost outside the plans 9,75 mnkr and the 1 % operating-result
target (0,1 mnkr). With the frame as cost the result would be 0,05 mnkr, so the frame must
shrink; the plan's cost (staff 93 600 kr + 100 kr per case, 954 cases = 190 800 kr) decides
whether the requirement can be met.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pks.config.schema import ScenarioConfig
from pks.economy.inputs import economy_from_tables
from pks.economy.planning import plan_under_required_result
from pks.economy.required import TOLERANCE_MNKR
from pks.economy.settings import EconomySettings
from pks.optimise.inputs import demand_from_history
from pks.optimise.run import horizon_weeks
from tests.optimise.tiny import tiny_data

pytestmark = pytest.mark.solver

CFG = ScenarioConfig.model_validate({
    "data": {"target_set": "t", "budget_year": 2026, "plan_years": 0, "as_of_week": "2026-W10"},
    "build": {"operative_weeks": 4}})


def _economy(outside_mnkr: float):
    nan = math.nan
    budget = pd.DataFrame([dict(
        year=2026, status="budget", tax_revenue_mnkr=8.0, general_grants_equalisation_mnkr=2.0,
        targeted_grants_mnkr=nan, financial_income_mnkr=0.0, financial_costs_mnkr=0.0,
        pension_return_adjustment_mnkr=0.0, balanced_result_mnkr=nan, exempt_mnkr=0.0,
        investments_mnkr=nan, operating_cash_flow_mnkr=nan, equity_mnkr=nan,
        total_assets_mnkr=nan, pension_commitment_mnkr=nan, interest_bearing_debt_mnkr=nan,
        pension_assets_mnkr=nan, pension_liability_mnkr=nan, source="test")])
    items = pd.DataFrame([dict(year=2026, item="other_activity", net_cost_mnkr=outside_mnkr,
                               source="test")])
    targets = pd.DataFrame([dict(
        target_set="t", version=1, target="operating_result_share",
        valid_from=pd.Timestamp("2025-01-01"), min_pu=0.01, max_pu=nan, first_year=nan,
        last_year=nan, average_years=nan, binding=True, source="test")])
    return economy_from_tables({"economy_budget": budget, "economy_cost_items": items,
                                "financial_targets": targets}, [2026])


@pytest.fixture(scope="module")
def region():
    d = tiny_data(units=(("U1", "D1"), ("U2", "D1")), weeks=20, fte=9, demand=10.0,
                  cost_per_fte=5200.0, var_cost=100.0, frames=(("D1", 2026, 200_000.0),))
    return d, demand_from_history(d, horizon_weeks(CFG))


def test_required_result_is_met_when_the_plan_fits(region) -> None:
    d, dem = region
    # room 10 − 9,705 − 0,1 = 0,195 mnkr < the frame 0,2: tightened to 195 000 kr
    run = plan_under_required_result(d, CFG, _economy(9.705), EconomySettings(), demand=dem)
    req = run.before.required.table.iloc[0]
    assert req["required_operating_mnkr"] == pytest.approx(0.1)
    assert req["frame_factor_pu"] == pytest.approx(0.975)
    assert run.check is not None and run.check.met
    planned = run.after.budget.row(2026)["operating_result_mnkr"]
    assert planned >= 0.1 - 1e-9
    assert planned == pytest.approx(10 - 9.705 - 0.1908, abs=1e-6)


def test_shortfall_is_priced_and_explained(region) -> None:
    d, dem = region
    # room 10 − 9,83 − 0,1 = 0,07 mnkr: less than the staff alone cost (0,0936 mnkr), so
    # the frame cannot be kept and the result falls short by more than the tolerance
    run = plan_under_required_result(d, CFG, _economy(9.83), EconomySettings(), demand=dem)
    assert run.check is not None and not run.check.met
    row = run.check.table.iloc[0]
    planned = run.after.budget.row(2026)["operating_result_mnkr"]
    # by how much: the shortfall; why: the plan priced a frame gap of the same size in D1
    assert row["shortfall_mnkr"] == pytest.approx(0.1 - planned, abs=1e-9)
    assert row["shortfall_mnkr"] > TOLERANCE_MNKR
    assert row["frame_gap_mnkr"] == pytest.approx(row["shortfall_mnkr"], abs=1e-6)
    assert run.check.gaps["node_id"].tolist() == ["D1"]
    # the gap is what the staff and the care that cannot wait cost beyond the frame
    assert row["frame_gap_mnkr"] >= 0.0936 - 0.07 - 1e-9
