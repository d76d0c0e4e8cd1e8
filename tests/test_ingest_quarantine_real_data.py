"""On real exported data: the synthetic "customer support tickets" dataset has an e-mail address in
every row and more than a thousand rows whose resolution comes before the first response. Its
quarantine file keeps those rows, their row numbers, problems and column names, but not one
e-mail address; ``policy.personal_data = "keep"`` keeps them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from test_ingest_support_tickets import DATA, MAPPING

from frontdesk.ingest import import_files, parse_mapping
from frontdesk.store.eventstore import EventStore

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"dataset not found at {DATA}")

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def quarantine(tmp_path: Path, mapping_text: str) -> tuple[list[dict[str, str]], str]:
    report = import_files(
        EventStore(tmp_path / "events"),
        [DATA],
        parse_mapping(mapping_text, "m.toml"),
        tmp_path / "imports",
        dry_run=True,
    )
    path = report.report_dir / "quarantine.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f)), path.read_text("utf-8-sig")


def source_rows() -> dict[int, dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return {n: row for n, row in enumerate(csv.DictReader(f), start=2)}


def test_the_quarantine_of_a_real_export_holds_no_email_address(tmp_path):
    rows, text = quarantine(tmp_path, MAPPING)
    assert len(rows) > 1000
    assert EMAIL.search(text) is None
    source = source_rows()
    for row in rows[:50]:
        original = source[int(row["_row"])]
        assert EMAIL.fullmatch(original["Customer Email"])  # there was one
        assert row["Customer Email"] == "[EMAIL]"
        assert row["Ticket ID"] == original["Ticket ID"]  # the row can still be found in the source
        assert row["Time to Resolution"] == original["Time to Resolution"]
        assert row["_problems"]  # the problem, as "column: expected"
    backwards = [r for r in rows if "Time to Resolution: not before First Response Time" in r["_problems"]]
    assert len(backwards) > 1000


def test_keep_leaves_the_addresses(tmp_path):
    rows, _ = quarantine(tmp_path / "keep", MAPPING + '\n[policy]\npersonal_data = "keep"\n')
    source = source_rows()
    assert all(row["Customer Email"] == source[int(row["_row"])]["Customer Email"] for row in rows)
