"""Rebuilding a stored month (frontdesk/indicators/derived.py) never pulls a file from under a reader: a
reader that listed the old files still reads complete tables, and the superseded files are removed
only after their grace period, by a later build."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pyarrow as pa
import pytest

from frontdesk.indicators import derived
from frontdesk.indicators.compiler import stored_name
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.synth import generate

TZ = "Asia/Shanghai"
STORED = ("response_episodes", "contact_outcomes")
PERIOD = parse_period("2026-08")


def _more_contacts(store: EventStore, tag: str, n: int = 3) -> None:
    lo, _ = PERIOD.utc_bounds(TZ)
    agent = store.read("agents", ["agent_id"]).column(0)[0].as_py()
    rows = [
        {"interaction_id": f"{tag}{i}", "channel": "chat", "agent_id": agent, "abandoned": False,
         "created_at": lo + timedelta(days=10), "first_response_at": lo + timedelta(days=10, minutes=5)}
        for i in range(n)
    ]  # fmt: skip
    store.write("interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema))


def _rows(files) -> int:
    listing = ", ".join(f"'{f}'" for f in files)
    return duckdb.sql(f"SELECT count(*) FROM read_parquet([{listing}])").fetchall()[0][0]


@pytest.fixture
def store(tmp_path) -> EventStore:
    store = EventStore(tmp_path / "events")
    generate(store, agents=3, months=1, start="2026-08", seed=2)
    return store


def test_a_reader_holding_the_old_files_reads_complete_tables_after_a_rebuild(store):
    reader = DuckDBEngine(store)  # the web app's engine: it lists the stored months, reads later
    try:
        assert reader.prepare(PERIOD, TZ, STORED) == frozenset(STORED)
        old = {n: list(reader._stored_files[n]) for n in STORED}
        before = {
            n: reader.query(f'SELECT count(*) AS n FROM "{stored_name(n)}"')["n"][0].as_py() for n in STORED
        }
        _more_contacts(store, "X")
        built = derived.refresh(
            store, TZ, connect=DuckDBEngine.source_connection
        )  # another process rebuilds while the reader holds its list
        assert set(built.months) == set(STORED)
        for name in STORED:
            state = derived._read_state(store, name)["months"]["2026-08"]
            new = derived.folder(store, name) / state["file"]
            assert new not in old[name] and new.exists()
            assert state["rows"] == before[name] + 3  # the rebuild has the three new contacts
            # The old listing is still there, whole: the same rows as before the rebuild.
            assert all(f.exists() for f in old[name])
            assert _rows(old[name]) == before[name]
            got = reader.query(f'SELECT count(*) AS n FROM "{stored_name(name)}"')["n"][0].as_py()
            assert got == before[name]
    finally:
        reader.close()


def test_superseded_files_are_removed_by_a_later_build_after_their_grace(store, monkeypatch):
    first, _ = derived.ensure(
        store, STORED, *PERIOD.utc_bounds(TZ), TZ, connect=DuckDBEngine.source_connection
    )
    _more_contacts(store, "X")
    derived.refresh(store, TZ, connect=DuckDBEngine.source_connection)
    assert all(f.exists() for fs in first.values() for f in fs)  # within the grace period: kept
    retired = derived._read_retired(store, "response_episodes")
    assert {f"month=2026-08/{f.name}" for f in first["response_episodes"]} <= set(retired)
    monkeypatch.setattr(derived, "RETIRED_GRACE_SECONDS", 0)
    _more_contacts(store, "Y")
    second, _ = derived.ensure(
        store, STORED, *PERIOD.utc_bounds(TZ), TZ, connect=DuckDBEngine.source_connection
    )
    assert not any(f.exists() for fs in first.values() for f in fs)  # past the grace: removed
    for name in STORED:
        [current] = second[name]
        assert current.exists() and [p for p in current.parent.glob("*.parquet")] == [current]
        assert derived._read_state(store, name)["months"]["2026-08"]["rows"] == _rows([current])


def test_a_rebuild_under_the_same_fingerprint_replaces_the_file_in_one_step(store):
    files, _ = derived.ensure(
        store, STORED, *PERIOD.utc_bounds(TZ), TZ, connect=DuckDBEngine.source_connection
    )
    [path] = files["contact_outcomes"]
    rows, inode = _rows([path]), path.stat().st_ino
    with open(path, "rb") as held:  # a reader with the file open
        (derived.folder(store, "contact_outcomes") / "state.json").unlink()  # forget the month
        again, built = derived.ensure(
            store, ["contact_outcomes"], *PERIOD.utc_bounds(TZ), TZ, connect=DuckDBEngine.source_connection
        )
        assert built.months == {"contact_outcomes": ["2026-08"]} and again["contact_outcomes"] == [path]
        assert path.stat().st_ino != inode  # a new file renamed over the old name
        held_bytes = held.read()
    assert held_bytes[:4] == b"PAR1" and held_bytes[-4:] == b"PAR1"  # the open one stayed whole
    assert _rows([path]) == rows
