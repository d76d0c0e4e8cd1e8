"""The transcript page shows the stored ``transcript_auto`` review (qa_reviews / qa_items of the event
store: what fed I-P1 and I-P3) as the result of record, beside the analysis made now with the current
rules, and says so (in English and Chinese) when no review is stored yet or when the two differ."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from frontdesk.store.eventstore import EventStore
from frontdesk.text.reviews import apply_period, read_conversations, review_tables
from frontdesk.web.insights.transcripts import rules_and_models

from . import test_transcripts
from .test_transcripts import page

pytestmark = pytest.mark.django_db

world = test_transcripts.world  # the fixture: the transcripts in a workspace's event store

START, END = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)


def cell(html: str, item: str, column: str) -> str:
    """The text of ``column`` (stored | now) in the row of the item labelled ``item``."""
    row = re.search(rf'<th scope="row" class="name">{re.escape(item)}</th>(.*?)</tr>', html, re.S)
    assert row, f"no row {item!r}"
    return re.search(rf'data-{column}="([^"]*)"', row.group(1)).group(1)


def state(html: str) -> str:
    return re.search(r'data-review-state="(\w+)"', html).group(1)


def store_reviews(root, change=None) -> None:
    """Store the reviews ``frontdesk text apply`` would store, ``change`` applied to each analysis."""
    from frontdesk.text.analysis import analyze

    store = EventStore(root / "events")
    rules, models = rules_and_models()
    if change is None:
        assert apply_period(store, START, END, rules, models).written == 3
        return
    done = [
        (c, change(analyze(c.conversation, rules, models))) for c in read_conversations(store, START, END)
    ]
    reviews, items = review_tables(done)
    store.write("qa_items", items)
    store.write("qa_reviews", reviews)


def test_without_a_stored_review_the_page_says_nothing_has_entered_a_score(world):
    html = page("director", "CZ1")
    assert state(html) == "missing"
    assert "No automatic review of this conversation is stored yet" in html
    assert cell(html, "Greeting", "stored") == "—" and cell(html, "Greeting", "now") == "1 / 1"
    assert "not stored yet" in html
    zh = page("director", "CZ1", "zh-hans")
    assert "尚未保存" in zh and "No automatic review" not in zh


def test_the_stored_review_is_the_result_of_record_and_agrees_with_the_rules_of_today(world):
    store_reviews(world)
    html = page("director", "CZ1")
    assert state(html) == "same"
    assert "differs" not in re.sub(r'data-review-state="\w+"', "", html)
    assert cell(html, "Greeting", "stored") == cell(html, "Greeting", "now") == "1 / 1"
    assert 'data-review-score="' in html


def test_a_stored_review_that_differs_from_the_rules_of_today_is_shown_with_a_notice(world):
    def forgot_the_greeting(a):
        items = [replace(i, score=0.0) if i.item_id == "greeting" else i for i in a.items]
        return replace(a, items=items)

    store_reviews(world, forgot_the_greeting)
    html = page("director", "CZ1")
    assert state(html) == "differs"
    assert "The stored review" in html and "the rules or models have changed since" in html
    # the result of record is the stored item and score, not today's
    assert cell(html, "Greeting", "stored") == "0 / 1" and cell(html, "Greeting", "now") == "1 / 1"
    stored = int(re.search(r'data-review-score="(\d+)"', html).group(1))
    live = int(re.search(r'data-live-score="(\d+)"', html).group(1))
    assert stored < live
    # the other items agree, and are not marked
    assert cell(html, "Closing", "stored") == cell(html, "Closing", "now")
    assert html.count('<tr class="differs">') == 1
    zh = page("director", "CZ1", "zh-hans")
    assert state(zh) == "differs" and "以已保存的质检结果" in zh and "The stored review" not in zh
