"""Fuzzed CSV and Excel input: a clean import or a clear IngestError naming the file, never a
traceback from deep inside."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.ingest import IngestError, import_files, load_preset
from frontdesk.store.eventstore import EventStore

COLUMNS = ["interaction_id", "agent_id", "channel", "created_at", "resolved_at", "handle_seconds", "is_vip"]
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", "2026-10-03 09:00", "3/10/2026 9:05", "2026年10月3日", "0:05:00", "-5", "Y", "phone", "NaN"]
    ),
    st.integers(-(10**20), 10**20).map(str),
)
header = st.lists(st.sampled_from([*COLUMNS, "x", "", "created_at "]), min_size=1, max_size=8)


def _check(tmp: Path, path: Path) -> None:
    store = EventStore(tmp / "events")
    try:
        report = import_files(store, [path], load_preset("generic"), tmp / "imports", ["interactions"])
    except IngestError as e:
        text = str(e)
        assert path.name in text and "\n" not in text
        assert store.files("interactions") == []
        return
    t = report.tables["interactions"]
    assert t.accepted + t.refused == t.read or t.refused >= 0
    assert store.read("interactions").num_rows == t.added
    for p in report.problems:
        assert p.row >= 1 and p.column and p.expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=header,
    body=st.lists(st.lists(cell, max_size=9), max_size=12),
    enc=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    delim=st.sampled_from([",", ";", "\t"]),
)
def test_fuzzed_csv_imports_cleanly_or_fails_clearly(tmp_path_factory, head, body, enc, delim):
    tmp = tmp_path_factory.mktemp("fz")
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim)
    w.writerow(head)
    w.writerows(body)
    path = tmp / "fuzz.csv"
    path.write_bytes(buf.getvalue().encode(enc, errors="replace"))
    _check(tmp, path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_fail_clearly(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("fb")
    for name in ("junk.csv", "junk.xlsx"):
        path = tmp / name
        path.write_bytes(data)
        _check(tmp, path)


xl_cell = st.one_of(
    st.none(), cell, st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.datetimes()
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=header, body=st.lists(st.lists(xl_cell, max_size=9), max_size=10))
def test_fuzzed_excel_imports_cleanly_or_fails_clearly(tmp_path_factory, head, body):
    tmp = tmp_path_factory.mktemp("fx")
    wb = openpyxl.Workbook()
    ws = wb.active
    path = tmp / "fuzz.xlsx"
    try:
        ws.append(head)
        for r in body:
            ws.append(r)
        wb.save(path)
    except (ValueError, openpyxl.utils.exceptions.IllegalCharacterError):
        return  # openpyxl itself refuses the cell; not our input
    _check(tmp, path)
