"""Writing answers into the workspace's event store together with the database, and reading them back.

An answer is written inside the database transaction that marks its link used: if the database
refuses (a second use racing the first), the Parquet files just written are removed again, and if
the write fails, the link stays unused. Each batch is one file per month, written under a hidden
name and renamed (``EventStore.write``), so a reader never sees half an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import transaction

from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.web.workspace import workspace_root as configured_root


class NoWorkspace(RuntimeError):
    """The server runs without a workspace, so there is no event store to write answers to."""


def workspace_root() -> Path:
    root = configured_root()
    if root is None:
        raise NoWorkspace("no workspace: start the server with --workspace or FRONTDESK_WORKSPACE")
    return Path(root)


def event_store() -> EventStore:
    return EventStore(workspace_root() / "events")


Writer = Callable[[str, Sequence[dict[str, Any]]], None]


@contextmanager
def atomic_with_events() -> Iterator[Writer]:
    """A database transaction and a writer of event-store rows that stand or fall together."""
    store = event_store()
    written: list[Path] = []

    def write(table: str, rows: Sequence[dict[str, Any]]) -> None:
        batch = pa.Table.from_pylist(list(rows), schema=TABLES[table].schema)
        written.extend(store.write(table, batch))

    try:
        with transaction.atomic():
            yield write
    except BaseException:
        for f in written:
            f.unlink(missing_ok=True)
        raise


def read_rows(table: str, column: str, value: str, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of ``table`` whose ``column`` equals ``value`` (DuckDB over the Parquet files)."""
    import duckdb

    try:
        files = event_store().files(table)
    except NoWorkspace:
        return []
    if not files:
        return []
    con = duckdb.connect()
    try:
        cols = ", ".join(columns)
        result = con.execute(
            f"SELECT {cols} FROM read_parquet(?, union_by_name = true) WHERE {column} = ?",
            [[str(f) for f in files], value],
        )
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        con.close()
