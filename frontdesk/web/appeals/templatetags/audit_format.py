"""How an audit entry's before and after read on a page: the fields that changed, in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from frontdesk.web.appeals.models import AppealStatus, AuditEntry
from frontdesk.web.appraisal.indicator_names import indicator_label
from frontdesk.web.appraisal.templatetags.scorecard_format import number

register = template.Library()

FIELDS = {
    "status": _("status"),
    "value": _("value"),
    "proposed_value": _("proposed value"),
    "adjusted_value": _("adjusted value"),
    "score": _("score"),
    "total": _("total"),
    "reason": _("reason"),
    "evidence": _("evidence"),
    "comment": _("comment"),
    "deadline": _("deadline"),
    "indicator": _("indicator"),
    "agent": _("agent"),
}
HIDDEN = {"adjustment"}


def _show(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if key == "status" and value in AppealStatus.values:
        return str(AppealStatus(value).label)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return number(float(value))
    if key == "indicator":
        return indicator_label(str(value)).name()
    if key == "deadline":
        return str(value)[:16].replace("T", " ")
    return str(value)


@register.filter
def changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field the entry changed (every field of a new object)."""
    before, after = entry.before or {}, entry.after or {}
    rows = []
    for key in [k for k in FIELDS if k in before or k in after]:
        if key in HIDDEN or (before and before.get(key) == after.get(key)):
            continue
        rows.append(
            (str(FIELDS[key]), _show(key, before.get(key)) if before else "", _show(key, after.get(key)))
        )
    return rows
