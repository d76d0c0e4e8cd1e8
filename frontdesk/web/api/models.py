"""API tokens: who a ``Authorization: Bearer …`` header stands for.

Only a SHA-256 digest of each token is stored: a token is 256 random bits, so a slow password hash
would add nothing but latency to every request, and a stolen database yields no usable token.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One token of one user; shown once when created, then known only by its digest and prefix."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("prefix"), max_length=16, editable=False, help_text=_("The first characters, to recognise a token.")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        """Refuse this token from now on (kept, for the record of who had access)."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
