"""One scenario through every layer: forecast, optimiser, simulator, follow-up, dashboard, report.

A small generated region (six units, seed 7) in which two units are financed by capitation
(Vårdval, R-33). The scenario runs as a planner would: the forecast's demand, the tactical
plan (HiGHS), the plan adopted and simulated (a few replications), and then the region
*performs exactly to plan* up to the as-of week — every unit books the plan's production,
waiting list, staff hours, beds and costs (the costs as booked: capitation is paid to the
unit separately, so its booked cost is the plan's net cost plus its capitation share) —
except that one unit has not yet reported the as-of week. Every layer must then tell the
same story: the same value and the same traffic light for each KPI wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from pks.config import ScenarioConfig, load_scenario
from pks.dashboard.data import DataService
from pks.dashboard.settings import DashboardSettings
from pks.data.planning_data import PlanningData
from pks.data.store import Store
from pks.data.weeks import week_range, weeks_of_year
from pks.demo import generate_region, sized_spec
from pks.forecast.need import capacity_need
from pks.optimise.inputs import demand_for
from pks.optimise.run import horizon_weeks, plan_level, save_level
from pks.simulate.store_io import run_and_store

CAPITATION_SEK_PER_YEAR = 30_000_000.0
REPLICATIONS = 3
OPTIMISER_WEEKS_PER_YEAR = 52.0
"""The optimiser's frames count a year's capitation as K · W_y / 52 (``frames.py``)."""


@dataclass(frozen=True)
class Scenario:
    """Everything the coherence tests compare."""

    cfg: ScenarioConfig
    data: PlanningData
    need: pd.DataFrame
    plan: dict[str, pd.DataFrame]
    plan_run_id: str
    sim: dict[str, pd.DataFrame]
    sim_params: object
    svc: DataService
    late_unit: str
    capitation_units: tuple[str, ...]


def _with_capitation(d: PlanningData, units: list[str]) -> PlanningData:
    uf = d.unit_finance.copy()
    cap = uf["unit_id"].isin(units)
    uf.loc[cap, "funding_mode"] = "capitation"
    uf.loc[cap, "capitation_revenue_sek_per_year"] = CAPITATION_SEK_PER_YEAR
    return d.replace(unit_finance=uf)


def actuals_as_planned(d: PlanningData, plan: dict[str, pd.DataFrame], weeks: list[str],
                       late_unit: str, last_week: str) -> dict[str, pd.DataFrame]:
    """Actuals equal to the plan for ``weeks`` (``late_unit`` has not reported ``last_week``)."""
    pp = plan["plan_production"]
    pp = pp[pp["week"].isin(weeks)].groupby(["unit_id", "care_type", "week"], as_index=False)[
        ["demand_cases", "production_cases", "waiting_list_cases"]].sum()
    half = pp[["demand_cases", "production_cases", "waiting_list_cases"]] / 2
    prod = pd.concat([pd.DataFrame({
        "unit_id": pp["unit_id"], "care_type": pp["care_type"], "week": pp["week"], "sex": sex,
        "referrals_cases": half["demand_cases"], "production_cases": half["production_cases"],
        "waiting_list_cases": half["waiting_list_cases"], "waiting_over_guarantee_cases": 0.0})
        for sex in ("female", "male")], ignore_index=True)
    ps = plan["plan_staff"]
    ps = ps[ps["week"].isin(weeks)].groupby(["unit_id", "staff_category", "week"],
                                            as_index=False)[["own_h", "overtime_h",
                                                             "agency_h"]].sum()
    staff = pd.DataFrame({"unit_id": ps["unit_id"], "staff_category": ps["staff_category"],
                          "week": ps["week"], "worked_h": ps["own_h"],
                          "overtime_h": ps["overtime_h"], "agency_h": ps["agency_h"],
                          "sick_leave_h": 0.0})
    pb = plan["plan_beds"]
    pb = pb[pb["week"].isin(weeks)]
    pc = plan["plan_cost"]
    pc = pc[(pc["kind"] == "unit") & (pc["year"] == 2026)].set_index("node_id")["net_cost_sek"]
    cap = d.unit_finance.set_index("unit_id")["capitation_revenue_sek_per_year"]
    n_weeks = len(weeks_of_year(2026))
    unit = pd.DataFrame({"unit_id": pb["unit_id"], "week": pb["week"],
                         "occupied_beds": pb["bed_days_required"] / 7.0,
                         "overflow_bed_days": pb["bed_overflow_days"]})
    # booked cost = the plan's net cost of the week + the capitation the unit is paid
    unit["cost_sek"] = (unit["unit_id"].map(pc) / n_weeks
                        + unit["unit_id"].map(cap) / OPTIMISER_WEEKS_PER_YEAR)
    late = {"actuals_production": prod, "actuals_staff": staff, "actuals_unit": unit}
    return {k: v[~((v["unit_id"] == late_unit) & (v["week"] == last_week))]
            .reset_index(drop=True) for k, v in late.items()}


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory, demo_model_dir: Path) -> Scenario:
    d = generate_region(sized_spec(6), seed=7)
    units = d.unit_ids
    cap_units = tuple(units[-2:])
    d = _with_capitation(d, list(cap_units))
    cfg = load_scenario(demo_model_dir, "base")
    demand = demand_for(d, cfg, horizon_weeks(cfg))
    need, _staff = capacity_need(d, cfg, demand)
    run = plan_level(d, cfg, "tactical", None, demand)
    assert run.result.ok
    plan = {k: v for k, v in run.tables.items() if v is not None}
    as_of = cfg.data.as_of_week
    weeks = week_range(weeks_of_year(cfg.data.budget_year)[0], as_of)
    d = d.replace(**actuals_as_planned(d, plan, weeks, units[0], as_of))
    db = tmp_path_factory.mktemp("coherence") / "pks.db"
    store = Store.open(f"sqlite:///{db}")
    store.write_inputs(d, source="tests/coherence")
    run_id = save_level(store, run, cfg)
    for status in ("proposed", "agreed", "adopted"):
        store.set_plan_status(run_id, status, by="test")
    sim = run_and_store(store, run_id, cfg, replications=REPLICATIONS)
    store.close()
    svc = DataService(DashboardSettings(
        db_url=f"sqlite:///{db}", model_dir=str(demo_model_dir),
        cache_dir=str(tmp_path_factory.mktemp("cache")), cache_ttl_s=0.0))
    return Scenario(cfg=cfg, data=d, need=need, plan=plan, plan_run_id=run_id,
                    sim=dict(sim.result.tables), sim_params=sim.result.params, svc=svc,
                    late_unit=units[0], capitation_units=cap_units)
