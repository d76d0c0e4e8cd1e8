"""Refused rows per agent, across import batches: what the data-quality report (Q1) could show next
to each agent's indicators, since a refused row is a contact no indicator counts.

An import's report (``<reports>/<batch>/report.json``) lists, per table, ``refused_by_agent``: the
refused rows whose agent column could be read (docs/importing.md). This sums them over the batches
that are part of the store (committed, not undone) and were created in a time range. Rows refused
for a bad time have no trustworthy time of their own, so the batch's creation time places them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from frontdesk.indicators.periods import Period
from frontdesk.ingest import batches
from frontdesk.store.eventstore import EventStore


def refused_rows_by_agent(
    store: EventStore,
    reports: Path,
    start: datetime | None = None,
    end: datetime | None = None,
    tables: tuple[str, ...] | None = None,
) -> dict[str, int]:
    """Refused rows per agent id in the committed batches created in ``[start, end)`` (all when
    not given), over ``tables`` (all when not given). Batches without a report count nothing."""
    out: dict[str, int] = {}
    for doc in batches.manifests(store):
        if doc.get("state") != "committed":
            continue
        created = datetime.fromisoformat(str(doc.get("created_at")))
        if (start is not None and created < start) or (end is not None and created >= end):
            continue
        try:
            report = json.loads((Path(reports) / doc["batch_id"] / "report.json").read_text("utf-8"))
        except (OSError, ValueError):
            continue
        for name, counts in (report.get("tables") or {}).items():
            if tables is not None and name not in tables:
                continue
            for agent, n in (counts.get("refused_by_agent") or {}).items():
                out[agent] = out.get(agent, 0) + int(n)
    return dict(sorted(out.items()))


def refused_in_period(store: EventStore, reports: Path, period: Period, timezone: str) -> dict[str, int]:
    """Refused rows per agent, every table, in the committed batches created in ``period`` (cut in
    ``timezone``): what the data-quality report and the scorecards' ``refused_rows`` flag show
    (docs/data-quality.md)."""
    lo, hi = period.utc_bounds(timezone)
    return refused_rows_by_agent(store, reports, lo, hi)
