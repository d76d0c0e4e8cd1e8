"""An import's problems in the reader's language. ``frontdesk.ingest`` names each problem with a
stable ``code`` and its ``params`` (``frontdesk.ingest.errors.CODES``) besides its English
``expected``; here each code has a translatable template, so a zh-Hans page or API caller reads
Chinese while the command line and the report files stay English. A problem without a code (a
report written before codes existed) is shown with its English text."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "timestamp": gettext_lazy(
        "a date and time (2026-10-03 14:30, 3/10/2026 14:30, 2026/10/3, 2026年10月3日)"
    ),
    "date": gettext_lazy("a date (2026-10-03, 3/10/2026, 2026年10月3日)"),
    "duration": gettext_lazy("a duration in seconds or H:MM:SS"),
    "int": gettext_lazy("a whole number"),
    "float": gettext_lazy("a number"),
    "bool": gettext_lazy("yes or no (true/false, Y/N, 1/0, 是/否)"),
    "text": gettext_lazy("text"),
}
TEMPLATES = {
    "enum": gettext_lazy("one of %(allowed)s"),
    "required": gettext_lazy("a value is required (%(table)s.%(field)s)"),
    "time_order": gettext_lazy("not before %(earlier_column)s (%(earlier)s)"),
    "negative": gettext_lazy("not negative"),
    "above_scale": gettext_lazy("not above scale_max"),
    "cell_count": gettext_lazy("expected %(expected)s cells, found %(found)s"),
    "extra_cells": gettext_lazy("cells beyond the %(width)s named columns"),
    "duplicate": gettext_lazy("a later row (%(later_row)s) has the same key"),
}
ACTIONS = {
    "refused": gettext_lazy("refused"),
    "flagged": gettext_lazy("flagged"),
    "cleared": gettext_lazy("cleared"),
    "replaced": gettext_lazy("replaced"),
}


def expected_text(problem: dict[str, Any]) -> str:
    """What was expected, in the active language (the English ``expected`` for an unknown code)."""
    code, params = problem.get("code") or "", problem.get("params") or {}
    try:
        if code == "type" and params.get("kind") in KINDS:
            return str(KINDS[params["kind"]])
        if code in TEMPLATES:
            return str(TEMPLATES[code]) % dict(params)
    except (KeyError, TypeError, ValueError):
        pass
    return str(problem.get("expected", ""))


def message(problem: dict[str, Any]) -> str:
    """One line naming file, row, column, value, what was expected and the action, in the active
    language."""
    value = problem.get("value")
    shown = _("(empty)") if value is None or value == "" else f"“{value}”"
    action = ACTIONS.get(problem.get("action", ""), problem.get("action", ""))
    return _("%(file)s, row %(row)s, column “%(column)s”: %(value)s: expected %(expected)s [%(action)s]") % {
        "file": problem.get("file", ""),
        "row": problem.get("row", ""),
        "column": problem.get("column", ""),
        "value": shown,
        "expected": expected_text(problem),
        "action": action,
    }


def localized(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``problems`` (report JSON) with ``expected_text`` and ``message`` in the active language."""
    return [{**p, "expected_text": expected_text(p), "message": message(p)} for p in problems]
