"""Rows dated after their import (issue 14): a partition time later than the import time plus a
day (a survey dated next week, passed today) is an impossible time, refused, flagged or refused
again under ``clear`` (a row cannot be stored without its partition time) by
``policy.impossible_times``, with the problem code ``future``."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from frontdesk.ingest import import_files
from frontdesk.ingest.convert import FUTURE_TOLERANCE, ROW, convert
from frontdesk.ingest.errors import CODES
from frontdesk.ingest.mapping import parse_mapping
from frontdesk.store.eventstore import EventStore

NOW = datetime.now(UTC)
HEADER = ["survey_id", "agent_id", "kind", "score", "scale_max", "submitted_at"]


def _at(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


ROWS = [
    ["S1", "A1", "csat", "5", "5", _at(NOW - timedelta(days=3))],
    ["S2", "A1", "csat", "4", "5", _at(NOW + timedelta(hours=12))],  # within the tolerance
    ["S3", "A1", "csat", "1", "5", _at(NOW + timedelta(days=7))],  # next week
]


def _write(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(ROWS)
    return path


def _mapping(policy: str | None):
    text = 'identity = true\ntimezone = "UTC"\n'
    if policy:
        text += f'[policy]\nimpossible_times = "{policy}"\n'
    return parse_mapping(text, "m.toml")


def _stored(store: EventStore) -> list[str]:
    return sorted(r for f in store.files("surveys") for r in pq.read_table(f).column("survey_id").to_pylist())


@pytest.mark.parametrize(
    ("policy", "action", "kept"),
    [
        (None, "refused", ["S1", "S2"]),
        ("refuse", "refused", ["S1", "S2"]),
        ("flag", "flagged", ["S1", "S2", "S3"]),
        ("clear", "refused", ["S1", "S2"]),
    ],
)
def test_a_row_dated_after_its_import_follows_the_impossible_times_policy(tmp_path, policy, action, kept):
    store = EventStore(tmp_path / "events")
    report = import_files(
        store, [_write(tmp_path / "s.csv")], _mapping(policy), tmp_path / "imports", ["surveys"]
    )
    future = [p for p in report.problems if p.code == "future"]
    assert [(p.row, p.column, p.action) for p in future] == [(4, "submitted_at", action)]
    assert future[0].expected.startswith("not after ") and "import time plus 1 day" in future[0].expected
    assert set(future[0].params) == set(CODES["future"])
    assert report.tables["surveys"].refused == (1 if action == "refused" else 0)
    assert _stored(store) == kept


def test_the_limit_is_the_given_import_time_plus_the_tolerance():
    mapping = _mapping("refuse")
    t0 = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
    times = [t0 + FUTURE_TOLERANCE, t0 + FUTURE_TOLERANCE + timedelta(seconds=1)]
    raw = pa.table(
        {
            "survey_id": ["S1", "S2"],
            "submitted_at": [_at(t) for t in times],
            ROW: pa.array([2, 3], pa.int64()),
        }
    )
    conv = convert(mapping.table("surveys"), mapping, raw, "s.csv", now=t0)
    assert conv.refused.tolist() == [False, True]
    (p,) = conv.problems
    assert (p.row, p.code, p.params) == (3, "future", {"latest": "2026-10-06 12:00 UTC"})
