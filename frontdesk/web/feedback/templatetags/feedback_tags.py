"""The feedback app's footprint on shared templates: its header link and the scorecard's 360 block.

The shared templates only call these tags, so every string shown lives in this app's catalogue.
"""

from __future__ import annotations

from django import template

from frontdesk.scoring.ratings360 import Ratings360
from frontdesk.web.accounts.models import role_of
from frontdesk.web.feedback.models import Relation

register = template.Library()

RELATION_LABELS = dict(Relation.choices)


@register.inclusion_tag("feedback/_nav.html", takes_context=True)
def feedback_nav(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "show": role_of(user) is not None,
        "current": getattr(getattr(request, "resolver_match", None), "namespace", "") == "feedback",
    }


@register.filter
def relation_label(code: str) -> str:
    return str(RELATION_LABELS.get(code, code))


@register.filter
def percent(share: float | None) -> str:
    """0.4 → "40 %"; None → "—"."""
    if share is None:
        return "—"
    value = 100.0 * share
    return f"{value:.0f} %" if abs(value - round(value)) < 0.05 else f"{value:.1f} %"


@register.filter
def one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.filter
def two_decimals(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@register.filter
def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


@register.inclusion_tag("feedback/_ratings_360.html")
def ratings_360_block(record) -> dict:
    """The 360 block of a stored scorecard (``ScorecardRecord``): each relation's weight from the
    scheme, its raters and score, and the weighted 360 result; nothing when it has none."""
    block = Ratings360.from_json((getattr(record, "explanation", None) or {}).get("ratings_360"))
    rows = []
    if block is not None:
        rows = [(rel, r) for rel, r in block.relations.items()]
    return {"block": block, "rows": rows}
