"""A user's role in the appraisal: the one fact the permission rules start from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DIRECTOR = "director", _("HR / director")
    LEAD = "lead", _("Team lead")
    QA = "qa", _("QA reviewer")
    AGENT = "agent", _("Agent")
    AUDITOR = "auditor", _("Auditor")


class Profile(models.Model):
    """The role of one user. Which agent a user is, and which teams a lead or QA reviewer answers
    for, are recorded on ``appraisal.Agent.user`` and ``appraisal.Team.supervisors``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"


def role_of(user: object) -> str | None:
    """The user's role; superusers without a profile are administrators; anonymous users have none."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile.role  # type: ignore[attr-defined]
    except Profile.DoesNotExist:
        return Role.ADMIN.value if getattr(user, "is_superuser", False) else None
