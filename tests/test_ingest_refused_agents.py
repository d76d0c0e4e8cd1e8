"""A refused row still names its agent when the mapping maps the agent column: the problems of
the row carry ``agent_id``, the table's counts ``refused_by_agent``, and
``refused_rows_by_agent`` sums them over the committed batches (what the data-quality report could
show per agent)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from frontdesk.ingest import batches, import_files, load_preset
from frontdesk.ingest.refusals import refused_rows_by_agent
from frontdesk.store.eventstore import EventStore

CSV = (
    "interaction_id,agent_id,channel,created_at,first_response_at\n"
    "I1,A001,chat,2026-10-05 09:00,2026-10-05 09:01\n"
    "I2,A001,chat,not a time,\n"  # refused, A001
    "I3,A002,fax,2026-10-05 10:00,\n"  # refused, A002
    "I4,A002,chat,2026-10-05 11:00,2026-10-05 10:00\n"  # refused (impossible time), A002
    "I5,,chat,2026-10-05 11:00,bad\n"  # refused, no agent
)


def test_refused_rows_name_their_agent(tmp_path):
    (tmp_path / "i.csv").write_text(CSV, "utf-8")
    store = EventStore(tmp_path / "events")
    report = import_files(
        store, [tmp_path / "i.csv"], load_preset("generic"), tmp_path / "imports", ["interactions"]
    )
    assert report.tables["interactions"].refused == 4
    assert report.tables["interactions"].refused_by_agent == {"A001": 1, "A002": 2}
    doc = json.loads((report.report_dir / "report.json").read_text("utf-8"))
    assert {(p["row"], p["agent_id"]) for p in doc["problems"]} == {
        (3, "A001"),
        (4, "A002"),
        (5, "A002"),
        (6, None),
    }
    assert doc["tables"]["interactions"]["refused_by_agent"] == {"A001": 1, "A002": 2}
    assert "refused rows by agent: A002 2, A001 1" in report.text()

    # over batches: a second file adds to the count; an undone batch, a dry run and another time range do not
    (tmp_path / "j.csv").write_text(CSV.replace("I", "J"), "utf-8")
    second = import_files(
        store, [tmp_path / "j.csv"], load_preset("generic"), tmp_path / "imports", ["interactions"]
    )
    import_files(
        store,
        [tmp_path / "j.csv"],
        load_preset("generic"),
        tmp_path / "imports",
        ["interactions"],
        dry_run=True,
    )
    assert refused_rows_by_agent(store, tmp_path / "imports") == {"A001": 2, "A002": 4}
    assert refused_rows_by_agent(store, tmp_path / "imports", tables=("surveys",)) == {}
    later = datetime.now(UTC) + timedelta(hours=1)
    assert refused_rows_by_agent(store, tmp_path / "imports", start=later) == {}
    batches.undo(store, second.batch_id)
    assert refused_rows_by_agent(store, tmp_path / "imports") == {"A001": 1, "A002": 2}


def test_without_an_agent_column_nothing_is_counted(tmp_path):
    (tmp_path / "s.csv").write_text(
        "survey_id,kind,score,scale_max,submitted_at\nS1,csat,9,5,2026-10-05 09:00\n", "utf-8"
    )
    store = EventStore(tmp_path / "events")
    report = import_files(
        store, [tmp_path / "s.csv"], load_preset("generic"), tmp_path / "imports", ["surveys"]
    )
    assert report.tables["surveys"].refused == 1
    assert report.tables["surveys"].refused_by_agent == {}
    assert [p.agent_id for p in report.problems] == [None]
