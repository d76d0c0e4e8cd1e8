"""The appeals' footprint on shared templates: header links and the appeal column of a scorecard.

The shared templates only call these tags, so every string shown lives in this app's catalogue.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from frontdesk.web.accounts.models import role_of
from frontdesk.web.appeals.window import deadline_of
from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.permissions import (
    may_view_appeal_statistics,
    own_agent,
    visible_appeals,
)

register = template.Library()


@register.inclusion_tag("appeals/_nav.html", takes_context=True)
def appeals_nav(context) -> dict:
    """Links to the appeals, the audit log and (for those who may) the statistics."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "show": role_of(user) is not None,
        "statistics": may_view_appeal_statistics(user),
        "current": getattr(getattr(request, "resolver_match", None), "namespace", "") == "appeals",
    }


def _appeals_of(context, record) -> dict:
    """For one scorecard, computed once per page: whether the reader may appeal its results now,
    and the appeals the reader may see, by indicator result."""
    cache = context.render_context.setdefault("appeal_links", {})
    if record.pk not in cache:
        user = context["request"].user
        cycle = record.run.cycle
        agent = own_agent(user)
        may_file = (
            agent is not None
            and role_of(user) is not None
            and agent.agent_id == record.agent_id
            and not record.run.superseded
            and cycle.state == CycleState.IN_REVIEW
        )
        if may_file:
            deadline = deadline_of(cycle)
            may_file = deadline is not None and timezone.now() <= deadline
        appeals = {
            a.indicator_id: a
            for a in visible_appeals(user)
            .filter(indicator__scorecard=record)
            .only("pk", "status", "indicator_id")
        }
        cache[record.pk] = {"may_file": may_file, "appeals": appeals}
    return cache[record.pk]


@register.inclusion_tag("appeals/_column_heading.html", takes_context=True)
def appeal_heading(context, record) -> dict:
    """The header cell of the appeal column, when the column is shown."""
    found = _appeals_of(context, record)
    return {"show": found["may_file"] or bool(found["appeals"])}


@register.inclusion_tag("appeals/_column_cell.html", takes_context=True)
def appeal_cell(context, indicator, record) -> dict:
    """One row's appeal cell: its appeal, or the link to file one, or nothing."""
    found = _appeals_of(context, record)
    return {
        "show": found["may_file"] or bool(found["appeals"]),
        "appeal": found["appeals"].get(indicator.pk),
        "may_file": found["may_file"],
        "indicator": indicator,
    }
