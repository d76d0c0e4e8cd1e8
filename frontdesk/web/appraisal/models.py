"""The organisation and its stored scorecards.

Sites, teams and agents mirror the canonical ``sites``, ``teams`` and ``agents`` tables
(``frontdesk.engine.tables``); scorecards mirror ``frontdesk.engine.scorecard``. A scorecard keeps
the team and site the agent belonged to when it was computed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class _Named(models.Model):
    """Something with an English and a Chinese name, shown in the reader's language."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        """The Chinese name when the page is in Chinese and there is one; else the name; else the id."""
        if (get_language() or "").startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name or self.name_zh or str(self.pk)

    def __str__(self) -> str:
        return self.display_name


class Site(_Named):
    site_id = models.CharField(_("site id"), max_length=64, primary_key=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        ordering = ("site_id",)
        verbose_name = _("site")
        verbose_name_plural = _("sites")


class Team(_Named):
    team_id = models.CharField(_("team id"), max_length=64, primary_key=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("site"))
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    calendar_id = models.CharField(_("calendar"), max_length=64, blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supervised_teams",
        verbose_name=_("supervisors"),
        help_text=_("Team leads and QA reviewers who see this team's results (and its sub-teams')."),
    )

    class Meta:
        ordering = ("team_id",)
        verbose_name = _("team")
        verbose_name_plural = _("teams")


class Agent(_Named):
    agent_id = models.CharField(_("agent id"), max_length=64, primary_key=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="agents", verbose_name=_("team")
    )
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("site"))
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    role = models.CharField(_("job role"), max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agent",
        verbose_name=_("user"),
        help_text=_("The login that may read this agent's own scorecards."),
    )

    class Meta:
        ordering = ("agent_id",)
        verbose_name = _("agent")
        verbose_name_plural = _("agents")


class Cycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class ScorecardRun(models.Model):
    """One computation of every scorecard of a period; recomputing replaces it."""

    period = models.CharField(_("period"), max_length=16)
    cycle = models.CharField(_("cycle"), max_length=16, choices=Cycle.choices)
    scheme_version = models.CharField(_("scheme version"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ("-computed_at",)
        constraints = (
            models.UniqueConstraint(fields=["period", "cycle"], name="one_run_per_period_and_cycle"),
        )
        verbose_name = _("scorecard run")
        verbose_name_plural = _("scorecard runs")

    def __str__(self) -> str:
        return f"{self.period} ({self.get_cycle_display()}, {self.scheme_version})"


class ScorecardRecord(models.Model):
    """An agent's scorecard in one run."""

    run = models.ForeignKey(
        ScorecardRun, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("run")
    )
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("agent")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    total = models.FloatField(_("total"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=16, null=True, blank=True)
    rank_team = models.PositiveIntegerField(_("rank in team"), null=True, blank=True)
    rank_org = models.PositiveIntegerField(_("rank in organisation"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)

    class Meta:
        ordering = (models.F("rank_org").asc(nulls_last=True), "agent_id")
        constraints = (
            models.UniqueConstraint(fields=["run", "agent"], name="one_scorecard_per_agent_and_run"),
        )
        indexes = (models.Index(fields=["run", "rank_org"]), models.Index(fields=["agent", "run"]))
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"{self.agent_id} {self.run.period}"


class IndicatorRecord(models.Model):
    """One indicator on one scorecard; ``value`` None means not available, never zero."""

    scorecard = models.ForeignKey(
        ScorecardRecord, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scorecard")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=64)
    value = models.FloatField(_("value"), null=True, blank=True)
    n = models.IntegerField(_("sample size"), default=0)
    score = models.FloatField(_("score"), null=True, blank=True)
    weight = models.FloatField(_("weight"), default=0.0)
    target = models.FloatField(_("target"), null=True, blank=True)
    floor = models.FloatField(_("floor"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)

    class Meta:
        ordering = ("scorecard", "position")
        constraints = (
            models.UniqueConstraint(
                fields=["scorecard", "code"], name="one_value_per_indicator_and_scorecard"
            ),
        )
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")

    def __str__(self) -> str:
        return self.code
