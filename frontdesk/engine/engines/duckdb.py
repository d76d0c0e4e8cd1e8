"""DuckDB, embedded: the default engine, reading the event store's Parquet files in place."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from frontdesk.engine.calendars import Calendar
from frontdesk.engine.engines.base import Engine, file_columns
from frontdesk.engine.eventstore import EventStore


def _duck_type(t: pa.DataType) -> str:
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    return {
        pa.string(): "VARCHAR",
        pa.int64(): "BIGINT",
        pa.float64(): "DOUBLE",
        pa.bool_(): "BOOLEAN",
        pa.date32(): "DATE",
    }[t]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBEngine(Engine):
    """Indicator queries on an in-process DuckDB; each canonical table is a view over its files."""

    name = "duckdb"
    dialect = "duckdb"

    def __init__(
        self,
        store: EventStore,
        threads: int | None = None,
        memory_limit: str | None = None,
        calendars: Iterable[Calendar] | None = None,
        view_params: dict | None = None,
    ) -> None:
        super().__init__(store, calendars, view_params)
        self.con = duckdb.connect(":memory:")
        # Instants cast to text must not depend on the process's TZ (pytest-django sets one).
        self.con.execute("SET TimeZone = 'UTC'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_quote(memory_limit)}")
        self.register_store()

    def register_parquet(self, name: str, files: list[Path], schema: pa.Schema) -> None:
        listing = ", ".join(_quote(str(f)) for f in files)
        present = file_columns(files)
        # Files written before a column was added lack it: it reads as NULL of its canonical type.
        cols = ", ".join(
            f'"{f.name}"' if f.name in present else f'CAST(NULL AS {_duck_type(f.type)}) AS "{f.name}"'
            for f in schema
        )
        self.con.execute(
            f'CREATE OR REPLACE VIEW "{name}" AS SELECT {cols} '
            f"FROM read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
        )

    def register_arrow(self, name: str, data: pa.Table) -> None:
        self.con.register(f"_arrow_{name}", data)
        self.con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM "_arrow_{name}"')

    def create_view(self, name: str, sql: str) -> None:
        self.con.execute(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()
