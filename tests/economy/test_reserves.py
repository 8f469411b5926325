"""RER/RUR boundary values (R-50): 1 %, 2 % with negative equity, 5 % cap, 2023 and 2033."""

from __future__ import annotations

import pytest

from pks.economy.reserves import reservation_limit, use_limit

BASE = 10_000.0  # tax + grants + equalisation, mnkr: 1 % = 100, 2 % = 200, 5 % = 500


def test_one_percent_threshold_boundary() -> None:
    at = reservation_limit(2024, "RER", 100, 100, BASE, False, 0)
    assert at.max_mnkr == 0 and at.reason == "below_threshold"
    above = reservation_limit(2024, "RER", 130, 130, BASE, False, 0)
    assert above.max_mnkr == pytest.approx(30) and above.reason == "ok"


def test_two_percent_with_negative_equity() -> None:
    lim = reservation_limit(2024, "RER", 250, 250, BASE, True, 0)
    assert lim.threshold_pu == 0.02 and lim.max_mnkr == pytest.approx(50)
    assert reservation_limit(2024, "RER", 200, 200, BASE, True, 0).max_mnkr == 0
    # the same result reserves 150 with non-negative equity
    assert reservation_limit(2024, "RER", 250, 250, BASE, False, 0).max_mnkr == pytest.approx(150)


def test_lower_of_result_and_balanced_result() -> None:
    assert reservation_limit(2024, "RER", 400, 160, BASE, False, 0).max_mnkr == pytest.approx(60)


def test_five_percent_cap() -> None:
    assert reservation_limit(2024, "RER", 900, 900, BASE, False, 480).max_mnkr == pytest.approx(20)
    full = reservation_limit(2024, "RER", 900, 900, BASE, False, 500)
    assert full.max_mnkr == 0 and full.reason == "cap_reached"


def test_rur_reservation_cut_off_after_2023() -> None:
    assert reservation_limit(2023, "RUR", 300, 300, BASE, False, 0).max_mnkr == pytest.approx(200)
    closed = reservation_limit(2024, "RUR", 300, 300, BASE, False, 0)
    assert closed.max_mnkr == 0 and closed.reason == "rur_closed"
    # RER is not affected by the cut-off
    assert reservation_limit(2024, "RER", 300, 300, BASE, False, 0).max_mnkr == pytest.approx(200)


def test_rur_usable_until_2033() -> None:
    ok = use_limit(2033, "RUR", -300, 1665, unforeseen_event=True)
    assert ok.max_mnkr == 300 and ok.reason == "ok"
    late = use_limit(2034, "RUR", -300, 1665, unforeseen_event=True)
    assert late.max_mnkr == 0 and late.reason == "rur_expired"


def test_use_criteria() -> None:
    assert use_limit(2025, "RER", 10, 500, unforeseen_event=True).reason == "result_not_negative"
    assert use_limit(2025, "RER", -100, 500, 0.03, 0.035).max_mnkr == 100  # slow growth
    assert use_limit(2025, "RER", -100, 500, 0.04, 0.035).reason == "criteria_not_met"
    assert use_limit(2025, "RER", -100, 40, unforeseen_event=True).max_mnkr == 40  # reserve limits
