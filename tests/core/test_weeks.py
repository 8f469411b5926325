import datetime as dt

import pytest

from pks.data import weeks


@pytest.mark.parametrize(("year", "n"),
                         [(2020, 53), (2021, 52), (2026, 53), (2027, 52), (2015, 53)])
def test_weeks_in_year_matches_python_calendar(year, n):
    assert weeks.weeks_in_year(year) == n
    assert len(weeks.weeks_of_year(year)) == n


def test_nonexistent_week_is_rejected():
    with pytest.raises(ValueError, match="does not exist"):
        weeks.parse_week("2027-W53")
    assert not weeks.is_valid_week("2025-W00")
    assert not weeks.is_valid_week("2025-13")


def test_add_weeks_round_trip_across_53_week_year():
    assert weeks.add_weeks("2026-W53", 1) == "2027-W01"
    assert weeks.add_weeks("2027-W01", -1) == "2026-W53"
    span = weeks.week_range("2026-W50", "2027-W03")
    assert span == ["2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02",
                    "2027-W03"]


def test_week_month_uses_thursday():
    # 2026-W01 starts Monday 2025-12-29; its Thursday is 2026-01-01
    assert weeks.week_monday("2026-W01") == dt.date(2025, 12, 29)
    assert weeks.week_month("2026-W01") == 1
