"""Run compiled indicator queries on an analytics engine over the event store.

DuckDB (embedded) is the default. Each canonical table becomes a view over its Parquet files, so
the compiled SQL only ever names canonical tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from frontdesk.engine.catalog import Indicator
from frontdesk.engine.compiler import compile_queries, evidence_query
from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.periods import Period
from frontdesk.engine.tables import TABLES, table


@dataclass(frozen=True)
class Measure:
    """An indicator's raw value and sample size for one agent and period; value None = not available."""

    value: float | None
    n: int


class DuckDBEngine:
    """Indicator queries on an in-process DuckDB reading the event store's Parquet files."""

    name = "duckdb"

    def __init__(self, store: EventStore, threads: int | None = None) -> None:
        self.store = store
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        for name in TABLES:
            self._register(name)

    def _register(self, name: str) -> None:
        files = [str(p) for p in self.store.files(name)]
        if files:
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            self.con.execute(
                f'CREATE OR REPLACE VIEW "{name}" AS SELECT '
                + ", ".join(f'"{c}"' for c in table(name).columns)
                + f" FROM read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
            )
        else:
            # An absent table is an empty one: indicators on it are "not available", not zero.
            self.con.register(f"_empty_{name}", table(name).schema.empty_table())
            self.con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM "_empty_{name}"')

    def close(self) -> None:
        self.con.close()

    def measures(
        self, indicators: Iterable[Indicator], period: Period, timezone: str
    ) -> dict[str, dict[str, Measure]]:
        """Every indicator's value and n, by agent_id then indicator code, for one period."""
        inds = list(indicators)
        raw: dict[str, dict[str, float | None]] = {}
        for q in compile_queries(inds, period, timezone, dialect="duckdb"):
            result = self.con.sql(q.sql).to_arrow_table()
            agents = result.column("agent_id").to_pylist()
            for col in q.columns:
                for agent, v in zip(agents, result.column(col.name).to_pylist(), strict=True):
                    raw.setdefault(agent, {})[col.name] = v
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
                    value = None
                row[ind.code] = Measure(None if value is None else float(value), n)
            out[agent] = row
        return out

    def evidence(self, ind: Indicator, period: Period, timezone: str, agent_id: str) -> list[str]:
        """The keys of the records behind one agent's indicator value, oldest first."""
        rows = self.con.execute(evidence_query(ind, period, timezone, agent_id)).fetchall()
        return [str(r[0]) for r in rows]

    def agents(self) -> list[dict]:
        """The agents table as plain rows."""
        return self.con.sql('SELECT * FROM "agents" ORDER BY agent_id').to_arrow_table().to_pylist()
