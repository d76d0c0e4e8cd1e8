"""A small per-process cache for reports that take seconds to compute (data quality, effect
evaluation): least recently used first out, keyed by what would change the report, including the
event store's state so that an import makes the next view recompute."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


def store_state(events: Path) -> tuple[int, int]:
    """How many Parquet files the store has and the newest change: a new import changes it."""
    files = [p for p in events.rglob("*.parquet") if not p.name.startswith(".")] if events.exists() else []
    return len(files), max((p.stat().st_mtime_ns for p in files), default=0)


class ReportCache(Generic[T]):
    """At most ``size`` reports; ``get(key, compute)`` computes outside the lock (two first views of
    the same key may both compute; the second result is kept)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
