"""Pages of multi-rater feedback: 360 campaigns (HR), answering an invitation (by link or signed
in), an agent's 360 results, customer survey links, QA inspections and calibration sessions.

Who may do what is asked of ``web.permissions``; an object the user may not see is a 404,
like one that does not exist. Public link pages answer only to a valid token: an unknown token is
a 404, a used or expired one a 410 with a page saying so.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.analysis.reliability import reading_of_alpha
from frontdesk.scoring.ratings360 import MIN_ANONYMOUS_RATERS
from frontdesk.web.accounts.models import role_of
from frontdesk.web.appraisal.models import Agent
from frontdesk.web.feedback import campaigns as camp
from frontdesk.web.feedback import inspections, surveys
from frontdesk.web.feedback.campaigns import AnswerError
from frontdesk.web.feedback.events import NoWorkspace
from frontdesk.web.feedback.forms import CalibrationForm, CampaignForm, SurveyLinkForm
from frontdesk.web.feedback.inspections import Given, ReviewError
from frontdesk.web.feedback.models import (
    CalibrationSession,
    Campaign,
    Invitation,
    Method,
    QAForm,
)
from frontdesk.web.permissions import (
    may_join_calibration,
    may_review_qa,
    may_run_campaigns,
    may_view_campaigns,
    own_agent,
    qa_reviewable_agents,
    survey_link_agents,
    visible_agents,
    visible_calibration_sessions,
    visible_qa_reviews,
)

# Home --------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the user can do here: invitations to answer, their own 360 results, and the tools of
    their role."""
    if role_of(request.user) is None:
        raise PermissionDenied("no role")
    now = timezone.now()
    tasks = (
        Invitation.objects.filter(rater_user=request.user, answered_at__isnull=True, expires_at__gt=now)
        .select_related("campaign", "subject")
        .order_by("expires_at")
    )
    agent = own_agent(request.user)
    own_campaigns = (
        Campaign.objects.filter(invitations__subject=agent).distinct()
        if agent is not None
        else Campaign.objects.none()
    )
    return render(
        request,
        "feedback/home.html",
        {
            "tasks": tasks,
            "agent": agent,
            "own_campaigns": own_campaigns,
            "runs_campaigns": may_run_campaigns(request.user),
            "views_campaigns": may_view_campaigns(request.user),
            "issues_surveys": survey_link_agents(request.user).exists(),
            "reviews_qa": may_review_qa(request.user),
        },
    )


# 360 campaigns -------------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("not allowed for this role")


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    _require(may_view_campaigns(request.user))
    rows = Campaign.objects.select_related("template").annotate(
        invited=Count("invitations"),
        answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
    )
    return render(
        request,
        "feedback/campaign_list.html",
        {"campaigns": rows, "can_run": may_run_campaigns(request.user)},
    )


def _links(request: HttpRequest, issued: list[camp.IssuedLink]) -> list[tuple[Invitation, str]]:
    return [
        (i.invitation, request.build_absolute_uri(reverse("feedback:rate", args=[i.token]))) for i in issued
    ]


@never_cache
@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Create a campaign; the answer lists every invitation link once (only digests are kept)."""
    _require(may_run_campaigns(request.user))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        subjects = list(
            camp.select_subjects(
                [t.pk for t in d["teams"]], [s.pk for s in d["sites"]], d["roles"]
            ).select_related("user")
        )
        if not subjects:
            form.add_error(None, _("No active agent matches these teams, sites and job roles."))
        else:
            campaign, issued = camp.create_campaign(
                name=d["name"], template=d["template"], closes_at=d["closes_at"], subjects=subjects,
                relations=d["relations"], created_by=request.user,
                customers_per_subject=d["customers_per_subject"], peers_per_subject=d["peers_per_subject"],
                partner_departments=d["partner_departments"], leniency_correction=d["leniency_correction"],
            )  # fmt: skip
            return render(
                request,
                "feedback/links.html",
                {"campaign": campaign, "links": _links(request, issued), "reminder": False},
            )
    return render(request, "feedback/campaign_new.html", {"form": form})


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Progress per relation, reliability with its explanation, each subject's result, pending raters."""
    _require(may_view_campaigns(request.user))
    campaign = get_object_or_404(Campaign.objects.select_related("template"), pk=campaign_id)
    ratings = camp.campaign_ratings(campaign)
    subject_ids = campaign.invitations.values_list("subject_id", flat=True).distinct()
    subjects = list(Agent.objects.filter(pk__in=subject_ids).order_by("agent_id"))
    corrected = camp.corrected_ratings(campaign, ratings) if campaign.leniency_correction else None
    results = [
        (
            camp.subject_result(campaign, s, ratings),
            camp.subject_result(campaign, s, corrected) if corrected is not None else None,
        )
        for s in subjects
    ]
    rel = camp.reliability(campaign, ratings)
    return render(
        request,
        "feedback/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": camp.progress(campaign),
            "results": results,
            "reliability": rel,
            "reading": reading_of_alpha(rel.overall.alpha),
            "by_relation": [(k, v, reading_of_alpha(v.alpha)) for k, v in rel.by_relation.items()],
            "pending": camp.pending(campaign).select_related("subject", "rater_user"),
            "can_run": may_run_campaigns(request.user),
            "min_raters": camp.LENIENCY_MIN_RATINGS,
        },
    )


@never_cache
@require_POST
@login_required
def campaign_remind(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """New links for every pending invitation, listed once, with the reminder recorded."""
    _require(may_run_campaigns(request.user))
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    issued = camp.remind(campaign)
    return render(
        request,
        "feedback/links.html",
        {"campaign": campaign, "links": _links(request, issued), "reminder": True},
    )


@login_required
def subject_results(request: HttpRequest, campaign_id: int, agent_id: str) -> HttpResponse:
    """One agent's 360 results in one campaign, for whoever may read the agent's scorecard."""
    agent = get_object_or_404(visible_agents(request.user), pk=agent_id)
    campaign = get_object_or_404(
        Campaign.objects.select_related("template").filter(invitations__subject=agent).distinct(),
        pk=campaign_id,
    )
    result = camp.subject_result(campaign, agent)
    return render(
        request,
        "feedback/subject.html",
        {"campaign": campaign, "result": result, "min_raters": MIN_ANONYMOUS_RATERS},
    )


# Answering an invitation ---------------------------------------------------------------------------


def _scores_from(request: HttpRequest, campaign: Campaign) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for c in campaign.template.competencies.all():
        raw = request.POST.get(f"c-{c.code}", "")
        out[c.code] = int(raw) if raw.isdigit() else None
    return out


def _rating_page(request: HttpRequest, invitation: Invitation, action: str) -> HttpResponse:
    now = timezone.now()
    try:
        camp.check_open(invitation, now)
    except AnswerError as e:
        return render(request, "feedback/link_closed.html", {"reason": e.code}, status=410)
    error = ""
    if request.method == "POST":
        try:
            camp.answer(invitation, _scores_from(request, invitation.campaign), now)
        except AnswerError as e:
            if e.code != "invalid":
                return render(request, "feedback/link_closed.html", {"reason": e.code}, status=410)
            error = _("Rate at least one competency.")
        except NoWorkspace:
            error = _("Answers cannot be stored right now. Please try again later.")
        else:
            return render(request, "feedback/thanks.html", {})
    template = invitation.campaign.template
    return render(
        request,
        "feedback/rate.html",
        {
            "invitation": invitation,
            "competencies": template.competencies.all(),
            "scale": range(1, template.scale_max + 1),
            "action": action,
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The rating form of an invitation link: no account needed (customers, partner departments)."""
    invitation = camp.invitation_for_token(token)
    if invitation is None:
        raise Http404("unknown link")
    return _rating_page(request, invitation, request.path)


@never_cache
@login_required
def rate_task(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The rating form of an invitation addressed to the signed-in user."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("campaign__template", "subject"),
        pk=invitation_id,
        rater_user=request.user,
    )
    return _rating_page(request, invitation, request.path)


# Customer survey links -----------------------------------------------------------------------------


@never_cache
@login_required
def survey_links(request: HttpRequest) -> HttpResponse:
    """Issue survey links for interactions of the agents one may (the links are shown once), and
    see the recent ones."""
    agents = survey_link_agents(request.user)
    _require(role_of(request.user) is not None and agents.exists())
    form = SurveyLinkForm(request.POST or None, agents=agents.order_by("agent_id"))
    issued = []
    if request.method == "POST" and form.is_valid():
        made = surveys.issue(
            form.cleaned_data["agent"],
            form.cleaned_data["interactions"],
            created_by=request.user,
            valid_days=form.cleaned_data["valid_days"],
        )
        issued = [
            (s.link, request.build_absolute_uri(reverse("feedback:survey", args=[s.token]))) for s in made
        ]
    recent = surveys.SurveyLink.objects.filter(agent__in=agents).select_related("agent")[:50]
    return render(request, "feedback/survey_links.html", {"form": form, "issued": issued, "recent": recent})


@never_cache
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's survey: satisfaction 1–5, recommendation 0–10, a comment; once."""
    link = surveys.link_for_token(token)
    if link is None:
        raise Http404("unknown link")
    now = timezone.now()
    try:
        surveys.check_open(link, now)
    except AnswerError as e:
        return render(request, "feedback/link_closed.html", {"reason": e.code}, status=410)
    error = ""
    if request.method == "POST":
        csat = request.POST.get("csat", "")
        nps = request.POST.get("nps", "")
        if not csat.isdigit():
            error = _("Please choose how satisfied you are.")
        else:
            try:
                surveys.answer(
                    link, int(csat), int(nps) if nps.isdigit() else None,
                    request.POST.get("comment", "")[:2000], get_language() or "", now,
                )  # fmt: skip
            except AnswerError as e:
                if e.code != "invalid":
                    return render(request, "feedback/link_closed.html", {"reason": e.code}, status=410)
                error = _("Please choose how satisfied you are.")
            except NoWorkspace:
                error = _("Answers cannot be stored right now. Please try again later.")
            else:
                return render(request, "feedback/thanks.html", {})
    return render(
        request,
        "feedback/survey.html",
        {"link": link, "csat_scale": range(1, 6), "nps_scale": range(0, 11), "error": error},
        status=400 if error else 200,
    )


# QA inspections ------------------------------------------------------------------------------------


@login_required
def qa_list(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) is None:
        raise PermissionDenied("no role")
    reviews = visible_qa_reviews(request.user).select_related("agent", "form", "reviewer")[:100]
    return render(
        request,
        "feedback/qa_list.html",
        {
            "reviews": reviews,
            "forms": QAForm.objects.filter(active=True) if may_review_qa(request.user) else [],
        },
    )


def _answers_from(request: HttpRequest, form: QAForm) -> dict[int, Given]:
    out = {}
    for c in form.criteria.all():
        if request.POST.get(f"na-{c.pk}"):
            out[c.pk] = Given(None, True)
            continue
        raw = request.POST.get(f"s-{c.pk}", "")
        try:
            out[c.pk] = Given(float(raw))
        except ValueError:
            continue
    return out


def _inspection_page(
    request: HttpRequest,
    form: QAForm,
    agents,
    session: CalibrationSession | None = None,
) -> HttpResponse:
    error = ""
    if request.method == "POST":
        agent = session.agent if session else agents.filter(pk=request.POST.get("agent", "")).first()
        method = session.method if session else request.POST.get("method", "")
        interaction_id = (
            session.interaction_id if session else request.POST.get("interaction_id", "").strip()[:128]
        )
        if agent is None:
            error = _("Choose an agent of your teams.")
        elif method not in Method.values:
            error = _("Choose a method.")
        else:
            try:
                review = inspections.record_review(
                    form, agent, request.user, _answers_from(request, form), method=method,
                    interaction_id=interaction_id, session=session,
                )  # fmt: skip
            except ReviewError as e:
                error = _("Every criterion needs an answer within its points: %(reason)s") % {"reason": e}
            except NoWorkspace:
                error = _("Answers cannot be stored right now. Please try again later.")
            else:
                if session is not None:
                    messages.success(request, _("Your calibration review is recorded."))
                    return redirect("feedback:calibration", session_id=session.pk)
                messages.success(request, _("The inspection is recorded."))
                return redirect("feedback:qa_review", review_id=review.pk)
    return render(
        request,
        "feedback/qa_form.html",
        {
            "form": form,
            "criteria": [(c, range(c.max_score, -1, -1)) for c in form.criteria.all()],
            "agents": agents.order_by("agent_id") if session is None else [],
            "methods": Method.choices,
            "session": session,
            "error": error,
            "posted": request.POST,
        },
        status=400 if error else 200,
    )


@never_cache
@login_required
def qa_new(request: HttpRequest) -> HttpResponse:
    """Fill in a QA form for an agent of one's teams."""
    _require(may_review_qa(request.user))
    forms = QAForm.objects.filter(active=True)
    form = get_object_or_404(
        forms,
        pk=request.GET.get("form")
        or request.POST.get("form")
        or forms.values_list("pk", flat=True).first()
        or 0,
    )
    return _inspection_page(request, form, qa_reviewable_agents(request.user))


@login_required
def qa_review(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_object_or_404(
        visible_qa_reviews(request.user).select_related("agent", "form", "reviewer"), pk=review_id
    )
    answers = review.answers.select_related("criterion")
    return render(request, "feedback/qa_review.html", {"review": review, "answers": answers})


# Calibration ---------------------------------------------------------------------------------------


@login_required
def calibration_list(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) is None:
        raise PermissionDenied("no role")
    sessions = (
        visible_calibration_sessions(request.user)
        .select_related("agent", "form")
        .annotate(done=Count("reviews", distinct=True), invited=Count("reviewers", distinct=True))
    )
    can_run = may_run_campaigns(request.user)
    return render(
        request,
        "feedback/calibration_list.html",
        {"sessions": sessions, "can_run": can_run, "form": CalibrationForm() if can_run else None},
    )


@require_POST
@login_required
def calibration_new(request: HttpRequest) -> HttpResponse:
    _require(may_run_campaigns(request.user))
    form = CalibrationForm(request.POST)
    if not form.is_valid():
        sessions = visible_calibration_sessions(request.user)
        return render(
            request,
            "feedback/calibration_list.html",
            {"sessions": sessions, "can_run": True, "form": form},
            status=400,
        )
    d = form.cleaned_data
    session = CalibrationSession.objects.create(
        form=d["form"], agent=d["agent"], interaction_id=d["interaction_id"], method=d["method"],
        created_by=request.user,
    )  # fmt: skip
    session.reviewers.set(d["reviewers"])
    return redirect("feedback:calibration", session_id=session.pk)


@login_required
def calibration_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session: who has scored, and the spread once one may see it (HR and auditors; a
    reviewer after handing in their own review, so nobody anchors on the others)."""
    session = get_object_or_404(
        visible_calibration_sessions(request.user).select_related("agent", "form"), pk=session_id
    )
    reviews = list(session.reviews.select_related("reviewer"))
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    sees_report = may_view_campaigns(request.user) or mine is not None
    report = inspections.session_report(session) if sees_report and len(reviews) >= 2 else None
    return render(
        request,
        "feedback/calibration_detail.html",
        {
            "session": session,
            "reviews": reviews,
            "mine": mine,
            "may_review": may_join_calibration(request.user, session) and mine is None,
            "sees_report": sees_report,
            "report": report,
            "reading": reading_of_alpha(report.alpha.alpha) if report and report.alpha else None,
            "reviewers": session.reviewers.all(),
        },
    )


@never_cache
@login_required
def calibration_review(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(CalibrationSession.objects.select_related("form", "agent"), pk=session_id)
    if not may_join_calibration(request.user, session):
        raise Http404("not a reviewer of this session")
    if session.reviews.filter(reviewer=request.user).exists():
        return redirect("feedback:calibration", session_id=session.pk)
    return _inspection_page(request, session.form, Agent.objects.none(), session=session)
