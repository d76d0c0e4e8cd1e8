"""Apache Spark (PySpark 4, local mode by default): the same indicator SQL on a distributed engine.

Each canonical table is a temporary view over the event store's Parquet files, read with the
canonical schema. Starting Spark takes seconds, so one SparkSession is shared per process
(:func:`shared_session`); each engine works in its own child session (``newSession``), so two
engines over different stores never see each other's views.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from frontdesk.indicators import dialects
from frontdesk.indicators.engines.base import Engine
from frontdesk.store.eventstore import EventStore

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Settings every engine session gets: instants are UTC (as in the event store); small data
# should not be cut into the default 200 shuffle partitions; "name" is an identifier, as in
# DuckDB and PostgreSQL (sqlglot writes string literals in single quotes).
SESSION_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",
}
# Settings that only take effect when the shared session (and its JVM) starts.
START_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}

_lock = threading.Lock()
_session: SparkSession | None = None


def spark_schema(schema: pa.Schema) -> str:
    """A Spark DDL schema string (```name` TYPE, …``) for an Arrow schema."""
    return ", ".join(f"`{f.name}` {dialects.sql_type(f.type, 'spark')}" for f in schema)


def _check_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return
    if shutil.which("java") is None:
        raise RuntimeError(
            "Spark needs a Java runtime (17 or newer): install one (Debian: "
            "apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )


def shared_session(master: str | None = None, config: Mapping[str, str] | None = None) -> SparkSession:
    """The process's SparkSession, started on first use (local mode unless ``master`` or
    ``FRONTDESK_SPARK_MASTER`` names a cluster). ``config`` only counts on that first call."""
    global _session
    with _lock:
        if _session is not None and _session.sparkContext._jsc is not None:
            return _session
        try:
            from pyspark.sql import SparkSession
        except ImportError as e:  # pragma: no cover - depends on the installation
            raise ImportError("the Spark engine needs pyspark: pip install 'pyspark>=4.0,<5'") from e
        _check_java()
        builder = SparkSession.builder.appName("frontdesk").master(
            master or os.environ.get("FRONTDESK_SPARK_MASTER") or "local[*]"
        )
        for key, value in {**START_CONF, **SESSION_CONF, **(config or {})}.items():
            builder = builder.config(key, value)
        _session = builder.getOrCreate()
        _session.sparkContext.setLogLevel("ERROR")
        return _session


class SparkEngine(Engine):
    """Indicator queries on Spark SQL; canonical tables are temporary views over Parquet files.

    ``session``: a SparkSession to work in (its temporary views named like canonical tables are
    replaced, and it gets :data:`SESSION_CONF`); by default a child of :func:`shared_session`. Options: ``master`` and ``config``
    (passed to :func:`shared_session`), ``shuffle_partitions``, ``cache_views`` (keep derived
    views in memory once computed; default True). Other keywords go to :class:`Engine`.
    """

    name = "spark"
    dialect = "spark"

    def __init__(
        self,
        store: EventStore,
        session: SparkSession | None = None,
        *,
        master: str | None = None,
        config: Mapping[str, str] | None = None,
        shuffle_partitions: int | None = None,
        cache_views: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(store, **options)  # calendars, view parameters: whatever Engine takes
        self.spark = session if session is not None else shared_session(master, config).newSession()
        for key, value in SESSION_CONF.items():
            self.spark.conf.set(key, value)
        if shuffle_partitions:
            self.spark.conf.set("spark.sql.shuffle.partitions", str(int(shuffle_partitions)))
        self.cache_views = cache_views
        self._views: list[str] = []
        self._cached: list[Any] = []
        self.register_store()

    def _publish(self, name: str, frame: Any) -> None:
        frame.createOrReplaceTempView(name)
        if name not in self._views:
            self._views.append(name)

    def register_parquet(self, name: str, files: list[Path], schema: pa.Schema) -> None:
        # The canonical schema, not the files': a file written before a column was added reads
        # that column as nulls, and every engine sees the same types.
        frame = self.spark.read.schema(spark_schema(schema)).parquet(*[str(f) for f in files])
        self._publish(name, frame)

    def register_arrow(self, name: str, data: pa.Table) -> None:
        # Spark cannot infer types from an empty table, so the schema always comes from Arrow.
        frame = self.spark.createDataFrame(data, schema=spark_schema(data.schema))
        # Kept in memory: a plan carrying its rows is otherwise rebuilt for every query.
        frame = frame.cache()
        self._cached.append(frame)
        self._publish(name, frame)

    def create_view(self, name: str, sql: str) -> None:
        frame = self.spark.sql(sql)
        if self.cache_views:
            # Derived views (episodes, business time) are read by many queries of every period:
            # Spark would recompute them each time, so keep them once computed.
            frame = frame.cache()
            self._cached.append(frame)
        self._publish(name, frame)

    def query(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def close(self) -> None:
        """Drop this engine's views; the shared session stays up for the next engine."""
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()
        for name in reversed(self._views):
            self.spark.catalog.dropTempView(name)
        self._views.clear()
