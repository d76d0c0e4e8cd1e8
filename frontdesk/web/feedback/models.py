"""Multi-rater evaluation: 360° campaigns and their invitations, customer survey links, QA
inspection forms and reviews, calibration sessions (docs/multi-rater.md).

Answers are facts of the event store (``ratings_360``, ``surveys``, ``qa_reviews`` + ``qa_items``);
these tables hold the workflow around them: who is invited, which link was used when, which form a
reviewer filled in. Link tokens are never stored, only their SHA-256 digest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from frontdesk.web.appraisal.models import Agent


class Relation(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    SUPERVISOR = "supervisor", _("Supervisor")
    PEER = "peer", _("Peer")
    SELF = "self", _("Self")
    PARTNER_DEPT = "partner_dept", _("Partner department")


class Method(models.TextChoices):
    RECORDING = "recording", _("Recording review")
    MYSTERY_SHOPPER = "mystery_shopper", _("Mystery shopper")
    LIVE = "live", _("Live observation")
    SCENARIO = "scenario_simulation", _("Scenario simulation")


class _Bilingual(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name

    def __str__(self) -> str:
        return self.display_name


# 360° campaigns ----------------------------------------------------------------------------------


class Template(_Bilingual):
    """Competencies and a rating scale (1 … ``scale_max``) a campaign asks about."""

    scale_max = models.PositiveSmallIntegerField(_("scale maximum"), default=5)

    class Meta:
        ordering = ("id",)
        verbose_name = _("360 template")
        verbose_name_plural = _("360 templates")


class Competency(_Bilingual):
    template = models.ForeignKey(
        Template, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("template")
    )
    code = models.SlugField(_("code"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("template", "position", "id")
        constraints = (models.UniqueConstraint(fields=["template", "code"], name="one_code_per_template"),)
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")


class Campaign(models.Model):
    """A 360° campaign: subjects, their raters (invitations) and a closing date."""

    name = models.CharField(_("name"), max_length=200)
    template = models.ForeignKey(Template, on_delete=models.PROTECT, verbose_name=_("template"))
    closes_at = models.DateTimeField(_("closes at"))
    leniency_correction = models.BooleanField(
        _("correct rater leniency"),
        default=False,
        help_text=_("Show results corrected for each rater's leniency or severity (see the explanation)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("360 campaign")
        verbose_name_plural = _("360 campaigns")

    def __str__(self) -> str:
        return self.name

    @property
    def campaign_id(self) -> str:
        """The campaign's id in the event store's ``ratings_360`` table."""
        return f"W{self.pk}"


class Invitation(models.Model):
    """One rater asked to rate one subject. Answered once, through its link (external raters)
    or signed in (``rater_user``); the link expires with ``expires_at``."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campaign")
    )
    subject = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject"))
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    rater_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_invitations",
        verbose_name=_("rater"),
    )
    rater_label = models.CharField(_("rater"), max_length=200, blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)

    class Meta:
        ordering = ("campaign", "subject_id", "relation", "id")
        indexes = (models.Index(fields=["campaign", "answered_at"]),)
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.subject_id} · {self.relation}"

    @property
    def rater_id(self) -> str:
        """The rater's id in ``ratings_360``: the agent's own id for self-ratings, a stable
        pseudonym otherwise (never a name)."""
        if self.relation == Relation.SELF:
            return self.subject_id
        if self.rater_user_id is not None:
            return f"U{self.rater_user_id}"
        return f"X{self.pk}"


# Customer feedback links ---------------------------------------------------------------------------


class SurveyLink(models.Model):
    """A post-contact survey (CSAT and NPS) for one interaction, answered once before ``expires_at``."""

    interaction_id = models.CharField(_("interaction"), max_length=128)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+", verbose_name=_("agent"))
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self) -> str:
        return f"{self.interaction_id} ({self.agent_id})"


# QA inspections ------------------------------------------------------------------------------------


class QAForm(_Bilingual):
    """A form of weighted criteria; critical criteria fail the whole inspection."""

    method = models.CharField(_("method"), max_length=32, choices=Method.choices, default=Method.RECORDING)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("id",)
        verbose_name = _("QA form")
        verbose_name_plural = _("QA forms")

    @property
    def form_id(self) -> str:
        return f"WF{self.pk}"


class Criterion(_Bilingual):
    """One criterion of a form. ``code`` is what the indicators read (docs/indicators.md: greeting,
    needs_identification, process_adherence, emotion_handling …); ``max_score`` its weight."""

    form = models.ForeignKey(
        QAForm, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("form")
    )
    code = models.SlugField(_("code"), max_length=64)
    max_score = models.PositiveSmallIntegerField(_("points"), default=5)
    critical = models.BooleanField(_("critical"), default=False)
    allow_not_applicable = models.BooleanField(_("may be not applicable"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("form", "position", "id")
        constraints = (models.UniqueConstraint(fields=["form", "code"], name="one_code_per_form"),)
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")


class CalibrationSession(models.Model):
    """Several reviewers score the same contact; their reviews never count toward the agent."""

    form = models.ForeignKey(QAForm, on_delete=models.PROTECT, verbose_name=_("form"))
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+", verbose_name=_("agent"))
    interaction_id = models.CharField(_("interaction"), max_length=128)
    method = models.CharField(_("method"), max_length=32, choices=Method.choices)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="calibration_sessions", verbose_name=_("reviewers")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")

    def __str__(self) -> str:
        return f"{self.interaction_id} ({self.created_at:%Y-%m-%d})"


class Review(models.Model):
    """One filled-in form: the inspection's result, as written to ``qa_reviews``."""

    form = models.ForeignKey(QAForm, on_delete=models.PROTECT, verbose_name=_("form"))
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+", verbose_name=_("agent"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    interaction_id = models.CharField(_("interaction"), max_length=128, blank=True)
    method = models.CharField(_("method"), max_length=32, choices=Method.choices)
    session = models.ForeignKey(
        CalibrationSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("calibration session"),
    )
    score = models.FloatField(_("score"))
    max_score = models.FloatField(_("maximum"))
    critical_failed = models.BooleanField(_("critical failure"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        ordering = ("-reviewed_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["session", "reviewer"],
                condition=models.Q(session__isnull=False),
                name="one_calibration_review_per_reviewer",
            ),
        )
        verbose_name = _("QA review")
        verbose_name_plural = _("QA reviews")

    @property
    def review_id(self) -> str:
        return f"WQ{self.pk}"

    @property
    def is_calibration(self) -> bool:
        return self.session_id is not None

    @property
    def percent(self) -> float | None:
        return 100.0 * self.score / self.max_score if self.max_score else None


class Answer(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="answers", verbose_name=_("review")
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, verbose_name=_("criterion"))
    score = models.FloatField(_("score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)

    class Meta:
        ordering = ("review", "criterion__position", "id")
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
