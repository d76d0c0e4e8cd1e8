"""Implausible customers (issue 14): a customer with more than ``repeat_max_contacts`` contacts
within 30 days of a contact (a shared or system account) is left out of repeat matching, so one
such caller cannot drag a resolver's first-contact resolution down; the data-quality report lists
the customer. DuckDB (stored months and computed SQL) and the pandas reference agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from frontdesk.analysis.quality import quality_report
from frontdesk.bench.pandas_reference import reference_values
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

PERIOD = parse_period("2026-10")
TZ = "UTC"
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
BUSY = 60  # contacts of customer K-BUSY, two hours apart, all on one topic and one agent


def _contact(iid: str, agent: str, customer: str, at: datetime, topic: str = "printer") -> dict:
    return dict(
        interaction_id=iid,
        source="test",
        channel="phone",
        agent_id=agent,
        customer_id=customer,
        topic=topic,
        created_at=at,
        resolved_at=at + timedelta(minutes=30),
        closed_at=at + timedelta(minutes=40),
        abandoned=False,
        first_contact_resolved=True,
        transfer_count=0,
        reopened_count=0,
        recorded_by="system",
    )


def _store(root) -> EventStore:
    store = EventStore(root)
    store.write(
        "teams", pa.Table.from_pylist([{"team_id": "T1", "name": "Desk"}], schema=TABLES["teams"].schema)
    )
    store.write(
        "agents",
        pa.Table.from_pylist(
            [{"agent_id": a, "name": a, "team_id": "T1"} for a in ("A1", "A2")],
            schema=TABLES["agents"].schema,
        ),
    )
    rows = [_contact(f"B{i:03d}", "A1", "K-BUSY", T0 + timedelta(hours=2 * i)) for i in range(BUSY)]
    # Ordinary customers of A1: ten resolved once each.
    rows += [_contact(f"O{i:02d}", "A1", f"K-{i}", T0 + timedelta(days=1, minutes=i)) for i in range(10)]
    # A2: one customer who comes back the next day on the same topic (a real repeat) and one who
    # does not.
    rows += [
        _contact("R1", "A2", "K-BACK", T0),
        _contact("R2", "A2", "K-BACK", T0 + timedelta(days=1)),
        _contact("R3", "A2", "K-ONCE", T0),
    ]
    store.write("interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema))
    return store


FCR = builtin_catalog()["first_contact_resolution"]


def _fcr(store: EventStore, **kw) -> dict[str, float | None]:
    engine = DuckDBEngine(store, **kw)
    try:
        got = engine.measures([FCR], PERIOD, TZ, agent_ids=["A1", "A2"])
    finally:
        engine.close()
    return {a: row["first_contact_resolution"].value for a, row in got.items()}


@pytest.mark.parametrize("materialise", [True, False])
def test_a_customer_with_implausibly_many_contacts_does_not_drag_fcr_down(tmp_path, materialise):
    store = _store(tmp_path / "events")
    got = _fcr(store, materialise=materialise)
    # K-BUSY's first 30 contacts are each followed by more than 30 within 30 days: never repeats.
    # Its last 30 are matched (the tail of a burst: at most repeat_max_contacts of them), and 29
    # of those have a next contact two hours later: 41 of 70, not 11 of 70 without the rule.
    assert got["A1"] == pytest.approx(100.0 * 41 / 70)
    assert got["A2"] == pytest.approx(200.0 / 3)  # R1 is still a repeat (R2 the next day)
    ref = reference_values(store, PERIOD, TZ, agent_ids=["A1", "A2"])
    assert ref.at["A1", "first_contact_resolution"] == pytest.approx(got["A1"])
    assert ref.at["A2", "first_contact_resolution"] == pytest.approx(got["A2"])


def test_a_higher_threshold_matches_the_customer_again(tmp_path):
    store = _store(tmp_path / "events")
    got = _fcr(store, view_params={"repeat_max_contacts": 1000})
    # Every K-BUSY contact but the last is followed two hours later on the same topic.
    assert got["A1"] == pytest.approx(100.0 * 11 / 70)
    ref = reference_values(store, PERIOD, TZ, agent_ids=["A1"], repeat_max_contacts=1000)
    assert ref.at["A1", "first_contact_resolution"] == pytest.approx(got["A1"])


def test_the_quality_report_lists_the_customer_and_its_contacts(tmp_path):
    store = _store(tmp_path / "events")
    engine = DuckDBEngine(store)
    try:
        report = quality_report(engine, PERIOD, TZ)
    finally:
        engine.close()
    found = report.findings_of("implausible_customer")
    assert [(f.keys, f.agent_id, f.team_id, f.value, f.bound) for f in found] == [
        (("K-BUSY",), "A1", "T1", float(BUSY), 30.0)
    ]
    assert report.summary()["implausible_customers"] == 1
    assert report.to_json()["findings"][-1]["keys"] == ["K-BUSY"]
    # The value is the count the rule compares with the bound (contacts within 30 days), not the
    # contacts that happen to fall in the period: 20 in its last days and 20 after it make 40.
    late = PERIOD.utc_bounds(TZ)[1] - timedelta(hours=41)
    spanning = [_contact(f"S{i:03d}", "A2", "K-SPAN", late + timedelta(hours=2 * i)) for i in range(40)]
    store.write("interactions", pa.Table.from_pylist(spanning, schema=TABLES["interactions"].schema))
    engine = DuckDBEngine(store)
    try:
        report = quality_report(engine, PERIOD, TZ)
    finally:
        engine.close()
    span = [f for f in report.findings_of("implausible_customer") if f.keys == ("K-SPAN",)]
    assert [(f.value, f.bound) for f in span] == [(40.0, 30.0)]
    assert "A1" not in report.agent_flags()  # a note on the data, not a flag on the agent's card


def test_spark_leaves_the_same_contacts_out(tmp_path):
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
        pytest.skip("pyspark and Java are needed")
    from frontdesk.indicators.engines import get_engine
    from frontdesk.indicators.engines.spark import shared_session

    store = _store(tmp_path / "events")
    shared_session(config={"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1"})
    engine = get_engine("spark", store)
    try:
        got = engine.measures([FCR], PERIOD, TZ, agent_ids=["A1", "A2"])
    finally:
        engine.close()
    assert {a: row["first_contact_resolution"].value for a, row in got.items()} == pytest.approx(
        _fcr(store, materialise=False)
    )
