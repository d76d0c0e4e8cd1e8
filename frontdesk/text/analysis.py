"""One conversation in, one analysis out: masking, compliance items, sentiment, satisfaction.

``analyze`` is what ``frontdesk text analyze`` prints per line and what ``frontdesk text apply``
turns into a ``transcript_auto`` review. Personal data is masked first, so nothing after it (the
output, the stored review, the web view) ever sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from frontdesk.text.conversation import Conversation, Turn
from frontdesk.text.language import detect_language, normalise
from frontdesk.text.model import SatisfactionModel
from frontdesk.text.pii import TOKENS, mask
from frontdesk.text.rules import DEFAULT_RULES, TranscriptRules, find
from frontdesk.text.sentiment import NEGATIVE, Trajectory, trajectory


@dataclass(frozen=True)
class Item:
    """One scored item of the automatic review (a ``qa_items`` row)."""

    item_id: str
    criterion: str
    score: float
    max: float = 1.0
    not_applicable: bool = False


@dataclass(frozen=True)
class Mark:
    """A phrase found in a turn, for highlighting: kind is greeting, closing, required, forbidden or empathy."""

    start: int
    end: int
    kind: str
    set_id: str
    phrase: str


@dataclass
class Analysis:
    id: str
    lang: str
    turns: tuple[Turn, ...]  # masked
    predicted_satisfaction: float | None
    satisfaction_scale: tuple[float, float] | None
    greeting: bool | None
    closing: bool | None
    required: dict[str, bool]
    forbidden: list[str]
    sentiment: Trajectory
    reply_seconds: list[float]
    slow_replies: int
    items: list[Item]
    flags: list[str]
    marks: list[list[Mark]]
    pii: dict[str, int] = field(default_factory=dict)

    @property
    def coverage(self) -> float | None:
        return sum(self.required.values()) / len(self.required) if self.required else None

    @property
    def score(self) -> tuple[float, float]:
        """Points scored and points possible over the applicable items."""
        used = [i for i in self.items if not i.not_applicable]
        return sum(i.score for i in used), sum(i.max for i in used)

    def to_json(self, with_turns: bool = False) -> dict[str, Any]:
        """The DESIGN.md output line (keys may be added, never renamed)."""
        out: dict[str, Any] = {
            "id": self.id,
            "lang": self.lang,
            "predicted_satisfaction": _r(self.predicted_satisfaction),
            "satisfaction_scale": list(self.satisfaction_scale) if self.satisfaction_scale else None,
            "greeting": self.greeting,
            "closing": self.closing,
            "sentiment": {
                "start": _r(self.sentiment.start),
                "end": _r(self.sentiment.end),
                "change": _r(self.sentiment.change),
                "turns": [_r(s) for s in self.sentiment.turns],
            },
            "keywords": {
                "required": self.required,
                "coverage": _r(self.coverage),
                "forbidden": self.forbidden,
            },
            "reply_seconds": [_r(s) for s in self.reply_seconds],
            "flags": self.flags,
            "score": [_r(x) for x in self.score],
            "items": [
                {
                    "item_id": i.item_id,
                    "criterion": i.criterion,
                    "score": _r(i.score),
                    "max": i.max,
                    "not_applicable": i.not_applicable,
                }
                for i in self.items
            ],
            "pii_masked": {k: v for k, v in self.pii.items() if v},
        }
        if with_turns:
            out["turns"] = [
                {"speaker": t.speaker, "text": t.text, "sentiment": _r(s),
                 "marks": [m.__dict__ for m in ms]}
                for t, s, ms in zip(self.turns, self.sentiment.turns, self.marks, strict=True)
            ]  # fmt: skip
        return out


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 3)


def analyze(
    conv: Conversation,
    rules: TranscriptRules = DEFAULT_RULES,
    models: dict[str, SatisfactionModel] | None = None,
) -> Analysis:
    """Mask, check the rules for the conversation's topic, read sentiment, predict satisfaction."""
    pii = dict.fromkeys(TOKENS, 0)
    turns = []
    for t in conv.turns:
        m = mask(t.text)
        for k, v in m.counts.items():
            pii[k] += v
        turns.append(replace(t, text=m.text))
    lang = conv.lang or detect_language([t.text for t in turns])
    conv = replace(conv, turns=tuple(turns), lang=lang)
    model = (models or {}).get(lang)
    topic = rules.for_topic(conv.topic, conv.is_complaint)
    agent_at = [i for i, t in enumerate(turns) if not t.is_customer]
    marks: list[list[Mark]] = [[] for _ in turns]
    # Each turn is normalised once, for the rules, the lexicon and the model.
    normalised = [normalise(t.text) for t in turns]

    def mark(i: int, kind: str, phrase_set) -> bool:
        hits = find(turns[i].text, phrase_set.phrases.get(lang, ()), lang, normalised=normalised[i])
        marks[i].extend(Mark(s, e, kind, phrase_set.id, p) for s, e, p in hits)
        return bool(hits)

    # Greeting: in the agent's first turn, or in any agent turn within N seconds of the start.
    greeting: bool | None = None
    if agent_at:
        greeting = mark(agent_at[0], "greeting", rules.greeting)
        start = turns[0].at
        if rules.greeting_within_seconds and start is not None:
            for i in agent_at[1:]:
                at = turns[i].at
                if at is not None and (at - start).total_seconds() <= rules.greeting_within_seconds:
                    greeting = mark(i, "greeting", rules.greeting) or greeting
    # Closing: in one of the agent's last two turns.
    closing: bool | None = None
    if agent_at:
        closing = any([mark(i, "closing", rules.closing) for i in agent_at[-2:]])
    required = {s.id: any([mark(i, "required", s) for i in agent_at]) for s in topic.required}
    forbidden = [s.id for s in topic.forbidden if any([mark(i, "forbidden", s) for i in agent_at])]

    latencies = _reply_latencies(turns)
    limit = rules.reply_seconds
    slow = sum(1 for x in latencies if limit is not None and x > limit)

    # The model analyses each turn once for the prediction and the tones.
    predicted, tones = model.score(conv, normalised) if model is not None else (None, None)
    traj = trajectory([t.speaker for t in turns], [t.text for t in turns], lang, model,
                      normalised=normalised, tones=tones)  # fmt: skip

    items = [
        Item("greeting", "greeting", float(bool(greeting)), not_applicable=greeting is None),
        Item("closing", "closing", float(bool(closing)), not_applicable=closing is None),
        *(Item(f"required:{k}", "required_phrase", float(v)) for k, v in required.items()),
        *(Item(f"forbidden:{s.id}", "forbidden_phrase", float(s.id not in forbidden)) for s in topic.forbidden),
        Item("reply_latency", "reply_latency", (len(latencies) - slow) / len(latencies) if latencies else 0.0,
             not_applicable=not latencies or limit is None),
        *_emotion_items(turns, normalised, traj, lang, rules, marks, conv.is_complaint),
    ]  # fmt: skip
    flags = []
    if greeting is False:
        flags.append("no_greeting")
    if closing is False:
        flags.append("no_closing")
    if any(not v for v in required.values()):
        flags.append("required_missing")
    if forbidden:
        flags.append("forbidden_phrase")
    if slow:
        flags.append("slow_reply")
    if traj.ends_worse:
        flags.append("ends_worse")
    return Analysis(
        id=conv.id,
        lang=lang,
        turns=conv.turns,
        predicted_satisfaction=predicted,
        satisfaction_scale=(model.label_min, model.label_max) if model is not None else None,
        greeting=greeting,
        closing=closing,
        required=required,
        forbidden=forbidden,
        sentiment=traj,
        reply_seconds=latencies,
        slow_replies=slow,
        items=items,
        flags=flags,
        marks=marks,
        pii=pii,
    )


def _reply_latencies(turns: list[Turn]) -> list[float]:
    """Seconds from the first unanswered customer turn to the agent's next turn, each time."""
    out = []
    waiting_since = None
    for t in turns:
        if t.is_customer:
            if waiting_since is None and t.at is not None:
                waiting_since = t.at
        else:
            if waiting_since is not None and t.at is not None:
                out.append(max(0.0, (t.at - waiting_since).total_seconds()))
            waiting_since = None
    return out


def _emotion_items(
    turns: list[Turn],
    normalised: list[str],
    traj: Trajectory,
    lang: str,
    rules: TranscriptRules,
    marks: list[list[Mark]],
    complaint: bool,
) -> list[Item]:
    """Emotion handling (the customer did not end worse; an upset start was turned round) and
    empathy (the agent acknowledged a negative turn); both feed I-P3."""
    handled = Item("emotion_handling", "emotion_handling", 0.0, not_applicable=True)
    if traj.end is not None and (traj.started_negative or complaint):
        if traj.ends_worse:
            score = 0.0
        elif traj.end > NEGATIVE and traj.end >= traj.start:
            score = 1.0
        else:
            score = 0.5  # held steady, but still upset
        handled = Item("emotion_handling", "emotion_handling", score)
    empathy = Item("empathy", "empathy", 0.0, not_applicable=True)
    upset = [i for i, s in enumerate(traj.turns) if s is not None and s <= NEGATIVE]
    if upset:
        after = [i for i, t in enumerate(turns) if not t.is_customer and i > upset[0]]
        if after:
            shown = False
            for i in after:
                hits = find(
                    turns[i].text, rules.empathy.phrases.get(lang, ()), lang, normalised=normalised[i]
                )
                if hits:
                    marks[i].extend(Mark(s, e, "empathy", rules.empathy.id, p) for s, e, p in hits)
                    shown = True
                    break
            empathy = Item("empathy", "empathy", float(shown))
    return [handled, empathy]
