"""The synthetic "customer support tickets" dataset imports with its inconsistencies reported row
by row (file, row, column, value, reason) and quarantined, not silently used."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from frontdesk.ingest import import_files, parse_mapping
from frontdesk.store.eventstore import EventStore

DATA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "datasets"
    / "customer-support-tickets"
    / "customer_support_tickets.csv"
)
pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"dataset not found at {DATA}")
pd = pytest.importorskip("pandas")

# The export has no creation time: the mapping says so and uses the first stamped time instead.
MAPPING = """
name = "support-tickets"
timezone = "UTC"
date_order = "ymd"

[tables.interactions.columns]
"Ticket ID" = "interaction_id"
"Customer Email" = "customer_id"
"Ticket Channel" = "channel"
"Ticket Priority" = "priority"
"Ticket Subject" = "topic"
"First Response Time" = "first_response_at"
"Time to Resolution" = "resolved_at"

[tables.interactions.derived]
interaction_id = "concat('cst-', interaction_id)"
created_at = "coalesce(first_response_at, resolved_at)"
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("cst")
    store = EventStore(root / "events")
    report = import_files(store, [DATA], parse_mapping(MAPPING, "support-tickets.toml"), root / "imports")
    return store, report


def test_resolution_before_first_response_is_refused_row_by_row(result):
    _store, report = result
    df = pd.read_csv(DATA)
    df["row"] = df.index + 2  # header is row 1
    fr = pd.to_datetime(df["First Response Time"])
    tr = pd.to_datetime(df["Time to Resolution"])
    backwards = df[tr < fr]
    assert len(backwards) > 1000
    found = {p.row: p for p in report.problems if p.column == "Time to Resolution" and p.action == "refused"}
    assert set(found) == set(backwards["row"])
    sample = backwards.iloc[0]
    p = found[int(sample["row"])]
    assert p.file == DATA.name
    assert p.value == sample["Time to Resolution"]
    assert "not before First Response Time" in p.expected


def test_rows_without_any_time_are_refused_as_missing(result):
    _, report = result
    df = pd.read_csv(DATA)
    no_time = set(df.index[df["First Response Time"].isna() & df["Time to Resolution"].isna()] + 2)
    missing = {
        p.row for p in report.problems if "a value is required (interactions.created_at)" in p.expected
    }
    assert missing == no_time and len(missing) > 2000


def test_only_consistent_rows_are_stored_and_the_rest_are_quarantined(result):
    store, report = result
    t = report.tables["interactions"]
    assert t.read == 8469
    assert t.accepted + t.refused == t.read
    stored = store.read("interactions")
    assert stored.num_rows == t.accepted
    bad = stored.filter(
        __import__("pyarrow.compute").compute.less(
            stored.column("resolved_at"), stored.column("first_response_at")
        )
    )
    assert bad.num_rows == 0
    with open(report.report_dir / "quarantine.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == t.refused
    assert {"_file", "_row", "_problems", "Ticket ID", "Time to Resolution"} <= set(rows[0])
    doc = json.loads((report.report_dir / "report.json").read_text("utf-8"))
    assert doc["tables"]["interactions"]["refused"] == t.refused
    assert "Time to Resolution" in (report.report_dir / "report.txt").read_text("utf-8")
