"""What goes wrong in an import, said so a user can act on it: which file, row, column, value, and
what was expected."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The kinds of problem (``Problem.code``) and the parameters each one's message takes. The English
# text is ``Problem.expected``; the web layer renders the code and parameters in the reader's
# language (frontdesk/web/imports/problems.py), so this package stays free of Django.
CODES: dict[str, tuple[str, ...]] = {
    "type": ("kind",),  # kind: timestamp, date, duration, int, float, bool, text
    "enum": ("allowed",),
    "required": ("table", "field"),
    "time_order": ("earlier_column", "earlier"),
    "future": ("latest",),  # latest: the import time plus the tolerance, "YYYY-MM-DD HH:MM UTC"
    "negative": (),
    "above_scale": (),
    "cell_count": ("expected", "found"),
    "extra_cells": ("width",),
    "row": (),  # a row the reader could not split, for another reason (``expected`` says it)
    "duplicate": ("later_row",),
}

# The kinds of error that stop an import entirely (``IngestError.code``) and their parameters. As
# for row problems, ``str(error)`` stays English (the command line, logs) and the web layer renders
# the code in the reader's language (frontdesk/web/imports/problems.py). An error without a code
# is shown with its English reason.
ERROR_CODES: dict[str, tuple[str, ...]] = {
    "missing_column": ("columns", "field"),  # columns: the source names any of which would do
    "missing_source_column": ("column",),  # read by a derived field
    "no_file": (),
    "empty_file": (),
    "unknown_encoding": ("encoding",),
    "undetectable_encoding": (),
    "unknown_format": ("format", "known"),
    "format_from_name": ("extensions",),
    "unreadable": ("detail",),  # detail: the reader library's own (English) words
    "zip_members": ("count",),
    "no_header": (),
    "unknown_preset": ("preset", "presets"),
    "unknown_table": ("table", "tables"),
    "no_table": ("mapping",),
    "mapping_no_table": ("mapping", "table", "known"),
    "bad_mapping": ("key", "detail"),
    "bad_toml": ("detail",),
    "unknown_timezone": ("timezone",),
    "no_files": (),
}


class IngestError(Exception):
    """Input that cannot be imported at all (unreadable file, unknown preset, bad mapping).

    ``str(error)`` is one line naming the file and, where known, the row and column.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        code: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.column = column
        self.code = code
        self.params = dict(params or {})
        where = ", ".join(
            part
            for part in (
                str(file) if file else "",
                f"row {row}" if row is not None else "",
                f"column {column!r}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {reason}" if where else reason)

    def to_json(self) -> dict[str, Any]:
        """What a page needs to say the error in another language: the English ``message`` (as
        ``str``), ``reason``, where (``file``, ``row``, ``column``), ``code`` and ``params``."""
        return {
            "message": str(self),
            "reason": self.reason,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "params": self.params,
        }


@dataclass(frozen=True)
class Problem:
    """One finding about one row. ``action`` is ``refused`` (the row is quarantined), ``flagged``
    (kept and listed) or ``cleared`` (kept with this value emptied, by the impossible-times policy).
    ``code`` is the kind of problem (``CODES``) and ``params`` the values its message names, so a
    page can say ``expected`` in another language.

    ``row`` counts as a spreadsheet does: the header is row 1, the first record row 2 (for JSON,
    the first record is row 1).
    """

    file: str
    row: int
    column: str
    value: str | None
    expected: str
    action: str = "refused"
    code: str = ""
    params: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    agent_id: str | None = None  # the refused row's agent, when the mapping maps the agent column

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        shown = "(empty)" if self.value is None or self.value == "" else repr(self.value)
        return (
            f"{self.file}, row {self.row}, column {self.column!r}: {shown}: {self.expected} [{self.action}]"
        )
