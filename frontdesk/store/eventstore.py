"""The event store: one folder per canonical table, Parquet files partitioned by month.

Layout: ``<root>/<table>/month=YYYY-MM/<batch>-<n>.parquet`` for tables with a partition time,
``<root>/<table>/<batch>-<n>.parquet`` for the others. A batch is written to a hidden temporary
file and renamed into place, so a crash never leaves half a file where a reader looks.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from frontdesk.store import materialised
from frontdesk.store.tables import Table, table


class EventStore:
    """Appends batches to, and lists the files of, a Parquet event store rooted at ``root``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def folder(self, name: str) -> Path:
        return self.root / name

    def write(self, name: str, batch: pa.Table | pa.RecordBatch, batch_id: str | None = None) -> list[Path]:
        """Append ``batch`` to table ``name``; returns the files written (one per month)."""
        spec = table(name)
        data = conform(spec, batch)
        batch_id = batch_id or uuid.uuid4().hex[:12]
        if data.num_rows == 0:
            return []
        written: list[Path] = []
        for month, part in _split_by_month(spec, data):
            folder = self.folder(name) / f"month={month}" if month else self.folder(name)
            folder.mkdir(parents=True, exist_ok=True)
            n = 0
            while (folder / f"{batch_id}-{n}.parquet").exists():
                n += 1
            final = folder / f"{batch_id}-{n}.parquet"
            tmp = folder / f".{final.name}.tmp"
            pq.write_table(part, tmp, compression="zstd")
            os.replace(tmp, final)
            written.append(final)
        materialised.on_write(self, name)  # materialised views over this table are now stale
        return written

    def files(self, name: str) -> list[Path]:
        """Every committed Parquet file of table ``name``, in a stable order."""
        table(name)
        folder = self.folder(name)
        if not folder.exists():
            return []
        hidden_batches, retired = hidden_files(self.root)
        return sorted(
            p
            for p in folder.rglob("*.parquet")
            if not p.name.startswith(".")
            and p.stem.rsplit("-", 1)[0] not in hidden_batches
            and p.relative_to(self.root).as_posix() not in retired
        )

    def months(self, name: str) -> list[str]:
        """The months (``YYYY-MM``, oldest first) that hold committed files of table ``name``: a month
        whose files were all undone or retired by a later import is not listed."""
        parts = {f.parent.name for f in self.files(name)}
        return sorted(p.split("=", 1)[1] for p in parts if p.startswith("month="))

    def read(self, name: str, columns: Iterable[str] | None = None) -> pa.Table:
        """The whole table as Arrow (for tests, small tables and exports)."""
        spec = table(name)
        files = self.files(name)
        if not files:
            return spec.schema.empty_table()
        parts = [pq.read_table(f, schema=spec.schema) for f in files]
        out = pa.concat_tables(parts)
        return out.select(list(columns)) if columns is not None else out


# Import batches (frontdesk.ingest, docs/importing.md) keep one manifest each in this folder. A
# batch's files are part of the store only once its manifest says "committed"; a committed batch
# lists the older files it replaced ("retired"), which stop being part of the store.
IMPORTS_FOLDER = "_imports"
_hidden_cache: dict[Path, tuple[tuple, tuple[frozenset[str], frozenset[str]]]] = {}


def hidden_files(root: str | os.PathLike[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(batch ids whose files are not in the store, store-relative paths of retired files).

    Files of a pending (unfinished or killed) or undone import batch are not in the store, nor are
    files a committed batch retired. Stores without imports answer two empty sets.
    """
    folder = Path(root) / IMPORTS_FOLDER
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return frozenset(), frozenset()
    manifests = [e for e in entries if e.name.endswith(".json") and not e.name.startswith(".")]
    stamp = tuple((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in manifests)
    cached = _hidden_cache.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    batches: set[str] = set()
    retired: set[str] = set()
    for e in manifests:
        try:
            doc = json.loads(Path(e.path).read_text("utf-8"))
        except (OSError, ValueError):
            continue  # replaced or removed while we read: the next call sees the new state
        if doc.get("state") == "committed":
            for t in doc.get("tables", {}).values():
                retired.update(t.get("retired", []))
        else:
            batches.add(str(doc.get("batch_id", e.name[: -len(".json")])))
    out = frozenset(batches), frozenset(retired)
    _hidden_cache[folder] = (stamp, out)
    return out


def conform(spec: Table, batch: pa.Table | pa.RecordBatch) -> pa.Table:
    """Cast ``batch`` to the canonical schema: missing nullable columns become nulls.

    Raises ``ValueError`` naming the table and column when a required column is missing or a
    column cannot be cast.
    """
    if isinstance(batch, pa.RecordBatch):
        batch = pa.Table.from_batches([batch])
    arrays = []
    for field in spec.schema:
        if field.name in batch.column_names:
            col = batch.column(field.name)
            try:
                col = col.cast(field.type) if col.type != field.type else col
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise ValueError(
                    f"table {spec.name}, column {field.name}: cannot read {col.type} as {field.type}: {exc}"
                ) from None
            if not field.nullable and col.null_count:
                raise ValueError(f"table {spec.name}, column {field.name}: {col.null_count} empty values")
        elif field.nullable:
            col = pa.nulls(batch.num_rows, type=field.type)
        else:
            raise ValueError(f"table {spec.name}: required column {field.name} is missing")
        arrays.append(col)
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def _split_by_month(spec: Table, data: pa.Table) -> list[tuple[str | None, pa.Table]]:
    if spec.partition_time is None:
        return [(None, data)]
    ts = data.column(spec.partition_time)
    # year * 100 + month is an order of magnitude faster than formatting every row as text.
    keys = pc.add(pc.multiply(pc.year(ts), 100), pc.month(ts)).fill_null(0)
    out = []
    for key in sorted(pc.unique(keys).to_pylist()):
        label = f"{key // 100:04d}-{key % 100:02d}" if key else "unknown"
        out.append((label, data.filter(pc.equal(keys, key))))
    return out
