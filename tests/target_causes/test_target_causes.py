"""Each failing region target is named with its cause (hand-checked beds and list numbers)."""

from __future__ import annotations

import pandas as pd

from pks.followup.target_causes import cause_lines, failing_causes
from pks.i18n import t

NAN = float("nan")


def _v(node: str, ntype: str, target: str, kpi: float, met: bool, tmax: float = NAN,
       tval: float = NAN, p: float = 0.2) -> dict[str, object]:
    return {"node_id": node, "node_name": f"Nod {node}", "node_type": ntype, "target": target,
            "kpi_mean": kpi, "target_value": tval, "target_min": NAN, "target_max": tmax,
            "probability": p, "met": met}


def _verdicts() -> pd.DataFrame:
    return pd.DataFrame([
        _v("R", "region", "occupancy", 0.9, False, 0.85),
        _v("R", "region", "waiting_list", 1200.0, False, tval=1000.0),
        _v("R", "region", "guarantee", 0.95, True, p=0.9),
        _v("U1", "unit", "occupancy", 0.95, False, 0.85),
        _v("U2", "unit", "occupancy", 0.80, True, 0.85),
        _v("U1", "unit", "waiting_list", 700.0, False, tval=500.0),
        _v("U2", "unit", "waiting_list", 500.0, True, tval=500.0),
    ])


def test_beds_and_list_causes_by_hand() -> None:
    beds = pd.DataFrame({"unit_id": ["U1", "U1", "U2"], "week": ["W1", "W2", "W1"],
                         "staffed_beds_mean": [20.0, 20.0, 10.0]})
    causes = {c.target: c for c in failing_causes(_verdicts(), beds,
                                                     {"R": 1000.0, "U1": 500.0})}
    assert set(causes) == {"occupancy", "waiting_list"}
    occ = causes["occupancy"]
    # U1: 0.95 × 20 = 19 occupied beds; at 85 % that needs ⌈22.35⌉ = 23 beds: 3 more,
    # or 7 × (19 − 17) = 14 fewer bed-days a week
    assert (occ.units_failing, occ.units_applicable, occ.extra_beds) == (1, 2, 3)
    assert abs(occ.fewer_bed_days_per_week - 14.0) < 1e-9
    assert occ.worst_units == (("Nod U1", 0.95, 0.85),)
    assert causes["waiting_list"].excess_list_cases == 200.0
    assert causes["waiting_list"].worst_units == (("Nod U1", 700.0, 500.0),)


def test_units_are_named_beside_the_target_they_miss_largest_excess_first() -> None:
    # U2 has the longer list but U1 the larger excess over its own target: U1 comes first,
    # and each shows its target so that the order can be read
    v = pd.DataFrame([
        _v("R", "region", "waiting_list", 2000.0, False),
        _v("U1", "unit", "waiting_list", 900.0, False),
        _v("U2", "unit", "waiting_list", 1000.0, False),
    ])
    (c,) = failing_causes(v, None, {"U1": 400.0, "U2": 900.0})
    assert [n for n, _, _ in c.worst_units] == ["Nod U1", "Nod U2"]
    text = "\n".join(cause_lines([c], "sv"))
    assert ("Nod U1 900 fall (mål 400 fall), Nod U2 1\N{NO-BREAK SPACE}000 fall (mål 900 fall)"
            in text)


def test_every_failing_region_target_is_named_in_both_languages() -> None:
    v = _verdicts()
    failing = v[(v["node_type"] == "region") & ~v["met"]]["target"]
    for lang in ("sv", "en"):
        text = "\n".join(cause_lines(failing_causes(v), lang))  # type: ignore[arg-type]
        for target in failing:
            assert t(f"simulate.target.{target}", lang) in text  # type: ignore[arg-type]
        assert t("simulate.target.guarantee", lang) not in text  # type: ignore[arg-type]


def test_plan_list_targets_sum_units_and_region_at_the_week() -> None:
    from pks.followup.target_causes import plan_list_targets

    pp = pd.DataFrame({"unit_id": ["U1", "U1", "U2", "U1"], "week": ["W2", "W2", "W2", "W1"],
                       "waiting_list_target_cases": [10.0, NAN, 5.0, 99.0]})
    assert plan_list_targets(pp, "W2", "R") == {"U1": 10.0, "U2": 5.0, "R": 15.0}


def test_overflow_remedy_is_the_erlang_b_bed_count() -> None:
    from pks.forecast.queueing import erlang_b

    # 10 staffed beds at 80 % occupancy with 20 % refused: offered load 8 / 0.8 = 10 beds
    v = pd.DataFrame([
        _v("R", "region", "overflow", 0.2, False, 0.05),
        _v("U1", "unit", "overflow", 0.2, False, 0.05),
        _v("U1", "unit", "occupancy", 0.8, True, 0.9),
    ])
    beds = pd.DataFrame({"unit_id": ["U1"], "week": ["W1"], "staffed_beds_mean": [10.0]})
    (c,) = failing_causes(v, beds)
    need = 10 + c.extra_beds
    # independent check: the smallest bed count whose Erlang-B refusal is at most 5 %
    assert erlang_b(need, 10.0) <= 0.05 < erlang_b(need - 1, 10.0)
    assert c.fewer_bed_days_per_week > 0
