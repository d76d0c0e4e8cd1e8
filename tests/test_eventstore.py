"""The Parquet event store: month partitions, atomic writes, canonical schemas."""

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES


def _surveys(times: list[datetime]) -> pa.Table:
    return pa.table(
        {
            "survey_id": [f"S{i}" for i in range(len(times))],
            "agent_id": ["A1"] * len(times),
            "kind": ["csat"] * len(times),
            "score": [5] * len(times),
            "scale_max": [5] * len(times),
            "submitted_at": pa.array(times, type=pa.timestamp("us", tz="UTC")),
        }
    )


def test_a_batch_is_split_into_month_folders(tmp_path):
    store = EventStore(tmp_path)
    times = [datetime(2026, 9, 30, 23, tzinfo=UTC), datetime(2026, 10, 1, 1, tzinfo=UTC)]
    files = store.write("surveys", _surveys(times), batch_id="b1")
    assert [f.parent.name for f in files] == ["month=2026-09", "month=2026-10"]
    back = store.read("surveys")
    assert sorted(back.column("survey_id").to_pylist()) == ["S0", "S1"]
    assert back.schema == TABLES["surveys"].schema


def test_no_temporary_file_is_left_behind(tmp_path):
    store = EventStore(tmp_path)
    store.write("surveys", _surveys([datetime(2026, 10, 5, tzinfo=UTC)]))
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".parquet")]
    assert leftovers == []
    assert all(not p.name.startswith(".") for p in tmp_path.rglob("*.parquet"))


def test_a_second_batch_with_the_same_id_does_not_overwrite(tmp_path):
    store = EventStore(tmp_path)
    t = [datetime(2026, 10, 5, tzinfo=UTC)]
    store.write("surveys", _surveys(t), batch_id="same")
    store.write("surveys", _surveys(t), batch_id="same")
    assert store.read("surveys").num_rows == 2


def test_missing_optional_columns_become_null_and_required_ones_are_named(tmp_path):
    store = EventStore(tmp_path)
    store.write("surveys", _surveys([datetime(2026, 10, 5, tzinfo=UTC)]))
    assert store.read("surveys").column("comment").to_pylist() == [None]
    with pytest.raises(ValueError, match="table surveys: required column survey_id is missing"):
        store.write("surveys", pa.table({"agent_id": ["A1"]}))


def test_a_column_that_cannot_be_cast_is_named(tmp_path):
    store = EventStore(tmp_path)
    bad = _surveys([datetime(2026, 10, 5, tzinfo=UTC)]).set_column(3, "score", pa.array(["five"]))
    with pytest.raises(ValueError, match="table surveys, column score"):
        store.write("surveys", bad)


def test_an_empty_table_reads_with_its_schema(tmp_path):
    assert EventStore(tmp_path).read("interactions").schema == TABLES["interactions"].schema
