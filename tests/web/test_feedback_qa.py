"""QA inspections and calibration: forms with critical items and not-applicable answers land in
``qa_reviews`` + ``qa_items``; a failed critical item caps the agent's grade once the period is
recomputed as the command line does; calibration reviews change no agent's score; the spread of a
calibration session per criterion and per reviewer; who may inspect whom."""

from __future__ import annotations

import pytest
from django.test import Client

from frontdesk.indicators.periods import parse_period
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import Agent, ScorecardRecord
from frontdesk.web.feedback import inspections
from frontdesk.web.feedback.inspections import Given, ReviewError
from frontdesk.web.feedback.models import CalibrationSession, QAForm, Review

from .conftest import PASSWORD
from .feedback_workspace import make_workspace, recompute, this_month
from .test_appeals import make_user, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(appraisal, settings, monkeypatch, tmp_path):
    make_user("qa", Role.QA, teams=("T1",))
    make_user("qa2", Role.QA, teams=("T2",))
    make_user("qa3", Role.QA, teams=("T3",))
    make_user("auditor", Role.AUDITOR)
    return make_workspace(tmp_path / "ws", settings, monkeypatch)


def standard() -> QAForm:
    return QAForm.objects.get(method="recording")


def answers(
    form: QAForm, *, fail_critical: bool = False, share: float = 1.0, na: tuple[str, ...] = ()
) -> dict:
    out = {}
    for c in form.criteria.all():
        if c.code in na:
            out[c.pk] = Given(None, True)
        elif c.critical:
            out[c.pk] = Given(0.0 if fail_critical else float(c.max_score))
        else:
            out[c.pk] = Given(round(c.max_score * share))
    return out


def as_user(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def current(agent_id: str) -> ScorecardRecord:
    return ScorecardRecord.objects.get(
        agent_id=agent_id, run__cycle__period=this_month().label, run__superseded=False
    )


def test_a_review_lands_in_qa_reviews_and_qa_items(ws):
    form = standard()
    review = inspections.record_review(
        form, Agent.objects.get(pk="A001"),
        user("qa"), answers(form, share=0.6, na=("hold_and_transfer",)), method="recording", interaction_id="I-77",
    )  # fmt: skip
    store = ws.store()
    [row] = store.read("qa_reviews").to_pylist()
    # 9 scored criteria of the standard form but hold-and-transfer (n/a): points possible
    # 5 + 10 + 10 + 5 + 5 + 10 + 10 + 5 + 10 (security) = 70; scored round(0.6 × max) on the eight
    # non-critical ones: 3 + 6 + 6 + 3 + 3 + 6 + 6 + 3 = 36, plus 10 for security passed = 46.
    assert (row["review_id"], row["agent_id"], row["method"], row["interaction_id"]) == (
        review.review_id, "A001", "recording", "I-77"
    )  # fmt: skip
    assert (row["score"], row["max_score"], row["critical_failed"], row["is_calibration"]) == (
        46.0,
        70.0,
        False,
        False,
    )
    items = {i["criterion"]: i for i in store.read("qa_items").to_pylist()}
    assert len(items) == 10 and items["hold_and_transfer"]["not_applicable"] is True
    assert items["hold_and_transfer"]["score"] is None and items["information_security"]["critical"] is True


def test_a_critical_item_cannot_be_not_applicable_and_every_criterion_needs_an_answer(ws):
    form = standard()
    a001 = Agent.objects.get(pk="A001")
    with pytest.raises(ReviewError, match="information_security"):
        inspections.record_review(
            form, a001, user("qa"), answers(form, na=("information_security",)), method="live"
        )
    partial = answers(form)
    partial.pop(next(iter(partial)))
    with pytest.raises(ReviewError, match="no answer"):
        inspections.record_review(form, a001, user("qa"), partial, method="live")
    assert Review.objects.count() == 0 and ws.store().files("qa_reviews") == []


def test_a_failed_critical_item_caps_the_grade_after_recomputing(ws):
    period = this_month()
    recompute(ws, period)
    assert (current("A001").grade, current("A001").total) == ("A", 100.0)
    form = standard()
    inspections.record_review(
        form,
        Agent.objects.get(pk="A001"),
        user("qa"),
        answers(form, fail_critical=True),
        method="mystery_shopper",
    )
    recompute(ws, period)
    capped = current("A001")
    assert capped.total == 100.0, "the monthly total has no inspection indicator; only the grade is capped"
    assert capped.grade == "C" and {"critical_failure", "capped"} <= set(capped.flags)
    assert current("A002").grade == "A"


def test_calibration_reviews_leave_every_score_unchanged(ws):
    quarter = this_month().label[:4] + "-Q" + str((int(this_month().label[5:7]) - 1) // 3 + 1)
    period = parse_period(quarter)
    form = standard()
    a001 = Agent.objects.get(pk="A001")
    for _ in range(3):  # ordinary inspections, so every QA indicator of A001 has a value
        inspections.record_review(form, a001, user("qa"), answers(form, share=0.8), method="recording")
    recompute(ws, period)

    def snapshot() -> dict:
        rows = ScorecardRecord.objects.filter(run__cycle__period=quarter, run__superseded=False)
        return {
            r.agent_id: (r.total, r.grade, tuple(r.flags),
                         tuple((i.code, i.value, i.n, i.score) for i in r.indicators.order_by("code")))
            for r in rows
        }  # fmt: skip

    before = snapshot()
    assert (
        before["A001"][3] and dict((c, v) for c, v, _, _ in before["A001"][3])["service_compliance"] == 80.0
    )
    session = CalibrationSession.objects.create(
        form=form, agent=a001, interaction_id="I-9", method="recording", created_by=user("director")
    )
    session.reviewers.set([user("qa"), user("qa2")])
    inspections.record_review(form, a001, user("qa"), answers(form, share=0.2, fail_critical=True),
                              method="recording", session=session)  # fmt: skip
    inspections.record_review(form, a001, user("qa2"), answers(form, share=0.0, fail_critical=True),
                              method="recording", session=session)  # fmt: skip
    assert [r["is_calibration"] for r in ws.store().read("qa_reviews").to_pylist()].count(True) == 2
    recompute(ws, period)
    assert snapshot() == before
    # The same answers outside calibration do change the result: the comparison can fail.
    inspections.record_review(
        form, a001, user("qa"), answers(form, share=0.2, fail_critical=True), method="recording"
    )
    recompute(ws, period)
    assert snapshot()["A001"] != before["A001"]


def test_the_calibration_report_shows_the_spread_per_criterion_and_reviewer(ws):
    form = standard()
    session = CalibrationSession.objects.create(
        form=form, agent=Agent.objects.get(pk="A004"), interaction_id="I-1", method="recording",
        created_by=user("director"),
    )  # fmt: skip
    session.reviewers.set([user("qa"), user("qa2"), user("qa3")])
    qa, qa2 = as_user("qa"), as_user("qa2")
    assert qa.get(f"/feedback/calibration/{session.pk}/").status_code == 200
    assert (
        b"after you have handed in"
        in qa.get(f"/feedback/calibration/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    )
    inspections.record_review(
        form, session.agent, user("qa"), answers(form, share=1.0), method="recording", session=session
    )
    inspections.record_review(
        form, session.agent, user("qa2"), answers(form, share=0.6), method="recording", session=session
    )
    report = inspections.session_report(session)
    greeting = next(c for c in report.criteria if c.criterion == "greeting")
    # greeting (5 points): qa 5 → 100 %, qa2 round(3.0) = 3 → 60 %: mean 80, sd √((20² + 20²)/1) = 28.28
    assert (greeting.n, greeting.mean, round(greeting.sd, 2), greeting.range) == (2, 80.0, 28.28, 40.0)
    by = {r.reviewer: r for r in report.reviewers}
    # On the ten criteria both scored, qa2 lies 40 points below qa on the nine non-critical ones
    # (3 of 5 and 6 of 10 are 60 %) and level on the security item: −(9 × 40) / 10 = −36.
    assert (by["qa2"].n, by["qa2"].mean_deviation, by["qa"].mean_deviation) == (10, -36.0, 36.0)
    page = qa.get(f"/feedback/calibration/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-reviewer="qa2"' in page and "-36.0" in page
    # qa3 has not scored yet: no report, and the agent never sees the session.
    assert "data-reviewer" not in as_user("qa3").get(f"/feedback/calibration/{session.pk}/").content.decode()
    assert as_user("agent").get(f"/feedback/calibration/{session.pk}/").status_code == 404
    assert qa2.get(f"/feedback/calibration/{session.pk}/review/").status_code == 302  # already scored
    assert as_user("lead").get(f"/feedback/calibration/{session.pk}/review/").status_code == 404


def test_qa_reviewers_inspect_their_teams_only(ws):
    qa = as_user("qa")
    form = standard()
    page = qa.get(f"/feedback/qa/new/?form={form.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="A001"' in html and 'value="A004"' not in html
    data = {"form": form.pk, "agent": "A004", "method": "live"}
    data.update({f"s-{c.pk}": c.max_score for c in form.criteria.all()})
    assert qa.post("/feedback/qa/new/", data).status_code == 400
    data["agent"] = "A002"
    response = qa.post("/feedback/qa/new/", data)
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feedback/qa/{review.pk}/"
    assert (review.agent_id, review.method, review.critical_failed, review.score) == (
        "A002",
        "live",
        False,
        75.0,
    )
    for who in ("lead", "agent", "director"):
        assert as_user(who).get("/feedback/qa/new/").status_code == 403
    # Leads read their team's inspections; an agent only their own.
    assert as_user("lead").get(f"/feedback/qa/{review.pk}/").status_code == 200
    assert as_user("agent").get(f"/feedback/qa/{review.pk}/").status_code == 404
