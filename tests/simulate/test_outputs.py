"""Tidy output tables: columns, conservation of patients, summaries, input errors."""

from __future__ import annotations

import numpy as np
import pytest

from pks.config.simulate import SimulateConfig
from pks.simulate.analysis import wilson
from pks.simulate.params import SimInputError, build_params
from pks.simulate.runner import simulate_plan

from .builders import forecast_for, small_region


@pytest.fixture(scope="module")
def result():
    data, plan = small_region(n_weeks=13)
    return data, plan, simulate_plan(plan, data, forecast_for(plan["plan_production"]),
                                     SimulateConfig(patient_records="first",
                                                    kpi_detail="replication",
                                                    patient_sample_size=0), replications=3)


def test_tables_and_columns(result):
    _, _, res = result
    t = res.tables
    assert {"sim_verdicts", "sim_kpis", "sim_beds", "sim_staff", "sim_patients",
            "sim_node_kpis", "sim_replications"} <= set(t)
    assert {"replication", "unit_id", "care_type", "week", "waiting_list_cases",
            "mean_wait_days"} <= set(t["sim_kpis"].columns)
    assert {"occupied_beds_mean", "overflow_bed_days", "staffed_beds"} <= set(t["sim_beds"])
    assert {"required_h", "overtime_h", "utilisation_pu"} <= set(t["sim_staff"].columns)
    pt = t["sim_patients"]
    assert set(pt["replication"]) == {0}
    assert set(pt["sex"]) <= {"female", "male"} and pt["age_band"].notna().all()
    assert set(pt["priority_class"]) <= {1, 2, 3}


def test_patients_are_conserved(result):
    """End list = start list + arrivals - treated, week by week, for every line."""
    _, _, res = result
    for o in res.outputs:
        el = ~res.params.acute
        expect = o.list_start[:, None] + np.cumsum(o.arrivals - o.served, axis=1)
        np.testing.assert_allclose(o.list_end[el], expect[el])
        assert (o.over_end <= o.list_end + 1e-9).all()
        assert (o.served_within <= o.served + 1e-9).all()


def test_patient_records_match_weekly_kpis(result):
    _, _, res = result
    pt = res.tables["sim_patients"]
    kp = res.tables["sim_kpis"]
    treated = pt["service_day"].notna()
    k0 = kp[kp["replication"] == 0]
    assert int(treated.sum()) == int(k0["served_cases"].sum())


def test_summary_detail(result):
    data, plan, _ = result
    res = simulate_plan(plan, data, None, SimulateConfig(kpi_detail="summary",
                                                         patient_records="none"),
                        replications=2)
    k = res.tables["sim_kpis"]
    assert "replication" not in k
    assert {"waiting_list_cases_mean", "waiting_list_cases_p90"} <= set(k)
    assert res.tables["sim_patients"].empty


def test_wilson_against_reference():
    # Wilson (1927) interval for 0/10 at 95 %: [0, 0.2775]; 10/10: [0.7225, 1]
    lo, hi = wilson(0, 10)
    assert float(lo) == 0 and float(hi) == pytest.approx(0.27753, abs=1e-5)
    lo, hi = wilson(10, 10)
    assert float(lo) == pytest.approx(0.72247, abs=1e-5) and float(hi) == pytest.approx(1.0)


def test_bad_inputs_list_every_problem(result):
    data, plan, _ = result
    pp = plan["plan_production"].copy()
    pp.loc[0, "production_cases"] = -1.0
    pp.loc[1, "unit_id"] = "NOPE"
    with pytest.raises(SimInputError) as e:
        build_params(data, pp, plan["plan_staff"], plan["plan_beds"], None, SimulateConfig())
    text = str(e.value)
    assert "negative" in text and "NOPE" in text
    with pytest.raises(ValueError):
        SimulateConfig(no_show_rate=-0.1)
    with pytest.raises(ValueError):
        SimulateConfig(replications=0)


def test_patient_sample(result):
    data, plan, _ = result
    res = simulate_plan(plan, data, None, SimulateConfig(patient_sample_size=50),
                        replications=1)
    pt = res.tables["sim_patients"]
    assert len(pt) == 50 and pt["patient_no"].is_monotonic_increasing


def test_initial_list_reconstruction_reproduces_the_observed_list(result):
    """N waiting and M past the guarantee in the last observed week are reproduced exactly."""
    data, plan, res = result
    p = res.params
    for i, ct in enumerate(p.line_care_type):
        ages = p.initial_ages[i]
        if ct == "first_visit":
            assert len(ages) == 40 and int((ages > 90).sum()) == 2
        elif ct == "operation":
            assert len(ages) == 30 and int((ages > 90).sum()) == 1
        else:
            assert len(ages) == 0
    o = res.outputs[0]
    fv = [i for i, ct in enumerate(p.line_care_type) if ct == "first_visit"]
    assert o.list_start[fv].tolist() == [40.0] * len(fv)
    assert o.over_start[fv].tolist() == [2.0] * len(fv)
