"""The zendesk, freshdesk and chatwoot presets on small files in each vendor's export format
(tests/data/ingest/): the canonical rows they give, times in UTC, and what they refuse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontdesk.ingest import IngestError, import_files, load_preset
from frontdesk.ingest.vendors import duration_seconds, prepare
from frontdesk.store.eventstore import EventStore

DATA = Path(__file__).parent / "data" / "ingest"
ZENDESK = [
    DATA / f
    for f in ("zendesk_tickets.json", "zendesk_ticket_metrics.json", "zendesk_satisfaction_ratings.json")
]


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def run(preset: str, files: list[Path], tmp_path: Path, store: EventStore, tz: str | None = None):
    prepared = prepare(preset, files, tmp_path / "prepared")
    mapping = load_preset(preset).with_timezone(tz)
    report = import_files(store, prepared.paths, mapping, tmp_path / "imports", prepared.tables)
    return prepared, report


def rows(store: EventStore, table: str, key: str) -> dict[str, dict]:
    return {r[key]: r for r in store.read(table).to_pylist()}


@pytest.fixture
def store(tmp_path: Path) -> EventStore:
    return EventStore(tmp_path / "events")


def test_zendesk_three_exports_join_by_ticket(tmp_path, store):
    prepared, report = run("zendesk", ZENDESK, tmp_path, store)
    assert report.state == "committed"
    got = rows(store, "interactions", "interaction_id")
    assert sorted(got) == ["zd-101", "zd-102", "zd-103"]
    t = got["zd-101"]
    assert (t["agent_id"], t["team_id"], t["customer_id"], t["channel"], t["priority"]) == (
        "9001", "77", "5001", "email", "high",
    )  # fmt: skip
    assert t["created_at"] == utc(2026, 10, 5, 1, 30)
    assert t["first_response_at"] == utc(2026, 10, 5, 2, 15)  # reply_time_in_minutes.calendar = 45
    assert t["resolved_at"] == utc(2026, 10, 5, 6, 0)
    assert (t["reopened_count"], t["transfer_count"], t["first_contact_resolved"]) == (0, 0, True)
    assert t["source"] == "zendesk" and t["recorded_by"] == "system"
    t = got["zd-102"]
    assert t["first_response_at"] == utc(2026, 10, 6, 15, 51, 35)  # reply_time_in_seconds wins over minutes
    assert (t["reopened_count"], t["transfer_count"], t["first_contact_resolved"]) == (2, 2, False)
    assert t["priority"] is None and t["channel"] == "chat"
    t = got["zd-103"]  # open, never replied: nothing invented
    assert (t["first_response_at"], t["resolved_at"], t["first_contact_resolved"]) == (None, None, None)
    assert t["channel"] == "phone"
    # ticket 104 was solved before it was created: refused, named by file, row and column
    refused = [p for p in report.problems if p.action == "refused"]
    assert {(p.row, p.column) for p in refused} >= {(4, "metric_set.solved_at")}
    assert all(p.file == prepared.paths[0].name for p in refused)
    assert report.tables["interactions"].refused == 1
    # the metric of ticket 98 has no ticket: left out, and said so
    assert any("tickets 98" in n for n in prepared.notes)


def test_zendesk_satisfaction_ratings_become_csat_surveys(tmp_path, store):
    run("zendesk", ZENDESK, tmp_path, store)
    got = rows(store, "surveys", "survey_id")
    assert sorted(got) == ["zd-csat-101", "zd-csat-102", "zd-csat-99"]  # 103 was offered, not answered
    assert (got["zd-csat-101"]["score"], got["zd-csat-101"]["scale_max"]) == (1.0, 1.0)
    assert got["zd-csat-102"]["score"] == 0.0
    assert got["zd-csat-102"]["comment"] == "Took three tries"
    assert got["zd-csat-102"]["submitted_at"] == utc(2026, 10, 7, 2, 0)  # the rating's own time
    assert got["zd-csat-99"]["interaction_id"] == "zd-99" and got["zd-csat-99"]["agent_id"] == "9002"
    assert {r["kind"] for r in got.values()} == {"csat"}


def test_zendesk_same_exports_twice_add_nothing(tmp_path, store):
    _, first = run("zendesk", ZENDESK, tmp_path, store)
    _, second = run("zendesk", list(reversed(ZENDESK)), tmp_path, store)
    assert first.state == "committed"
    assert second.state == "already-imported" and second.duplicate_of == first.batch_id


def test_zendesk_incremental_export_with_metric_sets(tmp_path, store):
    """One file as Zendesk's incremental export gives it with include=metric_sets."""
    doc = {
        "tickets": [
            {
                "id": 7, "created_at": "2026-11-02T08:00:00+08:00", "status": "solved", "priority": "normal",
                "assignee_id": 42, "via": {"channel": "email"},
                "metric_set": {"ticket_id": 7, "reply_time_in_minutes": {"calendar": 90, "business": 60},
                               "solved_at": "2026-11-02T03:00:00Z", "reopens": 1, "replies": 2,
                               "assignee_stations": 2},
                "satisfaction_rating": {"score": "good", "id": 1},
            }
        ],
        "end_of_stream": True,
    }  # fmt: skip
    f = tmp_path / "incremental.json"
    f.write_text(json.dumps(doc), "utf-8")
    run("zendesk", [f], tmp_path, store)
    t = rows(store, "interactions", "interaction_id")["zd-7"]
    assert t["created_at"] == utc(2026, 11, 2, 0, 0)  # +08:00 read as the instant it is
    assert t["first_response_at"] == utc(2026, 11, 2, 1, 30)
    assert (t["reopened_count"], t["transfer_count"], t["first_contact_resolved"]) == (1, 1, False)
    s = rows(store, "surveys", "survey_id")["zd-csat-7"]
    assert s["score"] == 1.0 and s["agent_id"] == "42"


def test_zendesk_unknown_document_is_refused_with_the_file(tmp_path):
    f = tmp_path / "users.json"
    f.write_text(json.dumps({"users": [{"id": 1, "name": "x"}]}), "utf-8")
    with pytest.raises(IngestError, match=r"users\.json: no tickets, ticket_metrics or satisfaction_ratings"):
        prepare("zendesk", [f], tmp_path / "p")


def test_freshdesk_ticket_export_in_beijing_time(tmp_path, store):
    _, report = run("freshdesk", [DATA / "freshdesk_tickets.csv"], tmp_path, store, tz="Asia/Shanghai")
    got = rows(store, "interactions", "interaction_id")
    assert sorted(got) == ["fd-2001", "fd-2002", "fd-2003"]
    t = got["fd-2001"]
    assert t["created_at"] == utc(2026, 10, 5, 1, 0)  # 09:00 in Beijing
    assert t["first_response_at"] == utc(2026, 10, 5, 1, 20)
    assert t["resolved_at"] == utc(2026, 10, 5, 5, 30)
    assert t["closed_at"] == utc(2026, 10, 6, 5, 30)
    assert (t["agent_id"], t["team_id"], t["channel"], t["priority"]) == (
        "Li Wei",
        "Billing",
        "email",
        "normal",
    )
    assert got["fd-2002"]["priority"] == "urgent" and got["fd-2002"]["channel"] == "phone"
    assert got["fd-2003"]["agent_id"] is None and got["fd-2003"]["team_id"] is None  # "No Agent"
    (p,) = [p for p in report.problems if p.column == "Resolved time" and "Created time" in p.expected]
    assert (p.file, p.row, p.value) == ("freshdesk_tickets.csv", 5, "2026-10-08 09:00:00")
    s = rows(store, "surveys", "survey_id")
    assert {k: (v["score"], v["scale_max"]) for k, v in s.items()} == {
        "fd-csat-2001": (3.0, 3.0), "fd-csat-2002": (1.0, 3.0), "fd-csat-2004": (2.0, 3.0),
    }  # fmt: skip


def test_chatwoot_conversation_report(tmp_path, store):
    _, report = run("chatwoot", [DATA / "chatwoot_conversations.csv"], tmp_path, store)
    assert report.refused_rows == 0
    got = rows(store, "interactions", "interaction_id")
    t = got["cw-3101"]
    assert t["created_at"] == utc(2026, 10, 5, 8, 0)
    assert t["first_response_at"] == utc(2026, 10, 5, 8, 2, 30)  # "2 minutes 30 seconds"
    assert t["resolved_at"] == utc(2026, 10, 5, 9, 30)  # "1 hour 30 minutes"
    assert t["handle_seconds"] == 720.0 and t["agent_id"] == "Mei Lin" and t["topic"] == "billing"
    assert got["cw-3102"]["resolved_at"] == utc(2026, 10, 7, 1, 59)  # "1 day 2 hours" across midnight
    assert got["cw-3103"]["first_response_at"] is None  # "--"
    s = rows(store, "surveys", "survey_id")
    assert sorted(s) == ["cw-csat-3101", "cw-csat-3102"]
    assert (s["cw-csat-3102"]["score"], s["cw-csat-3102"]["scale_max"]) == (2.0, 5.0)


def test_chatwoot_minutes_columns_and_a_bad_duration(tmp_path, store):
    f = tmp_path / "report.csv"
    f.write_text(
        "conversation_id,created_at,agent_name,first_response_time_minutes,resolution_time_minutes\n"
        "1,2026-10-05 08:00:00,Ann,1.5,60\n2,2026-10-05 09:00:00,Bo,soon,\n",
        "utf-8",
    )
    with pytest.raises(IngestError) as e:
        prepare("chatwoot", [f], tmp_path / "p")
    assert str(e.value).startswith("report.csv, row 3, column 'first_response_time_minutes': 'soon'")
    f.write_text(f.read_text("utf-8").replace("soon", "2"), "utf-8")
    run("chatwoot", [f], tmp_path, store)
    got = rows(store, "interactions", "interaction_id")
    assert got["cw-1"]["first_response_at"] == utc(2026, 10, 5, 8, 1, 30)
    assert got["cw-1"]["resolved_at"] == utc(2026, 10, 5, 9, 0)


def test_chatwoot_report_without_creation_time_is_refused(tmp_path):
    f = tmp_path / "summary.csv"
    f.write_text("conversation_id,agent_name,first_response_time_minutes\n1,Ann,3\n", "utf-8")
    with pytest.raises(IngestError, match=r"summary\.csv, row 1: no creation time column"):
        prepare("chatwoot", [f], tmp_path / "p")


@pytest.mark.parametrize(
    ("text", "unit", "seconds"),
    [
        ("1 hour 5 minutes", "s", 3900),
        ("2 days 3 hours", "s", 183600),
        ("45 seconds", "s", 45),
        ("1 minute", "s", 60),
        ("--", "s", None),
        ("1:02:03", "s", 3723),
        ("90", "s", 90),
        ("1.5", "min", 90),
    ],
)
def test_duration_texts(text, unit, seconds):
    assert duration_seconds(text, unit) == seconds


@pytest.mark.parametrize("text", ["soon", "5 fortnights", "1 hour and", "-3"])
def test_unreadable_durations(text):
    with pytest.raises(ValueError):
        duration_seconds(text)


def test_the_import_command_prepares_zendesk_exports_like_the_web_upload(tmp_path):
    """`frontdesk import --preset zendesk` takes the three exports as they come from Zendesk and
    lands the same rows as the library path above (metrics joined, ratings as surveys)."""
    from conftest import run_frontdesk

    ws = tmp_path / "ws"
    run_frontdesk("init", "--workspace", str(ws))
    out = run_frontdesk("import", *map(str, ZENDESK), "--preset", "zendesk", "--workspace", str(ws))
    assert "imported batch" in out.stdout
    cli = EventStore(ws / "events")
    lib = EventStore(tmp_path / "lib")
    run("zendesk", ZENDESK, tmp_path, lib)
    for table, key in (("interactions", "interaction_id"), ("surveys", "survey_id")):
        got, want = rows(cli, table, key), rows(lib, table, key)
        assert got and sorted(got) == sorted(want)
        drop = {"batch_id", "imported_at"}
        for k in want:
            assert {c: v for c, v in got[k].items() if c not in drop} == {
                c: v for c, v in want[k].items() if c not in drop
            }
    assert rows(cli, "interactions", "interaction_id")["zd-102"]["reopened_count"] == 2
