"""One time-zone rule for times without an offset (docs/importing.md, "Values"): the zone given for
the import (``--source-tz``) wins, then the mapping's ``timezone``, then the workspace's; every
report says which zone was used and where it came from."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_frontdesk

from frontdesk.indicators.periods import month
from frontdesk.ingest import import_files, parse_mapping
from frontdesk.store.eventstore import EventStore

# A call at 23:30 on the last evening of October, Beijing time, in an export without offsets.
CSV = "Call,Agent,Start\nC1,A1,2026-10-31 23:30\n"
MAPPING = (
    '[tables.interactions.columns]\n"Call" = "interaction_id"\n"Agent" = "agent_id"\n"Start" = "created_at"\n'
)
SHANGHAI_INSTANT = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
UTC_INSTANT = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)


def _import(tmp_path: Path, mapping_text: str = MAPPING, **kw):
    path = tmp_path / "calls.csv"
    path.write_text(CSV)
    store = EventStore(tmp_path / "events")
    mapping = parse_mapping(mapping_text, "calls.toml").with_timezone(kw.pop("source_tz", None))
    report = import_files(store, [path], mapping, tmp_path / "imports", **kw)
    return report, store.read("interactions").column("created_at").to_pylist()[0]


def _in_october_in_shanghai(instant: datetime) -> bool:
    lo, hi = month(2026, 10).utc_bounds("Asia/Shanghai")
    return lo <= instant < hi


def test_a_mapping_without_timezone_reads_the_workspaces_zone(tmp_path):
    report, created = _import(tmp_path, workspace_timezone="Asia/Shanghai")
    assert created == SHANGHAI_INSTANT
    assert _in_october_in_shanghai(created)  # the October scorecards count it
    assert (report.timezone, report.timezone_source) == ("Asia/Shanghai", "workspace")
    doc = json.loads((report.report_dir / "report.json").read_text("utf-8"))
    assert (doc["timezone"], doc["timezone_source"]) == ("Asia/Shanghai", "workspace")
    assert "source time zone Asia/Shanghai (the workspace's time zone" in (
        report.report_dir / "report.txt"
    ).read_text("utf-8")


def test_the_zone_given_for_the_import_wins(tmp_path):
    report, created = _import(tmp_path, source_tz="UTC", workspace_timezone="Asia/Shanghai")
    assert created == UTC_INSTANT
    assert not _in_october_in_shanghai(created)  # 07:30 on 1 November in Beijing
    assert (report.timezone, report.timezone_source) == ("UTC", "option")


def test_the_mappings_timezone_wins_over_the_workspaces(tmp_path):
    report, created = _import(tmp_path, 'timezone = "UTC"\n' + MAPPING, workspace_timezone="Asia/Shanghai")
    assert created == UTC_INSTANT
    assert (report.timezone, report.timezone_source) == ("UTC", "mapping")


def test_the_zone_given_for_the_import_wins_over_the_mappings(tmp_path):
    report, created = _import(
        tmp_path,
        'timezone = "Europe/London"\n' + MAPPING,
        source_tz="Asia/Shanghai",
        workspace_timezone="UTC",
    )
    assert created == SHANGHAI_INSTANT
    assert report.timezone_source == "option"


def test_without_any_zone_utc_is_the_default_and_said_so(tmp_path):
    report, created = _import(tmp_path)
    assert created == UTC_INSTANT
    assert (report.timezone, report.timezone_source) == ("UTC", "default")


def test_an_unknown_workspace_zone_is_refused_in_one_line(tmp_path):
    from frontdesk.ingest import IngestError

    with pytest.raises(IngestError, match="unknown time zone 'Mars/Olympus'"):
        _import(tmp_path, workspace_timezone="Mars/Olympus")


def test_the_cli_reads_the_workspaces_zone_and_reports_it(tmp_path):
    ws = tmp_path / "ws"
    run_frontdesk("init", "--workspace", str(ws))  # Asia/Shanghai by default
    (tmp_path / "calls.csv").write_text(CSV)
    (tmp_path / "calls.toml").write_text(MAPPING)
    args = [
        "import",
        "--workspace",
        str(ws),
        str(tmp_path / "calls.csv"),
        "--mapping",
        str(tmp_path / "calls.toml"),
    ]
    out = run_frontdesk(*args)
    assert "source time zone Asia/Shanghai (the workspace's time zone; the mapping names none)" in out.stdout
    store = EventStore(ws / "events")
    assert store.read("interactions").column("created_at").to_pylist() == [SHANGHAI_INSTANT]
    batch = out.stdout.split()[2]
    doc = json.loads((ws / "imports" / batch / "report.json").read_text("utf-8"))
    assert (doc["timezone"], doc["timezone_source"]) == ("Asia/Shanghai", "workspace")

    again = json.loads(run_frontdesk(*args, "--source-tz", "UTC", "--json").stdout)
    assert (again["timezone"], again["timezone_source"]) == ("UTC", "option")
    assert store.read("interactions").column("created_at").to_pylist() == [UTC_INSTANT]  # replaced
