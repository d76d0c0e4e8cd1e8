"""``frontdesk bench``: every built-in indicator on the engine and on plain pandas, side by side.

Data comes from the synthetic generator, sized by a number of contacts and agents, and is kept in
a cache folder keyed by those parameters (and by a fingerprint of the generator's code, so a
changed generator never serves stale data). The engine and the pandas baseline each run in a fresh
child process, so each one's peak memory is its own and generation does not count.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import resource
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.periods import Period, month, parse_period, period_of
from frontdesk.engine.tables import TABLES
from frontdesk.synth.schedule import CONTACTS_PER_AGENT_DAY

START = "2026-07"  # first generated month
TIMEZONE = "Asia/Shanghai"  # the synthetic organisation's time zone
TOLERANCE = 0.02  # whole generated months within 2 % of the request are kept whole
REL_TOL = 1e-9
ABS_TOL = 1e-12  # values that should be 0 may differ by float summation order
DATA_VERSION = 1  # bump when the layout of a cached dataset changes


# -- data ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BenchData:
    """A generated dataset in the cache: its event store and what it covers."""

    root: Path
    requested: int
    interactions: int
    agents: int
    seed: int
    first_day: date
    end_day: date  # exclusive, local
    generated_s: float

    @property
    def store(self) -> EventStore:
        return EventStore(self.root / "events")

    @property
    def periods(self) -> list[Period]:
        """Every month the data touches, then every quarter."""
        months = _months_between(self.first_day, self.end_day)
        quarters = sorted({period_of(m.start, "quarter") for m in months})
        return months + quarters


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/frontdesk/bench``, else ``~/.cache/frontdesk/bench``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "frontdesk" / "bench"


def generator_fingerprint() -> str:
    """A short hash of the generator's and the canonical tables' source code."""
    import frontdesk.engine.tables as tables_module
    import frontdesk.synth as synth_package

    h = hashlib.sha256(str(DATA_VERSION).encode())
    for path in [*sorted(Path(synth_package.__file__).parent.glob("*.py")), Path(tables_module.__file__)]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:10]


def dataset_folder(cache: Path, interactions: int, agents: int, seed: int) -> Path:
    """Where the dataset for these parameters lives in ``cache``."""
    return cache / f"n{interactions}-a{agents}-s{seed}-{START}-{generator_fingerprint()}"


def plan_months(interactions: int, agents: int, start: str = START) -> int:
    """The fewest whole months from ``start`` that hold about ``interactions`` contacts."""
    days_needed = interactions / (agents * CONTACTS_PER_AGENT_DAY)
    first = parse_period(start)
    months, days = 0, 0
    p = first
    while days < days_needed * (1 - TOLERANCE):
        days += (p.end - p.start).days
        months += 1
        p = month(p.end.year, p.end.month)
    return max(1, months)


def prepare_dataset(
    interactions: int,
    agents: int,
    seed: int = 7,
    cache: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[BenchData, bool]:
    """The cached dataset for these parameters, generating it first if needed.

    Returns the dataset and whether it was generated now. Generation writes to a temporary folder
    renamed into place at the end, so an interrupted run leaves nothing a later run would reuse.
    """
    cache = cache or default_cache()
    folder = dataset_folder(cache, interactions, agents, seed)
    manifest = folder / "bench.json"
    if manifest.exists():
        return _read_manifest(folder), False
    from frontdesk.synth import generate

    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t0 = time.perf_counter()
    store = EventStore(tmp / "events")
    months = plan_months(interactions, agents)
    generate(store, agents=agents, months=months, start=START, seed=seed, progress=progress)
    first = end = parse_period(START).start
    for _ in range(months):
        end = month(end.year, end.month).end
    cut = _choose_cut(store, interactions, first, end)
    if cut < end:
        _trim(store, cut)
        end = cut
    total = ds.dataset([str(f) for f in store.files("interactions")], format="parquet").count_rows()
    info = {
        "requested": interactions,
        "interactions": total,
        "agents": pq.read_metadata(store.files("agents")[0]).num_rows,
        "seed": seed,
        "first_day": first.isoformat(),
        "end_day": end.isoformat(),
        "generated_s": round(time.perf_counter() - t0, 1),
        "fingerprint": generator_fingerprint(),
    }
    (tmp / "bench.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    if folder.exists():  # another run finished first: use its copy
        shutil.rmtree(tmp)
    else:
        tmp.rename(folder)
    return _read_manifest(folder), True


def _read_manifest(folder: Path) -> BenchData:
    info = json.loads((folder / "bench.json").read_text(encoding="utf-8"))
    return BenchData(
        root=folder,
        requested=int(info["requested"]),
        interactions=int(info["interactions"]),
        agents=int(info["agents"]),
        seed=int(info["seed"]),
        first_day=date.fromisoformat(info["first_day"]),
        end_day=date.fromisoformat(info["end_day"]),
        generated_s=float(info["generated_s"]),
    )


def _months_between(first: date, end: date) -> list[Period]:
    out = [month(first.year, first.month)]
    while out[-1].end < end:
        out.append(month(out[-1].end.year, out[-1].end.month))
    return out


def _local_midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


def _choose_cut(store: EventStore, interactions: int, first: date, end: date) -> date:
    """The local day boundary whose contacts before it come closest to ``interactions``; ``end``
    when the whole generated data is already within the tolerance."""
    data = ds.dataset([str(f) for f in store.files("interactions")], format="parquet")
    total = data.count_rows()
    if abs(total - interactions) <= TOLERANCE * interactions or total <= interactions:
        return end
    days = (end - first).days
    guess = round(interactions / (total / days))
    best, best_gap = end, total - interactions
    for k in range(max(1, guess - 3), min(days, guess + 3) + 1):
        cut = first + timedelta(days=k)
        n = data.count_rows(
            filter=ds.field("created_at")
            < pa.scalar(_local_midnight(cut), TABLES["interactions"].schema.field("created_at").type)
        )
        if abs(n - interactions) < best_gap:
            best, best_gap = cut, abs(n - interactions)
    return best


def _partition_month(path: Path) -> str | None:
    name = path.parent.name
    return name.split("=", 1)[1] if name.startswith("month=") else None


def _rewrite(
    path: Path, keep: Callable[[pa.Table], pa.Array], collect: Callable[[pa.Table], None] | None = None
) -> None:
    """Keep only the rows of one Parquet file for which ``keep`` is true (in place, atomically)."""
    data = pq.read_table(path)
    mask = pc.fill_null(keep(data), True)
    if collect is not None:
        collect(data.filter(pc.invert(mask)))
    kept = data.filter(mask)
    if kept.num_rows == data.num_rows:
        return
    if kept.num_rows == 0:
        path.unlink()
        return
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(kept, tmp, compression="zstd")
    os.replace(tmp, path)


def _trim(store: EventStore, cut: date) -> None:
    """Drop every contact created from local day ``cut`` on, and everything hanging off them."""
    cut_at = _local_midnight(cut)
    at = pa.scalar(cut_at, TABLES["interactions"].schema.field("created_at").type)
    cut_month = cut_at.strftime("%Y-%m")

    def late(name: str) -> list[Path]:
        # Rows of a dropped contact all happen at or after its creation, so only later partitions.
        return [f for f in store.files(name) if (_partition_month(f) or "9999-99") >= cut_month]

    dropped: list[pa.Array] = []
    for f in late("interactions"):
        _rewrite(
            f,
            lambda t: pc.less(t["created_at"], at),
            lambda t: dropped.append(t["interaction_id"].combine_chunks()),
        )
    gone = pa.concat_arrays(dropped) if dropped else pa.array([], pa.string())

    def not_dropped(t: pa.Table) -> pa.Array:
        return pc.invert(pc.is_in(t["interaction_id"], value_set=gone))

    for name in ("interaction_events", "messages", "surveys", "handoffs"):
        for f in late(name):
            _rewrite(f, not_dropped)
    reviews: list[pa.Array] = []
    for f in late("qa_reviews"):
        _rewrite(
            f,
            lambda t: pc.and_(
                not_dropped(t),
                pc.invert(pc.and_(pc.is_null(t["interaction_id"]), pc.greater_equal(t["reviewed_at"], at))),
            ),
            lambda t: reviews.append(t["review_id"].combine_chunks()),
        )
    gone_reviews = pa.concat_arrays(reviews) if reviews else pa.array([], pa.string())
    for f in late("qa_items"):
        _rewrite(f, lambda t: pc.invert(pc.is_in(t["review_id"], value_set=gone_reviews)))
    for f in store.files("worktime"):
        _rewrite(f, lambda t: pc.less(t["work_date"], pa.scalar(cut, pa.date32())))


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


def engine_job(
    root: str, labels: list[str], timezone: str, repeat: int, memory_limit: str | None, threads: int | None
) -> EngineRun:
    """Best-of-``repeat`` wall time of every built-in indicator over ``labels`` on DuckDB."""
    from frontdesk.engine.catalog import builtin_catalog
    from frontdesk.engine.engines import DuckDBEngine

    store = EventStore(root)
    periods = [parse_period(label) for label in labels]
    inds = list(builtin_catalog().values())
    agents = _agent_ids(store)
    t0 = time.perf_counter()
    engine = DuckDBEngine(store, threads=threads, memory_limit=memory_limit)
    setup = time.perf_counter() - t0
    best, best_split, best_cpu, values = math.inf, {}, 0.0, {}
    try:
        for _ in range(repeat):
            split, cpu = {}, _cpu_s()
            for p in periods:
                t = time.perf_counter()
                out = engine.measures(inds, p, timezone, agent_ids=agents)
                split[p.label] = time.perf_counter() - t
                values[p.label] = {
                    a: {code: (m.value, m.n) for code, m in row.items()} for a, row in out.items()
                }
            if sum(split.values()) < best:
                best, best_split, best_cpu = sum(split.values()), split, _cpu_s() - cpu
    finally:
        engine.close()
    return EngineRun(best, best_split, setup, _peak_rss_mb(), len(inds), best_cpu, values)


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
    say(f"engine: {len(labels)} periods × {repeat} runs in a child process …")
    eng: EngineRun = in_child(engine_job, root, labels, TIMEZONE, repeat, memory_limit, threads)
    base: BaselineRun | None = None
    comparison: Comparison | None = None
    if baseline:
        say(f"pandas: {len(labels)} periods × {repeat} runs in a child process …")
        base = in_child(baseline_job, root, labels, TIMEZONE, repeat)
        from frontdesk.engine.catalog import builtin_catalog

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
    )
    return result, comparison
