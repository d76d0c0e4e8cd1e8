"""A customer's comment on a survey link is stored masked: phone numbers, ID-card numbers, bank
cards and e-mail addresses become ``[PHONE]``, ``[ID]``, ``[CARD]``, ``[EMAIL]`` in the event store,
unless the workspace's ``frontdesk.toml`` says ``[policy] personal_data = "keep"``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from frontdesk.web.appraisal.models import Agent
from frontdesk.web.feedback import surveys

from .test_feedback_campaigns import org  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

COMMENT_ZH = "小王很耐心。我的手机13812345678，身份证11010519491231002X"
COMMENT_EN = "Great help! Refund to card 6222021234567890128 or mail wang.wei@example.com"


def answer(comment: str) -> list[dict]:
    [issued] = surveys.issue(Agent.objects.get(pk="A001"), ["I-77"])
    r = Client().post(f"/feedback/s/{issued.token}/", {"csat": "5", "nps": "9", "comment": comment})
    assert r.status_code == 200, r.content
    return [row for row in org_store().read("surveys").to_pylist() if row["interaction_id"] == "I-77"]


def org_store():
    from django.conf import settings

    from frontdesk.store.eventstore import EventStore

    return EventStore(Path(settings.WORKSPACE) / "events")


@pytest.mark.parametrize(
    ("comment", "stored"),
    [
        (COMMENT_ZH, "小王很耐心。我的手机[PHONE]，身份证[ID]"),
        (COMMENT_EN, "Great help! Refund to card [CARD] or mail [EMAIL]"),
    ],
)
def test_a_survey_comment_is_stored_masked(org, comment, stored):  # noqa: F811
    rows = answer(comment)
    assert {r["kind"]: r["comment"] for r in rows} == {"csat": stored, "nps": None}
    assert {r["kind"]: r["score"] for r in rows} == {"csat": 5.0, "nps": 9.0}


def test_the_workspace_may_keep_comments_as_written(org, settings):  # noqa: F811
    toml = Path(settings.WORKSPACE) / "frontdesk.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[policy]\npersonal_data = "keep"\n', "utf-8")
    rows = answer(COMMENT_EN)
    assert next(r["comment"] for r in rows if r["kind"] == "csat") == COMMENT_EN
