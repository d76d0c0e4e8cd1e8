"""Times on pages: in the team's time zone (``appraisal.timezones``), in the reader's locale."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import pgettext, pgettext_lazy

from frontdesk.web.appraisal.models import Agent, Team
from frontdesk.web.appraisal.timezones import organisation_zone, zone_of_agent, zone_of_team

register = template.Library()


def _zone(where: object) -> ZoneInfo:
    if isinstance(where, ZoneInfo):
        return where
    if isinstance(where, Team):
        return zone_of_team(where)
    if isinstance(where, Agent):
        return zone_of_agent(where)
    return organisation_zone()


def local_text(value: datetime, zone: ZoneInfo) -> str:
    """``value`` in ``zone``, in the active language's short date-and-time format, with the zone's
    abbreviation (``2026年10月5日 09:00 CST``, ``10/05/2026 2 a.m. BST``)."""
    local = value.astimezone(zone)
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} {local.tzname()}"


@register.filter
def in_zone(value: datetime | None, where: object = None) -> str:
    """A ``<time>`` element for ``value`` shown in the zone of ``where`` (a ``ZoneInfo``, a ``Team``
    or an ``Agent``; else the organisation's), the zone's name in its title; a dash when None."""
    if value is None:
        return "—"
    zone = _zone(where)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', value.isoformat(), zone.key, local_text(value, zone)
    )


@register.filter
def date_in_zone(value: datetime | None, where: object = None) -> str:
    """As ``in_zone``, the date only (in the active language's short date format)."""
    if value is None:
        return "—"
    zone = _zone(where)
    local = value.astimezone(zone)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        zone.key,
        formats.date_format(local, "SHORT_DATE_FORMAT"),
    )


@register.filter
def zone_text(value: datetime | None, where: object = None) -> str:
    """As ``in_zone``, as plain text (for an attribute such as ``title``)."""
    return "—" if value is None else local_text(value, _zone(where))


# Time zones people name by their country or city, not by their IANA id.
ZONE_NAMES = {
    "Asia/Shanghai": pgettext_lazy("time zone", "China time"),
    "Asia/Chongqing": pgettext_lazy("time zone", "China time"),
    "Asia/Hong_Kong": pgettext_lazy("time zone", "Hong Kong time"),
    "Asia/Taipei": pgettext_lazy("time zone", "Taipei time"),
    "Asia/Singapore": pgettext_lazy("time zone", "Singapore time"),
    "Asia/Tokyo": pgettext_lazy("time zone", "Japan time"),
    "Europe/London": pgettext_lazy("time zone", "UK time"),
    "UTC": pgettext_lazy("time zone", "UTC"),
}


@register.filter
def zone_label(name: str | None) -> str:
    """An IANA time zone as people say it, with its offset now: "China time (UTC+8)" /
    "北京时间（UTC+8）"; an unlisted zone by its offset, the id in a tooltip."""
    if not name:
        return "—"
    try:
        offset = datetime.now(ZoneInfo(str(name))).utcoffset()
    except (KeyError, ValueError):
        return str(name)
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    utc = f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
    known = ZONE_NAMES.get(str(name))
    if known is None or str(name) == "UTC":
        shown = utc if str(name) != "UTC" else "UTC"
    else:
        shown = pgettext("time zone", "%(zone)s (%(offset)s)") % {"zone": known, "offset": utc}
    return format_html('<span title="{}">{}</span>', name, shown)
