"""Materialised views as the event store sees them: where they are kept, which canonical tables
each one reads, and marking them stale when one of those tables is written.

Building them (their SQL, fingerprints, months) is ``frontdesk.indicators.derived``; the store
only needs to know, on every write, which stored views that write makes stale, so that no
reader is ever handed rows computed from data that has since changed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

DERIVED_FOLDER = "_derived"
HORIZON_DAYS = 31  # as compiler.HORIZON_DAYS: how far past a month contact_outcomes looks


@dataclass(frozen=True)
class DerivedSpec:
    """A materialised view: which tables it reads and its stored rows' period column."""

    name: str
    sources: tuple[str, ...]
    period_column: str
    month_sources: tuple[str, ...]  # tables whose month partitions say which months exist
    # Sources a month reads only from its start to HORIZON_DAYS past its end (by partition time):
    # a month's fingerprint counts only their partitions overlapping that window.
    windowed: tuple[str, ...] = ()


SPECS: dict[str, DerivedSpec] = {
    "response_episodes": DerivedSpec(
        "response_episodes",
        # agents and teams: each wait's business seconds use its agent's team calendar
        ("interactions", "interaction_events", "messages", "agents", "teams"),
        "opened_at",
        ("interactions", "interaction_events"),
    ),
    "contact_outcomes": DerivedSpec(
        "contact_outcomes",
        ("interactions", "agents", "teams"),
        "created_at",
        ("interactions",),
        windowed=("interactions",),
    ),
}


def folder(store, name: str) -> Path:
    return Path(store.root) / DERIVED_FOLDER / name


def on_write(store, table: str) -> None:
    """Called by the event store after writing to ``table``: mark the views reading it stale (the
    windowed sources' writes change only the fingerprints of the months they reach)."""
    for spec in SPECS.values():
        if table in spec.sources and table not in spec.windowed:
            with contextlib.suppress(FileNotFoundError):
                (folder(store, spec.name) / "state.json").unlink()
