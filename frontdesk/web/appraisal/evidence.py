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

from django.utils.translation import get_language, pgettext, pgettext_lazy

from frontdesk.indicators.catalog import Indicator
from frontdesk.indicators.engines.base import Evidence
from frontdesk.indicators.periods import Period
from frontdesk.text.rules import TranscriptRules
from frontdesk.web.appraisal.templatetags.local_time import local_text
from frontdesk.web.appraisal.templatetags.scorecard_format import duration, number
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
    label: str = ""  # the record key as people read it


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


@dataclass(frozen=True)
class EvidenceColumn:
    """One value column of the evidence as people read it: a name and how its values read."""

    label: str
    kind: str  # seconds | minutes | hours | percent | met | nps | points | number


_MET = re.compile(r"^CASE WHEN .+ THEN 1\.0 ELSE 0\.0 END$", re.S)
_NPS = re.compile(r"^CASE WHEN .+ THEN 1\.0 WHEN .+ THEN -1\.0 ELSE 0\.0 END$", re.S)
UNIT_KINDS = {"seconds": "seconds", "minutes": "minutes", "hours": "hours", "percent": "percent"}


def evidence_columns(indicator: Indicator | None, labels: tuple[str, ...]) -> list[EvidenceColumn]:
    """The engine's column labels (the declaration's own SQL) in words: a duration or rating
    measure by the indicator's name and unit, a yes/no condition as whether the record counts as
    met, NPS answers as promoter / passive / detractor, inspection points as points and maximum."""
    out = []
    for label in labels:
        if indicator is not None and _NPS.match(label):
            out.append(EvidenceColumn(str(pgettext("evidence", "Answer")), "nps"))
        elif indicator is not None and _MET.match(label):
            out.append(EvidenceColumn(str(pgettext("evidence", "Counts as met")), "met"))
        elif label == "score":
            out.append(EvidenceColumn(str(pgettext("evidence", "Points")), "points"))
        elif label in ("max", "max_score"):
            out.append(EvidenceColumn(str(pgettext("evidence", "Out of")), "points"))
        elif indicator is not None and len(labels) == 1:
            name = indicator.name(get_language() or "zh")
            out.append(EvidenceColumn(name, UNIT_KINDS.get(indicator.unit, "number")))
        else:
            out.append(EvidenceColumn(label, "number"))
    return out


def _cell(value: Any, zone: ZoneInfo, kind: str) -> str:
    if value is None or isinstance(value, bool | datetime | str):
        return _shown(value, zone)
    v = float(value)
    if kind == "seconds":
        return duration(v)
    if kind == "minutes":
        return duration(v * 60)
    if kind == "hours":
        return f"{number(v)} {pgettext('unit', 'h')}"
    if kind == "percent":
        return f"{number(v)}%"
    if kind == "met":
        return "✓ " + pgettext("evidence", "yes") if v >= 0.5 else "✗ " + pgettext("evidence", "no")
    if kind == "nps":
        return (
            pgettext("nps", "promoter")
            if v > 0
            else pgettext("nps", "detractor")
            if v < 0
            else pgettext("nps", "passive")
        )
    return number(v)


def record_label(record: str, rules: TranscriptRules | None = None) -> str:
    """A record key as people read it: an item of an automatic transcript check by its rule
    ("不礼貌用语（禁用语）· I00402470"), a reply episode (``<interaction>:<microseconds>``) by its
    interaction; other keys as they are."""
    m = _AUTO_ITEM.match(record or "")
    if m:
        item = record.split(":", 1)[1]
        return f"{_item_name(item, rules)} · {m.group('iid')}"
    episode = _EPISODE.match(record or "")
    if episode:
        return episode.group("iid")
    return record


_EPISODE = re.compile(r"^(?P<iid>[^:]+):\d+$")
ITEMS = {
    "greeting": pgettext_lazy("transcript check", "Greeting"),
    "closing": pgettext_lazy("transcript check", "Closing"),
    "reply_latency": pgettext_lazy("transcript check", "Timely replies"),
    "emotion_handling": pgettext_lazy("transcript check", "Emotion handling"),
    "empathy": pgettext_lazy("transcript check", "Empathy"),
}


def _item_name(item: str, rules: TranscriptRules | None) -> str:
    if item in ITEMS:
        return str(ITEMS[item])
    kind, _sep, rule_id = item.partition(":")
    name = rule_id
    if rules is not None:
        zh = (get_language() or "zh").startswith("zh")
        for topic in rules.topics.values():
            for phrase_set in (*topic.required, *topic.forbidden):
                if phrase_set.id == rule_id:
                    name = (phrase_set.name_zh if zh else phrase_set.name_en) or phrase_set.name_en or rule_id
    if kind == "forbidden":
        return pgettext("transcript check", "%(rule)s (forbidden)") % {"rule": name}
    return pgettext("transcript check", "%(rule)s (required)") % {"rule": name}


def transcript_rules() -> TranscriptRules | None:
    """The transcript rules of the scheme in force, for naming checked items; None if unreadable."""
    from frontdesk.text.rules import rules_of_scheme
    from frontdesk.web.appeals.scheme_in_force import scheme

    found = scheme()
    return rules_of_scheme(found) if found is not None else None


def evidence_rows(
    found: Evidence,
    zone: ZoneInfo,
    indicator: Indicator | None = None,
    rules: TranscriptRules | None = None,
    columns: list[EvidenceColumn] | None = None,
) -> list[EvidenceRowView]:
    """``found``'s rows for a page: times in ``zone``, values in words and units
    (``evidence_columns``), record keys readable (``record_label``); an item of an automatic
    transcript review (I-P1, I-P3) names its interaction, for a link to the transcript."""
    columns = columns if columns is not None else evidence_columns(indicator, found.labels)
    return [
        EvidenceRowView(
            record=r.record,
            at=_aware(r.at) if isinstance(r.at, datetime) else None,
            cells=[(c.label, _cell(v, zone, c.kind)) for c, v in zip(columns, r.values, strict=False)],
            transcript=interaction_of_record(str(r.record)),
            label=record_label(str(r.record), rules),
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
