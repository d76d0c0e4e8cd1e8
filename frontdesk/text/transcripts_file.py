"""Reading conversations from JSON Lines (DESIGN.md: ``text analyze`` input).

One conversation per line: ``{"id", "lang"?, "topic"?, "is_complaint"?, "satisfaction"?,
"turns": [{"speaker": "customer"|"agent", "text", "at"?}]}``. ``at`` is an ISO 8601 instant or a
number of seconds from the start. Errors name the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from frontdesk.text.conversation import SPEAKERS, Conversation, Turn
from frontdesk.text.language import LANGUAGES

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TranscriptFileError(ValueError):
    """A line that cannot be read; the message names file, line and field."""


def read_conversations(
    path: str | Path, *, need_label: bool = False
) -> Iterator[tuple[Conversation, float | None]]:
    """Each conversation of the file with its ``satisfaction`` label (None when absent)."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as e:
        raise TranscriptFileError(f"{path}: cannot read: {e.strerror}") from None
    with handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            yield parse_line(line, f"{path}:{n}", need_label=need_label)


def parse_line(line: str, where: str, *, need_label: bool = False) -> tuple[Conversation, float | None]:
    def fail(field: str, message: str) -> TranscriptFileError:
        return TranscriptFileError(f"{where}: field {field}: {message}")

    try:
        doc = json.loads(line)
    except json.JSONDecodeError as e:
        raise TranscriptFileError(f"{where}: column {e.colno}: not valid JSON: {e.msg}") from None
    if not isinstance(doc, dict):
        raise TranscriptFileError(f"{where}: expected a JSON object")
    ident = doc.get("id")
    if ident is None or ident == "":
        raise fail("id", "required")
    lang = doc.get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise fail("lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    raw_turns = doc.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise fail("turns", "expected a non-empty list of turns")
    turns = []
    for i, t in enumerate(raw_turns):
        if not isinstance(t, dict):
            raise fail(f"turns[{i}]", "expected an object with speaker and text")
        speaker = t.get("speaker")
        if speaker not in SPEAKERS:
            raise fail(f"turns[{i}].speaker", f"expected 'customer' or 'agent', got {speaker!r}")
        text = t.get("text")
        if not isinstance(text, str):
            raise fail(f"turns[{i}].text", f"expected text, got {text!r}")
        turns.append(Turn(speaker, text, _instant(t.get("at"), lambda m, i=i: fail(f"turns[{i}].at", m))))
    label = doc.get("satisfaction")
    if label is not None and (isinstance(label, bool) or not isinstance(label, int | float)):
        raise fail("satisfaction", f"expected a number, got {label!r}")
    if need_label and label is None:
        raise fail("satisfaction", "required for training (the customer's CSAT answer)")
    complaint = doc.get("is_complaint", False)
    if not isinstance(complaint, bool):
        raise fail("is_complaint", f"expected true or false, got {complaint!r}")
    topic = doc.get("topic")
    conv = Conversation(str(ident), tuple(turns), lang=lang, topic=str(topic) if topic else None,
                        is_complaint=complaint)  # fmt: skip
    return conv, None if label is None else float(label)


def _instant(value, fail) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise fail(f"expected an ISO 8601 time or seconds, got {value!r}")
    if isinstance(value, int | float):
        return _EPOCH + timedelta(seconds=float(value))
    if isinstance(value, str):
        try:
            at = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise fail(f"expected an ISO 8601 time, got {value!r}") from None
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    raise fail(f"expected an ISO 8601 time or seconds, got {value!r}")
