"""The complete mapping example in docs/importing.md loads and imports what it says."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from frontdesk.ingest import import_files, parse_mapping, preset_names
from frontdesk.store.eventstore import EventStore

DOC = Path(__file__).resolve().parents[1] / "docs" / "importing.md"


def example() -> str:
    return re.search(r"```toml\n(.*?)```", DOC.read_text("utf-8"), re.S).group(1)


def test_the_documented_example_imports_a_helpdesk_export(tmp_path):
    mapping = parse_mapping(example(), "docs/importing.md")
    csv = tmp_path / "acme.csv"
    csv.write_text(
        "Ticket,Agent,Channel,Priority,VIP,Opened,First reply,Solved,Talk,Talk (min:sec),Rating\n"
        "1,A1,Phone,P1,Y,3/10/2026 09:00,3/10/2026 09:02,3/10/2026 09:40,,0:05:00,5\n"
        "2,A2,E-mail,P3,N,3/10/2026 10:00,3/10/2026 09:00,3/10/2026 12:00,300,,N/A\n",
        encoding="utf-8",
    )
    store = EventStore(tmp_path / "events")
    report = import_files(store, [csv], mapping, tmp_path / "imports")
    got = {r["interaction_id"]: r for r in store.read("interactions").to_pylist()}
    assert list(got) == ["acme-1"]  # ticket 2 replied before it was opened: refused
    one = got["acme-1"]
    assert one["created_at"] == datetime(2026, 10, 3, 1, 0, tzinfo=UTC)
    assert (one["priority"], one["is_vip"], one["wait_seconds"], one["handle_seconds"]) == (
        "urgent",
        True,
        120.0,
        300.0,
    )
    assert one["source"] == "acme-helpdesk" and one["recorded_by"] == "system"
    refused = {(p.row, p.column, p.value) for p in report.problems if p.action == "refused"}
    assert (3, "First reply", "3/10/2026 09:00") in refused
    assert {r for r, _, _ in refused} == {3}
    assert [s["survey_id"] for s in store.read("surveys").to_pylist()] == ["acme-csat-1"]


def test_the_presets_named_in_the_docs_exist_and_load():
    from frontdesk.ingest import load_preset

    assert {"generic", "servicenow", "zh-excel"} <= set(preset_names())
    text = DOC.read_text("utf-8")
    assert all(f"`{p}`" in text for p in ("generic", "servicenow", "zh-excel"))
    for name in preset_names():
        assert load_preset(name).name == name
