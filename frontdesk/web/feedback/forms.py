"""Forms of the feedback pages; the rating and inspection forms are built from their templates
and read in the views, since their fields come from the data."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import Agent, Site, Team
from frontdesk.web.feedback.models import Method, QAForm, Relation, Template


def _default_close():
    return timezone.now() + timedelta(days=14)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.ModelChoiceField(label=_("Template"), queryset=Template.objects.all(), empty_label=None)
    closes_at = forms.DateTimeField(
        label=_("Links expire at"),
        initial=_default_close,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    teams = forms.ModelMultipleChoiceField(label=_("Teams"), queryset=Team.objects.all(), required=False)
    sites = forms.ModelMultipleChoiceField(label=_("Sites"), queryset=Site.objects.all(), required=False)
    roles = forms.MultipleChoiceField(label=_("Job roles"), choices=(), required=False)
    relations = forms.MultipleChoiceField(
        label=_("Raters"),
        choices=Relation.choices,
        initial=[r.value for r in Relation],
        widget=forms.CheckboxSelectMultiple,
    )
    customers_per_subject = forms.IntegerField(
        label=_("Customer links per agent"), min_value=0, max_value=50, initial=5
    )
    peers_per_subject = forms.IntegerField(label=_("Peers per agent"), min_value=0, max_value=20, initial=4)
    partner_departments = forms.CharField(
        label=_("Partner departments"),
        required=False,
        help_text=_("One per line; each rates every agent of the campaign."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    leniency_correction = forms.BooleanField(
        label=_("Also show results corrected for rater leniency"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = Agent.objects.exclude(role="").order_by("role").values_list("role", flat=True).distinct()
        self.fields["roles"].choices = [(r, r) for r in roles]

    def clean_partner_departments(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["partner_departments"].splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


class SurveyLinkForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=Agent.objects.none(), empty_label=None)
    interactions = forms.CharField(
        label=_("Interactions"),
        help_text=_("Interaction ids, one per line: one link each."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=7)

    def __init__(self, *args, agents=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents if agents is not None else Agent.objects.none()

    def clean_interactions(self) -> list[str]:
        ids = [line.strip() for line in self.cleaned_data["interactions"].splitlines() if line.strip()]
        if len(ids) > 500:
            raise forms.ValidationError(_("At most 500 links at a time."))
        if any(len(i) > 128 for i in ids):
            raise forms.ValidationError(_("An interaction id is longer than 128 characters."))
        return list(dict.fromkeys(ids))


class CalibrationForm(forms.Form):
    form = forms.ModelChoiceField(
        label=_("QA form"), queryset=QAForm.objects.filter(active=True), empty_label=None
    )
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=Agent.objects.all(), empty_label=None)
    interaction_id = forms.CharField(label=_("Interaction"), max_length=128)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = (
            get_user_model().objects.filter(profile__role=Role.QA, is_active=True).order_by("username")
        )

    def clean_reviewers(self):
        chosen = self.cleaned_data["reviewers"]
        if len(chosen) < 2:
            raise forms.ValidationError(_("Choose at least two reviewers."))
        return chosen
