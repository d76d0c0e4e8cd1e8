"""An import's problems in the reader's language. ``frontdesk.ingest`` names each problem with a
stable ``code`` and its ``params`` (``frontdesk.ingest.errors.CODES``) besides its English
``expected``; here each code has a translatable template, so a zh-Hans page or API caller reads
Chinese while the command line and the report files stay English. A problem without a code (a
report written before codes existed) is shown with its English text."""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

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
    "future": gettext_lazy("not after %(latest)s (the import time plus 1 day)"),
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


# Errors that stop an import entirely (``frontdesk.ingest.errors.ERROR_CODES``). Marked with
# gettext_noop and translated when shown: where the active language has no translation (English),
# the error's own English text is shown unchanged, the same words as the command line.
ERRORS = {
    "missing_column": gettext_noop("no column %(columns)s in the file (needed for %(field)s)"),
    "missing_source_column": gettext_noop("no column “%(column)s” in the file (read by a derived field)"),
    "no_file": gettext_noop("no such file"),
    "empty_file": gettext_noop("the file is empty"),
    "unknown_encoding": gettext_noop("unknown text encoding “%(encoding)s”"),
    "undetectable_encoding": gettext_noop("cannot tell the text encoding; save the file as UTF-8"),
    "unknown_format": gettext_noop("unknown format “%(format)s”; known: %(known)s"),
    "format_from_name": gettext_noop(
        "cannot tell the format from the name; use a name ending in %(extensions)s"
    ),
    "unreadable": gettext_noop("cannot read the file (%(detail)s)"),
    "zip_members": gettext_noop("a zip file must hold exactly one file, this one holds %(count)s"),
    "no_header": gettext_noop("the header row has no column names"),
    "unknown_preset": gettext_noop("unknown preset “%(preset)s”; presets: %(presets)s"),
    "unknown_table": gettext_noop("unknown table “%(table)s”; tables: %(tables)s"),
    "no_table": gettext_noop("the mapping %(mapping)s names no table: choose the table"),
    "mapping_no_table": gettext_noop("the mapping %(mapping)s has no table “%(table)s” (it maps: %(known)s)"),
    "bad_mapping": gettext_noop("the mapping is wrong at %(key)s: %(detail)s"),
    "bad_toml": gettext_noop("the mapping is not valid TOML (%(detail)s)"),
    "unknown_timezone": gettext_noop("unknown time zone “%(timezone)s” (use a name such as Asia/Shanghai)"),
    "no_files": gettext_noop("no files to import"),
}
ROW = gettext_noop("row %(row)s")


def error_message(error: Any) -> str:
    """An ``IngestError`` (or its ``to_json()``) as one line in the active language: where (file,
    row, column) and what is wrong. In a language without a translation (English) it is the
    error's own text; a code without a message keeps the English reason with the place
    translated; any other exception is shown as it is."""
    detail = error.to_json() if hasattr(error, "to_json") else error
    if not isinstance(detail, dict):
        return str(error)
    english = str(detail.get("message") or detail.get("reason") or "")
    if _(ROW) == ROW:  # no catalogue for the active language: the English text as it is
        return english
    code, params = detail.get("code") or "", dict(detail.get("params") or {})
    reason = str(detail.get("reason") or english)
    if code in ERRORS and (params.get("columns") or code != "missing_column"):
        if isinstance(params.get("columns"), list):
            params["columns"] = _(" or ").join(f"“{c}”" for c in params["columns"])
        with contextlib.suppress(KeyError, TypeError, ValueError):  # a malformed stored report
            reason = _(ERRORS[code]) % params
    where = []
    if detail.get("file"):
        where.append(str(detail["file"]))
    if detail.get("row") is not None:
        where.append(_(ROW) % {"row": detail["row"]})
    if detail.get("column"):
        where.append(_("column “%(column)s”") % {"column": detail["column"]})
    return _("%(where)s: %(reason)s") % {"where": _(", ").join(where), "reason": reason} if where else reason
