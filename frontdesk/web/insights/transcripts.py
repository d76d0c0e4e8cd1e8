"""The transcript of one interaction, analysed (issue 8, MISSION I-P1, I-P3, T1, F2).

``/interactions/<interaction_id>/transcript/`` shows a chat or call transcript from the workspace's
event store (``messages``) turn by turn, **masked** (``frontdesk.text.analysis.analyze`` masks phone
numbers, ID cards, bank cards and e-mail addresses before anything else reads the text, so personal
data is never displayed), with the phrases the rules found marked in place (greeting, closing,
required, forbidden, empathy), each customer turn's sentiment as a label and a number (never colour
alone), the predicted satisfaction, which required phrase sets were said or missed, and the flags.
The analysis is the one ``frontdesk text apply`` stores as the ``transcript_auto`` review: the same
function, the workspace's scheme's ``transcripts:`` rules and the workspace's models (or the shipped
ones).

The **result of record** is the stored review (``qa_reviews`` / ``qa_items`` of the event store,
method ``transcript_auto``): its items and score are what fed I-P1 and I-P3, so the page shows
them, item by item, beside the items of the analysis made now. The marks in the text come from the
analysis made now. A notice says when no review is stored yet (nothing of it has entered a score),
or when the items made now differ from the stored ones (the rules or models changed since).

Who may see it: whoever may read the scorecard of the interaction's agent (``permissions.
can_view_agent``: administrators, HR / directors and auditors everyone; leads and QA reviewers the
agents of the teams they supervise; an agent only their own interactions). Anything else, an
unknown interaction, or one without a transcript, answers 404, exactly like a missing one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frontdesk.web.appraisal.models import Agent
from frontdesk.web.appraisal.templatetags.labels import CHANNELS
from frontdesk.web.appraisal.templatetags.scorecard_format import number
from frontdesk.web.appraisal.timezones import zone_of_agent
from frontdesk.web.permissions import can_view_agent
from frontdesk.web.workspace import workspace_root

SPEAKERS = ("customer", "agent")  # what the analysis reads; bot and system turns are shown, not analysed
POSITIVE = (
    0.2  # a customer turn at or above this is labelled positive (frontdesk.text.sentiment.NEGATIVE below)
)

KINDS = {
    "greeting": _("greeting"),
    "closing": _("closing"),
    "required": _("required phrase"),
    "forbidden": _("forbidden phrase"),
    "empathy": _("empathy"),
}
FLAGS = {
    "no_greeting": _("No greeting in the agent's first turn"),
    "no_closing": _("No closing in the agent's last turns"),
    "required_missing": _("A required phrase is missing"),
    "forbidden_phrase": _("A forbidden phrase was used"),
    "slow_reply": _("Slow reply"),
    "ends_worse": _("The customer ended in a worse mood than they began"),
}
ITEMS = {
    "greeting": _("Greeting"),
    "closing": _("Closing"),
    "required_phrase": _("Required phrase"),
    "forbidden_phrase": _("No forbidden phrase"),
    "reply_latency": _("Replies on time"),
    "emotion_handling": _("Emotion handling"),
    "empathy": _("Empathy"),
}
PII = {
    "phone": _("phone number"),
    "id_card": _("ID-card number"),
    "bank_card": _("bank card"),
    "email": _("e-mail address"),
}
SPEAKER_NAMES = {
    "customer": pgettext_lazy("speaker", "Customer"),
    "agent": pgettext_lazy("speaker", "Agent"),
    "bot": pgettext_lazy("speaker", "Bot"),
    "system": pgettext_lazy("speaker", "System"),
}
MOODS = {
    "positive": (_("positive"), "▲"),
    "neutral": (_("neutral"), "●"),
    "negative": (_("negative"), "▼"),
}


# Reading the store -------------------------------------------------------------------------------


def _store_root() -> Path | None:
    root = workspace_root()
    return Path(root) / "events" if root is not None else None


def _messages(events: Path, interaction_id: str) -> list[dict[str, Any]]:
    """The interaction's turns, in order (row groups of other interactions are skipped by Parquet
    statistics, so one transcript does not read the whole table)."""
    from frontdesk.store.eventstore import EventStore
    from frontdesk.store.tables import table

    store = EventStore(events)
    schema = table("messages").schema
    parts = [
        pq.read_table(f, schema=schema, filters=[("interaction_id", "=", interaction_id)])
        for f in store.files("messages")
    ]
    parts = [p for p in parts if p.num_rows]
    if not parts:
        return []
    rows = pa.concat_tables(parts).sort_by([("seq", "ascending")]).to_pylist()
    return rows


def _interaction(events: Path, interaction_id: str) -> dict[str, Any]:
    from frontdesk.store.eventstore import EventStore
    from frontdesk.store.tables import table

    store = EventStore(events)
    schema = table("interactions").schema
    cols = ["interaction_id", "agent_id", "topic", "is_complaint", "channel", "created_at"]
    for f in store.files("interactions"):
        t = pq.read_table(f, schema=schema, columns=cols, filters=[("interaction_id", "=", interaction_id)])
        if t.num_rows:
            t = t.filter(pc.equal(t["interaction_id"], interaction_id))
            return t.slice(t.num_rows - 1).to_pylist()[0]
    return {}


@dataclass(frozen=True)
class ReviewItem:
    """One item of an automatic review: as stored (``qa_items``) or as analysed now."""

    item_id: str
    criterion: str
    score: float | None
    max: float | None
    not_applicable: bool

    def same_as(self, other: ReviewItem) -> bool:
        if self.not_applicable or other.not_applicable:
            return self.not_applicable == other.not_applicable
        return _close(self.score, other.score) and _close(self.max, other.max)


@dataclass(frozen=True)
class StoredReview:
    """The ``transcript_auto`` review of one interaction in the event store: the result of record."""

    review_id: str
    reviewed_at: datetime | None
    score: float | None
    max_score: float | None
    items: tuple[ReviewItem, ...]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _rows_of(events: Path, name: str, filters: list[tuple]) -> list[dict[str, Any]]:
    """The rows of table ``name`` matching ``filters`` (row groups of other keys are skipped)."""
    from frontdesk.store.eventstore import EventStore
    from frontdesk.store.tables import table

    schema = table(name).schema
    parts = [pq.read_table(f, schema=schema, filters=filters) for f in EventStore(events).files(name)]
    return [row for p in parts if p.num_rows for row in p.to_pylist()]


def stored_review(events: Path, interaction_id: str) -> StoredReview | None:
    """The stored ``transcript_auto`` review of ``interaction_id`` with its items, else None (not
    analysed by ``frontdesk text apply`` yet). Of several stored rows the last one read stands."""
    from frontdesk.text.reviews import METHOD, review_id

    rid = review_id(interaction_id)
    reviews = [
        r
        for r in _rows_of(events, "qa_reviews", [("review_id", "=", rid)])
        if r["method"] == METHOD and r["interaction_id"] in (interaction_id, None)
    ]
    if not reviews:
        return None
    review = reviews[-1]
    items: dict[str, ReviewItem] = {}
    for r in _rows_of(events, "qa_items", [("review_id", "=", rid)]):
        items[r["item_id"]] = ReviewItem(
            r["item_id"], r["criterion"] or "", r["score"], r["max"], bool(r["not_applicable"])
        )
    return StoredReview(
        rid, _aware(review["reviewed_at"]), review["score"], review["max_score"], tuple(items.values())
    )


def _agent_of(info: dict[str, Any], rows: list[dict[str, Any]]) -> str | None:
    """The interaction's agent, else the agent who spoke most (as ``frontdesk text apply`` decides)."""
    if info.get("agent_id"):
        return info["agent_id"]
    said = Counter(r["agent_id"] for r in rows if r["speaker"] == "agent" and r["agent_id"])
    return said.most_common(1)[0][0] if said else None


# The rules and models of the workspace ---------------------------------------------------------

_models_cache: dict[tuple, dict] = {}


def rules_and_models() -> tuple[Any, dict]:
    """The workspace scheme's ``transcripts:`` rules (the defaults when it has none or cannot be
    read) and its ``models/`` (else the shipped models), as ``frontdesk text apply`` uses them."""
    from frontdesk.scoring.scheme import SchemeError
    from frontdesk.text.model import ModelError, load_models
    from frontdesk.text.rules import DEFAULT_RULES, rules_of_scheme
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    rules = DEFAULT_RULES
    folder = None
    root = workspace_root()
    if root is not None:
        try:
            ws = open_workspace(Path(root))
            rules = rules_of_scheme(ws.scheme())
        except (WorkspaceError, SchemeError, ValueError):
            pass
        own = Path(root) / "models"
        folder = own if own.is_dir() else None
    stamp = tuple(
        (p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("satisfaction-*.npz"))
    ) if folder else ()  # fmt: skip
    key = (str(folder), stamp)
    if key not in _models_cache:
        try:
            _models_cache[key] = load_models(folder)
        except ModelError:
            _models_cache[key] = load_models(None)
    return rules, _models_cache[key]


# Marks in place ---------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u9fff]")


def _normalised_with_origin(text: str, lang: str) -> tuple[str, list[int]]:
    """The text as the phrase matcher reads it (``frontdesk.text.rules.find``: NFKC, lower case,
    one space, spaces between Han characters dropped in Chinese) and, for each of its characters,
    the index of the character of ``text`` it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).lower():
            chars.append(c)
            origin.append(i)
    # Whitespace runs become one space; leading and trailing whitespace goes.
    out_c: list[str] = []
    out_o: list[int] = []
    for c, o in zip(chars, origin, strict=True):
        if c.isspace():
            if out_c and out_c[-1] != " ":
                out_c.append(" ")
                out_o.append(o)
            continue
        out_c.append(c)
        out_o.append(o)
    if out_c and out_c[-1] == " ":
        out_c.pop()
        out_o.pop()
    if lang == "zh" and " " in out_c:
        keep = [
            not (
                c == " " and 0 < k < len(out_c) - 1 and _HAN.match(out_c[k - 1]) and _HAN.match(out_c[k + 1])
            )
            for k, c in enumerate(out_c)
        ]
        out_c = [c for c, k in zip(out_c, keep, strict=True) if k]
        out_o = [o for o, k in zip(out_o, keep, strict=True) if k]
    return "".join(out_c), out_o


@dataclass(frozen=True)
class Piece:
    """A run of a turn's text with the kinds of mark over it (none: plain text)."""

    text: str
    kinds: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    @property
    def css(self) -> str:
        return " ".join(f"mark-{k}" for k in self.kinds)

    @property
    def labels(self) -> str:
        return ", ".join(str(KINDS[k]) for k in self.kinds)


def pieces(text: str, marks: list[Any], lang: str) -> list[Piece]:
    """``text`` cut into runs by the marks over it (marks are in the matcher's normalised text and
    are mapped back to ``text``); overlapping marks give a run with several kinds."""
    from frontdesk.text.language import normalise

    if not marks:
        return [Piece(text)] if text else []
    norm, origin = _normalised_with_origin(text, lang)
    expected = normalise(text)
    if lang == "zh" and " " in expected:
        expected = re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", expected)
    if norm != expected:  # a character whose NFKC depends on its neighbours: mark the matcher's text
        text, origin = expected, list(range(len(expected)))
    kinds: list[dict[str, str]] = [{} for _ in text]
    for m in marks:
        if m.end <= m.start or m.end > len(origin):
            continue
        for i in range(origin[m.start], origin[m.end - 1] + 1):
            kinds[i].setdefault(m.kind, m.phrase)
    out: list[Piece] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or kinds[i] != kinds[start]:
            k = kinds[start]
            order = [x for x in KINDS if x in k]
            out.append(Piece(text[start:i], tuple(order), tuple(k[x] for x in order)))
            start = i
    return out


# The page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnView:
    speaker: str
    speaker_name: str
    at: datetime | None
    pieces: list[Piece]
    analysed: bool
    sentiment: float | None
    mood: str | None  # positive, neutral, negative (customer turns)

    @property
    def mood_label(self) -> str:
        return str(MOODS[self.mood][0]) if self.mood else ""

    @property
    def mood_symbol(self) -> str:
        return MOODS[self.mood][1] if self.mood else ""

    @property
    def sentiment_text(self) -> str:
        return signed(self.sentiment)


def signed(value: float | None) -> str:
    """A sentiment as pages show it: ``+0.42``, ``−0.3``, ``0``."""
    if value is None:
        return "—"
    text = number(abs(value), 2)
    return text if text == "0" else ("+" if value > 0 else "−") + text


def mood_of(value: float | None) -> str | None:
    from frontdesk.text.sentiment import NEGATIVE

    if value is None:
        return None
    if value <= NEGATIVE:
        return "negative"
    return "positive" if value >= POSITIVE else "neutral"


def _mood_text(value: float | None) -> str:
    mood = mood_of(value)
    return f"{MOODS[mood][0]} {signed(value)}" if mood else ""


def _aware(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _set_name(phrase_set: Any) -> str:
    zh = (get_language() or "").lower().startswith("zh")
    return (phrase_set.name_zh if zh else phrase_set.name_en) or phrase_set.name_en or phrase_set.id


@dataclass(frozen=True)
class ItemRow:
    """One line of the page's table of items: the stored result beside the one made now."""

    label: str
    stored: ReviewItem | None
    now: ReviewItem | None
    of_record: bool  # a review is stored (without one there is nothing to differ from)

    @property
    def differs(self) -> bool:
        if not self.of_record:
            return False
        if self.stored is None or self.now is None:
            return True
        return not self.stored.same_as(self.now)

    @property
    def stored_text(self) -> str:
        return _item_text(self.stored)

    @property
    def now_text(self) -> str:
        return _item_text(self.now)


def _item_text(item: ReviewItem | None) -> str:
    if item is None:
        return "—"
    if item.not_applicable:
        return str(_("not applicable"))
    return f"{number(item.score, 2)} / {number(item.max)}"


def _item_label(item: ReviewItem, names: dict[str, str]) -> str:
    label = str(ITEMS.get(item.criterion, item.criterion or item.item_id))
    kind, _sep, set_id = item.item_id.partition(":")
    if kind in ("required", "forbidden") and set_id:
        return f"{label}: {names.get(set_id, set_id)}"
    return label


def item_rows(stored: StoredReview | None, now: list[ReviewItem], names: dict[str, str]) -> list[ItemRow]:
    """The stored items in their order, then the items only the analysis made now has."""
    live = {i.item_id: i for i in now}
    held = stored is not None
    rows = [
        ItemRow(_item_label(i, names), i, live.get(i.item_id), held) for i in (stored.items if held else ())
    ]
    seen = {r.stored.item_id for r in rows}
    rows += [ItemRow(_item_label(i, names), None, i, held) for i in now if i.item_id not in seen]
    return rows


def _percent(score: float | None, possible: float | None) -> int | None:
    return round(100 * score / possible) if score is not None and possible else None


def transcript_context(interaction_id: str, user: object) -> dict[str, Any]:
    """What the page shows; ``Http404`` for an interaction without a transcript or whose agent
    ``user`` may not see."""
    from frontdesk.text.analysis import analyze
    from frontdesk.text.conversation import Conversation, Turn
    from frontdesk.text.pii import mask_text

    events = _store_root()
    if events is None or not events.is_dir():
        raise Http404("no event store")
    rows = _messages(events, interaction_id)
    if not rows:
        raise Http404("no transcript for this interaction")
    info = _interaction(events, interaction_id)
    agent_id = _agent_of(info, rows)
    if agent_id is None or not can_view_agent(user, agent_id):
        raise Http404("no transcript for this interaction")
    agent = Agent.objects.select_related("team", "site").filter(pk=agent_id).first()

    analysed_rows = [r for r in rows if r["speaker"] in SPEAKERS]
    conv = Conversation(
        interaction_id,
        tuple(Turn(r["speaker"], r["text"] or "", _aware(r["at"])) for r in analysed_rows),
        topic=info.get("topic"),
        is_complaint=bool(info.get("is_complaint")),
    )
    rules, models = rules_and_models()
    a = analyze(conv, rules, models)
    topic = rules.for_topic(conv.topic, conv.is_complaint)

    turns: list[TurnView] = []
    k = 0
    for r in rows:
        speaker = r["speaker"] or "system"
        name = str(SPEAKER_NAMES.get(speaker, speaker))
        if speaker in SPEAKERS:
            t = a.turns[k]
            s = a.sentiment.turns[k]
            turns.append(
                TurnView(speaker, name, t.at, pieces(t.text, a.marks[k], a.lang), True, s, mood_of(s))
            )
            k += 1
        else:  # a bot's or the system's turn: masked like the others, not analysed
            text = mask_text(r["text"] or "")
            turns.append(
                TurnView(speaker, name, _aware(r["at"]), [Piece(text)] if text else [], False, None, None)
            )

    names = {s.id: _set_name(s) for s in (*topic.required, *topic.forbidden)}
    scale = a.satisfaction_scale
    share = None
    if a.predicted_satisfaction is not None and scale and scale[1] > scale[0]:
        share = max(0.0, min(1.0, (a.predicted_satisfaction - scale[0]) / (scale[1] - scale[0])))
    score, possible = a.score
    record = stored_review(events, interaction_id)
    now_items = [ReviewItem(i.item_id, i.criterion, i.score, i.max, i.not_applicable) for i in a.items]
    rows_of_items = item_rows(record, now_items, names)
    if record is None:
        review_state = "missing"
    elif any(r.differs for r in rows_of_items):
        review_state = "differs"
    else:
        review_state = "same"
    return {
        "interaction_id": interaction_id,
        "info": info,
        "channel": str(CHANNELS.get(info.get("channel") or "", info.get("channel") or "")),
        "agent": agent,
        "agent_id": agent_id,
        "zone": zone_of_agent(agent) if agent is not None else None,
        "analysis": a,
        "turns": turns,
        "lang": a.lang,
        "required": [(names[i], said) for i, said in a.required.items()],
        "forbidden_said": [names[i] for i in a.forbidden],
        "forbidden_sets": [names[s.id] for s in topic.forbidden],
        "flags": [(f, FLAGS.get(f, f)) for f in a.flags],
        "pii": [(PII[kind], a.pii[kind]) for kind in PII if a.pii.get(kind)],
        "satisfaction": a.predicted_satisfaction,
        "satisfaction_scale": scale,
        "satisfaction_percent": None if share is None else round(100 * share),
        "score": score,
        "possible": possible,
        "score_percent": _percent(score, possible),
        "review": record,
        "review_state": review_state,  # same | differs | missing
        "review_percent": _percent(record.score, record.max_score) if record is not None else None,
        "review_items": rows_of_items,
        "satisfaction_text": number(a.predicted_satisfaction, 2),
        "scale_text": f"{number(scale[0])} … {number(scale[1])}" if scale else "",
        "mood_start": mood_of(a.sentiment.start),
        "mood_end": mood_of(a.sentiment.end),
        "mood_start_label": _mood_text(a.sentiment.start),
        "mood_end_label": _mood_text(a.sentiment.end),
        "kinds": [(k, str(v)) for k, v in KINDS.items()],
    }


@login_required
@require_GET
def transcript(request: HttpRequest, interaction_id: str) -> HttpResponse:
    """One interaction's transcript, masked and analysed; 404 when the user may not see its agent."""
    return render(request, "insights/transcript.html", transcript_context(interaction_id, request.user))
