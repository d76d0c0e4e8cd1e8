"""DuckDB, embedded: the default engine, reading the event store's Parquet files in place."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from frontdesk.indicators import derived, dialects
from frontdesk.indicators.calendars import Calendar
from frontdesk.indicators.catalog import builtin_views
from frontdesk.indicators.compiler import SourceQuery, stored_name
from frontdesk.indicators.engines.base import Engine, file_columns
from frontdesk.indicators.periods import Period
from frontdesk.store.eventstore import EventStore


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
        materialise: bool = True,
    ) -> None:
        super().__init__(store, calendars, view_params)
        self.threads, self.memory_limit, self.materialise = threads, memory_limit, materialise
        self.last_build: derived.Built | None = None  # what the last prepare() had to rebuild
        self._stored_files: dict[str, list[Path]] = {}  # this period's stored months, by view
        self.con = duckdb.connect(":memory:")
        # Instants cast to text must not depend on the process's TZ (pytest-django sets one).
        self.con.execute("SET TimeZone = 'UTC'")
        # Row order of results never matters here (every query groups or orders): let DuckDB
        # stream without keeping it, which saves memory on large scans.
        self.con.execute("SET preserve_insertion_order = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_quote(memory_limit)}")
        self.register_store()

    @classmethod
    def source_connection(
        cls, store: EventStore, threads: int | None = None, memory_limit: str | None = None
    ) -> DuckDBEngine:
        """An engine over the canonical tables only (it reads no stored view): what builds them."""
        return cls(store, threads=threads, memory_limit=memory_limit, materialise=False)

    def prepare(self, period: Period, timezone: str, sources: Iterable[str]) -> frozenset[str]:
        """Read ``response_episodes`` and ``contact_outcomes`` from their materialised months in the
        event store (derived.py), rebuilding stale months first. A view with parameters other than
        the stored ones, or a store that cannot be written, is computed from its SQL instead."""
        self.stored_business = None
        self._stored_files: dict[str, list[Path]] = {}
        if not self.materialise:
            return frozenset()
        names = self._storable(sources)
        if not names:
            return frozenset()
        lo, hi = period.utc_bounds(timezone)
        try:
            files, self.last_build = derived.ensure(
                self.store, names, lo, hi, timezone, threads=self.threads, memory_limit=self.memory_limit,
                connect=self.source_connection,
            )  # fmt: skip
        except OSError:
            return frozenset()
        stored = set()
        for name, paths in files.items():
            if paths:  # else no rows in the period: the view's SQL says so too
                self._stored_files[name] = paths
                self._register_stored(name)
                stored.add(name)
        # Stored business seconds were computed with the built-in calendars: use them only then.
        if derived.calendar_digest(self.calendars) == derived.builtin_calendar_digest():
            self.stored_business = {
                n: derived.STORED_BUSINESS[n] for n in stored if n in derived.STORED_BUSINESS
            }
        return frozenset(stored)

    def _storable(self, sources: Iterable[str]) -> list[str]:
        """The materialised views among ``sources`` this engine reads stored: those whose
        parameters, as this engine sets them, are the stored ones."""
        views = builtin_views()

        def own(name: str) -> dict:  # the parameters this view takes, as this engine sets them
            declared = views[name].params
            return {**declared, **{k: v for k, v in self.view_params.items() if k in declared}}

        return [n for n in derived.SPECS if n in set(sources) and own(n) == derived.default_params(n)]

    def prepare_periods(self, periods: Iterable[Period], timezone: str) -> None:
        """Bring the stored months of every one of ``periods`` up to date in one build, before
        the periods are computed one by one (each would otherwise rebuild its own months, and
        set up the reply episodes over the whole history again)."""
        names = self._storable(derived.SPECS) if self.materialise else []
        months: set[str] = set()
        for period in periods:
            months.update(derived.months_between(*period.utc_bounds(timezone), timezone))
        if not names or not months:
            return
        try:
            _, self.last_build = derived.ensure_months(
                self.store,
                names,
                sorted(months),
                timezone,
                threads=self.threads,
                memory_limit=self.memory_limit,
                connect=self.source_connection,
            )
        except OSError:
            return  # a store that cannot be written: each period computes the views' SQL

    def _register_stored(self, name: str, where: str = "") -> None:
        listing = ", ".join(_quote(str(f)) for f in self._stored_files[name])
        self.con.execute(
            f'CREATE OR REPLACE VIEW "{stored_name(name)}" AS SELECT * FROM read_parquet([{listing}]) {where}'
        )

    def run_source_queries(self, queries: list[SourceQuery], period: Period, timezone: str) -> list[pa.Table]:
        """A period's source queries, two at a time (or ``threads``), each on its own cursor.

        DuckDB runs the scan and the grouping of one query on every thread, but the small queries'
        setup and the end of a grouping (finishing each agent's exact medians) use fewer: two
        queries side by side can keep both cores busy. (On the shared 2-core test machine, with
        one core taken by other work, this measured the same as one at a time; see
        docs/performance.md.) A query split by agent ranges re-registers its view between the
        ranges, so it runs alone, after the others."""
        from concurrent.futures import ThreadPoolExecutor

        split = [self._shards(q) > 1 for q in queries]
        out: list[pa.Table | None] = [None] * len(queries)

        def run(i: int) -> None:
            cur = self.con.cursor()
            try:
                cur.execute("SET TimeZone = 'UTC'")
                out[i] = cur.sql(queries[i].sql).to_arrow_table()
            finally:
                cur.close()

        together = [i for i, s in enumerate(split) if not s]
        # Longest first (the materialised views), so the small ones fill in beside them.
        together.sort(key=lambda i: queries[i].source not in self._stored_files)
        workers = max(1, min(len(together), self.threads or os.cpu_count() or 1))
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(run, together))
        else:
            for i in together:
                out[i] = self.query(queries[i].sql)
        for i, s in enumerate(split):
            if s:
                out[i] = self.run_source_query(queries[i], period, timezone)
        return [t for t in out if t is not None]

    def run_source_query(self, q: SourceQuery, period: Period, timezone: str) -> pa.Table:
        """Run one source query; a query with exact medians (or other quantiles) over more rows than
        the memory limit holds is run once per range of agents and the results concatenated.

        DuckDB keeps every value of a median in memory until the group is done and cannot spill
        that state: 100 M contacts in a quarter need about 6 GB for the four response-time medians.
        Each agent's value depends on its own rows only, so splitting the agents is exact. The
        materialised files are sorted by agent, so each range reads only its own row groups."""
        shards = self._shards(q)
        if shards <= 1:
            return self.query(q.sql)
        bounds = self._agent_bounds(shards)
        parts = []
        try:
            for lo, hi in zip([None, *bounds], [*bounds, None], strict=True):
                conds = [
                    c for c in (lo and f"agent_id >= {_quote(lo)}", hi and f"agent_id < {_quote(hi)}") if c
                ]
                self._register_stored(q.source, "WHERE " + " AND ".join(conds) if conds else "")
                parts.append(self.query(q.sql))
        finally:
            self._register_stored(q.source)
        return pa.concat_tables(parts)

    # Bytes an exact quantile keeps per value and per column, with DuckDB's overhead (measured: four
    # medians over 10.5 M episodes peak at about 1 GB above the scan).
    QUANTILE_BYTES = 24
    QUANTILE_SHARE = 0.35  # of the memory limit, for the quantiles' state

    def _shards(self, q: SourceQuery) -> int:
        if q.source not in self._stored_files:
            return 1
        sql = q.sql.lower()
        holistic = sql.count("median(") + sql.count("quantile")
        if not holistic:
            return 1
        import pyarrow.parquet as pq

        rows = sum(pq.read_metadata(f).num_rows for f in self._stored_files[q.source])
        need = rows * holistic * self.QUANTILE_BYTES
        budget = self.QUANTILE_SHARE * self._memory_limit_bytes()
        return max(1, math.ceil(need / budget)) if budget > 0 else 1

    def _memory_limit_bytes(self) -> float:
        text = self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        m = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]?i?B)\s*", str(text))
        if not m:
            return 0.0
        unit = m.group(2)
        base = 1024 if "i" in unit else 1000
        return float(m.group(1)) * base ** " KMGT".index(unit[0] if unit[0] != "B" else " ")

    def _agent_bounds(self, shards: int) -> list[str]:
        """``shards`` − 1 agent ids cutting the agents into ranges of about equal size."""
        ids = sorted(r[0] for r in self.con.execute('SELECT agent_id FROM "agents"').fetchall() if r[0])
        if len(ids) < shards:
            return ids[1:]
        return sorted({ids[len(ids) * k // shards] for k in range(1, shards)})

    def register_parquet(self, name: str, files: list[Path], schema: pa.Schema) -> None:
        listing = ", ".join(_quote(str(f)) for f in files)
        present = file_columns(files)
        # Files written before a column was added lack it: it reads as NULL of its canonical type.
        cols = ", ".join(
            f'"{f.name}"'
            if f.name in present
            else f'CAST(NULL AS {dialects.sql_type(f.type, self.dialect)}) AS "{f.name}"'
            for f in schema
        )
        self.con.execute(
            f'CREATE OR REPLACE VIEW "{name}" AS SELECT {cols} '
            f"FROM read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
        )

    def register_arrow(self, name: str, data: pa.Table) -> None:
        # A table, not a view over the connection's registered Arrow object: queries run side by
        # side on other connections (cursors) of the same database, which see tables only.
        self.con.register(f"_arrow_{name}", data)
        self.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "_arrow_{name}"')
        self.con.unregister(f"_arrow_{name}")

    def create_view(self, name: str, sql: str) -> None:
        self.con.execute(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()
