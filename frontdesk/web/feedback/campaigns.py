"""360° campaigns: creating one with its invitations, reminders, progress, answering, and the
results per subject (docs/multi-rater.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from frontdesk.analysis.reliability import (
    Alpha,
    Offset,
    corrected_scores,
    krippendorff_alpha_interval,
    leniency_offsets,
)
from frontdesk.scoring.ratings360 import ANONYMOUS_RELATIONS, MIN_ANONYMOUS_RATERS
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import Agent
from frontdesk.web.feedback.events import atomic_with_events, read_rows
from frontdesk.web.feedback.models import Campaign, Invitation, Relation, Template
from frontdesk.web.feedback.schemes import weights_360
from frontdesk.web.feedback.tokens import digest, new_token

LENIENCY_MIN_RATINGS = 5  # a rater's offset needs this many ratings of items others rated too


class AnswerError(ValueError):
    """An answer that cannot be taken: ``code`` is used, expired or invalid."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class IssuedLink:
    """An invitation and the token of its link, known only at this moment."""

    invitation: Invitation
    token: str


def select_subjects(
    team_ids: Iterable[str], site_ids: Iterable[str], roles: Iterable[str]
) -> QuerySet[Agent]:
    """Active agents in any of the teams, any of the sites and any of the job roles given (a
    criterion left empty does not restrict)."""
    found = Agent.objects.filter(active=True)
    if team_ids := list(team_ids):
        found = found.filter(team_id__in=team_ids)
    if site_ids := list(site_ids):
        found = found.filter(site_id__in=site_ids)
    if roles := list(roles):
        found = found.filter(role__in=roles)
    return found.order_by("agent_id")


def create_campaign(
    *,
    name: str,
    template: Template,
    closes_at: datetime,
    subjects: Sequence[Agent],
    relations: Iterable[str],
    created_by: object,
    customers_per_subject: int = 5,
    peers_per_subject: int = 4,
    partner_departments: Sequence[str] = (),
    leniency_correction: bool = False,
) -> tuple[Campaign, list[IssuedLink]]:
    """The campaign and one invitation per rater: the subject (self), the team's leads
    (supervisor), up to ``peers_per_subject`` teammates (the next ones in id order, so the work is
    spread evenly), ``customers_per_subject`` customer links and one link per partner department."""
    relations = set(relations)
    team_ids = {a.team_id for a in subjects if a.team_id}
    teammates: dict[str, list[Agent]] = defaultdict(list)
    for a in Agent.objects.filter(team_id__in=team_ids, active=True).order_by("agent_id"):
        teammates[a.team_id].append(a)
    leads: dict[str, list] = defaultdict(list)
    from frontdesk.web.appraisal.models import Team

    for team in Team.objects.filter(team_id__in=team_ids).prefetch_related("supervisors__profile"):
        for u in team.supervisors.all():
            if getattr(getattr(u, "profile", None), "role", None) == Role.LEAD:
                leads[team.team_id].append(u)
    issued: list[IssuedLink] = []
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            template=template,
            closes_at=closes_at,
            created_by=created_by,
            leniency_correction=leniency_correction,
        )

        def invite(subject: Agent, relation: str, user: object = None, label: str = "") -> None:
            token, token_digest = new_token()
            inv = Invitation.objects.create(
                campaign=campaign,
                subject=subject,
                relation=relation,
                rater_user=user,
                rater_label=label,
                token_digest=token_digest,
                expires_at=closes_at,
            )
            issued.append(IssuedLink(inv, token))

        for subject in subjects:
            if Relation.SELF in relations:
                invite(subject, Relation.SELF, subject.user, subject.display_name)
            if Relation.SUPERVISOR in relations:
                for lead in leads.get(subject.team_id, []):
                    if lead.pk != subject.user_id:
                        invite(subject, Relation.SUPERVISOR, lead, lead.get_username())
            if Relation.PEER in relations and peers_per_subject > 0:
                mates = teammates.get(subject.team_id, [])
                at = next((i for i, m in enumerate(mates) if m.pk == subject.pk), -1)
                others = [m for m in mates[at + 1 :] + mates[: max(at, 0)] if m.pk != subject.pk]
                for peer in others[:peers_per_subject]:
                    invite(subject, Relation.PEER, peer.user, peer.display_name)
            if Relation.CUSTOMER in relations:
                for i in range(customers_per_subject):
                    invite(subject, Relation.CUSTOMER, None, f"#{i + 1}")
            if Relation.PARTNER_DEPT in relations:
                for dept in partner_departments:
                    invite(subject, Relation.PARTNER_DEPT, None, dept)
    return campaign, issued


def pending(campaign: Campaign, now: datetime | None = None) -> QuerySet[Invitation]:
    """Invitations not answered yet whose link has not expired."""
    now = now or timezone.now()
    return campaign.invitations.filter(answered_at__isnull=True, expires_at__gt=now)


def remind(campaign: Campaign, now: datetime | None = None) -> list[IssuedLink]:
    """A fresh link for every pending invitation (the old link stops working: only digests are
    stored, so a link cannot be shown twice), with the time of the reminder recorded."""
    now = now or timezone.now()
    issued = []
    with transaction.atomic():
        for inv in (
            pending(campaign, now).select_for_update(of=("self",)).select_related("subject", "rater_user")
        ):
            token, inv.token_digest = new_token()
            inv.reminded_at = now
            inv.reminders += 1
            inv.save(update_fields=["token_digest", "reminded_at", "reminders"])
            issued.append(IssuedLink(inv, token))
    return issued


@dataclass(frozen=True)
class RelationProgress:
    relation: str
    label: str
    answered: int
    invited: int

    @property
    def percent(self) -> float:
        return 100.0 * self.answered / self.invited if self.invited else 0.0


def progress(campaign: Campaign) -> list[RelationProgress]:
    """Invitations answered out of sent, per relation (in the order of ``Relation``), and in all."""
    counts = {
        row["relation"]: row
        for row in campaign.invitations.values("relation").annotate(
            invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
        )
    }
    rows = [
        RelationProgress(
            rel.value, str(rel.label), counts[rel.value]["answered"], counts[rel.value]["invited"]
        )
        for rel in Relation
        if rel.value in counts
    ]
    return rows


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.filter(token_digest=digest(token))
        .select_related("campaign__template", "subject")
        .first()
    )


def check_open(invitation: Invitation, now: datetime) -> None:
    """``AnswerError`` when the invitation was answered or its link has expired."""
    if invitation.answered_at is not None:
        raise AnswerError("used", "this invitation has already been answered")
    if now >= invitation.expires_at:
        raise AnswerError("expired", "this link has expired")


def answer(invitation: Invitation, scores: Mapping[str, int | None], now: datetime | None = None) -> int:
    """Record the answers (competency code → score, None = cannot judge) of one invitation:
    the rows go to ``ratings_360`` and the invitation is marked answered, together or not at all.
    Returns the number of ratings written."""
    now = now or timezone.now()
    template = invitation.campaign.template
    codes = list(template.competencies.values_list("code", flat=True))
    rows = []
    for code in codes:
        value = scores.get(code)
        if value is None:
            continue
        if not 1 <= int(value) <= template.scale_max:
            raise AnswerError(
                "invalid", f"competency {code}: score {value} is not between 1 and {template.scale_max}"
            )
        rows.append(
            {
                "campaign_id": invitation.campaign.campaign_id,
                "subject_agent_id": invitation.subject_id,
                "rater_id": invitation.rater_id,
                "relation": invitation.relation,
                "competency": code,
                "score": float(value),
                "scale_max": float(template.scale_max),
                "submitted_at": now,
            }
        )
    if not rows:
        raise AnswerError("invalid", "rate at least one competency")
    with atomic_with_events() as write:
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_open(locked, now)
        locked.answered_at = now
        locked.save(update_fields=["answered_at"])
        write("ratings_360", rows)
    invitation.answered_at = now
    return len(rows)


# Results -------------------------------------------------------------------------------------------


def campaign_ratings(campaign: Campaign) -> list[dict]:
    """Every rating of the campaign, from the event store."""
    return read_rows(
        "ratings_360",
        "campaign_id",
        campaign.campaign_id,
        ("subject_agent_id", "rater_id", "relation", "competency", "score", "scale_max"),
    )


@dataclass
class RelationResult:
    relation: str
    label: str
    weight: float | None  # the scheme's share
    n: int  # distinct raters
    mean: float | None  # on the rating scale; None = no ratings or withheld
    withheld: bool = False
    by_competency: dict[str, float] = field(default_factory=dict)
    points: float | None = None  # the mean on 0–100, as the scorecard shows it


@dataclass
class GapRow:
    competency: str
    label: str
    self_score: float | None
    others: float | None

    @property
    def gap(self) -> float | None:
        if self.self_score is None or self.others is None:
            return None
        return self.self_score - self.others


@dataclass
class SubjectResult:
    subject: Agent
    scale_max: int
    relations: list[RelationResult]
    gaps: list[GapRow]
    score: float | None  # weighted, 0–100


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def subject_result(
    campaign: Campaign, subject: Agent, ratings: Sequence[dict] | None = None
) -> SubjectResult:
    """One subject's results: each relation's mean (peers and partner departments withheld below
    three raters, for every reader), per competency, the weighted 360 score (0–100) over the
    relations shown, and the gap between the self-rating and the others shown, per competency."""
    ratings = campaign_ratings(campaign) if ratings is None else ratings
    template = campaign.template
    labels = {c.code: c.display_name for c in template.competencies.all()}
    mine = [r for r in ratings if r["subject_agent_id"] == subject.agent_id]
    weights = weights_360()
    relations = []
    shown: dict[str, list[dict]] = {}
    for rel in Relation:
        rows = [r for r in mine if r["relation"] == rel.value]
        raters = {r["rater_id"] for r in rows}
        withheld = rel.value in ANONYMOUS_RELATIONS and 0 < len(raters) < MIN_ANONYMOUS_RATERS
        res = RelationResult(rel.value, str(rel.label), weights.get(rel.value), len(raters), None, withheld)
        if rows and not withheld:
            res.mean = _mean([r["score"] for r in rows])
            res.points = 100.0 * (res.mean or 0.0) / template.scale_max
            by: dict[str, list[float]] = defaultdict(list)
            for r in rows:
                by[r["competency"]].append(r["score"])
            res.by_competency = {c: sum(v) / len(v) for c, v in by.items()}
            shown[rel.value] = rows
        relations.append(res)
    scored = [r for r in relations if r.mean is not None and r.weight]
    total = None
    if scored:
        available = sum(r.weight or 0.0 for r in scored)
        total = sum((r.weight or 0.0) * (r.points or 0.0) for r in scored) / available
    gaps = []
    for code, label in labels.items():
        own = [r["score"] for r in shown.get(Relation.SELF, []) if r["competency"] == code]
        others = [
            r["score"]
            for rel, rows in shown.items()
            if rel != Relation.SELF
            for r in rows
            if r["competency"] == code
        ]
        if own or others:
            gaps.append(GapRow(code, label, _mean(own), _mean(others)))
    return SubjectResult(subject, template.scale_max, relations, gaps, total)


@dataclass
class CampaignReliability:
    overall: Alpha
    by_relation: dict[str, Alpha]
    offsets: list[Offset]


def reliability(campaign: Campaign, ratings: Sequence[dict] | None = None) -> CampaignReliability:
    """Krippendorff's α over the campaign (units: subject × competency; raters: everyone but the
    subject), per relation, and the raters' leniency offsets."""
    ratings = campaign_ratings(campaign) if ratings is None else ratings
    others = [r for r in ratings if r["relation"] != Relation.SELF]
    triples = [((r["subject_agent_id"], r["competency"]), r["rater_id"], r["score"]) for r in others]
    by_relation = {}
    for rel in Relation:
        if rel == Relation.SELF:
            continue
        rel_triples = [
            ((r["subject_agent_id"], r["competency"]), r["rater_id"], r["score"])
            for r in others
            if r["relation"] == rel.value
        ]
        if rel_triples:
            by_relation[rel.value] = krippendorff_alpha_interval(rel_triples)
    offsets = sorted(leniency_offsets(triples, LENIENCY_MIN_RATINGS).values(), key=lambda o: -abs(o.offset))
    return CampaignReliability(krippendorff_alpha_interval(triples), by_relation, offsets)


def corrected_ratings(campaign: Campaign, ratings: Sequence[dict]) -> list[dict]:
    """The ratings with each rater's leniency offset subtracted (self-ratings unchanged)."""
    rel = reliability(campaign, ratings)
    offsets = {o.rater: o for o in rel.offsets}
    out = []
    for r in ratings:
        if r["relation"] == Relation.SELF or r["rater_id"] not in offsets:
            out.append(r)
            continue
        [(_, _, value)] = corrected_scores(
            [(None, r["rater_id"], r["score"])], offsets, 1.0, float(campaign.template.scale_max)
        )
        out.append({**r, "score": value})
    return out
