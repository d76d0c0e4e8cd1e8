"""SIGKILL during an import, at several points of the commit, leaves the store exactly as before:
readers see the same files and rows at once, and after recovery every file is as it was."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from frontdesk.ingest import import_files, load_preset
from frontdesk.ingest.batches import locked, recover
from frontdesk.store.eventstore import EventStore

HEADER = "interaction_id,agent_id,channel,priority,created_at,first_response_at,resolved_at,handle_seconds\n"


def write_csv(path, lines):
    path.write_text(HEADER + "".join(r + "\n" for r in lines), encoding="utf-8")
    return path


def rows(n, month=10, handle=300, start=0):
    return [
        f"T{i},A{i % 3},phone,normal,2026-{month:02d}-{1 + i % 28:02d} 09:00,"
        f"2026-{month:02d}-{1 + i % 28:02d} 09:02,2026-{month:02d}-{1 + i % 28:02d} 09:30,{handle}"
        for i in range(start, start + n)
    ]


def snapshot(store):
    return {
        p.relative_to(store.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(store.root.rglob("*"))
        if p.is_file()
    }


# The child imports a file that replaces records and adds new ones, and kills itself at POINT.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import frontdesk.ingest.batches as batches
    from frontdesk.store.eventstore import EventStore
    from frontdesk.ingest import import_files, load_preset

    root, csv_file, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    real_manifest, real_write, real_replace = batches.write_manifest, EventStore.write, os.replace

    def write_manifest(store, doc):
        if point == "before-commit" and doc["state"] == "committed":
            die()
        real_manifest(store, doc)
        if point == "after-pending" and doc["state"] == "pending":
            die()

    def write(self, *a, **k):
        out = real_write(self, *a, **k)
        if point == "after-first-file":
            die()
        return out

    def replace(src, dst):
        if point == "mid-file" and str(dst).endswith(".parquet"):
            die()  # the temporary file is written, not yet renamed
        real_replace(src, dst)

    batches.write_manifest = write_manifest
    EventStore.write = write
    os.replace = replace
    import_files(EventStore(root / "events"), [csv_file], load_preset("generic"), root / "imports", ["interactions"])
    print("finished")
    """
)


@pytest.mark.parametrize("point", ["after-pending", "mid-file", "after-first-file", "before-commit"])
def test_sigkill_during_an_import_leaves_the_store_as_before(tmp_path, point):
    store = EventStore(tmp_path / "events")
    import_files(
        store,
        [write_csv(tmp_path / "a.csv", rows(60))],
        load_preset("generic"),
        tmp_path / "imports",
        ["interactions"],
    )
    before = snapshot(store)
    files_before = store.files("interactions")
    rows_before = store.read("interactions").sort_by("interaction_id")
    newer = write_csv(
        tmp_path / "b.csv", rows(20, handle=7) + rows(20, start=60) + rows(20, month=11, start=80)
    )
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), str(newer), point],
        capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(__file__)), timeout=120,
    )  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "finished" not in proc.stdout
    # readers see exactly the store as it was, before any recovery
    assert store.files("interactions") == files_before
    assert store.read("interactions").sort_by("interaction_id").equals(rows_before)
    assert snapshot(store) != before  # the killed import did leave something behind …
    with locked(store):
        recover(store)
    assert snapshot(store) == before  # … which recovery removes, to the byte
    # and the next import works
    again = import_files(store, [newer], load_preset("generic"), tmp_path / "imports", ["interactions"])
    assert (again.tables["interactions"].added, again.tables["interactions"].replaced) == (40, 20)
