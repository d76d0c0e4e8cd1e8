"""Readers and the zh-excel preset: encodings, delimiters, Excel, JSON, date and duration forms."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import run_frontdesk

from frontdesk.ingest import import_files, load_preset, parse_mapping
from frontdesk.store.eventstore import EventStore

ZH_ROWS = [
    ["工單編號", "客服", "渠道", "優先級", "創建時間", "首次響應時間", "解決時間", "處理時長", "滿意度"],
    [
        "W1",
        "A1",
        "電話",
        "緊急",
        "2026年10月3日 14:30",
        "2026/10/3 14:32",
        "2026-10-03 15:00",
        "0:12:30",
        "非常滿意",
    ],
    ["W2", "A2", "在线客服", "普通", "2026-10-04 09:00", "", "", "95", ""],
]


def _store(tmp_path):
    return EventStore(tmp_path / "events")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_chinese_csv_in_any_encoding_and_delimiter(tmp_path, encoding, delimiter):
    path = tmp_path / "工单.csv"
    path.write_bytes("\n".join(delimiter.join(r) for r in ZH_ROWS).encode(encoding))
    store = _store(tmp_path)
    report = import_files(
        store, [path], load_preset("zh-excel"), tmp_path / "imports", ["interactions", "surveys"]
    )
    assert report.inputs[0]["delimiter"] == delimiter
    it = {r["interaction_id"]: r for r in store.read("interactions").to_pylist()}
    w1 = it["W1"]
    # Beijing wall-clock times become UTC
    assert w1["created_at"] == datetime(2026, 10, 3, 6, 30, tzinfo=UTC)
    assert w1["first_response_at"] == datetime(2026, 10, 3, 6, 32, tzinfo=UTC)
    assert (w1["channel"], w1["priority"], w1["handle_seconds"]) == ("phone", "urgent", 750.0)
    assert (it["W2"]["channel"], it["W2"]["handle_seconds"]) == ("chat", 95.0)
    surveys = store.read("surveys").to_pylist()
    assert [(s["survey_id"], s["score"], s["scale_max"]) for s in surveys] == [("csat-W1", 5.0, 5.0)]
    assert report.tables["surveys"].skipped == 1


def test_excel_workbook_with_chinese_headers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客服工单导出"])  # a title row above the header
    ws.append([])
    for r in ZH_ROWS:
        ws.append(r)
    ws.append(["W3", "A1", "邮件", "高", datetime(2026, 10, 5, 8, 0), None, None, 60, None])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    mapping = parse_mapping(
        "header_row = 3\n"
        + (Path(__file__).parents[1] / "frontdesk/ingest/presets/zh-excel.toml").read_text("utf-8"),
        "zh-excel+header",
    )
    store = _store(tmp_path)
    report = import_files(store, [path], mapping, tmp_path / "imports", ["interactions"])
    assert report.tables["interactions"].accepted == 3
    w3 = {r["interaction_id"]: r for r in store.read("interactions").to_pylist()}["W3"]
    assert w3["created_at"] == datetime(2026, 10, 5, 0, 0, tzinfo=UTC) and w3["channel"] == "email"


def test_a_bad_cell_names_its_excel_row_and_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ZH_ROWS[0])
    ws.append(ZH_ROWS[1])
    ws.append(["W9", "A1", "电话", "普通", "2026-13-01 09:00", None, None, None, None])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    report = import_files(
        _store(tmp_path), [path], load_preset("zh-excel"), tmp_path / "imports", ["interactions"]
    )
    [p] = report.problems
    assert (p.file, p.row, p.column, p.value, p.action) == (
        "bad.xlsx",
        3,
        "創建時間",
        "2026-13-01 09:00",
        "refused",
    )


def test_nested_json_records_with_a_mapping(tmp_path):
    doc = {"tickets": [
        {"id": 1, "assignee": {"id": "A1"}, "via": {"channel": "web"}, "created_at": "2026-10-03T01:00:00Z",
         "metrics": {"reply_time": "0:03:00"}},
        {"id": 2, "assignee": {"id": "A2"}, "via": {"channel": "email"}, "created_at": "2026-10-03T09:00:00+08:00"},
    ]}  # fmt: skip
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps(doc))
    mapping = parse_mapping(
        """
        name = "zd"
        [tables.interactions]
        records = "tickets"
        [tables.interactions.columns]
        "id" = "interaction_id"
        "assignee.id" = "agent_id"
        "via.channel" = "channel"
        "created_at" = "created_at"
        "metrics.reply_time" = "wait_seconds"
        [tables.interactions.derived]
        interaction_id = "concat('zd-', interaction_id)"
        """,
        "zd.toml",
    )
    store = _store(tmp_path)
    import_files(store, [path], mapping, tmp_path / "imports")
    got = {r["interaction_id"]: r for r in store.read("interactions").to_pylist()}
    assert got["zd-1"]["channel"] == "chat" and got["zd-1"]["wait_seconds"] == 180.0
    assert got["zd-2"]["created_at"] == datetime(2026, 10, 3, 1, 0, tzinfo=UTC)
    assert got["zd-1"]["source"] == "zd"


def test_derived_fields_cannot_run_python(tmp_path):
    from frontdesk.ingest import IngestError

    with pytest.raises(IngestError, match="not allowed in a derived field"):
        parse_mapping("[tables.interactions.derived]\ntopic = \"__import__('os').getcwd()\"", "evil.toml")


def test_the_cli_exits_2_naming_file_row_and_column(tmp_path):
    ws = tmp_path / "ws"
    run_frontdesk("init", "--workspace", str(ws))
    path = tmp_path / "s.csv"
    path.write_text(
        "survey_id,agent_id,kind,score,submitted_at\nS1,A1,csat,5,2026-10-03 10:00\nS2,A1,csat,five,2026-10-03\n"
    )
    r = run_frontdesk(
        "import",
        "--workspace",
        str(ws),
        str(path),
        "--table",
        "surveys",
        "--preset",
        "generic",
        "--strict",
        check=False,
    )
    assert r.returncode == 2
    assert (
        r.stderr.strip()
        == "frontdesk: error: s.csv, row 3, column 'score': 'five': expected a number (--strict: nothing imported)"
    )
    ok = run_frontdesk(
        "import", "--workspace", str(ws), str(path), "--table", "surveys", "--preset", "generic"
    )
    assert "accepted 1, refused 1" in ok.stdout
    batch = ok.stdout.split()[2]
    listed = run_frontdesk("imports", "--workspace", str(ws))
    assert batch in listed.stdout and "committed" in listed.stdout
    undone = run_frontdesk("import", "--workspace", str(ws), "--undo", batch)
    assert f"undone {batch}" in undone.stdout
    assert EventStore(ws / "events").read("surveys").num_rows == 0


def test_columns_without_names_are_named_by_position(tmp_path):
    """Two empty header cells (trailing delimiters) used to give two columns named "" and a
    KeyError deep in pyarrow (found by the fuzz test); they are named by position as in Excel."""
    from frontdesk.ingest import import_files, load_preset
    from frontdesk.store.eventstore import EventStore

    path = tmp_path / "trailing.csv"
    path.write_text(
        "interaction_id,agent_id,created_at,,\n"
        "i1,A1,2026-10-01T08:00:00Z,,\n"
        "i2,A2,2026-10-01T09:00:00Z,x,y\n",
        encoding="utf-8",
    )
    store = EventStore(tmp_path / "events")
    report = import_files(store, [path], load_preset("generic"), tmp_path / "imports", ["interactions"])
    assert report.state == "committed"
    got = store.read("interactions", ["interaction_id", "agent_id"]).to_pylist()
    assert sorted((r["interaction_id"], r["agent_id"]) for r in got) == [("i1", "A1"), ("i2", "A2")]
