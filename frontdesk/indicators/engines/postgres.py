"""PostgreSQL: the canonical tables in a database, for organisations whose data already lives there.

The engine copies the event store's Parquet files into tables of a dedicated schema (``COPY``
from CSV written by Arrow, which is fast and exact) and runs the indicator SQL there. By default
each engine gets a fresh schema and drops it on close; ``schema=NAME`` works in a named schema
and keeps it (``load=False`` then uses the tables already there, loading only missing ones).

The server comes from ``url``, else ``FRONTDESK_POSTGRES_URL``, else ``DATABASE_URL`` when that
is a PostgreSQL URL.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from frontdesk.indicators import dialects
from frontdesk.indicators.engines.base import Engine
from frontdesk.store.eventstore import EventStore, conform
from frontdesk.store.tables import TABLES

if TYPE_CHECKING:
    import psycopg

URL_ENV = "FRONTDESK_POSTGRES_URL"
SCHEMA_PREFIX = "frontdesk_"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
BATCH_ROWS = 200_000


def postgres_url(url: str | None = None) -> str:
    """The server to use: ``url``, else ``$FRONTDESK_POSTGRES_URL``, else a PostgreSQL
    ``$DATABASE_URL``; a ``RuntimeError`` naming what to set when there is none."""
    if url:
        return url
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    db = os.environ.get("DATABASE_URL", "")
    if db.startswith(("postgres://", "postgresql://")):
        return db
    raise RuntimeError(
        f"the PostgreSQL engine needs a server: set {URL_ENV} "
        "(e.g. postgresql://user:password@localhost:5432/dbname) or a postgres:// DATABASE_URL"
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_float(v: Any) -> float:
    return float(v)  # psycopg reads NUMERIC as Decimal


# Result columns: PostgreSQL type OID → (Arrow type, conversion of psycopg's Python value).

_RESULT_TYPES: dict[int, tuple[pa.DataType, Callable[[Any], Any] | None]] = {
    16: (pa.bool_(), None),
    20: (pa.int64(), None),
    21: (pa.int16(), None),
    23: (pa.int32(), None),
    700: (pa.float32(), None),
    701: (pa.float64(), None),
    # NUMERIC (sum of bigints, avg of integers) as a double, as DuckDB answers those.
    1700: (pa.float64(), _as_float),
    25: (pa.string(), None),
    1042: (pa.string(), None),
    1043: (pa.string(), None),
    19: (pa.string(), None),
    1082: (pa.date32(), None),
    1114: (pa.timestamp("us"), None),
    1184: (pa.timestamp("us", tz="UTC"), lambda v: v.astimezone(UTC)),
    1186: (pa.duration("us"), None),
}


def _arrow_result(description: Any, rows: list[tuple]) -> pa.Table:
    names = [d.name for d in description]
    arrays = []
    for i, d in enumerate(description):
        typ, convert = _RESULT_TYPES.get(d.type_code, (None, None))
        values = [r[i] for r in rows]
        if convert is not None:
            values = [None if v is None else convert(v) for v in values]
        if typ is None:  # other types (json, arrays, …): as text, so a result never fails
            typ, values = pa.string(), [None if v is None else str(v) for v in values]
        arrays.append(pa.array(values, type=typ))
    return pa.Table.from_arrays(arrays, names=names)


def _csv_chunks(batches: Iterable[pa.RecordBatch | pa.Table]) -> Iterator[bytes]:
    """CSV bytes for ``COPY … (FORMAT csv)``: nulls unquoted and empty, text always quoted, so
    PostgreSQL tells a null from an empty string; doubles round-trip exactly."""
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in batches:
        if batch.num_rows == 0:
            continue
        buf = io.BytesIO()
        pa_csv.write_csv(batch, buf, write_options=options)
        yield buf.getvalue()


class PostgresEngine(Engine):
    """Indicator queries on PostgreSQL over the canonical tables, copied into one schema.

    ``url``: the server (see :func:`postgres_url`). ``schema``: work in this schema and keep it;
    by default a fresh ``frontdesk_<random>`` schema, dropped on :meth:`close`. ``load``: copy
    the event store in (default); ``False`` uses the canonical tables already in ``schema``.
    Other keywords go to :class:`Engine`.
    """

    name = "postgres"
    dialect = "postgres"

    def __init__(
        self,
        store: EventStore,
        url: str | None = None,
        schema: str | None = None,
        *,
        load: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(store, **options)  # calendars, view parameters: whatever Engine takes
        try:
            import psycopg
        except ImportError as e:  # pragma: no cover - depends on the installation
            raise ImportError("the PostgreSQL engine needs psycopg: pip install 'psycopg[binary]'") from e
        if schema is not None and not _NAME.match(schema):
            raise ValueError(f"schema {schema!r} is not a plain SQL name (letters, digits, _)")
        target = postgres_url(url)
        try:
            self.con: psycopg.Connection = psycopg.connect(target, autocommit=True)
        except psycopg.Error as e:
            raise RuntimeError(f"cannot connect to PostgreSQL ({_redact(target)}): {e}".strip()) from None
        self.owns_schema = schema is None
        self.schema = schema or f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:12]}"
        self.load = load
        self.con.execute("SET TIME ZONE 'UTC'")
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(self.schema)}")
        if self.owns_schema:
            self.con.execute(
                f"COMMENT ON SCHEMA {_ident(self.schema)} IS "
                f"'frontdesk engine scratch schema (pid {os.getpid()}); safe to drop'"
            )
        # pg_catalog stays first implicitly, so built-in functions still resolve.
        self.con.execute(f"SET search_path TO {_ident(self.schema)}")
        try:
            self.register_store()
        except BaseException:
            self.close()
            raise

    # -- helpers ---------------------------------------------------------------------------
    def _kind(self, name: str) -> str | None:
        """'r' (table), 'v' (view) or None: what ``name`` is in this engine's schema."""
        row = self.con.execute(
            "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s",
            (self.schema, name),
        ).fetchone()
        return None if row is None else str(row[0])

    def _drop(self, name: str) -> None:
        kind = self._kind(name)
        if kind == "v":
            self.con.execute(f"DROP VIEW {_ident(name)}")
        elif kind is not None:
            self.con.execute(f"DROP TABLE {_ident(name)}")

    def _load(self, name: str, schema: pa.Schema, batches: Iterable[pa.RecordBatch | pa.Table]) -> None:
        """(Re)create table ``name`` with ``schema``'s columns and COPY ``batches`` into it."""
        if not self.load and name in TABLES and self._kind(name) == "r":
            return  # the user's own canonical table, used as it is
        cols = ", ".join(f"{_ident(f.name)} {dialects.sql_type(f.type, self.dialect)}" for f in schema)
        # A scratch schema is a copy of the event store: no write-ahead log needed.
        unlogged = "UNLOGGED " if self.owns_schema else ""
        with self.con.transaction():
            self._drop(name)
            self.con.execute(f"CREATE {unlogged}TABLE {_ident(name)} ({cols})")
            names = ", ".join(_ident(f.name) for f in schema)
            with self.con.cursor().copy(
                f"COPY {_ident(name)} ({names}) FROM STDIN (FORMAT csv, NULL '')"
            ) as copy:
                for chunk in _csv_chunks(batches):
                    copy.write(chunk)
        self.con.execute(f"ANALYZE {_ident(name)}")

    # -- primitives ------------------------------------------------------------------------
    def register_parquet(self, name: str, files: list[Path], schema: pa.Schema) -> None:
        spec = TABLES[name]

        def batches() -> Iterator[pa.Table]:
            for f in files:
                for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS):
                    yield conform(spec, batch)

        self._load(name, schema, batches())

    def register_arrow(self, name: str, data: pa.Table) -> None:
        self._load(name, data.schema, data.to_batches(max_chunksize=BATCH_ROWS))

    def create_view(self, name: str, sql: str) -> None:
        with self.con.transaction():
            # CREATE OR REPLACE cannot change a view's columns, nor replace a table: drop first.
            self._drop(name)
            self.con.execute(f"CREATE VIEW {_ident(name)} AS {sql}")

    def query(self, sql: str) -> pa.Table:
        with self.con.cursor() as cur:
            cur.execute(sql)
            if cur.description is None:
                return pa.table({})
            return _arrow_result(cur.description, cur.fetchall())

    def close(self) -> None:
        """Drop the schema this engine created, and disconnect."""
        if self.con.closed:
            return
        try:
            if self.owns_schema:
                self.con.execute(f"DROP SCHEMA IF EXISTS {_ident(self.schema)} CASCADE")
        finally:
            self.con.close()


def _redact(url: str) -> str:
    """``url`` without its password, for error messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


__all__ = ["URL_ENV", "PostgresEngine", "postgres_url"]
