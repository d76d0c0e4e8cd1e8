"""Appeals (申诉) against one indicator result, the adjustments they make, and the audit log.

An ``Appeal`` disputes one ``IndicatorRecord`` of the agent's own scorecard while its cycle is in
review; it freezes with the cycle (``FrozenWhenClosed``). An ``Adjustment`` records the change an
accepted appeal made (value, score and total, before and after). ``AuditEntry`` is the append-only
log of every filing, decision, adjustment and lapse: the model layer refuses to change or delete it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.web.appraisal.models import (
    Agent,
    AppendOnly,
    FrozenWhenClosed,
    FrozenWhenClosedQuerySet,
    IndicatorRecord,
)


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")
    LAPSED = "lapsed", _("Lapsed")


DECISIONS = (AppealStatus.ACCEPTED, AppealStatus.PARTLY_ACCEPTED, AppealStatus.REJECTED)


class Appeal(FrozenWhenClosed):
    """An agent's dispute of one indicator result of their own scorecard."""

    indicator = models.ForeignKey(
        IndicatorRecord, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("indicator result")
    )
    # The scorecard's agent, kept on the appeal so that who may read it is one filter.
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("agent")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    reason = models.TextField(_("reason"))
    proposed_value = models.FloatField(_("proposed value"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    adjusted_value = models.FloatField(_("adjusted value"), null=True, blank=True)

    cycle_path = "indicator__scorecard__run__cycle"
    parent_field = "indicator"
    objects = FrozenWhenClosedQuerySet.as_manager()

    class Meta:
        ordering = ("-filed_at", "-id")
        constraints = (models.UniqueConstraint(fields=["indicator"], name="one_appeal_per_indicator_result"),)
        indexes = (models.Index(fields=["agent", "status"]),)
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"#{self.pk} {self.agent_id} {self.indicator.code}"

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN

    @property
    def adjustment(self) -> Adjustment | None:
        """The adjustment in force: the newest one, on the result the appeal now stands on."""
        return self.adjustments.filter(indicator_id=self.indicator_id).order_by("-at", "-id").first()

    def snapshot(self) -> dict:
        """What the audit log keeps of this appeal."""
        return {
            "status": self.status,
            "agent": self.agent_id,
            "indicator": self.indicator.code,
            "value": self.indicator.value,
            "proposed_value": self.proposed_value,
            "adjusted_value": self.adjusted_value,
            "reason": self.reason,
            "evidence": self.evidence,
            "comment": self.decision_comment,
            "deadline": self.deadline.isoformat(),
        }


APPEND_ONLY = "the audit log and adjustments are append-only: entries are never changed or deleted"


class Adjustment(AppendOnly):
    """The change an accepted (or partly accepted) appeal made to one indicator result."""

    append_only_message = APPEND_ONLY

    # Several when a recompute carried the decision onto the new run (``workflow.carry_over``).
    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("appeal")
    )
    indicator = models.ForeignKey(
        IndicatorRecord,
        on_delete=models.PROTECT,
        related_name="adjustments",
        verbose_name=_("indicator result"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    value_before = models.FloatField(_("value before"), null=True, blank=True)
    value_after = models.FloatField(_("value after"))
    score_before = models.FloatField(_("score before"), null=True, blank=True)
    score_after = models.FloatField(_("score after"))
    total_before = models.FloatField(_("total before"), null=True, blank=True)
    total_after = models.FloatField(_("total after"))
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_(
            "Re-applied to a recomputed run: the recomputed value was the one the decision answered."
        ),
    )

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")


class AuditAction(models.TextChoices):
    FILED = "appeal_filed", _("Appeal filed")
    DECIDED = "appeal_decided", _("Appeal decided")
    ADJUSTED = "score_adjusted", _("Score adjusted")
    LAPSED = "appeal_lapsed", _("Appeal lapsed")
    CARRIED_OVER = "appeal_carried_over", _("Appeal carried over to a recomputed run")
    REOPENED = "appeal_reopened", _("Appeal reopened: the recomputed value differs")
    NOT_CARRIED_OVER = (
        "appeal_not_carried_over",
        _("Appeal not carried over: no result in the recomputed run"),
    )


class AuditEntry(AppendOnly):
    """One recorded change: who, when, what, to which object, before and after. Append-only."""

    append_only_message = APPEND_ONLY

    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system made the change (closing a cycle lapses its open appeals)."),
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=32)
    object_id = models.CharField(_("object id"), max_length=64)
    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("appeal"),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
