"""360° campaigns: invitations by relation, single-use expiring links (customers answer without an
account), reminders, progress, answers in the event store's ``ratings_360``, results per subject
with peers withheld below three raters (for every role), the self-vs-others gap, and reliability."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from frontdesk.analysis.reliability import krippendorff_alpha_interval
from frontdesk.store.eventstore import EventStore
from frontdesk.usecases.workspace import init_workspace
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import Agent
from frontdesk.web.feedback import campaigns as camp
from frontdesk.web.feedback.models import Campaign, Invitation, Template

from .conftest import PASSWORD
from .test_appeals import make_user, user

pytestmark = pytest.mark.django_db

COMPETENCIES = (
    "communication",
    "professionalism",
    "teamwork",
    "problem_solving",
    "service_attitude",
    "learning",
)


@pytest.fixture
def org(appraisal, settings, tmp_path):
    """The test organisation (director, lead of T1, agent A001) plus agent2 (A002), agent3 (A003),
    agent4 (A004, T2), an auditor, and a workspace whose event store takes the answers."""
    make_user("agent2", Role.AGENT, agent="A002")
    make_user("agent3", Role.AGENT, agent="A003")
    make_user("agent4", Role.AGENT, agent="A004")
    make_user("auditor", Role.AUDITOR)
    init_workspace(tmp_path / "ws")
    settings.WORKSPACE = tmp_path / "ws"
    return EventStore(tmp_path / "ws" / "events")


def start(
    team: str = "T1", relations=("self", "supervisor", "peer", "customer", "partner_dept"), **kwargs
) -> tuple[Campaign, dict[tuple[str, str, str], str]]:
    """A campaign over ``team`` by the director; its links by (subject, relation, rater label)."""
    kwargs.setdefault("customers_per_subject", 2)
    kwargs.setdefault("partner_departments", ["Billing", "Logistics", "Risk"])
    campaign, issued = camp.create_campaign(
        name="2026 Q4 360",
        template=Template.objects.get(),
        closes_at=timezone.now() + timedelta(days=10),
        subjects=list(camp.select_subjects([team], [], [])),
        relations=relations,
        created_by=user("director"),
        **kwargs,
    )
    return campaign, {
        (i.invitation.subject_id, i.invitation.relation, i.invitation.rater_label): i.token for i in issued
    }


def answer_by_link(token: str, scores: dict[str, int], client: Client | None = None):
    client = client or Client()
    return client.post(f"/feedback/rate/{token}/", {f"c-{k}": v for k, v in scores.items()})


def everything(score: int) -> dict[str, int]:
    return dict.fromkeys(COMPETENCIES, score)


def ratings(store: EventStore) -> list[dict]:
    return store.read("ratings_360").to_pylist()


def as_user(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_campaign_invites_every_relation_of_every_subject(org):
    campaign, links = start()
    # T1 is A001, A002, A003: per subject self, the lead, two teammates, two customers, three departments.
    assert campaign.invitations.count() == 3 * (1 + 1 + 2 + 2 + 3)
    a001 = {(rel, label) for (subject, rel, label) in links if subject == "A001"}
    assert {rel for rel, _ in a001} == {"self", "supervisor", "peer", "customer", "partner_dept"}
    own = Invitation.objects.get(campaign=campaign, subject_id="A001", relation="self")
    assert own.rater_user == user("agent") and own.rater_id == "A001"
    assert Invitation.objects.get(
        campaign=campaign, subject_id="A001", relation="supervisor"
    ).rater_user == user("lead")
    peers = Invitation.objects.filter(campaign=campaign, subject_id="A001", relation="peer")
    assert {p.rater_user.username for p in peers} == {"agent2", "agent3"}
    # Only digests are stored: no token appears in the database.
    assert not Invitation.objects.filter(token_digest__in=list(links.values())).exists()
    assert all(len(t) >= 40 for t in links.values())


def test_a_customer_answers_without_an_account_once_and_the_ratings_land_in_the_store(org):
    campaign, links = start()
    token = links[("A001", "customer", "#1")]
    page = Client().get(f"/feedback/rate/{token}/")
    assert page.status_code == 200 and ("Li Na" in page.content.decode() or "李娜" in page.content.decode())
    response = answer_by_link(token, {"communication": 4, "professionalism": 5})
    assert response.status_code == 200
    invitation = Invitation.objects.get(
        campaign=campaign, subject_id="A001", relation="customer", rater_label="#1"
    )
    assert invitation.answered_at is not None
    rows = sorted(ratings(org), key=lambda r: r["competency"])
    assert [(r["campaign_id"], r["subject_agent_id"], r["rater_id"], r["relation"], r["competency"], r["score"],
             r["scale_max"]) for r in rows] == [
        (f"W{campaign.pk}", "A001", f"X{invitation.pk}", "customer", "communication", 4.0, 5.0),
        (f"W{campaign.pk}", "A001", f"X{invitation.pk}", "customer", "professionalism", 5.0, 5.0),
    ]  # fmt: skip
    again = answer_by_link(token, everything(1))
    assert again.status_code == 410 and b'data-reason="used"' in again.content
    assert Client().get(f"/feedback/rate/{token}/").status_code == 410
    assert len(ratings(org)) == 2


def test_an_expired_link_takes_no_answer(org):
    campaign, links = start()
    Invitation.objects.filter(campaign=campaign).update(expires_at=timezone.now() - timedelta(seconds=1))
    token = links[("A001", "customer", "#2")]
    assert Client().get(f"/feedback/rate/{token}/").status_code == 410
    response = answer_by_link(token, everything(5))
    assert response.status_code == 410 and b'data-reason="expired"' in response.content
    assert ratings(org) == []


def test_an_unknown_link_is_a_404_and_an_empty_answer_is_refused(org):
    _, links = start()
    assert Client().get("/feedback/rate/not-a-token/").status_code == 404
    token = links[("A001", "customer", "#1")]
    assert answer_by_link(token, {}).status_code == 400
    assert ratings(org) == [] and Invitation.objects.filter(answered_at__isnull=False).count() == 0


def test_a_failed_write_leaves_the_link_unused(org, settings, tmp_path):
    _, links = start()
    broken = tmp_path / "broken"
    (broken / "events").mkdir(parents=True)
    (broken / "events" / "ratings_360").write_text("not a folder")  # the write fails
    settings.WORKSPACE = broken
    with pytest.raises(OSError):
        camp.answer(camp.invitation_for_token(links[("A001", "customer", "#1")]), {"communication": 3})
    assert Invitation.objects.filter(answered_at__isnull=False).count() == 0


def test_signed_in_raters_answer_their_own_invitations_only(org):
    campaign, _ = start()
    task = Invitation.objects.get(campaign=campaign, subject_id="A002", relation="supervisor")
    assert as_user("agent").get(f"/feedback/tasks/{task.pk}/").status_code == 404
    lead = as_user("lead")
    assert b"/feedback/tasks/" in lead.get("/feedback/").content
    response = lead.post(f"/feedback/tasks/{task.pk}/", {f"c-{c}": 3 for c in COMPETENCIES})
    assert response.status_code == 200
    rows = ratings(org)
    assert {(r["subject_agent_id"], r["relation"], r["rater_id"]) for r in rows} == {
        ("A002", "supervisor", f"U{user('lead').pk}")
    }
    assert len(rows) == len(COMPETENCIES)
    assert lead.post(f"/feedback/tasks/{task.pk}/", {"c-learning": 3}).status_code == 410


def test_reminders_give_pending_invitations_new_links_and_record_when(org):
    campaign, links = start(relations=("customer",))
    answered = links[("A001", "customer", "#1")]
    assert answer_by_link(answered, everything(4)).status_code == 200
    director = as_user("director")
    response = director.post(f"/feedback/campaigns/{campaign.pk}/remind/")
    assert response.status_code == 200
    reminded = Invitation.objects.filter(campaign=campaign, reminders=1)
    assert reminded.count() == 5 and all(i.reminded_at is not None for i in reminded)
    assert Invitation.objects.get(campaign=campaign, answered_at__isnull=False).reminders == 0
    old = links[("A002", "customer", "#1")]
    assert Client().get(f"/feedback/rate/{old}/").status_code == 404, "the old link stops working"
    new_links = [line.split("/feedback/rate/")[1].split("/")[0] for line in response.content.decode().split("\n")
                 if "/feedback/rate/" in line]  # fmt: skip
    assert len(new_links) == 5
    assert Client().get(f"/feedback/rate/{new_links[0]}/").status_code == 200
    assert as_user("lead").post(f"/feedback/campaigns/{campaign.pk}/remind/").status_code == 403


def test_progress_counts_answers_per_relation(org):
    campaign, links = start(relations=("customer", "partner_dept"))
    answer_by_link(links[("A001", "customer", "#1")], everything(4))
    answer_by_link(links[("A001", "partner_dept", "Billing")], everything(3))
    answer_by_link(links[("A002", "partner_dept", "Risk")], everything(3))
    progress = {p.relation: (p.answered, p.invited) for p in camp.progress(campaign)}
    assert progress == {"customer": (1, 6), "partner_dept": (2, 9)}
    page = as_user("director").get(f"/feedback/campaigns/{campaign.pk}/")
    assert page.status_code == 200 and b"1 / 6" in page.content and b"2 / 9" in page.content


@pytest.fixture
def rated(org):
    """A001 rated by: self 5; two customers 4; the lead 3; two peers 1 and 2 (withheld); three
    partner departments 2, 3, 4 (shown: mean 3)."""
    campaign, links = start()
    self_token = next(t for (s, rel, _), t in links.items() if s == "A001" and rel == "self")
    answer_by_link(self_token, everything(5))
    for label in ("#1", "#2"):
        answer_by_link(links[("A001", "customer", label)], everything(4))
    lead_token = next(t for (s, rel, _), t in links.items() if s == "A001" and rel == "supervisor")
    answer_by_link(lead_token, everything(3))
    peer_tokens = [t for (s, rel, _), t in links.items() if s == "A001" and rel == "peer"]
    assert len(peer_tokens) == 2
    answer_by_link(peer_tokens[0], everything(1))
    answer_by_link(peer_tokens[1], everything(2))
    for dept, score in (("Billing", 2), ("Logistics", 3), ("Risk", 4)):
        answer_by_link(links[("A001", "partner_dept", dept)], everything(score))
    return campaign


@pytest.mark.parametrize("username", ["agent", "lead", "director", "auditor"])
def test_two_peers_are_never_shown_to_anyone_three_departments_are(rated, username):
    page = as_user(username).get(f"/feedback/campaigns/{rated.pk}/agents/A001/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    peer_row = html.split('data-relation="peer"')[1].split("</tr>")[0]
    assert "withheld" in peer_row and "1.50" not in html  # the two peers' mean (1 + 2) / 2
    partner_row = html.split('data-relation="partner_dept"')[1].split("</tr>")[0]
    assert '<span class="relation-mean">3.00</span>' in partner_row
    # The others beside the self-rating: customers 4, 4, lead 3, departments 2, 3, 4 → 20 / 6 = 3.33;
    # with the peers it would be 23 / 8 = 2.88.
    gap_row = html.split('data-competency="communication"')[1].split("</tr>")[0]
    assert "3.33" in gap_row and "+1.7" in gap_row


def test_the_360_result_weighs_relations_by_the_scheme(rated):
    result = camp.subject_result(rated, Agent.objects.get(pk="A001"))
    by = {r.relation: r for r in result.relations}
    assert by["peer"].withheld and by["peer"].mean is None and by["peer"].n == 2
    # Default scheme: customer 40, supervisor 25, peer 20 (withheld), self 5, partner 10, on 0–100:
    # customer 80, supervisor 60, self 100, partner 60 → (32 + 15 + 5 + 6) / 0.80 = 72.5
    assert result.score == pytest.approx(72.5)


def test_an_agent_reads_only_their_own_360_results(rated):
    agent = as_user("agent")
    assert agent.get(f"/feedback/campaigns/{rated.pk}/agents/A002/").status_code == 404
    assert as_user("agent4").get(f"/feedback/campaigns/{rated.pk}/agents/A001/").status_code == 404
    assert as_user("lead").get(f"/feedback/campaigns/{rated.pk}/agents/A002/").status_code == 200


def test_the_campaign_page_shows_reliability_and_leniency(rated):
    rated.leniency_correction = True
    rated.save()
    rows = [r for r in ratings_of(rated) if r["relation"] != "self"]
    expected = krippendorff_alpha_interval(
        [((r["subject_agent_id"], r["competency"]), r["rater_id"], r["score"]) for r in rows]
    ).alpha
    page = as_user("director").get(f"/feedback/campaigns/{rated.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f'<span class="alpha">{expected:.2f}</span>' in page.content.decode()
    assert b"Krippendorff" in page.content and b"Corrected" in page.content
    assert as_user("lead").get(f"/feedback/campaigns/{rated.pk}/").status_code == 403


def ratings_of(campaign: Campaign) -> list[dict]:
    return camp.campaign_ratings(campaign)


def test_only_hr_creates_campaigns_and_the_links_are_shown_once(org):
    data = {
        "name": "Q4", "template": Template.objects.get().pk,
        "closes_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "teams": ["T2"], "relations": ["customer", "self"], "customers_per_subject": 1, "peers_per_subject": 0,
    }  # fmt: skip
    assert as_user("lead").post("/feedback/campaigns/new/", data).status_code == 403
    response = as_user("director").post("/feedback/campaigns/new/", data)
    assert response.status_code == 200
    campaign = Campaign.objects.get()
    # T2 holds A004 and A005: a customer link and a self-rating each.
    assert campaign.invitations.count() == 4
    assert response.content.decode().count("/feedback/rate/") == 4


def route_world() -> dict[str, str]:
    """For tests/web/test_every_route.py (organisation of ``test_appeals.in_review``): a campaign
    over T1 and T2, a customer link and a self-rating task of A001, a survey link of A001, a QA
    review of A001 and one of A004, a calibration session on A004."""
    from frontdesk.web.feedback import inspections, surveys
    from frontdesk.web.feedback.inspections import Given
    from frontdesk.web.feedback.models import CalibrationSession, QAForm

    campaign, issued = camp.create_campaign(
        name="Routes", template=Template.objects.get(), closes_at=timezone.now() + timedelta(days=3),
        subjects=list(camp.select_subjects(["T1", "T2"], [], [])), relations=("customer", "self"),
        created_by=user("director"), customers_per_subject=1,
    )  # fmt: skip
    customer = next(
        i.token for i in issued if i.invitation.subject_id == "A001" and i.invitation.relation == "customer"
    )
    task = next(
        i.invitation for i in issued if i.invitation.subject_id == "A001" and i.invitation.relation == "self"
    )
    [survey] = surveys.issue(Agent.objects.get(pk="A001"), ["I-1"])
    form = QAForm.objects.get(method="recording")
    full = {c.pk: Given(float(c.max_score)) for c in form.criteria.all()}
    own = inspections.record_review(form, Agent.objects.get(pk="A001"), user("qa"), full, method="live")
    other = inspections.record_review(form, Agent.objects.get(pk="A004"), user("qa"), full, method="live")
    session = CalibrationSession.objects.create(
        form=form, agent=Agent.objects.get(pk="A004"), interaction_id="I-2", method="recording",
        created_by=user("director"),
    )  # fmt: skip
    session.reviewers.set([user("qa")])
    return {
        "campaign": str(campaign.pk),
        "rate_token": customer,
        "task": str(task.pk),
        "survey_token": survey.token,
        "own_review": str(own.pk),
        "other_review": str(other.pk),
        "session": str(session.pk),
    }
