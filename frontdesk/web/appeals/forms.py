"""The two forms: filing an appeal and deciding one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.web.appeals.models import AppealStatus


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    proposed_value = forms.FloatField(
        label=_("Proposed value"), required=False, help_text=_("The value you believe is right (optional).")
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Ticket numbers, recordings, links (optional)."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (AppealStatus.ACCEPTED.value, AppealStatus.ACCEPTED.label),
            (AppealStatus.PARTLY_ACCEPTED.value, AppealStatus.PARTLY_ACCEPTED.label),
            (AppealStatus.REJECTED.value, AppealStatus.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    adjusted_value = forms.FloatField(
        label=_("Adjusted value"),
        required=False,
        help_text=_("Required when partly accepting; when accepting, replaces the proposed value."),
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
