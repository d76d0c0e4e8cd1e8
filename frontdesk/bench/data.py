"""Benchmark datasets: generated organisations of a requested size, cached by their parameters.

Data comes from the synthetic generator, sized by a number of contacts and agents, and is kept in
a cache folder keyed by those parameters (and by a fingerprint of the generator's code, so a
changed generator never serves stale data). Generation writes to a temporary folder renamed into
place at the end. Nothing here is timed: see run.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from frontdesk.indicators.periods import Period, month, parse_period, period_of
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.synth.schedule import CONTACTS_PER_AGENT_DAY

START = "2026-07"  # first generated month
TIMEZONE = "Asia/Shanghai"  # the synthetic organisation's time zone
TOLERANCE = 0.02  # whole generated months within 2 % of the request are kept whole
DATA_VERSION = 1  # bump when the layout of a cached dataset changes


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
    import frontdesk.store.tables as tables_module
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
