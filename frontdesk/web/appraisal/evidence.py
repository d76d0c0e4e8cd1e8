"""The records behind one agent's indicator value: the engine's evidence over the workspace's event
store. The scorecard page's drill-down and the API's evidence route both call ``indicator_evidence``,
so the two cannot show different records. Who may ask is decided by the callers (``permissions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.indicators.catalog import Indicator
from frontdesk.indicators.engines.base import Evidence
from frontdesk.indicators.periods import Period
from frontdesk.web.appraisal.templatetags.local_time import local_text
from frontdesk.web.appraisal.templatetags.scorecard_format import number
from frontdesk.web.workspace import workspace_root

MAX_PAGE_SIZE = 500


class EvidenceUnavailable(LookupError):
    """No event store to read the records from (an installation without a workspace)."""


def indicator_evidence(
    indicator: Indicator, period: Period, agent_id: str, page: int, page_size: int
) -> Evidence:
    """One page of the records behind ``agent_id``'s value of ``indicator`` in ``period``, oldest
    first, computed by DuckDB over ``<workspace>/events`` with the workspace's calendars and time
    zone (the built-in defaults for a bare folder)."""
    from frontdesk.indicators.engines import get_engine
    from frontdesk.store.eventstore import EventStore
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    root = workspace_root()
    if root is None:
        raise EvidenceUnavailable(
            "this installation has no workspace, so no event store to show evidence from"
        )
    options: dict[str, Any] = {}
    timezone = "Asia/Shanghai"
    try:
        ws = open_workspace(Path(root))
    except WorkspaceError:
        ws = None  # a bare folder with events/ but no frontdesk.toml: the defaults
    if ws is not None:
        timezone = ws.timezone
        options = {"calendars": ws.calendars(), "view_params": ws.view_params()}
    engine = get_engine("duckdb", EventStore(Path(root) / "events"), **options)
    try:
        return engine.evidence(indicator, period, timezone, agent_id, page=page, page_size=page_size)
    finally:
        engine.close()


@dataclass(frozen=True)
class EvidenceRowView:
    """One record as a page shows it: its key, its time and its values, each with its label."""

    record: str
    at: datetime | None
    cells: list[tuple[str, str]]
    transcript: str | None = None  # the interaction whose transcript page explains the record


def _shown(value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, datetime):
        return local_text(_aware(value), zone)
    if isinstance(value, float):
        return number(value)
    return str(value)


def _aware(value: datetime) -> datetime:
    # The event store keeps UTC instants; a naive one from an engine is UTC too.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def evidence_rows(found: Evidence, zone: ZoneInfo) -> list[EvidenceRowView]:
    """``found``'s rows for a page: times in ``zone``, numbers as the scorecard shows them; an item
    of an automatic transcript review (I-P1, I-P3) names its interaction, for a link to the transcript."""
    return [
        EvidenceRowView(
            record=r.record,
            at=_aware(r.at) if isinstance(r.at, datetime) else None,
            cells=[(label, _shown(v, zone)) for label, v in zip(found.labels, r.values, strict=False)],
            transcript=interaction_of_record(str(r.record)),
        )
        for r in found.rows
    ]


# Links from the evidence of I-P1 / I-P3 to the transcript page (insights/transcripts.py) ----------

_AUTO_ITEM = re.compile(
    r"^TA-(?P<iid>.+):(?:greeting|closing|reply_latency|emotion_handling|empathy|(?:required|forbidden):[a-z][a-z0-9_]*)$"
)


def interaction_of_record(record: str) -> str | None:
    """The interaction id of an evidence record that is an item of a ``transcript_auto`` review
    (``TA-<interaction_id>:<item_id>``, ``frontdesk.text.reviews``), else None."""
    m = _AUTO_ITEM.match(record or "")
    return m.group("iid") if m else None
