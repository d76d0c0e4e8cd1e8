"""Names of the data's own enumerations on pages, in the reader's language: canonical tables,
import presets and channels. The value a form sends stays the code; only what people read changes.
An unknown code shows as it is rather than as an untranslated guess."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

TABLES = {
    "sites": pgettext_lazy("table", "Sites"),
    "teams": pgettext_lazy("table", "Teams"),
    "agents": pgettext_lazy("table", "Agents (roster)"),
    "interactions": pgettext_lazy("table", "Contacts"),
    "interaction_events": pgettext_lazy("table", "Contact events"),
    "messages": pgettext_lazy("table", "Transcript messages"),
    "surveys": pgettext_lazy("table", "Surveys"),
    "qa_reviews": pgettext_lazy("table", "Inspections"),
    "qa_items": pgettext_lazy("table", "Inspection items"),
    "ratings_360": pgettext_lazy("table", "360° ratings"),
    "handoffs": pgettext_lazy("table", "Hand-offs"),
    "trainings": pgettext_lazy("table", "Trainings"),
    "suggestions": pgettext_lazy("table", "Suggestions"),
    "kb_contributions": pgettext_lazy("table", "Knowledge-base contributions"),
    "worktime": pgettext_lazy("table", "Working time"),
}
PRESETS = {
    "chatwoot": "Chatwoot",
    "freshdesk": "Freshdesk",
    "servicenow": "ServiceNow",
    "zendesk": "Zendesk",
    "generic": pgettext_lazy("preset", "Generic (canonical column names)"),
    "zh-excel": pgettext_lazy("preset", "Chinese Excel workbook"),
}
CHANNELS = {
    "phone": pgettext_lazy("channel", "phone"),
    "chat": pgettext_lazy("channel", "chat"),
    "email": pgettext_lazy("channel", "e-mail"),
    "social": pgettext_lazy("channel", "social media"),
    "walk_in": pgettext_lazy("channel", "walk-in"),
    "video": pgettext_lazy("channel", "video"),
    "other": pgettext_lazy("channel", "other"),
}


@register.filter
def table_label(code: str) -> str:
    """A canonical table by what it holds ("Contacts" for ``interactions``)."""
    return str(TABLES.get(code, code))


@register.filter
def preset_label(code: str) -> str:
    """An import preset by the system it reads (product names as their makers write them)."""
    return str(PRESETS.get(code, code))


@register.filter
def channel_label(code: str) -> str:
    """A contact channel in words."""
    return str(CHANNELS.get(code, code))
