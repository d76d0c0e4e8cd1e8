"""``frontdesk bench``: every built-in indicator on the engine and on plain pandas, side by side.

The dataset (data.py) is generated once and cached. Then, each in a fresh child process so that
each one's peak memory is its own: the engine's materialised views are brought up to date
(derived.py; timed and reported on its own, as ``materialise_s``: an index built when data is
written, not part of a query), the engine computes every indicator for every period, and the pandas
baseline computes the same from the raw tables. The two results are compared value by value.
"""

from __future__ import annotations

import math
import os
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from typing import Any

from frontdesk.bench.data import (  # noqa: F401 - the dataset API, re-exported for callers
    START,
    TIMEZONE,
    BenchData,
    dataset_folder,
    default_cache,
    generator_fingerprint,
    plan_months,
    prepare_dataset,
)
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore

REL_TOL = 1e-9
ABS_TOL = 1e-12  # values that should be 0 may differ by float summation order


# -- runs ------------------------------------------------------------------------------------------
@dataclass
class EngineRun:
    """What the engine child measured; ``values[period][agent][code] = (value, n)``."""

    seconds: float
    period_seconds: dict[str, float]
    setup_seconds: float
    peak_rss_mb: float
    indicators: int
    cpu_seconds: float
    values: dict[str, dict[str, dict[str, tuple[float | None, int]]]] = field(repr=False)
    period_cpu_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class BaselineRun:
    """What the pandas child measured; one frame per period (agent rows, code and code__n columns)."""

    seconds: float
    period_seconds: dict[str, float]
    peak_rss_mb: float
    cpu_seconds: float
    frames: dict[str, Any] = field(repr=False)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _agent_ids(store: EventStore) -> list[str]:
    return sorted(store.read("agents", ["agent_id"]).column(0).to_pylist())


@dataclass
class MaterialiseRun:
    """What bringing the engine's materialised views up to date took (derived.py)."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    months: dict[str, list[str]]


def materialise_job(
    root: str, timezone: str, memory_limit: str | None, threads: int | None
) -> MaterialiseRun:
    """Bring every month of the materialised views up to date, as a write to the store would
    leave them; months already fresh (a cached dataset benched before) are kept."""
    from frontdesk.indicators import derived
    from frontdesk.indicators.engines import DuckDBEngine

    cpu = _cpu_s()
    built = derived.refresh(
        EventStore(root), timezone, threads=threads, memory_limit=memory_limit,
        connect=DuckDBEngine.source_connection,
    )  # fmt: skip
    return MaterialiseRun(built.seconds, _cpu_s() - cpu, _peak_rss_mb(), built.months)


def engine_job(
    root: str, labels: list[str], timezone: str, repeat: int, memory_limit: str | None, threads: int | None
) -> EngineRun:
    """Best-of-``repeat`` wall time of every built-in indicator over ``labels`` on DuckDB."""
    from frontdesk.indicators.catalog import builtin_catalog
    from frontdesk.indicators.engines import DuckDBEngine

    store = EventStore(root)
    periods = [parse_period(label) for label in labels]
    inds = list(builtin_catalog().values())
    agents = _agent_ids(store)
    t0 = time.perf_counter()
    engine = DuckDBEngine(store, threads=threads, memory_limit=memory_limit)
    setup = time.perf_counter() - t0
    best, best_split, best_cpu, values, best_split_cpu = math.inf, {}, 0.0, {}, {}
    try:
        for _ in range(repeat):
            split, split_cpu, cpu = {}, {}, _cpu_s()
            for p in periods:
                t, c = time.perf_counter(), _cpu_s()
                out = engine.measures(inds, p, timezone, agent_ids=agents)
                split[p.label] = time.perf_counter() - t
                split_cpu[p.label] = _cpu_s() - c
                values[p.label] = {
                    a: {code: (m.value, m.n) for code, m in row.items()} for a, row in out.items()
                }
            if sum(split.values()) < best:
                best, best_split, best_cpu = sum(split.values()), split, _cpu_s() - cpu
                best_split_cpu = split_cpu
    finally:
        engine.close()
    return EngineRun(best, best_split, setup, _peak_rss_mb(), len(inds), best_cpu, values, best_split_cpu)


def baseline_job(root: str, labels: list[str], timezone: str, repeat: int) -> BaselineRun:
    """Best-of-``repeat`` wall time of every built-in indicator over ``labels`` in plain pandas."""
    from frontdesk.bench.pandas_reference import reference_values

    store = EventStore(root)
    periods = [parse_period(label) for label in labels]
    agents = _agent_ids(store)
    best, best_split, best_cpu, frames = math.inf, {}, 0.0, {}
    for _ in range(repeat):
        split, cpu = {}, _cpu_s()
        for p in periods:
            t = time.perf_counter()
            frames[p.label] = reference_values(store, p, timezone, agent_ids=agents)
            split[p.label] = time.perf_counter() - t
        if sum(split.values()) < best:
            best, best_split, best_cpu = sum(split.values()), split, _cpu_s() - cpu
    return BaselineRun(best, best_split, _peak_rss_mb(), best_cpu, frames)


def in_child(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in a fresh process, so its peak memory is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# -- comparison ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mismatch:
    period: str
    agent_id: str
    indicator: str
    engine: tuple[float | None, int]
    baseline: tuple[float | None, int]


@dataclass
class Comparison:
    """Engine against baseline: values within ``REL_TOL`` (None equals NaN) and equal n."""

    checked: int = 0
    with_value: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    mismatch_count: int = 0

    @property
    def equal(self) -> bool:
        return self.mismatch_count == 0


def engine_frame(values: dict[str, dict[str, tuple[float | None, int]]], codes: list[str]) -> Any:
    """The engine's values of one period as a frame shaped like the pandas reference's."""
    import numpy as np
    import pandas as pd

    agents = sorted(values)
    data: dict[str, Any] = {}
    for code in codes:
        col = [values[a].get(code, (None, 0)) for a in agents]
        data[code] = np.array([np.nan if v is None else v for v, _ in col], dtype=float)
        data[f"{code}__n"] = np.array([n for _, n in col], dtype=np.int64)
    return pd.DataFrame(data, index=pd.Index(agents, name="agent_id"))


def compare(
    engine_values: dict[str, dict[str, dict[str, tuple[float | None, int]]]],
    frames: dict[str, Any],
    codes: list[str],
    keep: int = 20,
) -> Comparison:
    """Every (period, agent, indicator) of either side; an agent missing on one side is all
    "not available" there."""
    import numpy as np

    out = Comparison()
    for label, values in engine_values.items():
        ours = engine_frame(values, codes)
        ref = frames[label]
        agents = ours.index.union(ref.index)
        ours = ours.reindex(agents)
        ref = ref.reindex(agents)
        for code in codes:
            a = ours[code].to_numpy(dtype=float)
            b = ref[code].to_numpy(dtype=float) if code in ref else np.full(len(agents), np.nan)
            na = ours[f"{code}__n"].fillna(0).to_numpy(dtype=np.int64)
            nb = ref[f"{code}__n"].fillna(0).to_numpy(dtype=np.int64) if f"{code}__n" in ref else na * 0
            same_value = np.isclose(a, b, rtol=REL_TOL, atol=ABS_TOL, equal_nan=True)
            bad = np.flatnonzero(~same_value | (na != nb))
            out.checked += len(agents)
            out.with_value += int(np.count_nonzero(~np.isnan(a)))
            out.mismatch_count += len(bad)
            for i in bad[: max(0, keep - len(out.mismatches))]:
                out.mismatches.append(
                    Mismatch(
                        label,
                        str(agents[i]),
                        code,
                        (None if np.isnan(a[i]) else float(a[i]), int(na[i])),
                        (None if np.isnan(b[i]) else float(b[i]), int(nb[i])),
                    )
                )
    return out


# -- the whole benchmark ---------------------------------------------------------------------------
@dataclass
class BenchResult:
    """The DESIGN.md ``bench --json`` line (first eight keys), plus details."""

    interactions: int
    agents: int
    indicators: int
    engine_s: float
    baseline_s: float | None
    ratio: float | None
    peak_rss_mb: float
    equal: bool | None
    requested_interactions: int = 0
    periods: list[str] = field(default_factory=list)
    engine_period_s: dict[str, float] = field(default_factory=dict)
    engine_setup_s: float = 0.0
    engine_cpu_s: float = 0.0  # user + system CPU of the best run, all threads
    engine_period_cpu_s: dict[str, float] = field(default_factory=dict)  # the same, by period
    baseline_cpu_s: float | None = None
    baseline_period_s: dict[str, float] = field(default_factory=dict)
    baseline_peak_rss_mb: float | None = None
    values_checked: int = 0
    values_with_value: int = 0
    mismatches: int = 0
    repeat: int = 1
    memory_limit: str | None = None
    threads: int | None = None
    cpus: int = 0
    data: str = ""
    # Materialised views (derived.py), brought up to date before the engine runs: not part of
    # engine_s (an index built when data is written), reported here on its own.
    materialise_s: float = 0.0
    materialise_cpu_s: float = 0.0
    materialise_peak_rss_mb: float = 0.0
    materialised_months: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_bench(
    data: BenchData,
    repeat: int = 3,
    memory_limit: str | None = None,
    threads: int | None = None,
    baseline: bool = True,
    log: Callable[[str], None] | None = None,
) -> tuple[BenchResult, Comparison | None]:
    """Time every built-in indicator over every period of ``data`` on the engine and, unless
    ``baseline`` is false, in pandas; then compare the two."""
    say = log or (lambda _msg: None)
    labels = [p.label for p in data.periods]
    root = str(data.store.root)
    say("materialised views: bringing every month up to date in a child process …")
    mat: MaterialiseRun = in_child(materialise_job, root, TIMEZONE, memory_limit, threads)
    say(f"engine: {len(labels)} periods × {repeat} runs in a child process …")
    eng: EngineRun = in_child(engine_job, root, labels, TIMEZONE, repeat, memory_limit, threads)
    base: BaselineRun | None = None
    comparison: Comparison | None = None
    if baseline:
        say(f"pandas: {len(labels)} periods × {repeat} runs in a child process …")
        base = in_child(baseline_job, root, labels, TIMEZONE, repeat)
        from frontdesk.indicators.catalog import builtin_catalog

        comparison = compare(eng.values, base.frames, list(builtin_catalog()))
    result = BenchResult(
        interactions=data.interactions,
        agents=data.agents,
        indicators=eng.indicators,
        engine_s=round(eng.seconds, 4),
        baseline_s=None if base is None else round(base.seconds, 4),
        ratio=None if base is None or eng.seconds <= 0 else round(base.seconds / eng.seconds, 2),
        peak_rss_mb=round(eng.peak_rss_mb, 1),
        equal=None if comparison is None else comparison.equal,
        requested_interactions=data.requested,
        periods=labels,
        engine_period_s={k: round(v, 4) for k, v in eng.period_seconds.items()},
        engine_setup_s=round(eng.setup_seconds, 4),
        engine_cpu_s=round(eng.cpu_seconds, 2),
        engine_period_cpu_s={k: round(v, 2) for k, v in eng.period_cpu_seconds.items()},
        baseline_cpu_s=None if base is None else round(base.cpu_seconds, 2),
        baseline_period_s={} if base is None else {k: round(v, 4) for k, v in base.period_seconds.items()},
        baseline_peak_rss_mb=None if base is None else round(base.peak_rss_mb, 1),
        values_checked=0 if comparison is None else comparison.checked,
        values_with_value=0 if comparison is None else comparison.with_value,
        mismatches=0 if comparison is None else comparison.mismatch_count,
        repeat=repeat,
        memory_limit=memory_limit,
        threads=threads,
        cpus=os.cpu_count() or 0,
        data=str(data.root),
        materialise_s=round(mat.seconds, 3),
        materialise_cpu_s=round(mat.cpu_seconds, 2),
        materialise_peak_rss_mb=round(mat.peak_rss_mb, 1),
        materialised_months=mat.months,
    )
    return result, comparison
