"""``/api/imports`` and ``/api/webhooks/events``: uploads with a dry run or a commit, the batch
list, one batch's report, undo; real-time events as one batch per delivery.

Administrators and HR / directors only (``web.permissions.may_import_data``), with an API
token like every route. The work is ``frontdesk.web.imports.service``'s, the same code the import
pages run, which calls ``frontdesk.ingest.import_files`` as ``frontdesk import`` does. A file or
body that cannot be imported is a 400 naming file, row and column; too large a file a 413; an
unknown batch a 404; an undo the batches refuse (a later batch replaced its records) a 409.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from frontdesk.ingest import IngestError
from frontdesk.web.api.schemas import Error
from frontdesk.web.imports import service
from frontdesk.web.imports.problems import error_message, localized
from frontdesk.web.permissions import may_import_data

router = Router(tags=["imports"])

ONLY = "only administrators and HR / directors import data"


class ImportProblemOut(Schema):
    file: str
    row: int
    column: str
    value: str | None = None
    expected: str
    action: str
    code: str = ""
    params: dict[str, str] = Field(default_factory=dict)
    message: str = Field(
        "", description="file, row, column, value, expected and action in the caller's language"
    )


class ImportReportOut(Schema):
    batch_id: str
    state: str
    mapping: str
    timezone: str
    timezone_source: str = Field(
        "default",
        description="where the time zone came from: option (the request's timezone), mapping, "
        "workspace (a mapping without one), default (UTC)",
    )
    inputs: list[dict[str, Any]]
    tables: dict[str, dict[str, Any]]
    problems: list[ImportProblemOut]
    problems_total: int
    refused_rows: int
    duplicate_of: str | None = None
    notes: list[str] = Field(default_factory=list)


class BatchOut(Schema):
    batch_id: str
    state: str | None = None
    created_at: str | None = None
    mapping: str | None = None
    files: list[str]
    tables: dict[str, int]
    by: str = ""


class BatchDetailOut(Schema):
    batch_id: str
    state: str | None = None
    manifest: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    quarantine: bool


class UndoOut(Schema):
    batch_id: str
    state: str


class EventsIn(Schema):
    table: str | None = None
    rows: list[dict[str, Any]] | None = None
    preset: str | None = None
    events: list[dict[str, Any]] | None = None
    event: dict[str, Any] | None = None
    tables: list[str] | None = None
    timezone: str | None = None


REFUSED = {400: Error, 401: Error, 403: Error}


def _allowed(request: HttpRequest) -> None:
    if not may_import_data(request.user):
        raise HttpError(403, ONLY)


def _refused(e: Exception) -> HttpError:
    if isinstance(e, service.ImportRefused):
        return HttpError(e.status, str(e))
    return HttpError(400, error_message(e))  # an IngestError, in the language of Accept-Language


def _report(report: Any, notes: list[str]) -> dict[str, Any]:
    doc = service.report_json(report)
    doc["problems"] = localized(doc["problems"])  # in the language of Accept-Language
    doc["notes"] = notes
    return doc


@router.post(
    "/imports",
    response={200: ImportReportOut, **REFUSED, 409: Error, 413: Error, 503: Error},
)
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    table: Form[str | None] = None,
    preset: Form[str | None] = None,
    timezone: Form[str | None] = None,
    dry_run: Form[bool] = False,
    mapping: File[UploadedFile | None] = None,
) -> dict[str, Any]:
    """Import one file (multipart: `file`, and `preset` or a `mapping` TOML file; `table` may be
    repeated as a comma-separated list; `timezone` for times without an offset). With `dry_run`
    the report says what the import would do and nothing is written (the preview)."""
    _allowed(request)
    tables = [t.strip() for t in (table or "").split(",") if t.strip()]
    try:
        up = service.save_upload(file, request.user, mapping)
        text = service._mapping_text(up)
        run = service.run_import(
            [up.path], None if text is not None else preset, text, tables, timezone,
            dry_run=dry_run, workdir=up.folder / "prepared",
        )  # fmt: skip
        up.settings = {"preset": preset, "mapping": text is not None, "tables": tables, "timezone": timezone}
        if not dry_run:
            service._remember(run.report, request.user.get_username(), up.filename, run.prepared.notes)
            up.batches.append(run.report.batch_id)
        up.save()
    except (IngestError, service.ImportRefused) as e:
        raise _refused(e) from None
    return _report(run.report, run.prepared.notes)


@router.get("/imports", response={200: list[BatchOut], 401: Error, 403: Error, 503: Error})
def list_batches(request: HttpRequest) -> list[dict[str, Any]]:
    """Every import batch, newest first."""
    _allowed(request)
    try:
        return service.batch_list()
    except service.ImportRefused as e:
        raise _refused(e) from None


@router.get(
    "/imports/{batch_id}", response={200: BatchDetailOut, 401: Error, 403: Error, 404: Error, 503: Error}
)
def one_batch(request: HttpRequest, batch_id: str) -> dict[str, Any]:
    """One batch: its manifest (committed batches), its report and whether rows were quarantined."""
    _allowed(request)
    try:
        return service.batch_detail(batch_id)
    except service.ImportRefused as e:
        raise _refused(e) from None


@router.post(
    "/imports/{batch_id}/undo",
    response={200: UndoOut, 401: Error, 403: Error, 404: Error, 409: Error, 503: Error},
)
def undo(request: HttpRequest, batch_id: str) -> dict[str, Any]:
    """Undo a committed batch: its rows leave the store and what it replaced comes back; 409 when a
    later batch replaced its records (undo that one first) or it is undone already."""
    _allowed(request)
    try:
        doc = service.undo(batch_id)
    except service.ImportRefused as e:
        raise _refused(e) from None
    return {"batch_id": batch_id, "state": doc.get("state", "undone")}


@router.post(
    "/webhooks/events",
    response={200: ImportReportOut, **REFUSED, 413: Error, 503: Error},
    tags=["webhooks"],
)
def events(request: HttpRequest, body: EventsIn) -> dict[str, Any]:
    """Real-time events, one batch per delivery, validated as any import: `{"table": T, "rows":
    [...]}` with canonical columns, or `{"preset": P, "events": [...]}` (or one `event`) in a
    vendor's shape (e.g. Zendesk tickets). Refused rows are in the report's problems."""
    _allowed(request)
    try:
        report = service.import_events(body.dict(exclude_none=True), request.user)
    except (IngestError, service.ImportRefused) as e:
        raise _refused(e) from None
    return _report(report, [])
