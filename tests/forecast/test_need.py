"""Capacity, staff and bed need from a forecast (hand-checkable arithmetic)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pks.data.weeks import week_year, weeks_of_year
from pks.forecast import queueing as q
from pks.forecast.need import (
    active_targets,
    bed_need,
    capacity_need,
    compute_need,
    ward_size_table,
)

from .tiny import make_cfg, make_data


def flat_forecast(rows: list[tuple[str, str, float]], years=(2026, 2027, 2028)) -> pd.DataFrame:
    """A forecast table with constant weekly demand, split 50/50 by sex."""
    out = []
    for unit, ct, d in rows:
        for y in years:
            for w in weeks_of_year(y):
                for sex in ("female", "male"):
                    out.append((unit, ct, w, sex, d / 2, 0.0, 0.0, 0.0, 0.0))
    return pd.DataFrame(out, columns=["unit_id", "care_type", "week", "sex", "demand_cases",
                                      "demand_cases_lo80", "demand_cases_hi80",
                                      "demand_cases_lo95", "demand_cases_hi95"])


@pytest.fixture(scope="module")
def data():
    return make_data()


def test_capacity_need_by_hand(data) -> None:
    cfg = make_cfg()
    fc = flat_forecast([("U1", "first_visit", 30.0), ("U1", "inpatient", 14.0),
                        ("U2", "operation", 7.0)])
    need, staff = capacity_need(data, cfg, fc)
    r = need[(need["unit_id"] == "U1") & (need["care_type"] == "first_visit")
             & (need["year"] == 2027)].iloc[0]
    limit = 90 / 7
    assert r["demand_cases_per_week"] == pytest.approx(30)
    assert r["target_wait_weeks"] == pytest.approx(limit)
    assert r["target_mean_wait_weeks"] == pytest.approx(limit / 4)
    assert r["target_queue_cases"] == pytest.approx(30 * limit / 4)  # Little's law
    assert r["target_capacity_cases_per_week"] == pytest.approx(30 + 1 * 4 / limit)
    # care guarantee 90 %: mean wait L / ln 10, so exp(-L/m) = 10 % wait longer
    assert r["guarantee_mean_wait_weeks"] == pytest.approx(limit / math.log(10))
    assert math.exp(-limit / r["guarantee_mean_wait_weeks"]) == pytest.approx(0.1)
    # staff: 1 h + 2 h per case, availability 1 - 0.2, 1700 / 1650 h per FTE
    cases = r["target_capacity_cases_per_week"] * 52
    s = staff[(staff["unit_id"] == "U1") & (staff["care_type"] == "first_visit")
              & (staff["year"] == 2027)].set_index("staff_category")
    assert s.loc["lakare", "staff_h_per_year"] == pytest.approx(cases)
    assert s.loc["lakare", "fte"] == pytest.approx(cases / (1700 * 0.8))
    assert s.loc["sjukskoterska", "fte"] == pytest.approx(2 * cases / (1650 * 0.8))
    assert r["fte"] == pytest.approx(s["fte"].sum())
    # 2026 has 53 ISO weeks
    r26 = need[(need["unit_id"] == "U1") & (need["care_type"] == "first_visit")
               & (need["year"] == 2026)].iloc[0]
    assert r26["capacity_cases_per_year"] == pytest.approx(
        r26["target_capacity_cases_per_week"] * 53)


def test_acute_care_is_not_waitlisted(data) -> None:
    fc = flat_forecast([("U1", "inpatient", 14.0), ("U1", "first_visit", 1.0),
                        ("U2", "operation", 1.0)])
    need, _ = capacity_need(data, make_cfg(), fc)
    r = need[need["care_type"] == "inpatient"].iloc[0]
    assert r["acute"]
    assert r["target_queue_cases"] == 0
    assert r["target_capacity_cases_per_week"] == pytest.approx(14)


def test_relief_capacity_when_list_is_long(data) -> None:
    hist = data.demand_history.copy()
    last = hist["week"] == hist["week"].max()
    hist.loc[last & (hist["unit_id"] == "U2"), "waiting_list_cases"] = 100.0  # 200 in total
    d2 = data.replace(demand_history=hist)
    fc = flat_forecast([("U1", "first_visit", 1.0), ("U1", "inpatient", 1.0),
                        ("U2", "operation", 7.0)])
    need, _ = capacity_need(d2, make_cfg(), fc)
    r = need[(need["unit_id"] == "U2") & (need["year"] == 2026)].iloc[0]
    assert r["waiting_list_cases_now"] == 200
    assert r["relief_capacity_cases_per_week"] == pytest.approx(
        q.relief_capacity(7, 200, r["target_queue_cases"], 26))
    assert r["waiting_list_pressure_pu"] == pytest.approx(2 * (200 / 7) / (90 / 7))


def test_bed_need_by_erlang_b(data) -> None:
    fc = flat_forecast([("U1", "inpatient", 14.0), ("U1", "first_visit", 30.0),
                        ("U2", "operation", 7.0)])
    beds = bed_need(data, make_cfg(), fc)
    # LOS > 0: U1 inpatient (4 days) and U2 operation (1.5 days)
    assert set(beds["unit_id"]) == {"U1", "U2"}
    u1 = beds[beds["unit_id"] == "U1"].iloc[0]
    assert u1["arrivals_per_day"] == pytest.approx(2.0)
    assert u1["offered_load_beds"] == pytest.approx(8.0)
    c = int(u1["beds_needed"])
    assert q.erlang_b(c, 8.0) <= 0.05 < q.erlang_b(c - 1, 8.0)
    assert u1["occupancy_at_beds_needed_pu"] == pytest.approx(8.0 * (1 - q.erlang_b(c, 8.0)) / c)
    assert u1["staffed_beds_planned"] == 20
    assert len(beds) == 2 * sum(len(weeks_of_year(y)) for y in (2026, 2027, 2028))
    assert (beds["year"] == beds["week"].map(week_year)).all()


def test_targets_version_in_force(data) -> None:
    tg = data.targets
    v2 = tg.assign(version=2, valid_from="2027-01-01", treatment_days=60)
    both = pd.concat([tg, v2], ignore_index=True)
    import datetime as dt
    assert active_targets(both, "vardgaranti_0_3_90_90", dt.date(2026, 6, 1))["version"] == 1
    assert active_targets(both, "vardgaranti_0_3_90_90", dt.date(2027, 6, 1))["version"] == 2
    with pytest.raises(KeyError, match="known"):
        active_targets(both, "nope", dt.date(2027, 1, 1))


def test_ward_size_table() -> None:
    ws = ward_size_table((5, 60), (0.01, 0.05))
    assert len(ws) == 56 * 2
    for p, g in ws.groupby("p_refuse_max_pu"):
        assert np.all(np.diff(g.sort_values("beds")["occupancy_pu"]) > 0)
        for r in g.itertuples():
            assert q.erlang_b(r.beds, r.offered_load_beds) == pytest.approx(p, rel=1e-6)


def test_compute_need_from_a_real_forecast(data) -> None:
    from pks.forecast.demand import forecast_demand

    cfg = make_cfg()
    res = compute_need(data, cfg, forecast_demand(data, cfg))
    assert set(res.tables()) == {"need_capacity", "need_staff", "need_beds", "need_ward_sizes"}
    cap = res.need_capacity
    assert len(cap) == 3 * 3
    assert (cap["target_capacity_cases_per_week"] >= cap["demand_cases_per_week"]).all()
    assert (res.need_beds["beds_needed"] >= res.need_beds["offered_load_beds"] * 0.9).all()
