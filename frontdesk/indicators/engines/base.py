"""The shared part of every engine: registration of the canonical tables, measures, evidence."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from frontdesk.indicators import dialects
from frontdesk.indicators.calendars import Calendar, bucket_table, builtin_calendars
from frontdesk.indicators.catalog import Indicator, builtin_views
from frontdesk.indicators.compiler import BUCKETS_TABLE, compile_queries, evidence_query, view_sql
from frontdesk.indicators.periods import Period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES, table


@dataclass(frozen=True)
class EvidenceRow:
    """One record behind a value: its key, its time, and the values the indicator aggregated."""

    record: str
    at: Any
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Evidence:
    """A page of the records behind one agent's indicator value."""

    indicator: str
    agent_id: str
    period: str
    labels: tuple[str, ...]  # what each of EvidenceRow.values is (the SQL aggregated)
    rows: list[EvidenceRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class Measure:
    """An indicator's raw value and sample size for one agent and period; value None = not available.

    ``manual_share`` is the share of its rows recorded by hand (None where the source does not
    say); ``heaped_share`` the share of hand-recorded durations on a round five minutes. ``flags``
    are the data-quality flags the data itself shows (``manual_input``, ``heaping``); whether
    ``n`` is a small sample is decided in scoring, against the scheme's ``min_n``."""

    value: float | None
    n: int
    manual_share: float | None = None
    heaped_share: float | None = None
    flags: tuple[str, ...] = ()


# Data-quality thresholds (docs/indicators.md, "Data-quality flags").
MANUAL_SHARE_FLAG = 0.3  # above this share of hand-recorded rows a value is flagged "manual"
HEAPING_MIN_N = 10  # hand-recorded durations needed before judging heaping
HEAPING_SHARE_FLAG = 0.35  # smooth minute-level data puts about 0.2 on multiples of five minutes


def quality_flags(manual: float | None, heaped: float | None, manual_n: int) -> tuple[str, ...]:
    """The data-quality flags of one value. Not ``small_sample``: whether ``n`` is too small is the
    scheme's call (its ``min_n``, by default the catalogue's), so scoring decides it."""
    flags = []
    if manual is not None and manual > MANUAL_SHARE_FLAG:
        flags.append("manual_input")
    if heaped is not None and manual_n >= HEAPING_MIN_N and heaped > HEAPING_SHARE_FLAG:
        flags.append("heaping")
    return tuple(flags)


def file_columns(files: list[Path]) -> set[str]:
    """The columns present in any of ``files`` (Parquet footers only): older files may predate a
    column that was added to the canonical schema since."""
    import pyarrow.parquet as pq

    out: set[str] = set()
    for f in files:
        out.update(pq.read_schema(f).names)
    return out


class Engine(ABC):
    """Runs compiled indicator SQL over the canonical tables of an event store."""

    name: str = "engine"
    dialect: str = "duckdb"
    # Business seconds a materialised view stores, by view and (start, end) columns; set by prepare().
    stored_business: dict[str, dict[tuple[str, str], str]] | None = None

    def __init__(
        self, store: EventStore, calendars: Iterable[Calendar] | None = None, view_params: dict | None = None
    ) -> None:
        self.store = store
        self.view_params = dict(view_params or {})
        self.calendars = list(calendars) if calendars is not None else list(builtin_calendars().values())

    # -- the primitives each engine implements ---------------------------------------------
    @abstractmethod
    def register_parquet(self, name: str, files: list[Path], schema: pa.Schema) -> None:
        """Make canonical table ``name`` readable under that name from ``files``."""

    @abstractmethod
    def register_arrow(self, name: str, data: pa.Table) -> None:
        """Make ``data`` readable as table ``name`` (small tables: empty tables, calendars)."""

    @abstractmethod
    def create_view(self, name: str, sql: str) -> None:
        """Create (or replace) view ``name`` as ``sql``, already in this engine's dialect."""

    @abstractmethod
    def query(self, sql: str) -> pa.Table:
        """Run ``sql`` (already in this engine's dialect) and return the result as Arrow."""

    def close(self) -> None:  # noqa: B027 - engines without resources need not override
        """Release connections and sessions."""

    def prepare(self, period: Period, timezone: str, sources: Iterable[str]) -> frozenset[str]:
        """Called before a period's queries over ``sources``; returns the views this engine reads
        as stored tables (see derived.py) rather than computing their SQL. None by default."""
        return frozenset()

    def prepare_periods(self, periods: Iterable[Period], timezone: str) -> None:  # noqa: B027
        """Called before computing several periods: prepare what they share at once (DuckDB
        builds their stored months together). Nothing by default."""

    # -- shared ------------------------------------------------------------------------------
    def register_store(self) -> None:
        """Register every canonical table; an absent table is an empty one, so indicators on it
        are "not available" rather than an error."""
        for name in TABLES:
            files = self.store.files(name)
            if files:
                self.register_parquet(name, files, table(name).schema)
            else:
                self.register_arrow(name, table(name).schema.empty_table())
        self.register_arrow(BUCKETS_TABLE, bucket_table(self.calendars))
        for view in builtin_views().values():
            if not view.scoped:  # scoped views are compiled into each period's queries
                self.create_view(view.name, view_sql(view, self.dialect))

    def measures(
        self,
        indicators: Iterable[Indicator],
        period: Period,
        timezone: str,
        agent_ids: Iterable[str] | None = None,
    ) -> dict[str, dict[str, Measure]]:
        """Every indicator's value and n, by agent_id then indicator code, for one period.

        With ``agent_ids``, every one of those agents gets a row; an indicator declared
        ``absent_means_zero`` is then 0 for agents without rows, provided its source has rows for
        the period at all (an organisation that keeps no knowledge base is "not available", not 0).
        """
        inds = list(indicators)
        raw: dict[str, dict[str, float | None]] = {}
        sources_with_rows: set[str] = set()
        sources = {i.source for i in inds} | {i.per.source for i in inds if i.per is not None}
        stored = self.prepare(period, timezone, sources)
        queries = compile_queries(
            inds,
            period,
            timezone,
            dialect=self.dialect,
            params=self.view_params,
            materialised=stored,
            stored_business=self.stored_business,
        )
        for q, result in zip(queries, self.run_source_queries(queries, period, timezone), strict=True):
            if result.num_rows:
                sources_with_rows.update((q.source, *q.also))
            agents = result.column("agent_id").to_pylist()
            for col in q.columns:
                for agent, v in zip(agents, result.column(col.name).to_pylist(), strict=True):
                    raw.setdefault(agent, {})[col.name] = v
        for agent in agent_ids or ():
            raw.setdefault(agent, {})
        out: dict[str, dict[str, Measure]] = {}
        for agent, cols in raw.items():
            row: dict[str, Measure] = {}
            for ind in inds:
                value = cols.get(f"{ind.code}__value")
                n = int(cols.get(f"{ind.code}__n") or 0)
                if ind.per is not None:
                    den = cols.get(f"{ind.code}__per")
                    value = float(value) / float(den) if value is not None and den else None
                if n == 0:
                    value = 0.0 if ind.absent_means_zero and ind.source in sources_with_rows else None
                manual = cols.get(f"{ind.code}__manual")
                heaped = cols.get(f"{ind.code}__heaped")
                manual_n = int(cols.get(f"{ind.code}__manual_n") or 0)
                row[ind.code] = Measure(
                    None if value is None else float(value),
                    n,
                    manual_share=None if manual is None else float(manual),
                    heaped_share=None if heaped is None or manual_n == 0 else float(heaped),
                    flags=quality_flags(manual, heaped, manual_n),
                )
            out[agent] = row
        return out

    def run_source_query(self, q, period: Period, timezone: str) -> pa.Table:
        """Run one compiled source query (engines may split a large one, see DuckDBEngine)."""
        return self.query(q.sql)

    def run_source_queries(self, queries: list, period: Period, timezone: str) -> list[pa.Table]:
        """Run a period's source queries, results in order (engines may run them side by side)."""
        return [self.run_source_query(q, period, timezone) for q in queries]

    def evidence(
        self,
        ind: Indicator,
        period: Period,
        timezone: str,
        agent_id: str,
        page: int = 1,
        page_size: int = 50,
    ) -> Evidence:
        """One page of the records behind one agent's indicator value, oldest first."""
        if page < 1 or page_size < 1:
            raise ValueError("page and page_size start at 1")
        q = evidence_query(
            ind,
            period,
            timezone,
            agent_id,
            dialect=self.dialect,
            limit=page_size,
            offset=(page - 1) * page_size,
            params=self.view_params,
            materialised=self.prepare(period, timezone, {ind.source}),
            stored_business=self.stored_business,
        )
        total = int(self.query(q.count_sql).column(0)[0].as_py() or 0)
        rows = self.query(q.sql).to_pylist()
        return Evidence(
            indicator=ind.code,
            agent_id=agent_id,
            period=period.label,
            labels=q.labels,
            rows=[
                EvidenceRow(str(r["record"]), r["at"], tuple(r[f"v{k}"] for k in range(1, len(q.labels) + 1)))
                for r in rows
            ],
            total=total,
            page=page,
            page_size=page_size,
        )

    def evidence_keys(self, ind: Indicator, period: Period, timezone: str, agent_id: str) -> list[str]:
        """Every record key behind one agent's indicator value, oldest first."""
        q = evidence_query(
            ind,
            period,
            timezone,
            agent_id,
            dialect=self.dialect,
            params=self.view_params,
            materialised=self.prepare(period, timezone, {ind.source}),
            stored_business=self.stored_business,
        )
        return [str(v) for v in self.query(q.sql).column(0).to_pylist()]

    def table_rows(self, name: str) -> list[dict]:
        """A (small) canonical table as plain rows: agents, teams, sites."""
        cols = ", ".join(f'"{c}"' for c in table(name).columns)
        return self.query(dialects.transpile(f'SELECT {cols} FROM "{name}"', self.dialect)).to_pylist()

    def agents(self) -> list[dict]:
        """The agents table as plain rows, by agent_id."""
        return sorted(self.table_rows("agents"), key=lambda r: r["agent_id"])
