"""Appeals (申诉): an agent disputes one indicator result while the cycle is in review; the lead or
HR decides; an accepted appeal rescores the result and the total; every step is in an append-only
audit log; closing the cycle lapses what is still open; nobody reads another agent's appeals."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from frontdesk.scoring.scheme import SchemeIndicator, Step
from frontdesk.scoring.scores import linear_score
from frontdesk.web.accounts.models import Role
from frontdesk.web.appeals import workflow
from frontdesk.web.appeals.models import Adjustment, Appeal, AuditAction, AuditEntry
from frontdesk.web.appeals.rescoring import RescoreError, StoredResult, rescore, total_of
from frontdesk.web.appeals.scheme_in_force import window_days, window_days_of
from frontdesk.web.appeals.window import deadline_of, review_opened_at
from frontdesk.web.appeals.workflow import AppealError
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.lifecycle import CycleClosed, CycleError
from frontdesk.web.appraisal.models import Cycle, IndicatorRecord, ScorecardRecord

from .conftest import build_appraisal_data, load_appraisal_data
from .test_web_i18n import english_words, visible_text
from .users import login, make_user, user

pytestmark = pytest.mark.django_db

PERIOD = "2026-10"


@pytest.fixture
def in_review(db):
    """Every cycle computed; October in review (the appeal window). Logins: director, lead (T1),
    agent (A001), agent2 (A002, T1), agent4 (A004, T2), lead2 (T2), qa (T1), auditor."""
    data = build_appraisal_data()
    load_appraisal_data(data, publish=False)
    store.transition(PERIOD, "monthly", "in_review")
    make_user("agent2", Role.AGENT, agent="A002")
    make_user("agent4", Role.AGENT, agent="A004")
    make_user("lead2", Role.LEAD, teams=("T2",))
    make_user("qa", Role.QA, teams=("T1",))
    make_user("auditor", Role.AUDITOR)
    return data


def result(agent_id: str, code: str, period: str = PERIOD) -> IndicatorRecord:
    return IndicatorRecord.objects.get(
        scorecard__agent_id=agent_id,
        scorecard__run__cycle__period=period,
        scorecard__run__superseded=False,
        code=code,
    )


def scorecard(agent_id: str, period: str = PERIOD) -> ScorecardRecord:
    return ScorecardRecord.objects.get(agent_id=agent_id, run__cycle__period=period, run__superseded=False)


def file(username: str = "agent", agent_id: str = "A001", code: str = "csat", **kwargs) -> Appeal:
    kwargs.setdefault("reason", "Two surveys belonged to another agent's contacts.")
    return workflow.file_appeal(user(username), result(agent_id, code), **kwargs)


def actions(appeal: Appeal) -> list[str]:
    return list(
        AuditEntry.objects.filter(appeal=appeal).order_by("at", "id").values_list("action", flat=True)
    )


# Filing --------------------------------------------------------------------------------------------


def test_an_agent_files_an_appeal_on_their_own_result_from_the_scorecard_page(client, in_review):
    login(client, "agent")
    page = client.get(f"/agents/A001/?period={PERIOD}")
    csat = result("A001", "csat")
    assert page.status_code == 200, "in review is the appeal window: the agent sees the results"
    assert f'href="/appeals/new/{csat.pk}/"'.encode() in page.content
    response = client.post(
        f"/appeals/new/{csat.pk}/",
        {"reason": "Surveys of another agent's contacts.", "proposed_value": "88", "evidence": "T-1024"},
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appeals/{appeal.pk}/"
    assert (appeal.agent_id, appeal.indicator_id, appeal.status) == ("A001", csat.pk, "open")
    assert (appeal.proposed_value, appeal.evidence, appeal.filed_by) == (88.0, "T-1024", user("agent"))
    cycle = Cycle.objects.get(period=PERIOD, kind="monthly")
    assert appeal.deadline == review_opened_at(cycle) + timedelta(days=7)
    entry = AuditEntry.objects.get(appeal=appeal)
    assert (entry.action, entry.by, entry.object_type, entry.object_id) == (
        "appeal_filed",
        user("agent"),
        "appeal",
        str(appeal.pk),
    )
    assert entry.before is None and entry.after["status"] == "open" and entry.after["proposed_value"] == 88.0


def test_the_window_is_seven_days_unless_the_scheme_says_otherwise(settings, tmp_path, in_review):
    from frontdesk.usecases.workspace import init_workspace

    assert window_days_of({}) == 7
    assert window_days_of({"appeals": {"window_days": 3}}) == 3
    with pytest.raises(ValueError, match="window_days"):
        window_days_of({"appeals": {"window_days": 0}})
    workspace = init_workspace(tmp_path / "ws")
    scheme = workspace.scheme_path()
    scheme.write_text(scheme.read_text("utf-8") + "\nappeals:\n  window_days: 3\n", encoding="utf-8")
    settings.WORKSPACE = workspace.root
    assert window_days() == 3
    cycle = Cycle.objects.get(period=PERIOD, kind="monthly")
    assert deadline_of(cycle) == review_opened_at(cycle) + timedelta(days=3)
    assert file().deadline == review_opened_at(cycle) + timedelta(days=3)


def test_an_appeal_after_the_deadline_is_refused(in_review):
    cycle = Cycle.objects.get(period=PERIOD, kind="monthly")
    late = deadline_of(cycle) + timedelta(seconds=1)
    with pytest.raises(AppealError, match="appeal window") as refused:
        file(now=late)
    assert refused.value.code == "window_closed"
    assert file(now=deadline_of(cycle)).status == "open", "the deadline itself is still in time"
    assert Appeal.objects.count() == 1


def test_a_result_is_appealed_once(client, in_review):
    first = file()
    with pytest.raises(AppealError, match="already been appealed"):
        file()
    login(client, "agent")
    response = client.get(f"/appeals/new/{first.indicator_id}/")
    assert response.status_code == 302 and response["Location"] == f"/appeals/{first.pk}/"


def test_an_appeal_needs_a_reason(in_review):
    with pytest.raises(AppealError, match="reason"):
        file(reason="   ")


@pytest.mark.parametrize(
    ("agent_id", "period"),
    [("A002", PERIOD), ("A004", PERIOD), ("A001", "2026-09"), ("A001", "2026-Q3")],
    ids=["teammate", "other team", "computed cycle", "another computed cycle"],
)
def test_only_own_results_of_a_cycle_in_review_can_be_appealed(client, in_review, agent_id, period):
    target = result(agent_id, "csat", period)
    login(client, "agent")
    assert client.get(f"/appeals/new/{target.pk}/").status_code == 404
    assert client.post(f"/appeals/new/{target.pk}/", {"reason": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        workflow.file_appeal(user("agent"), target, reason="x")
    assert Appeal.objects.count() == 0


def test_leads_and_directors_do_not_appeal_for_an_agent(client, in_review):
    for who in ["lead", "director"]:
        login(client, who)
        assert client.get(f"/appeals/new/{result('A001', 'csat').pk}/").status_code == 404


def test_a_published_cycle_takes_no_new_appeals(client, in_review):
    store.transition(PERIOD, "monthly", "published")
    login(client, "agent")
    assert client.get(f"/appeals/new/{result('A001', 'csat').pk}/").status_code == 404
    assert b"/appeals/new/" not in client.get(f"/agents/A001/?period={PERIOD}").content


# Deciding and adjusting ----------------------------------------------------------------------------


def expected_total(agent_id: str) -> float:
    rows = IndicatorRecord.objects.filter(scorecard=scorecard(agent_id)).values_list("weight", "score")
    return round(sum(w * s for w, s in rows if s is not None), 2)


def test_the_lead_accepts_and_the_score_follows_the_curve_and_the_total_follows(client, in_review):
    appeal = file(proposed_value=88.0)
    before = result("A001", "csat")
    total_before = scorecard("A001").total
    login(client, "lead")
    response = client.post(
        f"/appeals/{appeal.pk}/decide/", {"decision": "accepted", "comment": "Checked: agreed."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    after = result("A001", "csat")
    new_score = round(linear_score(88.0, before.target, before.floor), 2)
    assert (appeal.status, appeal.decided_by, appeal.adjusted_value) == ("accepted", user("lead"), 88.0)
    assert (after.value, after.score) == (88.0, new_score)
    assert after.explanation["contribution"] == round(after.weight * new_score, 4)
    total = scorecard("A001").total
    assert total == expected_total("A001")
    assert total == pytest.approx(total_before + after.weight * (new_score - before.score), abs=0.06)
    adjustment = Adjustment.objects.get(appeal=appeal)
    assert (adjustment.value_before, adjustment.value_after) == (before.value, 88.0)
    assert (adjustment.score_before, adjustment.score_after) == (before.score, new_score)
    assert (adjustment.total_before, adjustment.total_after) == (total_before, total)
    assert actions(appeal) == ["appeal_filed", "score_adjusted", "appeal_decided"]
    adjusted = AuditEntry.objects.get(appeal=appeal, action=AuditAction.ADJUSTED)
    assert adjusted.before == {"value": before.value, "score": before.score, "total": total_before}
    assert adjusted.after["total"] == total and adjusted.object_id == str(after.pk)
    # The agent sees the new score and total on the scorecard.
    login(client, "agent")
    page = client.get(f"/agents/A001/?period={PERIOD}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["record"].total == total
    assert f"{total:.1f}".encode() in page.content and f"{new_score:.1f}".encode() in page.content


def test_partly_accepting_needs_and_uses_the_adjusted_value(in_review):
    appeal = file(proposed_value=95.0)
    with pytest.raises(AppealError, match="adjusted value"):
        workflow.decide_appeal(user("director"), appeal, "partly_accepted", comment="Half of it.")
    workflow.decide_appeal(
        user("director"), appeal, "partly_accepted", comment="Half of it.", adjusted_value=80.0
    )
    after = result("A001", "csat")
    assert after.value == 80.0 and after.score == round(linear_score(80.0, 90.0, 60.0), 2)
    assert scorecard("A001").total == expected_total("A001")


def test_accepting_without_a_proposed_value_needs_one(in_review):
    appeal = file()
    with pytest.raises(AppealError, match="no value"):
        workflow.decide_appeal(user("lead"), appeal, "accepted", comment="Yes.")


def test_rejecting_changes_no_number(in_review):
    appeal = file(proposed_value=99.0)
    before, total = result("A001", "csat"), scorecard("A001").total
    workflow.decide_appeal(user("lead"), appeal, "rejected", comment="The surveys are the agent's own.")
    after = result("A001", "csat")
    assert (after.value, after.score, scorecard("A001").total) == (before.value, before.score, total)
    assert not Adjustment.objects.exists()
    assert actions(appeal) == ["appeal_filed", "appeal_decided"]
    decided = AuditEntry.objects.get(appeal=appeal, action=AuditAction.DECIDED)
    assert decided.before["status"] == "open" and decided.after["status"] == "rejected"
    assert decided.after["comment"] == "The surveys are the agent's own."


def test_a_decision_needs_a_comment_and_is_made_once(in_review):
    appeal = file(proposed_value=88.0)
    with pytest.raises(AppealError, match="comment"):
        workflow.decide_appeal(user("lead"), appeal, "rejected", comment=" ")
    workflow.decide_appeal(user("lead"), appeal, "rejected", comment="No.")
    with pytest.raises(AppealError, match="already rejected"):
        workflow.decide_appeal(user("director"), appeal, "accepted", comment="Yes after all.")


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead2", 404), ("agent2", 404), ("agent", 403), ("qa", 403), ("auditor", 403)],
    ids=["lead of another team", "teammate", "the agent", "QA reviewer", "auditor"],
)
def test_only_the_lead_hr_or_an_administrator_decides(client, in_review, who, status):
    appeal = file(proposed_value=88.0)
    login(client, who)
    response = client.post(f"/appeals/{appeal.pk}/decide/", {"decision": "accepted", "comment": "ok"})
    assert response.status_code == status
    appeal.refresh_from_db()
    assert appeal.status == "open"
    with pytest.raises(PermissionDenied):
        workflow.decide_appeal(user(who), appeal, "accepted", comment="ok")


def test_decisions_go_on_after_publication_until_the_cycle_closes(in_review):
    appeal = file(proposed_value=88.0)
    store.transition(PERIOD, "monthly", "published")
    workflow.decide_appeal(user("director"), appeal, "accepted", comment="Late but right.")
    assert result("A001", "csat").value == 88.0


def test_a_recomputed_cycle_refuses_decisions_on_the_old_result(in_review):
    # An open appeal moves to the new run's result (test_appeals_recompute.py); one whose result is
    # gone from the new run stays on the old result, where no decision may be made any more.
    appeal = file(proposed_value=88.0)
    run = next(r for r in in_review.runs if r.period == PERIOD)
    cards = copy.deepcopy(run.cards)
    next(c for c in cards if c.agent_id == "A001").indicators.pop("csat")
    store.save_scorecards(cards, period=PERIOD, cycle="monthly", scheme_version="2026.2")
    with pytest.raises(AppealError, match="in review"):
        workflow.decide_appeal(user("lead"), appeal, "accepted", comment="ok")
    store.transition(PERIOD, "monthly", "in_review")
    with pytest.raises(AppealError, match="recomputed"):
        workflow.decide_appeal(user("lead"), appeal, "accepted", comment="ok")


# Closing -------------------------------------------------------------------------------------------


def test_closing_the_cycle_lapses_open_appeals_and_refuses_everything_after(client, in_review):
    open_one = file(code="csat", proposed_value=88.0)
    decided = file(code="first_response", proposed_value=50.0)
    workflow.decide_appeal(user("lead"), decided, "rejected", comment="No.")
    store.transition(PERIOD, "monthly", "published")
    store.transition(PERIOD, "monthly", "closed", by_user=user("director"))
    open_one.refresh_from_db()
    decided.refresh_from_db()
    assert (open_one.status, decided.status) == ("lapsed", "rejected")
    lapse = AuditEntry.objects.get(appeal=open_one, action=AuditAction.LAPSED)
    assert lapse.by is None and lapse.before["status"] == "open" and lapse.after["status"] == "lapsed"
    with pytest.raises(CycleClosed):
        workflow.decide_appeal(user("director"), open_one, "accepted", comment="too late")
    with pytest.raises(CycleClosed):
        file(code="nps")
    with pytest.raises(CycleClosed):
        open_one.save()
    with pytest.raises(CycleClosed):
        Appeal.objects.filter(pk=open_one.pk).update(status="open")
    login(client, "director")
    response = client.post(f"/appeals/{open_one.pk}/decide/", {"decision": "accepted", "comment": "x"})
    assert response.status_code == 302
    assert Appeal.objects.get(pk=open_one.pk).status == "lapsed"


# The audit log -------------------------------------------------------------------------------------


def test_the_audit_log_and_adjustments_are_append_only(in_review):
    appeal = file(proposed_value=88.0)
    workflow.decide_appeal(user("lead"), appeal, "accepted", comment="ok")
    entry = AuditEntry.objects.first()
    adjustment = Adjustment.objects.get()
    for row in (entry, adjustment):
        with pytest.raises(CycleError, match="append-only"):
            row.save()
        with pytest.raises(CycleError, match="append-only"):
            row.delete()
        with pytest.raises(CycleError, match="append-only"):
            type(row).objects.all().update(at=row.at)
        with pytest.raises(CycleError, match="append-only"):
            type(row).objects.all().delete()
    assert AuditEntry.objects.count() == 3


def audit_page_appeals(client: Client, username: str) -> set[int]:
    login(client, username)
    response = client.get("/appeals/audit/")
    assert response.status_code == 200
    return {e.appeal_id for e in response.context["entries"]}


def test_who_reads_which_audit_entries(client, in_review):
    own = file(proposed_value=88.0)
    teammate = file("agent2", "A002", proposed_value=90.0)
    other_team = file("agent4", "A004", proposed_value=90.0)
    everything = {own.pk, teammate.pk, other_team.pk}
    assert audit_page_appeals(client, "auditor") == everything
    assert audit_page_appeals(client, "director") == everything
    assert audit_page_appeals(client, "lead") == {own.pk, teammate.pk}
    assert audit_page_appeals(client, "agent") == {own.pk}
    assert audit_page_appeals(client, "agent4") == {other_team.pk}


# Agents never read each other's appeals --------------------------------------------------------------


def test_an_agent_never_reads_another_agents_appeal(client, in_review):
    theirs = file("agent2", "A002", proposed_value=90.0)
    mine = file()
    login(client, "agent")
    assert client.get(f"/appeals/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/appeals/{theirs.pk}/decide/", {"decision": "accepted", "comment": "x"}).status_code
        == 404
    )
    assert client.get(f"/appeals/{theirs.pk + 1000}/").status_code == 404, "missing looks the same"
    listed = client.get("/appeals/").context["rows"]
    assert [a.pk for a, _, _ in listed] == [mine.pk]
    assert client.get(f"/appeals/{mine.pk}/").status_code == 200
    page = client.get(f"/agents/A001/?period={PERIOD}").content.decode()
    assert f"/appeals/{theirs.pk}/" not in page and f"/appeals/{mine.pk}/" in page


def test_the_lead_sees_the_team_appeals_only(client, in_review):
    own_team = file("agent2", "A002", proposed_value=90.0)
    other_team = file("agent4", "A004", proposed_value=90.0)
    login(client, "lead")
    assert [a.pk for a, _, _ in client.get("/appeals/").context["rows"]] == [own_team.pk]
    assert client.get(f"/appeals/{other_team.pk}/").status_code == 404
    detail = client.get(f"/appeals/{own_team.pk}/")
    assert detail.context["form"] is not None, "the lead may decide: the form is there"


# Statistics ----------------------------------------------------------------------------------------


def test_appeal_statistics_per_team(client, in_review):
    a = file(proposed_value=88.0)
    file("agent2", "A002", proposed_value=90.0)
    file("agent4", "A004", proposed_value=90.0)
    workflow.decide_appeal(user("lead"), a, "accepted", comment="ok")
    login(client, "director")
    rows = {r.team.pk: r for r in client.get(f"/appeals/statistics/?period={PERIOD}").context["rows"]}
    assert set(rows) == {"T1", "T2", "T3"}
    t1 = rows["T1"]
    assert (t1.scorecards, t1.appeals, t1.accepted, t1.open, t1.rejected) == (3, 2, 1, 1, 0)
    assert t1.rate == pytest.approx(2 / 3)
    assert t1.median_hours is not None and 0 <= t1.median_hours < 1
    assert (rows["T2"].appeals, rows["T2"].median_hours) == (1, None)
    assert (rows["T3"].appeals, rows["T3"].rate) == (0, 0)
    login(client, "lead")
    assert [r.team.pk for r in client.get("/appeals/statistics/").context["rows"]] == ["T1"]
    login(client, "agent")
    assert client.get("/appeals/statistics/").status_code == 403


# Rescoring -----------------------------------------------------------------------------------------


def test_rescoring_follows_each_curve():
    linear = StoredResult("csat", "linear", target=90.0, floor=60.0)
    assert rescore(linear, 75.0) == 50.0
    assert rescore(linear, 99.0) == 100.0, "capped at 100 by default"
    assert rescore(linear, 99.0, rule=SchemeIndicator("csat", 1.0, 90.0, 60.0, cap=120.0)) == 120.0, (
        "stretch up to the cap"
    )
    assert rescore(StoredResult("first_response", None, target=60.0, floor=180.0), 120.0) == 50.0
    steps = SchemeIndicator("csat", 1.0, curve="steps", steps=(Step(80.0, 60.0), Step(90.0, 100.0)))
    assert rescore(StoredResult("csat", "steps", None, None), 85.0, rule=steps, better="higher") == 60.0
    peers = [70.0, 80.0, 90.0]
    assert rescore(StoredResult("csat", "percentile", None, None), 85.0, better="higher", peers=peers) == 62.5
    with pytest.raises(RescoreError, match="target and floor"):
        rescore(StoredResult("nps", "linear", None, None), 40.0)
    with pytest.raises(RescoreError, match="step bands"):
        rescore(StoredResult("csat", "steps", None, None), 85.0)
    assert total_of([(0.5, 80.0), (0.5, 60.0), (0.0, None)], bonus_points=2.5) == 72.5


# Pages in Chinese ----------------------------------------------------------------------------------


def test_the_appeal_pages_are_in_chinese_with_no_english_left(client, in_review):
    appeal = file(proposed_value=88.0, reason="两份问卷不是我的。", evidence="工单 1024")
    workflow.decide_appeal(user("lead"), appeal, "accepted", comment="核实无误。")
    login(client, "director")
    for url in [
        "/appeals/",
        f"/appeals/{appeal.pk}/",
        "/appeals/audit/",
        f"/appeals/statistics/?period={PERIOD}",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        text = visible_text(response.content)
        assert english_words(text) == set(), url
        assert "申诉" in text
    detail = visible_text(client.get(f"/appeals/{appeal.pk}/").content)
    for words in ["已采纳", "提交申诉", "调整得分", "裁定申诉", "核实无误"]:
        assert words in detail
    login(client, "agent")
    scorecard_page = visible_text(client.get(f"/agents/A001/?period={PERIOD}").content)
    assert "申诉" in scorecard_page and "审计日志" in scorecard_page


def test_the_list_marks_the_appeals_the_reader_may_decide(client, in_review):
    own_team = file("agent2", "A002", proposed_value=90.0)
    other_team = file("agent4", "A004", proposed_value=90.0)
    for who, decidable in [
        ("lead", {own_team.pk}),
        ("director", {own_team.pk, other_team.pk}),
        ("qa", set()),
    ]:
        login(client, who)
        rows = client.get("/appeals/").context["rows"]
        assert {a.pk for a, _, may_decide in rows if may_decide} == decidable, who
