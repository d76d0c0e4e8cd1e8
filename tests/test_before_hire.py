"""Records dated before their agent's hire date (issue 14, item 6): the data-quality report lists
them per agent with their keys, judged by the local date in the organisation's time zone, and
the CLI report and the web page say what they are in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from frontdesk.analysis.quality import quality_report
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

PERIOD = parse_period("2026-10")
TZ = "Asia/Shanghai"
HIRED = date(2026, 10, 10)


def _contact(iid: str, agent: str, at: datetime) -> dict:
    return dict(interaction_id=iid, source="test", channel="phone", agent_id=agent, customer_id=f"K-{iid}",
                created_at=at, abandoned=False, recorded_by="system")  # fmt: skip


def _store(root) -> EventStore:
    store = EventStore(root)
    store.write(
        "teams", pa.Table.from_pylist([{"team_id": "T1", "name": "Desk"}], schema=TABLES["teams"].schema)
    )
    agents = [
        {"agent_id": "A1", "name": "A1", "team_id": "T1", "hire_date": HIRED},
        {"agent_id": "A2", "name": "A2", "team_id": "T1", "hire_date": date(2020, 1, 1)},
        {"agent_id": "A3", "name": "A3", "team_id": "T1"},  # no hire date: nothing to compare
    ]
    store.write("agents", pa.Table.from_pylist(agents, schema=TABLES["agents"].schema))
    # 9 October 15:59 UTC is 23:59 in Shanghai, before the hire date; 16:00 UTC is the 10th there.
    before = datetime(2026, 10, 9, 15, 59, tzinfo=UTC)
    rows = [
        _contact("E1", "A1", before - timedelta(days=3)),
        _contact("E2", "A1", before),
        _contact("OK1", "A1", before + timedelta(minutes=1)),
        _contact("OK2", "A2", before),
        _contact("OK3", "A3", before),
    ]
    store.write("interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema))
    return store


def test_contacts_before_the_hire_date_are_listed_by_local_date(tmp_path):
    engine = DuckDBEngine(_store(tmp_path / "events"))
    try:
        report = quality_report(engine, PERIOD, TZ)
    finally:
        engine.close()
    found = report.findings_of("before_hire")
    assert [(f.agent_id, f.team_id, f.keys, f.value, f.what) for f in found] == [
        ("A1", "T1", ("E1", "E2"), 2.0, "hire_date 2026-10-10")
    ]
    assert report.summary()["before_hire"] == 2
    assert "A1" not in report.agent_flags()  # the report says what to check; no score changes
    # In UTC the 23:59 contact is on the 9th too, and the one a minute later is on the 9th as well.
    engine = DuckDBEngine(EventStore(tmp_path / "events"))
    try:
        utc = quality_report(engine, PERIOD, "UTC")
    finally:
        engine.close()
    assert [f.keys for f in utc.findings_of("before_hire")] == [("E1", "E2", "OK1")]


def test_the_page_names_the_check_and_the_hire_date_in_both_languages():
    from django.utils import translation

    from frontdesk.web.insights.quality import CHECKS, _value_text, _what

    with translation.override("zh-hans"):
        assert str(CHECKS["before_hire"]) == "记录日期早于客服入职日期"
        assert _what("hire_date 2026-10-10") == "入职日期 2026-10-10"
    with translation.override("en"):
        assert str(CHECKS["before_hire"]) == "Dated before the agent's hire date"
        assert _what("hire_date 2026-10-10") == "hire date 2026-10-10"
        assert _value_text("before_hire", 2.0) == "2 contacts"
