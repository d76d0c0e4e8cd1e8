"""Transcripts in the event store become ``transcript_auto`` reviews (``qa_reviews`` + ``qa_items``).

``apply_period`` reads the ``messages`` of a period (a conversation belongs to the period of its
first turn), joins each conversation to its interaction (agent, topic, complaint), analyses it and
appends one review per conversation, with one item per rule (greeting, closing, each required and
forbidden phrase set, reply latency, emotion handling, empathy). These feed I-P1 (every
``transcript_auto`` item but emotion handling and empathy) and I-P3 (``emotion_handling`` and ``empathy`` items); see
docs/text-analytics.md. Review ids are derived from the interaction id, so running it twice adds
nothing; bot and system turns are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from frontdesk.store.eventstore import EventStore
from frontdesk.text.analysis import Analysis, analyze
from frontdesk.text.conversation import Conversation, Turn
from frontdesk.text.model import SatisfactionModel
from frontdesk.text.rules import TranscriptRules

METHOD = "transcript_auto"
FORM_ID = "TX-AUTO-1"
REVIEWER_ID = "transcript_auto"


def review_id(interaction_id: str) -> str:
    return f"TA-{interaction_id}"


@dataclass(frozen=True)
class Reviewable:
    """A conversation from the store with what its review needs."""

    conversation: Conversation
    agent_id: str | None
    ended_at: datetime


@dataclass(frozen=True)
class ApplyResult:
    conversations: int
    written: int
    already_reviewed: int
    without_agent: int


def read_conversations(store: EventStore, start: datetime, end: datetime) -> list[Reviewable]:
    """Conversations whose first turn falls in [start, end), in interaction order."""
    msgs = store.read("messages")
    if msgs.num_rows == 0:
        return []
    msgs = msgs.filter(pc.is_in(msgs["speaker"], pa.array(["customer", "agent"])))
    rows = msgs.sort_by([("interaction_id", "ascending"), ("seq", "ascending")]).to_pylist()
    by_id: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_id[r["interaction_id"]].append(r)
    chosen = {k: v for k, v in by_id.items() if v[0]["at"] is not None and start <= v[0]["at"] < end}
    meta = _interactions(store, set(chosen))
    out = []
    for iid, turns in chosen.items():
        info = meta.get(iid, {})
        agents = Counter(t["agent_id"] for t in turns if t["speaker"] == "agent" and t["agent_id"])
        agent = info.get("agent_id") or (agents.most_common(1)[0][0] if agents else None)
        conv = Conversation(
            iid,
            tuple(Turn(t["speaker"], t["text"] or "", t["at"]) for t in turns),
            topic=info.get("topic"),
            is_complaint=bool(info.get("is_complaint")),
        )
        ended = max(t["at"] for t in turns if t["at"] is not None)
        out.append(Reviewable(conv, agent, ended))
    return out


def _interactions(store: EventStore, ids: set[str]) -> dict[str, dict]:
    if not ids:
        return {}
    t = store.read("interactions", ["interaction_id", "agent_id", "topic", "is_complaint"])
    t = t.filter(pc.is_in(t["interaction_id"], pa.array(sorted(ids))))
    return {r["interaction_id"]: r for r in t.to_pylist()}


def review_tables(done: list[tuple[Reviewable, Analysis]]) -> tuple[pa.Table, pa.Table]:
    """The ``qa_reviews`` and ``qa_items`` rows of analysed conversations."""
    reviews: dict[str, list] = defaultdict(list)
    items: dict[str, list] = defaultdict(list)
    for src, a in done:
        rid = review_id(src.conversation.id)
        score, possible = a.score
        reviews["review_id"].append(rid)
        reviews["interaction_id"].append(src.conversation.id)
        reviews["agent_id"].append(src.agent_id)
        reviews["reviewer_id"].append(REVIEWER_ID)
        reviews["method"].append(METHOD)
        reviews["form_id"].append(FORM_ID)
        reviews["score"].append(score)
        reviews["max_score"].append(possible)
        # Automatic analysis never fails a critical item: a grade cap needs a person's judgement.
        reviews["critical_failed"].append(False)
        reviews["is_calibration"].append(False)
        reviews["reviewed_at"].append(src.ended_at)
        for it in a.items:
            items["review_id"].append(rid)
            items["item_id"].append(it.item_id)
            items["criterion"].append(it.criterion)
            items["score"].append(it.score)
            items["max"].append(it.max)
            items["critical"].append(False)
            items["not_applicable"].append(it.not_applicable)
            items["reviewed_at"].append(src.ended_at)
    return pa.table(dict(reviews)), pa.table(dict(items))


def apply_period(
    store: EventStore,
    start: datetime,
    end: datetime,
    rules: TranscriptRules,
    models: dict[str, SatisfactionModel],
) -> ApplyResult:
    """Analyse the period's conversations and append a review for each one not reviewed yet."""
    convs = read_conversations(store, start, end)
    existing = store.read("qa_reviews", ["review_id", "method"])
    seen = set(existing.filter(pc.equal(existing["method"], METHOD))["review_id"].to_pylist())
    todo = [c for c in convs if review_id(c.conversation.id) not in seen and c.agent_id]
    done = [(c, analyze(c.conversation, rules, models)) for c in todo]
    if done:
        reviews, items = review_tables(done)
        # Items first: a review without its items would count in the QA score with nothing behind it.
        store.write("qa_items", items)
        store.write("qa_reviews", reviews)
    return ApplyResult(
        conversations=len(convs),
        written=len(done),
        already_reviewed=sum(1 for c in convs if review_id(c.conversation.id) in seen),
        without_agent=sum(1 for c in convs if not c.agent_id),
    )
