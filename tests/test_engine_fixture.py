"""Indicator values on a tiny hand-made fixture, checked against numbers worked out by hand."""

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

T0 = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _interactions() -> pa.Table:
    rows = []
    # A1: three chats with first responses after 10, 20 and 60 s; one abandoned call.
    for i, (frt, handle, fcr) in enumerate([(10, 100, True), (20, 200, True), (60, 600, False)]):
        rows.append(dict(interaction_id=f"I{i}", channel="chat", agent_id="A1", created_at=T0 + timedelta(hours=i),
                         first_response_at=T0 + timedelta(hours=i, seconds=frt), handle_seconds=float(handle),
                         resolved_at=T0 + timedelta(hours=i, minutes=30), first_contact_resolved=fcr,
                         transfer_count=0, reopened_count=0, abandoned=False, priority="urgent" if i == 0 else "normal"))  # fmt: skip
    rows.append(dict(interaction_id="I9", channel="phone", agent_id="A1", created_at=T0, abandoned=True))
    # A2: one e-mail ticket closed after 30 hours, and one chat created in September local time.
    rows.append(dict(interaction_id="E1", channel="email", agent_id="A2", created_at=T0,
                     first_response_at=T0 + timedelta(hours=2), closed_at=T0 + timedelta(hours=30),
                     handle_seconds=900.0, abandoned=False))  # fmt: skip
    rows.append(dict(interaction_id="E2", channel="chat", agent_id="A2",
                     created_at=datetime(2026, 9, 30, 15, 59, tzinfo=UTC),
                     first_response_at=datetime(2026, 9, 30, 16, 1, tzinfo=UTC), abandoned=False))  # fmt: skip
    return pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema)


@pytest.fixture
def engine(tmp_path):
    store = EventStore(tmp_path)
    store.write("interactions", _interactions())
    store.write(
        "worktime",
        pa.table({"agent_id": ["A1", "A1"], "work_date": [date(2026, 10, 8), date(2026, 10, 9)],
                  "logged_seconds": [3600.0, 1800.0]}),
    )  # fmt: skip
    store.write(
        "surveys",
        pa.Table.from_pylist(
            [dict(survey_id=f"S{i}", agent_id="A1", kind="csat", score=s, scale_max=5.0, submitted_at=T0)
             for i, s in enumerate([5, 4, 3, 1])]
            + [dict(survey_id=f"N{i}", agent_id="A1", kind="nps", score=s, scale_max=10.0, submitted_at=T0)
               for i, s in enumerate([10, 9, 8, 6, 0])]
        ),
    )  # fmt: skip
    eng = DuckDBEngine(store)
    yield eng
    eng.close()


def test_values_match_hand_computation(engine):
    m = engine.measures(builtin_catalog().values(), parse_period("2026-10"), "Asia/Shanghai")
    a1 = m["A1"]
    assert a1["first_response"].value == 20.0 and a1["first_response"].n == 3  # median of 10, 20, 60
    assert a1["handle_time"].value == 300.0  # mean of 100, 200, 600; the abandoned call has none
    assert a1["urgent_response"].value == 10.0 and a1["urgent_response"].n == 1
    assert a1["contacts_per_hour"].value == pytest.approx(3 / 1.5)  # 3 handled / 1.5 logged hours
    assert a1["first_contact_resolution"].value == pytest.approx(200 / 3)
    assert a1["csat"].value == 50.0 and a1["csat"].n == 4  # 5 and 4 are satisfied
    assert a1["nps"].value == 0.0 and a1["nps"].n == 5  # 2 promoters, 2 detractors of 5
    assert a1["ticket_turnaround"].value is None and a1["ticket_turnaround"].n == 0


def test_an_agent_without_surveys_is_not_available_not_zero(engine):
    m = engine.measures(builtin_catalog().values(), parse_period("2026-10"), "Asia/Shanghai")
    a2 = m["A2"]
    assert a2["ticket_turnaround"].value == 30.0
    assert a2["csat"].value is None and a2["csat"].n == 0
    assert a2["contacts_per_hour"].value is None  # no logged hours: no rate, not infinity
    # The chat created at 23:59 on 30 September, Shanghai time, belongs to September.
    assert a2["first_response"].value is None
    sept = engine.measures(builtin_catalog().values(), parse_period("2026-09"), "Asia/Shanghai")
    assert sept["A2"]["first_response"].value == 120.0


def test_evidence_lists_the_records_behind_a_value_with_their_values(engine):
    ind = builtin_catalog()["first_response"]
    period = parse_period("2026-10")
    assert engine.evidence_keys(ind, period, "Asia/Shanghai", "A1") == ["I0:0", "I1:0", "I2:0"]
    page = engine.evidence(ind, period, "Asia/Shanghai", "A1", page=1, page_size=2)
    assert page.total == 3 and page.pages == 2
    assert [r.record for r in page.rows] == ["I0:0", "I1:0"]
    assert [r.values[0] for r in page.rows] == [10.0, 20.0]  # the seconds each customer waited
    assert page.labels == ("SECONDS_BETWEEN(opened_at, replied_at)",)
    last = engine.evidence(ind, period, "Asia/Shanghai", "A1", page=2, page_size=2)
    assert [(r.record, r.values[0]) for r in last.rows] == [("I2:0", 60.0)]


def test_evidence_of_a_ratio_lists_each_aggregated_term(engine):
    page = engine.evidence(builtin_catalog()["csat"], parse_period("2026-10"), "Asia/Shanghai", "A1")
    assert page.total == 4
    assert sorted(r.values[0] for r in page.rows) == [0.0, 0.0, 1.0, 1.0]  # top-two-box per answer
