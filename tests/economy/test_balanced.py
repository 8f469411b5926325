"""Balanced-budget restoration against seed 004's own table [004:125–147]."""

from __future__ import annotations

import pytest

from pks.economy.balanced import (
    BalancedBudgetInputError,
    YearResult,
    restoration_schedule,
)

SEED_004 = [YearResult(2023, -753, 514), YearResult(2024, -1210, 812), YearResult(2025, 48),
            YearResult(2026, 348), YearResult(2027, 241)]


def test_seed_004_restoration_table_exactly() -> None:
    s = restoration_schedule(SEED_004)
    assert [y.opening_mnkr for y in s.years] == [0, -239, -637, -589, -241]
    assert [y.closing_mnkr for y in s.years] == [-239, -637, -589, -241, 0]
    assert [y.of_origin(2023) for y in s.years] == [-239, -239, -191, 0, 0]
    assert [y.of_origin(2024) for y in s.years] == [0, -398, -398, -241, 0]
    assert s.origins == (2023, 2024)
    assert (s.deadline(2023), s.deadline(2024)) == (2026, 2027)
    assert all(y.overdue_mnkr == 0 for y in s.years)


def test_result_needed_each_year_follows_deadlines() -> None:
    s = restoration_schedule(SEED_004)
    # 2025: nothing due; 2026: the rest of 2023 (239 − 48); 2027: the rest of 2024
    assert [y.required_mnkr for y in s.years] == [0, 0, 0, 191, 241]


def test_missed_deadline_is_overdue() -> None:
    s = restoration_schedule([YearResult(2023, -100), YearResult(2024, 0), YearResult(2025, 0),
                              YearResult(2026, 40)])
    assert s.year(2026).required_mnkr == 100
    assert s.year(2026).overdue_mnkr == -60
    assert s.year(2025).overdue_mnkr == 0


def test_roll_forward_identity_holds() -> None:
    s = restoration_schedule(SEED_004)
    for y in s.years:
        # closing = opening + result + exempt while a balance is open (seed 004's identity)
        assert y.closing_mnkr == pytest.approx(min(0.0, y.opening_mnkr + y.result_mnkr
                                                    + y.exempt_mnkr))


def test_bad_inputs_listed_together() -> None:
    with pytest.raises(BalancedBudgetInputError) as exc:
        restoration_schedule([YearResult(2023, -100, 150), YearResult(2025, 10, -1)])
    text = str(exc.value)
    assert "larger than the deficit" in text and "negative" in text and "consecutive" in text
    assert len(exc.value.problems) == 3


def test_assessment_of_the_demo_and_its_html(demo_economy) -> None:  # type: ignore[no-untyped-def]
    from pks.economy.assessment import assessment_html, balanced_budget_assessment

    a = balanced_budget_assessment(demo_economy["cost_up"].outcome())
    y26 = next(y for y in a.years if y.year == 2026)
    # the higher cost turns 2026 negative: the deficit must be restored by 2029
    assert y26.balanced_result_mnkr < 0 and y26.unrestored_closing_mnkr == pytest.approx(
        y26.balanced_result_mnkr)
    assert a.deadlines[0][:2] == (2026, 2029) and not a.balanced
    html = assessment_html(a, "sv")
    assert html.startswith("<section") and "Balanskravsutredning" in html
    assert "2029" in html and "<table>" in html
    assert balanced_budget_assessment(demo_economy["base"].outcome()).balanced
