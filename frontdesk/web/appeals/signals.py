"""Closing a cycle lapses its open appeals, just before the cycle is stored closed (and frozen)."""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver

from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.appraisal.models import Cycle


@receiver(pre_save, sender=Cycle, dispatch_uid="appeals_lapse_on_close")
def lapse_appeals_when_closing(sender, instance: Cycle, **kwargs) -> None:
    if instance.pk is None or instance.state != CycleState.CLOSED:
        return
    stored = Cycle.objects.filter(pk=instance.pk).values_list("state", flat=True).first()
    if stored is not None and stored != CycleState.CLOSED:
        from frontdesk.web.appeals.workflow import lapse_open_appeals

        lapse_open_appeals(instance)
