"""Time the engine against the pandas reference on the same event store, side by side."""

from __future__ import annotations

import math
import resource
import time
from dataclasses import asdict, dataclass
from typing import Any

from frontdesk.engine.catalog import builtin_catalog
from frontdesk.engine.engines import DuckDBEngine
from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.periods import Period
from frontdesk.engine.scheme import load_scheme


@dataclass
class BenchResult:
    """The DESIGN.md ``bench --json`` line."""

    interactions: int
    agents: int
    indicators: int
    engine_s: float
    baseline_s: float
    ratio: float
    peak_rss_mb: float
    equal: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _same(a: float | None, b: Any) -> bool:
    if a is None:
        return b is None or (isinstance(b, float) and math.isnan(b))
    return (
        b is not None
        and not (isinstance(b, float) and math.isnan(b))
        and math.isclose(a, float(b), rel_tol=1e-9)
    )


def run_bench(store: EventStore, periods: list[Period], timezone: str, repeat: int = 3) -> BenchResult:
    """Best-of-``repeat`` wall time of every v0 indicator over ``periods`` on both implementations."""
    from frontdesk.bench.pandas_reference import reference_values

    codes = load_scheme().indicator_codes()
    inds = [builtin_catalog()[c] for c in codes]
    engine = DuckDBEngine(store)
    try:
        engine_s, ours = math.inf, {}
        for _ in range(repeat):
            t = time.perf_counter()
            ours = {p.label: engine.measures(inds, p, timezone) for p in periods}
            engine_s = min(engine_s, time.perf_counter() - t)
        n_rows = engine.query("SELECT count(*) AS n FROM interactions").column(0)[0].as_py()
        n_agents = engine.query("SELECT count(*) AS n FROM agents").column(0)[0].as_py()
    finally:
        engine.close()
    baseline_s, ref = math.inf, {}
    for _ in range(repeat):
        t = time.perf_counter()
        ref = {p.label: reference_values(store, p, timezone) for p in periods}
        baseline_s = min(baseline_s, time.perf_counter() - t)
    equal = True
    for label, by_agent in ours.items():
        frame = ref[label]
        for agent_id, row in by_agent.items():
            for code in codes:
                want = frame.at[agent_id, code] if agent_id in frame.index else None
                if not _same(row[code].value, want):
                    equal = False
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return BenchResult(
        interactions=int(n_rows),
        agents=int(n_agents),
        indicators=len(codes),
        engine_s=round(engine_s, 4),
        baseline_s=round(baseline_s, 4),
        ratio=round(baseline_s / engine_s, 2) if engine_s > 0 else math.inf,
        peak_rss_mb=round(peak, 1),
        equal=equal,
    )
