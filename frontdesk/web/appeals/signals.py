"""Closing a cycle lapses its open appeals, just before the cycle is stored closed (and frozen);
recomputing a cycle carries its appeals onto the new run."""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver

from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.appraisal.models import Cycle
from frontdesk.web.appraisal.signals import run_recomputed


@receiver(pre_save, sender=Cycle, dispatch_uid="appeals_lapse_on_close")
def lapse_appeals_when_closing(sender, instance: Cycle, **kwargs) -> None:
    if instance.pk is None or instance.state != CycleState.CLOSED:
        return
    stored = Cycle.objects.filter(pk=instance.pk).values_list("state", flat=True).first()
    if stored is not None and stored != CycleState.CLOSED:
        from frontdesk.web.appeals.workflow import lapse_open_appeals

        lapse_open_appeals(instance)


@receiver(run_recomputed, dispatch_uid="appeals_carry_over_on_recompute")
def carry_appeals_over(sender, previous, run, by_user=None, **kwargs) -> None:
    """A recompute carries the superseded run's appeals onto the new run (``workflow.carry_over``)."""
    from frontdesk.web.appeals.workflow import carry_over

    carry_over(previous, run, by_user=by_user)
