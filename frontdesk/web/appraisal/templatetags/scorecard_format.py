"""How scorecard numbers, units and flags read on a page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from frontdesk.web.appraisal.indicator_names import IndicatorLabel

register = template.Library()

# Units as the catalogue names them → the suffix shown after the number. A unit not listed shows
# no suffix rather than an untranslated word.
UNITS = {
    "seconds": pgettext_lazy("unit", "s"),
    "s": pgettext_lazy("unit", "s"),
    "minutes": pgettext_lazy("unit", "min"),
    "min": pgettext_lazy("unit", "min"),
    "hours": pgettext_lazy("unit", "h"),
    "h": pgettext_lazy("unit", "h"),
    "per_hour": pgettext_lazy("unit", "/h"),
    "percent": "%",
    "%": "%",
    "points": pgettext_lazy("unit", "pts"),
    "count": pgettext_lazy("unit", "times"),
}

FLAGS = {
    "small_sample": gettext_lazy("small sample"),
    "shrunk": gettext_lazy("shrunk toward the peer-group mean"),
    "not_available": gettext_lazy("not available"),
    "capped": gettext_lazy("capped by a critical failure"),
    "critical_failure": gettext_lazy("critical failure"),
    "no_data": gettext_lazy("no data"),
    "partial_period": gettext_lazy("part of the period only"),
    "new_hire": gettext_lazy("new hire"),
    "manual_input": gettext_lazy("mostly recorded by hand"),
    "heaping": gettext_lazy("hand-recorded times cluster on round values"),
    "heaped_durations": gettext_lazy("hand-recorded times rounded to five minutes"),
    "unreliable_sample": gettext_lazy("too few ratings to be sure"),
    "duplicate_records": gettext_lazy("records stored twice"),
    "outlier_records": gettext_lazy("unusual durations"),
    "impossible_times": gettext_lazy("impossible times"),
    "refused_rows": gettext_lazy("rows refused by an import"),
    "dimension_missing": gettext_lazy("a dimension has no data"),
    "weight_missing": gettext_lazy("much of the weight has no data"),
}


def number(value: float | None, digits: int | None = None) -> str:
    """A number without trailing zeros, to ``digits`` decimals (default: 1 from 10 up, else 2),
    grouped by thousands from 10,000: ``85``, ``78.7``, ``4.25``, ``195,849``."""
    if value is None:
        return "—"
    if digits is None:
        digits = 1 if abs(value) >= 10 else 2
    text = f"{value:,.{digits}f}" if abs(value) >= 10_000 else f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@register.filter
def measure(value: float | None, label: IndicatorLabel | str | None = None) -> str:
    """An indicator value (or its target or floor) with its unit; "not available" when None."""
    if value is None:
        return _("not available")
    unit = label.unit if isinstance(label, IndicatorLabel) else (label or "")
    if unit.strip().lower() == "nps":  # a Net Promoter Score is a whole number from -100 to +100
        return f"{round(value):+d}" if round(value) else "0"
    shown, suffix = number(value), str(UNITS.get(unit.strip().lower(), ""))
    if not suffix:
        return shown
    return f"{shown}{suffix}" if suffix == "%" or suffix.startswith("/") else f"{shown} {suffix}"


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as people say them: ``4分53秒`` / ``4 min 53 s``, ``1小时2分`` / ``1 h 2 min``,
    ``38秒`` / ``38 s`` (whole seconds; a dash when None)."""
    if seconds is None:
        return "—"
    total = round(abs(float(seconds)))
    sign = "-" if float(seconds) < 0 and total else ""
    h, rest = divmod(total, 3600)
    m, sec = divmod(rest, 60)
    if h:
        text = _("%(h)d h %(m)d min") % {"h": h, "m": m}
    elif m:
        text = _("%(m)d min %(s)d s") % {"m": m, "s": sec}
    else:
        text = _("%(s)d s") % {"s": sec}
    return sign + text


@register.filter
def count(value: int | float | None) -> str:
    """A count of records or people, grouped by thousands (``17,059``); a dash when None."""
    return "—" if value is None else f"{int(value):,}"


@register.filter
def bound(value: float | None, label: IndicatorLabel | str | None = None) -> str:
    """A target or floor with its unit; a dash when the scheme sets none."""
    return "—" if value is None else measure(value, label)


@register.filter
def points(value: float | None) -> str:
    """A score or total on the 0–100 scale, always one decimal so columns line up; a dash when none."""
    return "—" if value is None else f"{value:.1f}"


@register.filter
def share(weight: float | None) -> str:
    """A weight (0..1) as a percentage."""
    return "—" if weight is None else f"{number(weight * 100, 1)}%"


STATISTICS = {
    "mean": gettext_lazy("mean"),
    "median": gettext_lazy("median"),
    "top_box": gettext_lazy("share rating 4–5 of 5"),
}


@register.filter
def statistic_label(statistic: str | None) -> str:
    """How a value sums up its records, in words: "median", "90th percentile"; empty when the
    indicator has no statistic (a count or a share)."""
    if not statistic:
        return ""
    if statistic in STATISTICS:
        return str(STATISTICS[statistic])
    if statistic.startswith("p") and statistic[1:].isdigit():
        return _("%(n)sth percentile") % {"n": statistic[1:]}
    return statistic


@register.filter
def version_label(version_id: str | None) -> str:
    """A scheme version as people read it: its label ("2026.3"; a calibrated one "2026.3
    (calibrated on 2026-Q3)"), the whole id (scheme, label and content hash) in a tooltip."""
    if not version_id:
        return "—"
    head = str(version_id).partition("+")[0]
    label = head.split(":", 1)[1] if ":" in head else head
    base, cal, period = label.partition("-cal.")
    shown = (
        _("%(version)s (calibrated on %(period)s)") % {"version": base, "period": period} if cal else label
    )
    return format_html('<span class="scheme-version" title="{}">{}</span>', version_id, shown)


@register.filter
def flag_label(flag: str) -> str:
    """A flag code in words, in the reader's language; unknown codes as they are."""
    return str(FLAGS.get(flag, flag))
