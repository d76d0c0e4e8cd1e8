"""Analytics engines that run the compiled indicator queries over the canonical tables.

Every engine implements the same four primitives (register Parquet files or an Arrow table as a
table, create a view, run a query); everything else, compiling, combining ratios and listing
evidence, is shared here, so the engines cannot drift apart. DuckDB (embedded) is the default.
"""

from __future__ import annotations

from frontdesk.indicators.engines.base import Engine, Evidence, EvidenceRow, Measure
from frontdesk.indicators.engines.duckdb import DuckDBEngine

ENGINES = ("duckdb", "spark", "postgres")


def get_engine(name: str, store, **options) -> Engine:
    """The engine called ``name`` over ``store``; a clear error for an unknown or unavailable one."""
    if name == "duckdb":
        return DuckDBEngine(store, **options)
    if name == "spark":
        from frontdesk.indicators.engines.spark import SparkEngine

        return SparkEngine(store, **options)
    if name == "postgres":
        from frontdesk.indicators.engines.postgres import PostgresEngine

        return PostgresEngine(store, **options)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "DuckDBEngine", "Engine", "Evidence", "EvidenceRow", "Measure", "get_engine"]
