"""Vendor exports the mapping format cannot read as they are, made readable first (docs/importing.md,
"Presets for vendor exports").

A mapping reads one file as one list of records and derives fields from the columns of the same
row. Two vendors need more than that:

- **Zendesk** exports tickets, ticket metrics and satisfaction ratings as three JSON documents that
  belong together by ticket id, and gives the first reply as minutes after creation
  (``reply_time_in_minutes``), not as a time. ``prepare`` joins them into one JSON Lines file, one
  record per ticket in the shape of Zendesk's own incremental export with ``include=metric_sets``
  (the ticket, its ``metric_set``, its ``satisfaction_rating``), plus a ``frontdesk`` object with
  what needs arithmetic: ``first_reply_at``, ``reassignments``, ``first_contact_resolved``.
- **Chatwoot**'s conversation report gives durations as text ("1 hour 5 minutes") or minutes, and
  no reply or resolution times. ``prepare`` writes the same rows (same row numbers) with the
  durations in seconds and the first reply and resolution as times.

Every other preset (and any mapping file) is passed through unchanged. The prepared file is written
deterministically (same inputs, same bytes), so importing the same exports twice is recognised by
its SHA-256 as for any file. Pure Python; no Django.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from frontdesk.ingest.errors import IngestError
from frontdesk.ingest.readers import open_source

PREPARED = ("zendesk", "chatwoot")


@dataclass
class Prepared:
    """What to hand to ``import_files``: the files, the tables (None = the mapping's), and notes
    for the report (records left out and why)."""

    paths: list[Path]
    tables: list[str] | None = None
    notes: list[str] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)  # the files as uploaded


def prepare(preset: str | None, paths: list[Path], workdir: Path) -> Prepared:
    """The files to import for ``preset``; writes prepared files to ``workdir`` when needed."""
    paths = [Path(p) for p in paths]
    if preset == "zendesk":
        return _zendesk(paths, workdir)
    if preset == "chatwoot":
        return Prepared([_chatwoot(p, workdir) for p in paths], sources=paths)
    return Prepared(paths, sources=paths)


def _write(workdir: Path, stem: str, suffix: str, text: str) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    out = workdir / f"{stem}-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
    if not out.exists():
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(out)
    return out


# -- Zendesk -------------------------------------------------------------------------------------
_LISTS = {
    "tickets": "ticket",
    "ticket": "ticket",
    "results": None,  # search export: kind by record
    "ticket_metrics": "metric",
    "ticket_metric": "metric",
    "metric_sets": "metric",
    "satisfaction_ratings": "rating",
    "satisfaction_rating": "rating",
}


def _record_kind(rec: Any) -> str | None:
    if not isinstance(rec, dict):
        return None
    if "reply_time_in_minutes" in rec or "assignee_stations" in rec:
        return "metric"
    if "score" in rec and "ticket_id" in rec:
        return "rating"
    if "id" in rec and "created_at" in rec and ({"via", "status", "subject", "requester_id"} & set(rec)):
        return "ticket"
    return None


def _zendesk_records(path: Path) -> list[tuple[str, int, dict[str, Any]]]:
    """(kind, position, record) of every record of one Zendesk export file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise IngestError(f"cannot read the Zendesk export: {e}", file=path.name) from None
    out: list[tuple[str, int, dict[str, Any]]] = []

    def add(rec: Any, n: int, kind: str | None) -> None:
        kind = kind or _record_kind(rec)
        if kind is None or not isinstance(rec, dict):
            raise IngestError(
                "not a Zendesk ticket, ticket metric or satisfaction rating record", file=path.name, row=n
            )
        out.append((kind, n, rec))

    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    add(json.loads(line), n, None)
                except json.JSONDecodeError as e:
                    raise IngestError(f"not JSON ({e.msg})", file=path.name, row=n) from None
        return out
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise IngestError(f"not JSON ({e.msg}, line {e.lineno})", file=path.name) from None
    if isinstance(doc, list):
        for n, rec in enumerate(doc, start=1):
            add(rec, n, None)
        return out
    if not isinstance(doc, dict):
        raise IngestError("a Zendesk export is a JSON object or list", file=path.name)
    found = False
    for key, kind in _LISTS.items():
        value = doc.get(key)
        if isinstance(value, dict):
            value = [value]
        if isinstance(value, list):
            found = True
            for n, rec in enumerate(value, start=1):
                add(rec, n, kind)
    if not found:
        if _record_kind(doc):  # one bare record (a webhook's ticket)
            add(doc, 1, None)
        else:
            raise IngestError(
                "no tickets, ticket_metrics or satisfaction_ratings list in the document", file=path.name
            )
    return out


def _utc(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _calendar(value: Any) -> float | None:
    """Zendesk's ``{"calendar": n, "business": m}`` durations: the calendar value."""
    if isinstance(value, dict):
        value = value.get("calendar")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def zendesk_computed(ticket: dict[str, Any], metric: dict[str, Any] | None) -> dict[str, Any]:
    """The ``frontdesk`` object of a prepared ticket: what its metrics say, as the canonical fields
    want it."""
    out: dict[str, Any] = {"first_reply_at": None, "reassignments": None, "first_contact_resolved": None}
    if not metric:
        return out
    created = _utc(ticket.get("created_at"))
    seconds = _calendar(metric.get("reply_time_in_seconds"))
    if seconds is None:
        minutes = _calendar(metric.get("reply_time_in_minutes"))
        seconds = None if minutes is None else minutes * 60
    if created is not None and seconds is not None:
        out["first_reply_at"] = _iso(created + timedelta(seconds=seconds))
    stations = _int(metric.get("assignee_stations"))
    if stations is not None:
        out["reassignments"] = max(stations - 1, 0)
    reopens, replies = _int(metric.get("reopens")), _int(metric.get("replies"))
    if metric.get("solved_at") and None not in (reopens, replies, stations):
        # Zendesk's "one-touch" ticket: solved with one public agent reply; here also never reopened
        # and never passed to another assignee.
        out["first_contact_resolved"] = bool(replies <= 1 and reopens == 0 and stations <= 1)
    return out


def _zendesk(paths: list[Path], workdir: Path) -> Prepared:
    tickets: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    metrics: dict[str, dict[str, Any]] = {}
    ratings: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for path in paths:
        for kind, n, rec in _zendesk_records(path):
            if kind == "ticket":
                key = str(rec.get("id"))
                if rec.get("id") is None:
                    raise IngestError("a ticket without an id", file=path.name, row=n, column="id")
                if key not in tickets:
                    order.append(key)
                tickets[key] = rec
            else:
                tid = rec.get("ticket_id")
                if tid is None:
                    raise IngestError(
                        f"a {kind} without a ticket_id", file=path.name, row=n, column="ticket_id"
                    )
                (metrics if kind == "metric" else ratings)[str(tid)] = rec
    lines = []
    for key in order:
        t = dict(tickets[key])
        metric = metrics.get(key) or (t.get("metric_set") if isinstance(t.get("metric_set"), dict) else None)
        if metric is not None:
            t["metric_set"] = metric
        if key in ratings:
            t["satisfaction_rating"] = ratings[key]
        t["frontdesk"] = zendesk_computed(t, metric)
        lines.append(t)
    orphans = [r for k, r in ratings.items() if k not in tickets]
    for r in orphans:  # a rating whose ticket is not in these files: a survey only
        lines.append({"satisfaction_rating": r})
    lost = sorted(set(metrics) - set(tickets), key=lambda s: (len(s), s))
    if lost:
        shown = ", ".join(lost[:10]) + (" …" if len(lost) > 10 else "")
        notes.append(
            f"{len(lost)} ticket metrics without their ticket in these files were left out "
            f"(tickets {shown}); import them together with the tickets export"
        )
    if not lines:
        raise IngestError("no Zendesk tickets or satisfaction ratings in the files", file=paths[0].name)
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in lines)
    out = _write(workdir, "zendesk", ".jsonl", text)
    tables = ["interactions", "surveys"] if tickets else ["surveys"]
    return Prepared([out], tables, notes, sources=paths)


# -- Chatwoot ------------------------------------------------------------------------------------
_UNITS = {"d": 86400, "day": 86400, "h": 3600, "hr": 3600, "hour": 3600, "m": 60, "min": 60, "minute": 60}
_UNITS |= {"s": 1, "sec": 1, "second": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+?)s?\b")
_HMS = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")
# Chatwoot's columns, by their header in snake case; the first one a file has is used.
CHATWOOT_FIELDS: dict[str, tuple[str, ...]] = {
    "conversation_id": ("conversation_id", "conversation_display_id", "display_id", "id"),
    "created_at": ("created_at", "conversation_created_at", "created"),
    "agent": ("agent_name", "agent_1", "agent", "assignee", "assignee_name"),
    "team": ("team_name", "team"),
    "inbox": ("inbox_name", "inbox"),
    "channel": ("inbox_type", "channel_type", "channel"),
    "contact": ("contact_email", "customer_email", "contact_name", "customer_name"),
    "status": ("conversation_status", "status"),
    "first_response": ("first_response_time_minutes", "first_response_time", "first_response_time_seconds"),
    "resolution": (
        "resolution_time_minutes",
        "chat_resolution",
        "resolution_time",
        "resolution_time_seconds",
    ),
    "handle": ("agent_chat_duration", "agent_chat_duration_seconds"),
    "csat_score": ("csat_score", "rating", "csat_rating"),
    "csat_feedback": ("csat_feedback", "feedback", "feedback_comment"),
    "labels": ("labels", "label_1"),
}
CHATWOOT_COLUMNS = (
    "conversation_id", "created_at", "agent", "team", "inbox", "channel", "contact", "status",
    "first_response_at", "resolved_at", "handle_seconds", "csat_score", "csat_feedback", "topic",
)  # fmt: skip


def snake(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def duration_seconds(text: str | None, unit: str = "s") -> float | None:
    """Seconds in ``text``: Chatwoot's "1 hour 5 minutes", "2 days 3 hours", "45 seconds", "--"
    (none), ``H:MM:SS``, or a bare number in ``unit`` (s or min). ``ValueError`` if unreadable."""
    if text is None:
        return None
    s = text.strip().lower()
    if s in ("", "--", "-", "n/a"):
        return None
    try:
        n = float(s)
    except ValueError:
        pass
    else:
        if n < 0:
            raise ValueError(s)
        return n * (60 if unit == "min" else 1)
    m = _HMS.match(s)
    if m:
        h, mi, se = m.groups()
        return int(h) * 3600 + int(mi) * 60 + int(se or 0)
    total, pos = 0.0, 0
    for part in _PART.finditer(s):
        if s[pos : part.start()].strip(" ,"):
            raise ValueError(s)
        name = part.group(2)
        if name not in _UNITS:
            raise ValueError(s)
        total += float(part.group(1)) * _UNITS[name]
        pos = part.end()
    if pos == 0 or s[pos:].strip(" ,"):
        raise ValueError(s)
    return total


def _wall(text: str | None) -> datetime | None:
    """A Chatwoot report time (``2026-10-03 14:30:05``, wall clock of the account), no zone kept."""
    if not text or not text.strip():
        return None
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def _chatwoot(path: Path, workdir: Path) -> Path:
    src = open_source(path)
    by_snake: dict[str, str] = {}
    for h in src.columns:
        by_snake.setdefault(snake(h), h)
    use = {
        f: next((by_snake[c] for c in cands if c in by_snake), None) for f, cands in CHATWOOT_FIELDS.items()
    }
    if use["conversation_id"] is None:
        raise IngestError("no conversation id column (Conversation ID) in the file", file=src.label, row=1)
    if use["created_at"] is None:
        raise IngestError(
            "no creation time column (Created at) in the file: a conversation cannot be placed in a "
            "period without it; export Chatwoot's conversation report with its creation time",
            file=src.label,
            row=1,
        )
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CHATWOOT_COLUMNS)
    for chunk in src.chunks():
        cols = {h: chunk.data.column(h).to_pylist() for h in chunk.data.column_names}
        for i, row in enumerate(cols["__row"]):
            w.writerow(
                _chatwoot_row({f: (h, cols[h][i] if h else None) for f, h in use.items()}, row, src.label)
            )
    return _write(workdir, f"{path.stem}.chatwoot", ".csv", buf.getvalue())


def _chatwoot_row(cell: dict[str, tuple[str | None, str | None]], row: int, label: str) -> list[Any]:
    """One prepared row from ``cell`` (field -> (source header, text))."""

    def seconds(f: str) -> float | None:
        header, text = cell[f]
        if header is None:
            return None
        try:
            return duration_seconds(text, "min" if snake(header).endswith("minutes") else "s")
        except ValueError:
            raise IngestError(
                f"{text!r}: expected a duration (1 hour 5 minutes, H:MM:SS or a number)",
                file=label,
                row=row,
                column=header,
            ) from None

    def text(f: str) -> str | None:
        return cell[f][1]

    created = _wall(text("created_at"))
    first, resolution = seconds("first_response"), seconds("resolution")
    labels = text("labels")

    def after(s: float | None) -> str | None:
        return (created + timedelta(seconds=s)).isoformat(sep=" ") if created and s else None

    return [
        text("conversation_id"),
        # an unreadable creation time is passed on as it is, so the import refuses the row, naming it
        created.isoformat(sep=" ") if created else text("created_at"),
        text("agent"),
        text("team"),
        text("inbox"),
        text("channel"),
        text("contact"),
        text("status"),
        after(first),
        after(resolution),
        seconds("handle"),
        text("csat_score"),
        text("csat_feedback"),
        labels.split(",")[0].strip() if labels else None,
    ]
