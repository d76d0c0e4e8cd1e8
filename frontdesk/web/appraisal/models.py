"""The organisation, its appraisal cycles and their stored scorecards.

Sites, teams and agents mirror the canonical ``sites``, ``teams`` and ``agents`` tables
(``frontdesk.store.tables``); scorecards mirror ``frontdesk.scoring.scorecard``. A scorecard keeps
the team and site the agent belonged to when it was computed. A ``Cycle`` owns its runs; a closed
cycle refuses every change to itself, its runs, scorecards and indicator results (``CycleClosed``).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from frontdesk.web.appraisal.lifecycle import (
    STATE_NOTES,
    CycleClosed,
    CycleError,
    CycleState,
    closed_message,
)


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


class CycleKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


# The freeze of a closed cycle ------------------------------------------------------------------
# Enforced here, below every view, the admin and the store: each write path of the ORM that can
# touch a cycle, its runs, scorecards or indicator results checks the cycle's stored state first.
# Raw SQL is not guarded; database triggers were left out on purpose (see the README).


def _refuse(closed: tuple[str, str] | None) -> None:
    if closed is not None:
        raise CycleClosed(closed_message(*closed))


# Set while ``bulk_update`` runs: it has checked the new parents itself, and Django's ``bulk_update``
# then moves rows with CASE expressions, which ``update`` otherwise refuses.
_PARENTS_CHECKED: ContextVar[bool] = ContextVar("parents_checked", default=False)


class FrozenWhenClosedQuerySet(models.QuerySet):
    """``update``, ``delete``, ``bulk_create`` and ``bulk_update`` refuse, with ``CycleClosed``, to
    touch a row of a closed cycle or to put a row into one. The model names the way to its cycle
    (``cycle_path``) and the foreign key one level up (``parent_field``)."""

    def first_closed(self) -> tuple[str, str] | None:
        """(period, kind) of a closed cycle some row of this queryset belongs to, or None."""
        prefix = f"{self.model.cycle_path}__" if self.model.cycle_path else ""
        return (
            self.filter(**{f"{prefix}state": CycleState.CLOSED})
            .order_by()
            .values_list(f"{prefix}period", f"{prefix}kind")
            .first()
        )

    def refuse_parents(self, parent_ids: set) -> None:
        """``CycleClosed`` if one of these parents (rows of ``parent_field``'s model) is in a closed cycle."""
        field = self.model.parent_field
        parent_ids = parent_ids - {None}
        if field is not None and parent_ids:
            parent = self.model._meta.get_field(field).related_model
            _refuse(parent.objects.filter(pk__in=parent_ids).first_closed())

    def _parents_of(self, objs: list) -> set:
        field = self.model.parent_field
        return {getattr(o, f"{field}_id") for o in objs} if field else set()

    def update(self, **kwargs):
        _refuse(self.first_closed())
        field = self.model.parent_field
        for key in (field, f"{field}_id") if field and not _PARENTS_CHECKED.get() else ():
            if key in kwargs:
                value = kwargs[key]
                if not isinstance(value, models.Model | int | str | None):
                    raise CycleError(f"{key}: move rows to another {key} by value, not by an expression")
                self.refuse_parents({getattr(value, "pk", value)})
        return super().update(**kwargs)

    def delete(self):
        _refuse(self.first_closed())
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        self.refuse_parents(self._parents_of(objs))
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        _refuse(self.filter(pk__in=[o.pk for o in objs]).first_closed())
        self.refuse_parents(self._parents_of(objs))
        checked = _PARENTS_CHECKED.set(True)
        try:
            return super().bulk_update(objs, fields, *args, **kwargs)
        finally:
            _PARENTS_CHECKED.reset(checked)


class FrozenWhenClosed(models.Model):
    """A row that belongs to a cycle: ``save`` and ``delete`` refuse while the cycle is closed,
    and ``save`` refuses to move a row into a closed cycle."""

    cycle_path = ""  # the lookup from this model to its Cycle; "" for the Cycle itself
    parent_field: str | None = None  # the foreign key to the model one level up

    class Meta:
        abstract = True

    def refuse_if_closed(self) -> None:
        """``CycleClosed`` if this row is stored in a closed cycle or points into one."""
        objects = type(self).objects
        if not self._state.adding and self.pk is not None:
            _refuse(objects.filter(pk=self.pk).first_closed())
        if self.parent_field is not None:
            objects.refuse_parents({getattr(self, f"{self.parent_field}_id")})

    def in_closed_cycle(self) -> bool:
        """Whether this row is stored in a closed cycle."""
        return self.pk is not None and type(self).objects.filter(pk=self.pk).first_closed() is not None

    def clean(self) -> None:
        """Forms (the admin's included) refuse a row of a closed cycle as a validation error."""
        super().clean()
        try:
            self.refuse_if_closed()
        except CycleClosed:
            raise ValidationError(_("This cycle is closed: its results can no longer change.")) from None

    def save(self, *args, **kwargs):
        self.refuse_if_closed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_closed()
        return super().delete(*args, **kwargs)


# Cycles, their runs and their history ----------------------------------------------------------


class CycleQuerySet(FrozenWhenClosedQuerySet):
    """Besides the freeze: a state changes only through ``Cycle.save``, which records it."""

    def update(self, **kwargs):
        if "state" in kwargs:
            raise CycleError("change a cycle's state with store.transition, which records the change")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if any(o.state != CycleState.DRAFT for o in objs):
            raise CycleError(
                "create cycles in another state than draft one by one, so the change is recorded"
            )
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "state" in fields:
            raise CycleError("change a cycle's state with store.transition, which records the change")
        return super().bulk_update(objs, fields, *args, **kwargs)


class Cycle(FrozenWhenClosed):
    """One appraisal of one period: draft → computed → in review → published → closed.

    Its runs are the computations of the period; the newest is current, earlier ones are kept,
    superseded. Every change of ``state`` appends a ``CycleTransition``; once closed, nothing of
    the cycle changes again.
    """

    period = models.CharField(_("period"), max_length=16)
    kind = models.CharField(_("cycle"), max_length=16, choices=CycleKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=CycleState.choices, default=CycleState.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=["period", "kind"], name="one_cycle_per_period_and_kind"),
        )
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self) -> str:
        return f"{self.period} ({self.get_kind_display()})"

    @property
    def state_note(self) -> str:
        """What the state means to a reader: "Draft — nothing computed yet", …"""
        return STATE_NOTES[CycleState(self.state)]

    @property
    def is_closed(self) -> bool:
        return self.state == CycleState.CLOSED

    def save(
        self, *args, changed_by: Any = None, run_number: int | None = None, note: str = "", **kwargs
    ) -> None:
        """Save, appending a ``CycleTransition`` (by ``changed_by``, for ``run_number``, with
        ``note``) when the state differs from the stored one; ``CycleClosed`` when the stored
        cycle is closed."""
        stored = None
        if not self._state.adding and self.pk is not None:
            stored = Cycle.objects.filter(pk=self.pk).values_list("state", "period", "kind").first()
        if stored is not None and stored[0] == CycleState.CLOSED:
            raise CycleClosed(closed_message(stored[1], stored[2]))
        from_state = stored[0] if stored is not None else CycleState.DRAFT
        changed = self.state != from_state
        if changed:
            self.state_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "state", "state_changed_at"}
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            models.Model.save(self, *args, **kwargs)  # the stored state was checked just above
            if changed:
                CycleTransition.objects.create(
                    cycle=self,
                    from_state=from_state,
                    to_state=self.state,
                    by=changed_by,
                    run_number=run_number,
                    note=note,
                )

    def current_run(self) -> ScorecardRun | None:
        return self.runs.filter(superseded=False).first()


class ScorecardRun(FrozenWhenClosed):
    """One computation of every scorecard of a cycle. Recomputing adds a run with the next number
    and marks the earlier one superseded; the current run is the one not superseded."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="runs", verbose_name=_("cycle"))
    number = models.PositiveIntegerField(_("run number"), default=1)
    superseded = models.BooleanField(_("superseded"), default=False)
    scheme_version = models.CharField(_("scheme version"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    cycle_path = "cycle"
    parent_field = "cycle"
    objects = FrozenWhenClosedQuerySet.as_manager()

    class Meta:
        ordering = ("-computed_at", "-number")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "number"], name="one_number_per_run_of_a_cycle"),
            models.UniqueConstraint(
                fields=["cycle"], condition=models.Q(superseded=False), name="one_current_run_per_cycle"
            ),
        )
        verbose_name = _("scorecard run")
        verbose_name_plural = _("scorecard runs")

    def __str__(self) -> str:
        return f"{self.cycle} #{self.number} ({self.scheme_version})"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses every bulk change of an append-only model, with the model's own message."""

    def update(self, **kwargs):
        raise CycleError(self.model.append_only_message)

    def delete(self):
        raise CycleError(self.model.append_only_message)

    delete.queryset_only = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise CycleError(self.model.append_only_message)


class AppendOnly(models.Model):
    """Rows that are written once: saving a stored row or deleting one raises ``CycleError``."""

    append_only_message = "entries are append-only: they are never changed or deleted"
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise CycleError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise CycleError(self.append_only_message)


class CycleTransition(AppendOnly):
    """One change of a cycle's state: who, when, from, to. Append-only."""

    append_only_message = "the history of cycle states is append-only: entries are never changed or deleted"

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("cycle")
    )
    from_state = models.CharField(_("from"), max_length=16, choices=CycleState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=CycleState.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the change came from the command line (a computation)."),
    )
    run_number = models.PositiveIntegerField(
        _("run number"),
        null=True,
        blank=True,
        help_text=_("The run whose computation made this change; empty for a person's move."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("cycle state change")
        verbose_name_plural = _("cycle state changes")

    def __str__(self) -> str:
        return f"{self.cycle}: {self.from_state} → {self.to_state}"


class ScorecardRecord(FrozenWhenClosed):
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
    # The rest of the engine's explanation (rank in site, bonus points, cap, process share …).
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)

    cycle_path = "run__cycle"
    parent_field = "run"
    objects = FrozenWhenClosedQuerySet.as_manager()

    class Meta:
        ordering = (models.F("rank_org").asc(nulls_last=True), "agent_id")
        constraints = (
            models.UniqueConstraint(fields=["run", "agent"], name="one_scorecard_per_agent_and_run"),
        )
        indexes = (models.Index(fields=["run", "rank_org"]), models.Index(fields=["agent", "run"]))
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"{self.agent_id} {self.run.cycle.period}"


class IndicatorRecord(FrozenWhenClosed):
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
    # The rest of the engine's explanation (curve, contribution, raw value and peer mean …).
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)

    cycle_path = "scorecard__run__cycle"
    parent_field = "scorecard"
    objects = FrozenWhenClosedQuerySet.as_manager()

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


# The published scheme ---------------------------------------------------------------------------


class SchemeAcknowledgement(models.Model):
    """A person's "I have read this" for one version of the scheme (``Scheme.version_id``, the
    declared version plus the content hash): a new or edited scheme needs a new acknowledgement."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scheme_acknowledgements",
        verbose_name=_("user"),
    )
    scheme_version = models.CharField(_("scheme version"), max_length=128)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        ordering = ("-acknowledged_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["user", "scheme_version"], name="one_acknowledgement_per_user_and_scheme_version"
            ),
        )
        verbose_name = _("scheme acknowledgement")
        verbose_name_plural = _("scheme acknowledgements")

    def __str__(self) -> str:
        return f"{self.user} {self.scheme_version}"
