"""Data quality on pages: the nav link, the explanation of data-quality flags on a scorecard, and
the number formats of the data-quality page (insights/quality.py)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

from frontdesk.web.appraisal.templatetags.scorecard_format import FLAGS, number
from frontdesk.web.permissions import may_view_data_quality

register = template.Library()

# What each data-quality flag on a scorecard means, in a sentence (the short label is in FLAGS).
EXPLANATIONS = {
    "manual_input": gettext_lazy(
        "More than 30 percent of the records behind this value were written down by hand rather than "
        "recorded by a system."
    ),
    "heaping": gettext_lazy(
        "Many hand-recorded times behind this value sit on whole five minutes: they were probably "
        "rounded when written down."
    ),
    "heaped_durations": gettext_lazy(
        "This agent's hand-recorded times fall on whole five minutes far more often than real "
        "times do (exact binomial test, 1 percent level): the value rests on rounded figures."
    ),
    "unreliable_sample": gettext_lazy(
        "Too few or too scattered customer ratings: the 95 percent confidence interval of this value is "
        "wider than the scheme's minimum sample allows, so the score is uncertain."
    ),
    "small_sample": gettext_lazy(
        "Fewer records than the scheme's minimum sample for this indicator: read the value with care."
    ),
    "duplicate_records": gettext_lazy(
        "Some of this agent's records are stored twice, or the same customer appears twice within "
        "seconds: they may be counted twice."
    ),
    "outlier_records": gettext_lazy(
        "At least 1 percent of this agent's contacts have handling or waiting times far beyond the usual "
        "range of their channel."
    ),
    "impossible_times": gettext_lazy(
        "Some of this agent's records have impossible times (for example resolved before they were created)."
    ),
    "refused_rows": gettext_lazy(
        "Imports of this period refused some rows naming this agent (they are in the import's quarantine "
        "file): those contacts are not counted until they are corrected and imported again."
    ),
}
QUALITY_FLAGS = tuple(EXPLANATIONS)


@register.inclusion_tag("appraisal/_quality_nav.html", takes_context=True)
def quality_nav(context) -> dict:
    """The link to the data-quality page, for those who may open it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {"show": may_view_data_quality(user), "current": getattr(match, "url_name", "") == "quality"}


@register.inclusion_tag("appraisal/_quality_notes.html", takes_context=True)
def quality_notes(context, record) -> dict:
    """The data-quality flags on a scorecard (the card's and its indicators'), each explained once,
    with a link to the period's data-quality page for those who may open it."""
    flags = list(record.flags or [])
    for indicator in record.indicators.all():
        flags += indicator.flags or []
    present = [f for f in QUALITY_FLAGS if f in flags]
    request = context.get("request")
    return {
        "notes": [(FLAGS.get(f, f), EXPLANATIONS[f]) for f in present],
        "link": may_view_data_quality(getattr(request, "user", None)),
        "period": record.run.cycle.period,
        "team_id": record.team_id or "",
    }


@register.filter
def pct(share: float | None) -> str:
    """A share (0..1) as a percentage with one decimal; a dash when none."""
    return "—" if share is None else f"{number(100 * share, 1)}%"


@register.filter
def pvalue(p: float | None) -> str:
    """A p-value as read in reports: two significant digits, "< 0.0001" below that."""
    if p is None:
        return "—"
    return "< 0.0001" if p < 0.0001 else f"{p:.2g}"
