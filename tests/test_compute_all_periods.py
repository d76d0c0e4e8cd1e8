"""``frontdesk compute --period all`` computes the months that have interactions now: a month whose
files were all retired by a later import or undone (``frontdesk import --undo``) is not listed,
though its files may still be on disk."""

from __future__ import annotations

from conftest import run_frontdesk

from frontdesk.store.eventstore import EventStore

HEADER = "interaction_id,agent_id,channel,priority,created_at,first_response_at,resolved_at,handle_seconds\n"


def _csv(path, month: int, prefix: str):
    rows = [
        f"{prefix}{i},A{i % 3},phone,normal,2026-{month:02d}-{1 + i % 20:02d} 09:00,"
        f"2026-{month:02d}-{1 + i % 20:02d} 09:02,2026-{month:02d}-{1 + i % 20:02d} 09:30,300"
        for i in range(12)
    ]
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _import(ws, path) -> str:
    out = run_frontdesk(
        "import", "--workspace", str(ws), str(path), "--table", "interactions", "--preset", "generic"
    )
    return out.stdout.split()[2]  # "imported batch <id> …"


def _computed(ws) -> list[str]:
    out = run_frontdesk("compute", "--workspace", str(ws), "--period", "all").stdout
    return [line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("computed ")]


def test_compute_all_lists_only_months_with_current_rows(tmp_path):
    ws = tmp_path / "ws"
    run_frontdesk("init", "--workspace", str(ws))
    _import(ws, _csv(tmp_path / "sep.csv", 9, "S"))
    _import(ws, _csv(tmp_path / "oct.csv", 10, "O"))
    run_frontdesk("roster", "infer", "--workspace", str(ws))  # contacts only: the roster from them
    assert _computed(ws) == ["2026-09", "2026-10"]
    # The October contacts again, corrected to November: October's file is retired, not deleted.
    moved = _import(ws, _csv(tmp_path / "nov.csv", 11, "O"))
    assert list((ws / "events" / "interactions").glob("month=2026-10/*.parquet"))
    assert _computed(ws) == ["2026-09", "2026-11"]
    # The same list for every caller (the web quality page lists its periods with it too).
    assert EventStore(ws / "events").months("interactions") == ["2026-09", "2026-11"]
    # Undoing the correction brings October back and empties November.
    run_frontdesk("import", "--workspace", str(ws), "--undo", moved)
    assert _computed(ws) == ["2026-09", "2026-10"]


def test_compute_all_with_every_import_undone_is_bad_input(tmp_path):
    ws = tmp_path / "ws"
    run_frontdesk("init", "--workspace", str(ws))
    batch = _import(ws, _csv(tmp_path / "sep.csv", 9, "S"))
    run_frontdesk("import", "--workspace", str(ws), "--undo", batch)
    r = run_frontdesk("compute", "--workspace", str(ws), "--period", "all", check=False)
    assert r.returncode == 2
    assert r.stderr.strip() == "frontdesk: error: --period all: the event store has no interactions yet"
