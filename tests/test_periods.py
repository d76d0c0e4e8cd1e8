"""Periods: months, quarters and years in local time."""

from datetime import UTC, date, datetime

import pytest

from frontdesk.indicators.periods import parse_period


def test_it_parses_every_period_form():
    assert parse_period("2026-10").start == date(2026, 10, 1)
    assert parse_period("2026-10").end == date(2026, 11, 1)
    assert parse_period("2026-Q4").end == date(2027, 1, 1)
    assert parse_period("2026").kind == "year"
    assert [p.label for p in parse_period("2026-Q3").months()] == ["2026-07", "2026-08", "2026-09"]


def test_a_shanghai_month_starts_at_16_utc_the_day_before():
    lo, hi = parse_period("2026-10").utc_bounds("Asia/Shanghai")
    assert lo == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert hi == datetime(2026, 10, 31, 16, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["2026-13", "26-10", "2026-Q5", "october"])
def test_it_rejects_malformed_periods_with_the_accepted_forms(bad):
    with pytest.raises(ValueError, match="YYYY-MM, YYYY-Qn, YYYY"):
        parse_period(bad)
