"""Hand-written tiny planning instances for the optimiser tests (no generator needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pks.config.optimise import BuildConfig
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.weeks import add_weeks
from pks.optimise.inputs import ModelInputs, prepare, weekly_grid

FIRST = "2026-W01"


def tiny_data(units: Sequence[tuple[str, str]] = (("U1", "D1"),), *,
              demand: float = 10.0, weeks: int = 3, fte: float = 1.0,
              contracted_h: float = 52.0, h_per_case: float = 1.0,
              classes: Sequence[tuple[int, float, int]] = ((1, 1.0, 365),),
              acute: bool = False, guarantee_stage: str = "none",
              var_cost: float = 0.0, revenue: float = 0.0, ext_price: float = 0.0,
              ext_max: float = 0.0, cost_per_fte: float = 520_000.0,
              ot_factor: float = 1.5, ot_limit: float = 0.0, ag_factor: float = 2.0,
              ag_max: float = 0.0, initial_list: float = 0.0, los: float = 0.0,
              beds: float = 0.0, theatre_h_case: float = 0.0, theatre_h: float = 0.0,
              frames: Sequence[tuple[str, int, float]] = (), fixed_cost: float = 0.0,
              agency_share: float = 1.0, demand_by_week: Sequence[float] | None = None,
              occupancy: float = 1.0) -> PlanningData:
    """One region R with divisions and units; one care type 'op' and staff category 'ssk'.

    Defaults make one FTE = 1 available hour per week (52 h/year, no absence).
    """
    divs = sorted({d for _, d in units})
    nodes = [("R", None, "region", "political", "regionfullmaktige")]
    nodes += [(d, "R", "division", "strategic", "divisionschef") for d in divs]
    nodes += [(f"A-{d}", d, "area", "tactical", "omradeschef") for d in divs]
    nodes += [(u, f"A-{d}", "unit", "operative", "verksamhetschef") for u, d in units]
    org = pd.DataFrame(nodes, columns=["node_id", "parent_id", "node_type", "pks_level",
                                       "owner_role"])
    org["name"] = org["node_id"]
    org["site"] = ""
    org["county"] = "Norrbottens län"
    uids = [u for u, _ in units]
    ct = pd.DataFrame({"unit_id": uids, "care_type": "op",
                       "care_type_kind": "procedure", "acute": acute,
                       "guarantee_stage": guarantee_stage, "mean_los_days": los,
                       "theatre_h_per_case": theatre_h_case, "drg_weight": 1.0,
                       "variable_cost_sek_per_case": var_cost,
                       "revenue_sek_per_case": revenue,
                       "external_price_sek_per_case": ext_price,
                       "external_cases_per_week_max": ext_max})
    pr = pd.DataFrame([(u, "op", k, s, w) for u in uids for k, s, w in classes],
                      columns=["unit_id", "care_type", "priority_class", "share_pu",
                               "max_wait_days"])
    sc = pd.DataFrame({"staff_category": ["ssk"], "name_sv": ["Sjuksköterska"],
                       "name_en": ["Nurse"], "contracted_h_per_fte_year": [contracted_h]})
    ru = pd.DataFrame({"unit_id": uids, "care_type": "op", "staff_category": "ssk",
                       "staff_h_per_case": h_per_case})
    stf = pd.DataFrame({"unit_id": uids, "staff_category": "ssk", "staffing_target_fte": fte,
                        "cost_sek_per_fte_year": cost_per_fte,
                        "overtime_cost_factor_pu": ot_factor,
                        "overtime_h_per_fte_year_max": ot_limit,
                        "agency_cost_factor_pu": ag_factor, "agency_h_per_week_max": ag_max,
                        "recruitment_fte_per_year_max": 0.0, "attrition_pu_per_year": 0.0})
    wk = [add_weeks(FIRST, i) for i in range(weeks)]
    av = pd.DataFrame([(u, "ssk", w, 0.0, 0.0, 0.0) for u in uids for w in wk],
                      columns=["unit_id", "staff_category", "week", "vacation_pu",
                               "sick_leave_pu", "training_pu"])
    cap = pd.DataFrame([(u, w, beds, theatre_h) for u in uids for w in wk],
                       columns=["unit_id", "week", "staffed_beds", "theatre_h_per_week"])
    fin = pd.DataFrame({"unit_id": uids, "funding_mode": "frame",
                        "fixed_cost_sek_per_year": fixed_cost,
                        "capitation_revenue_sek_per_year": 0.0, "kpp_exception": False})
    dvals = list(demand_by_week) if demand_by_week is not None else [demand] * weeks
    hist = pd.DataFrame([(u, "op", w, "female", d, d, 0.0, 0.0)
                         for u in uids for w, d in zip(wk, dvals, strict=True)],
                        columns=["unit_id", "care_type", "week", "sex", "referrals_cases",
                                 "production_cases", "waiting_list_cases",
                                 "waiting_over_guarantee_cases"])
    prev = pd.DataFrame([(u, "op", "2025-W52", "female", 0.0, 0.0, initial_list, 0.0)
                         for u in uids], columns=hist.columns)
    hist = pd.concat([prev, hist], ignore_index=True)
    bf = pd.DataFrame(list(frames), columns=["node_id", "year", "frame_sek"])
    bf["efficiency_pu"] = 0.0
    ci = pd.DataFrame({"year": [2026], "cost_type": ["lpik_total"], "uprating_pu": [0.0]})
    tg = pd.DataFrame([{"target_set": "t", "version": 1, "valid_from": "2020-01-01",
                        "contact_days": 0, "assessment_days": 3, "first_visit_days": 90,
                        "treatment_days": 90, "within_guarantee_share_pu": 0.9,
                        "occupancy_max_pu": occupancy, "overflow_probability_max_pu": 0.0,
                        "overtime_h_per_fte_year_max": 200.0,
                        "agency_cost_share_max_pu": agency_share,
                        "utilisation_min_pu": 0.5, "utilisation_max_pu": 1.0}])
    empty = pd.DataFrame()
    return PlanningData(org_nodes=org, care_types=ct, care_type_priorities=pr,
                        staff_categories=sc, resource_use=ru, staffing=stf,
                        staff_availability=av, unit_capacity=cap, unit_finance=fin,
                        demand_history=hist, demand_age_profile=empty, population=empty,
                        budget_frames=bf, cost_indices=ci, targets=tg)


def tiny_demand(data: PlanningData) -> pd.DataFrame:
    """Demand = the referrals of the history weeks (exact, not a forecast)."""
    h = data.demand_history
    h = h[h["week"] >= FIRST]
    return h.groupby(["unit_id", "care_type", "week"], as_index=False)["referrals_cases"].sum() \
        .rename(columns={"referrals_cases": "demand_cases"})


def tiny_cfg(**build: object) -> ScenarioConfig:
    """Scenario config for tiny instances (target set 't', budget year 2026).

    Holding costs 4 / 3 / 2 / 1 SEK per case-week keep the test arithmetic small.
    """
    build = {"holding_cost_sek": (4.0, 3.0, 2.0, 1.0), **build}
    b = BuildConfig(**build)
    return ScenarioConfig.model_validate({"data": {"target_set": "t", "budget_year": 2026},
                                          "build": b.model_dump()})


def tiny_inputs(data: PlanningData, cfg: ScenarioConfig, weeks: int = 3,
                level: str = "tactical", **kw: object) -> ModelInputs:
    """Prepared inputs on a grid of ``weeks`` weeks from 2026-W01."""
    return prepare(data, tiny_demand(data), weekly_grid(FIRST, weeks), level=level,
                   budget_year=2026, target_set="t", build=cfg.build, **kw)


def sized_model_dir(root: Path, solve_yaml: str = "") -> Path:
    """A model folder over a generated 4-unit, 2-care-type region written under ``root``
    (as-of week 2026-W20, 4 operative weeks; ``solve_yaml``: extra lines of the file)."""
    from pks.data.io import write_csv_folder
    from pks.demo import generate_region, sized_spec

    write_csv_folder(generate_region(sized_spec(4, 2), 1), root / "data")
    m = root / "model"
    m.mkdir()
    (m / "model.yaml").write_text(
        f"data:\n  instance_dir: {root / 'data'}\n  budget_year: 2026\n"
        "  as_of_week: 2026-W20\nbuild:\n  operative_weeks: 4\n" + solve_yaml,
        encoding="utf-8")
    return m

