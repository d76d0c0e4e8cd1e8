"""Working calendars and business time: weekends, Chinese public holidays, adjusted working days."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.indicators.calendars import (
    CalendarError,
    builtin_calendars,
    business_seconds,
    calendar_from_dict,
)
from frontdesk.indicators.catalog import load_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

SH = ZoneInfo("Asia/Shanghai")
CN = builtin_calendars()["cn-mainland"]


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH).astimezone(UTC)


def test_national_day_is_off_and_the_adjusted_saturday_is_worked():
    assert CN.day_hours(date(2026, 10, 1)) == []  # Thursday, National Day
    assert CN.day_hours(date(2026, 10, 7)) == []  # Wednesday, substituted day off
    assert CN.day_hours(date(2026, 10, 10)) == [(time(9), time(18))]  # Saturday worked (调休)
    assert CN.day_hours(date(2026, 10, 11)) == []  # an ordinary Sunday
    assert CN.day_hours(date(2026, 10, 9)) == [(time(9), time(18))]


def test_a_contact_across_a_weekend_counts_only_the_working_hours():
    # Friday 17:30 to Monday 09:30: half an hour on Friday, half an hour on Monday.
    assert business_seconds(CN, local("2026-11-06 17:30"), local("2026-11-09 09:30")) == 3600


def test_a_contact_across_national_day_and_the_adjusted_saturday():
    # Friday 9 October 17:00 → Monday 12 October 10:00: 1 h Friday + 9 h on the worked Saturday + 1 h Monday.
    assert business_seconds(CN, local("2026-10-09 17:00"), local("2026-10-12 10:00")) == 11 * 3600
    # 30 September 17:00 → 8 October 09:00: the whole holiday week counts nothing.
    assert business_seconds(CN, local("2026-09-30 17:00"), local("2026-10-08 09:00")) == 3600


def test_closures_cut_working_hours():
    cal = calendar_from_dict(
        "site",
        {"timezone": "Asia/Shanghai", "hours": {"weekdays": "09:00-12:00, 13:00-18:00"},
         "closures": [["2026-11-11 15:00", "2026-11-12 00:00"]]},
    )  # fmt: skip
    assert cal.day_hours(date(2026, 11, 11)) == [(time(9), time(12)), (time(13), time(15))]
    assert business_seconds(cal, local("2026-11-11 08:00"), local("2026-11-11 20:00")) == 5 * 3600


def test_a_bad_calendar_names_the_field():
    with pytest.raises(CalendarError, match=r"calendar x, hours.mon: '18:00-09:00' closes before it opens"):
        calendar_from_dict("x", {"hours": {"mon": "18:00-09:00"}})


# --- the SQL engine against the reference ---------------------------------------------------

PROBE = load_catalog(
    """
- code: probe
  name: {en: Probe, zh: 探针}
  dimension: efficiency
  kind: process
  unit: seconds
  better: lower
  source: interactions
  filter: first_response_at IS NOT NULL
  value: max(business_seconds_between(created_at, first_response_at))
"""
)["probe"]

instants = st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 11, 29)).map(
    lambda d: d.replace(tzinfo=UTC)
)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=12))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(instants, spans, st.sampled_from(["cn-mainland", "cn-service", "24x7"])),
        min_size=1,
        max_size=12,
    )
)
def test_business_seconds_in_sql_equal_the_reference(tmp_path_factory, cases):
    store = EventStore(tmp_path_factory.mktemp("bt"))
    teams = [{"team_id": c, "calendar_id": c} for c in ("cn-mainland", "cn-service", "24x7")]
    store.write("teams", pa.Table.from_pylist(teams))
    store.write("agents", pa.Table.from_pylist(
        [{"agent_id": f"A{i}", "team_id": cal} for i, (_, _, cal) in enumerate(cases)]))  # fmt: skip
    rows = [
        {
            "interaction_id": f"I{i}",
            "agent_id": f"A{i}",
            "created_at": start,
            "first_response_at": start + span,
        }
        for i, (start, span, _) in enumerate(cases)
    ]
    store.write("interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema))
    engine = DuckDBEngine(store)
    try:
        got = engine.measures([PROBE], parse_period("2026"), "Asia/Shanghai")
    finally:
        engine.close()
    cals = builtin_calendars()
    for i, (start, span, cal) in enumerate(cases):
        assert got[f"A{i}"]["probe"].value == pytest.approx(
            business_seconds(cals[cal], start, start + span), abs=1e-6
        )
