"""Import batches in the Parquet event store: atomic commit, replace by key, undo, recovery.

Each batch has a manifest ``<store>/_imports/<batch_id>.json``. The sequence of a commit:

1. the manifest is written with ``state = "pending"``: from now on every file named
   ``<batch_id>-<n>.parquet`` is outside the store (``EventStore.files`` skips it);
2. the batch's rows are written through ``EventStore.write`` under the batch id, and so are
   copies of the older files that held records the batch replaces, less those records;
3. the manifest is replaced (one atomic rename) by one with ``state = "committed"`` that lists the
   older files as ``retired``. That rename is the commit: before it the store reads exactly as
   before, after it exactly as after.

Undo replaces the manifest by one with ``state = "undone"``: the batch's files leave the store and
the files it retired come back. A killed import leaves a pending manifest; ``recover`` (run by the
next import or undo) deletes its files and the manifest. Retired files are kept, so undo is exact.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from frontdesk.ingest.errors import IngestError
from frontdesk.store.eventstore import IMPORTS_FOLDER, EventStore
from frontdesk.store.tables import TABLES, table


def new_batch_id(now: datetime | None = None) -> str:
    """Sortable by time (UTC, to the microsecond), unique: ``20261003T101500123456_3f9a1c``."""
    now = now or datetime.now(UTC)
    return f"{now.strftime('%Y%m%dT%H%M%S%f')}_{secrets.token_hex(3)}"


def imports_folder(store: EventStore) -> Path:
    return store.root / IMPORTS_FOLDER


def manifest_path(store: EventStore, batch_id: str) -> Path:
    return imports_folder(store) / f"{batch_id}.json"


def write_manifest(store: EventStore, doc: dict[str, Any]) -> None:
    """Write a manifest atomically (temporary name, fsync, rename)."""
    folder = imports_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    final = manifest_path(store, doc["batch_id"])
    tmp = folder / f".{final.name}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, final)
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_manifest(store: EventStore, batch_id: str) -> dict[str, Any]:
    path = manifest_path(store, batch_id)
    if not path.exists():
        known = [m["batch_id"] for m in manifests(store)][-5:]
        hint = f"; recent batches: {', '.join(known)}" if known else "; no batches yet"
        raise IngestError(f"no import batch {batch_id!r}{hint}")
    return json.loads(path.read_text("utf-8"))


def manifests(store: EventStore) -> list[dict[str, Any]]:
    """Every batch manifest, oldest first."""
    folder = imports_folder(store)
    if not folder.exists():
        return []
    out = []
    for p in sorted(folder.glob("*.json")):
        if p.name.startswith("."):
            continue
        try:
            out.append(json.loads(p.read_text("utf-8")))
        except ValueError:
            continue
    return out


@contextlib.contextmanager
def locked(store: EventStore) -> Iterator[None]:
    """One import or undo at a time per store (an advisory lock, released if the process dies)."""
    folder = imports_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _batch_files(store: EventStore, batch_id: str) -> list[Path]:
    out = []
    for name in TABLES:
        folder = store.folder(name)
        if folder.exists():
            out += [
                p
                for p in folder.rglob("*")
                if p.is_file() and (p.name.startswith(f"{batch_id}-") or p.name.startswith(f".{batch_id}-"))
            ]
    return out


def recover(store: EventStore) -> list[str]:
    """Remove what killed imports left (files of pending batches and their manifests) and the files
    of undone batches; returns the ids of the pending batches removed. Call under ``locked``."""
    removed = []
    for doc in manifests(store):
        state, bid = doc.get("state"), doc["batch_id"]
        if state not in ("pending", "undone"):
            continue
        for p in _batch_files(store, bid):
            p.unlink(missing_ok=True)
        if state == "pending":
            manifest_path(store, bid).unlink(missing_ok=True)
            removed.append(bid)
    for tmp in imports_folder(store).glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    _remove_empty_folders(store)
    return removed


def _remove_empty_folders(store: EventStore) -> None:
    for name in TABLES:
        folder = store.folder(name)
        if not folder.exists():
            continue
        for d in sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                d.rmdir()  # only succeeds when empty


@dataclass
class TablePlan:
    """What committing one table's rows changes: rows to write, older files to retire."""

    table: str
    rows: pa.Table  # new or changed rows (canonical schema)
    unchanged: int = 0
    replaced: int = 0  # rows whose key was already stored with other values
    retire: list[Path] = field(default_factory=list)
    keep: list[pa.Table] = field(default_factory=list)  # rows of retired files that stay


def plan(store: EventStore, name: str, new: pa.Table) -> TablePlan:
    """Compare ``new`` (canonical rows, one per key) with what the store holds.

    Rows identical to stored ones are dropped (importing the same rows twice adds nothing); rows
    whose key is stored with other values replace the stored row.
    """
    spec = table(name)
    files = store.files(name)
    if not files or new.num_rows == 0:
        return TablePlan(name, new)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("new_rows", new)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        hits = con.execute(
            f"SELECT DISTINCT filename FROM read_parquet([{listing}], filename = true, union_by_name = true) "
            f"WHERE ({keys}) IN (SELECT ({keys}) FROM new_rows)"
        ).fetchall()
        touched = [Path(h[0]) for h in hits]
        if not touched:
            return TablePlan(name, new)
        old = pa.concat_tables([pq.read_table(f, schema=spec.schema) for f in touched])
        con.register("old_rows", old)
        cols = ", ".join(f'"{c}"' for c in spec.schema.names)
        changed = con.sql(
            f"SELECT {cols} FROM new_rows EXCEPT ALL SELECT {cols} FROM old_rows"
        ).to_arrow_table()
        changed = changed.cast(spec.schema)
        unchanged = new.num_rows - changed.num_rows
        if changed.num_rows == 0:
            return TablePlan(name, changed, unchanged=unchanged)
        con.register("changed_rows", changed)
        replaced = con.execute(
            f"SELECT count(*) FROM changed_rows WHERE ({keys}) IN (SELECT ({keys}) FROM old_rows)"
        ).fetchall()[0][0]
        result = TablePlan(name, changed, unchanged=unchanged, replaced=int(replaced))
        for f in touched:
            con.register("file_rows", pq.read_table(f, schema=spec.schema))
            gone = con.execute(
                f"SELECT count(*) FROM file_rows WHERE ({keys}) IN (SELECT ({keys}) FROM changed_rows)"
            ).fetchall()[0][0]
            if not gone:
                continue
            stay = con.sql(
                f"SELECT {cols} FROM file_rows WHERE ({keys}) NOT IN (SELECT ({keys}) FROM changed_rows)"
            ).to_arrow_table()
            result.retire.append(f)
            if stay.num_rows:
                result.keep.append(stay.cast(spec.schema))
        return result
    finally:
        con.close()


def commit(store: EventStore, batch_id: str, plans: list[TablePlan], meta: dict[str, Any]) -> dict[str, Any]:
    """Write the batch and commit it (see the module's docstring). Call under ``locked``."""
    doc = {**meta, "batch_id": batch_id, "state": "pending", "tables": {}}
    write_manifest(store, doc)
    tables: dict[str, Any] = {}
    for p in plans:
        written = store.write(p.table, p.rows, batch_id=batch_id)
        for keep in p.keep:
            written += store.write(p.table, keep, batch_id=batch_id)
        tables[p.table] = {
            "rows": p.rows.num_rows,
            "replaced": p.replaced,
            "unchanged": p.unchanged,
            "files": [_rel(store, f) for f in written],
            "retired": [_rel(store, f) for f in p.retire],
        }
    doc = {**doc, "state": "committed", "committed_at": _now(), "tables": tables}
    write_manifest(store, doc)
    return doc


def undo(store: EventStore, batch_id: str) -> dict[str, Any]:
    """Take a committed batch out of the store; what it replaced comes back. Call under ``locked``.

    Refused when a later batch replaced records of this one (undo that one first).
    """
    doc = read_manifest(store, batch_id)
    if doc.get("state") != "committed":
        raise IngestError(f"batch {batch_id} is {doc.get('state')}, not committed; nothing to undo")
    mine = {f for t in doc["tables"].values() for f in t["files"]}
    for other in manifests(store):
        if other["batch_id"] == batch_id or other.get("state") != "committed":
            continue
        if mine & {f for t in other.get("tables", {}).values() for f in t.get("retired", [])}:
            raise IngestError(
                f"batch {other['batch_id']} replaced records of batch {batch_id}; undo {other['batch_id']} first"
            )
    doc = {**doc, "state": "undone", "undone_at": _now()}
    write_manifest(store, doc)
    for p in _batch_files(store, batch_id):
        p.unlink(missing_ok=True)
    _remove_empty_folders(store)
    return doc


def _rel(store: EventStore, path: Path) -> str:
    return path.relative_to(store.root).as_posix()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
