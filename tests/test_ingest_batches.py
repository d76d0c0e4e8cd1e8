"""Batches: the same file twice adds nothing, a newer version of a record replaces the older one,
undo restores exactly what was there, and the engine reads exactly the current records."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from frontdesk.indicators.engines import get_engine
from frontdesk.ingest import IngestError, import_files, load_preset, manifests, recover, undo
from frontdesk.ingest.batches import locked
from frontdesk.store.eventstore import EventStore

HEADER = "interaction_id,agent_id,channel,priority,created_at,first_response_at,resolved_at,handle_seconds\n"


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def rows(n: int, month: int = 10, handle: int = 300, start: int = 0) -> list[str]:
    return [
        f"T{i},A{i % 3},phone,normal,2026-{month:02d}-{1 + i % 28:02d} 09:00,"
        f"2026-{month:02d}-{1 + i % 28:02d} 09:02,2026-{month:02d}-{1 + i % 28:02d} 09:30,{handle}"
        for i in range(start, start + n)
    ]


def snapshot(store: EventStore) -> dict[str, str]:
    """Every file under the store (not only Parquet) with a hash of its bytes."""
    return {
        p.relative_to(store.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(store.root.rglob("*"))
        if p.is_file()
    }


def current(store: EventStore) -> dict[str, float]:
    t = store.read("interactions", ["interaction_id", "handle_seconds"]).to_pylist()
    return {r["interaction_id"]: r["handle_seconds"] for r in t}


@pytest.fixture
def store(tmp_path):
    return EventStore(tmp_path / "events")


def imp(store, path, tmp_path, **kw):
    return import_files(store, [path], load_preset("generic"), tmp_path / "imports", ["interactions"], **kw)


def test_the_same_file_twice_adds_nothing(store, tmp_path):
    f = write_csv(tmp_path / "a.csv", rows(50))
    first = imp(store, f, tmp_path)
    before = snapshot(store)
    second = imp(store, f, tmp_path)
    assert first.tables["interactions"].added == 50
    assert second.state == "already-imported" and second.duplicate_of == first.batch_id
    assert snapshot(store) == before
    # the same rows in another file (another name, other row order) add nothing either
    g = write_csv(tmp_path / "b.csv", list(reversed(rows(50))))
    third = imp(store, g, tmp_path)
    assert third.state == "nothing-new" and third.tables["interactions"].unchanged == 50
    assert snapshot(store) == before


def test_a_newer_version_of_a_record_replaces_the_older_one(store, tmp_path):
    imp(store, write_csv(tmp_path / "a.csv", rows(40)), tmp_path)
    # T0..T9 come back with another handle time, T40..T44 are new
    newer = imp(store, write_csv(tmp_path / "b.csv", rows(10, handle=999) + rows(5, start=40)), tmp_path)
    t = newer.tables["interactions"]
    assert (t.added, t.replaced, t.unchanged) == (5, 10, 0)
    now = current(store)
    assert len(now) == 45
    assert [now[f"T{i}"] for i in range(10)] == [999.0] * 10
    assert now["T10"] == 300.0 and now["T44"] == 300.0
    # the engine (DuckDB over EventStore.files) sees exactly the current records
    engine = get_engine("duckdb", store)
    try:
        got = engine.query("SELECT count(*) AS n, sum(handle_seconds) AS s FROM interactions").to_pylist()[0]
    finally:
        engine.close()
    assert got == {"n": 45, "s": 35 * 300.0 + 10 * 999.0}


def test_undo_restores_exactly_what_was_there(store, tmp_path):
    imp(store, write_csv(tmp_path / "a.csv", rows(40)), tmp_path)
    before_files = [p.name for p in store.files("interactions")]
    before = current(store)
    second = imp(store, write_csv(tmp_path / "b.csv", rows(10, handle=999) + rows(5, start=40)), tmp_path)
    assert current(store) != before
    with locked(store):
        undo(store, second.batch_id)
    assert current(store) == before
    assert [p.name for p in store.files("interactions")] == before_files
    assert [m["state"] for m in manifests(store)] == ["committed", "undone"]


def test_undo_of_a_batch_a_later_one_replaced_is_refused(store, tmp_path):
    first = imp(store, write_csv(tmp_path / "a.csv", rows(10)), tmp_path)
    second = imp(store, write_csv(tmp_path / "b.csv", rows(3, handle=1)), tmp_path)
    with locked(store), pytest.raises(IngestError, match=f"undo {second.batch_id} first"):
        undo(store, first.batch_id)
    with locked(store):
        undo(store, second.batch_id)
        undo(store, first.batch_id)
    assert current(store) == {}


def test_a_dry_run_writes_nothing_to_the_store(store, tmp_path):
    report = imp(store, write_csv(tmp_path / "a.csv", rows(10)), tmp_path, dry_run=True)
    assert report.state == "dry-run" and report.tables["interactions"].added == 10
    assert store.files("interactions") == [] and manifests(store) == []
    assert (report.report_dir / "report.json").exists()


def test_a_pending_batch_is_invisible_and_recovery_removes_it(store, tmp_path):
    import json

    imp(store, write_csv(tmp_path / "a.csv", rows(5)), tmp_path)
    before = snapshot(store)
    files_before = store.files("interactions")
    # what a killed import leaves: a pending manifest and some of its files
    (store.root / "_imports" / "X_1.json").write_text(json.dumps({"batch_id": "X_1", "state": "pending"}))
    import pyarrow.parquet as pq

    month = files_before[0].parent
    pq.write_table(pq.read_table(files_before[0]), month / "X_1-0.parquet")
    assert store.files("interactions") == files_before
    with locked(store):
        assert recover(store) == ["X_1"]
    assert snapshot(store) == before


def test_a_refused_row_does_not_stop_the_others_and_strict_imports_nothing(store, tmp_path):
    bad = [*rows(5), "T9,A1,phone,normal,2026-10-40 09:00,,,"]
    f = write_csv(tmp_path / "a.csv", bad)
    with pytest.raises(IngestError) as e:
        imp(store, f, tmp_path, strict=True)
    assert str(e.value).startswith("a.csv, row 7, column 'created_at': '2026-10-40 09:00'")
    assert store.files("interactions") == []
    report = imp(store, f, tmp_path)
    assert report.tables["interactions"].accepted == 5 and report.tables["interactions"].refused == 1
    assert len(current(store)) == 5
