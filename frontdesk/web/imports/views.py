"""Pages: upload a file and see its preview (first rows, detected columns and encoding, suggested
presets, the mapping's columns, and every problem the import would report), commit it, the batch
list, one batch's report with its quarantine file, undo. Administrators and HR / directors only
(``web.permissions.may_import_data``); anyone else signed in gets 403."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from frontdesk.ingest import IngestError, preset_names
from frontdesk.store.tables import TABLES
from frontdesk.web.imports import service
from frontdesk.web.imports.problems import error_message, localized
from frontdesk.web.permissions import may_import_data

STATES = {
    "committed": gettext_lazy("committed"),
    "dry-run": gettext_lazy("dry run"),
    "nothing-new": gettext_lazy("nothing new"),
    "already-imported": gettext_lazy("already imported"),
    "pending": gettext_lazy("pending"),
    "undone": gettext_lazy("undone"),
}


def importer_only(view: Any) -> Any:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_import_data(request.user):
            raise PermissionDenied(_("Only administrators and HR / directors import data."))
        try:
            return view(request, *args, **kwargs)
        except service.ImportRefused as e:
            if e.status == 404:
                raise Http404(str(e)) from None
            return HttpResponse(str(e), status=e.status, content_type="text/plain; charset=utf-8")

    return wrapped


def _form(request: HttpRequest) -> dict[str, Any]:
    return {
        "preset": request.POST.get("preset", ""),
        "tables": request.POST.getlist("tables"),
        "timezone": request.POST.get("timezone", ""),
    }


def _choices() -> dict[str, Any]:
    return {"presets": preset_names(), "tables": list(TABLES), "max_mb": service.max_bytes() // 2**20}


@importer_only
@require_http_methods(["GET", "POST"])
def imports_home(request: HttpRequest) -> HttpResponse:
    """The upload form and the batches, newest first. POST: keep the file, preview it."""
    error = None
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            error = _("Choose a file to upload.")
        else:
            try:
                up = service.save_upload(file, request.user, request.FILES.get("mapping"))
            except service.ImportRefused as e:
                error = str(e)
            else:
                service.preview(up, _form(request))
                return redirect("imports:upload", upload_id=up.id)
    context = {"batches": service.batch_list(), "error": error, "states": STATES, **_choices()}
    return render(request, "imports/home.html", context, status=400 if error else 200)


@importer_only
@require_http_methods(["GET", "POST"])
def upload_detail(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The preview of an upload; POST runs it again with other settings."""
    up = service.load_upload(upload_id)
    preview = service.preview(up, _form(request)) if request.method == "POST" else service.stored_preview(up)
    if preview is None:
        preview = service.preview(up, {})
    if preview.get("report"):
        preview["report"]["problems"] = localized(preview["report"].get("problems") or [])
    if preview.get("error_detail"):
        preview["error"] = error_message(preview["error_detail"])  # in the reader's language
    context = {"upload": up, "preview": preview, "states": STATES, **_choices()}
    return render(request, "imports/upload.html", context)


@importer_only
@require_POST
def upload_commit(request: HttpRequest, upload_id: str) -> HttpResponse:
    """Import the upload as previewed, as one batch."""
    up = service.load_upload(upload_id)
    try:
        report = service.commit(up, request.user)
    except (IngestError, service.ImportRefused) as e:
        messages.error(request, error_message(e))
        return redirect("imports:upload", upload_id=up.id)
    if report.state == "committed":
        messages.success(request, _("Imported as batch %(batch)s.") % {"batch": report.batch_id})
    elif report.state == "already-imported":
        messages.info(
            request, _("This file was already imported as batch %(batch)s.") % {"batch": report.duplicate_of}
        )
    else:
        messages.info(request, _("Nothing new: every accepted row is already in the store."))
    return redirect("imports:batch", batch_id=report.batch_id)


@importer_only
@require_http_methods(["GET"])
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    detail = service.batch_detail(batch_id)
    report = detail["report"] or {}
    context = {
        "detail": detail,
        "report": report,
        "problems": localized((report.get("problems") or [])[: service.PREVIEW_PROBLEMS]),
        "problems_total": len(report.get("problems") or []),
        "may_undo": detail["state"] == "committed",
        "states": STATES,
    }
    return render(request, "imports/batch.html", context)


@importer_only
@require_http_methods(["GET"])
def batch_quarantine(request: HttpRequest, batch_id: str) -> FileResponse:
    path = service.quarantine_file(batch_id)
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=f"quarantine-{batch_id}.csv", content_type="text/csv"
    )


@importer_only
@require_POST
def batch_undo(request: HttpRequest, batch_id: str) -> HttpResponse:
    try:
        service.undo(batch_id)
    except service.ImportRefused as e:
        if e.status == 404:
            raise
        messages.error(request, str(e))
    else:
        messages.success(request, _("Batch %(batch)s undone: its rows left the store.") % {"batch": batch_id})
    return redirect("imports:batch", batch_id=batch_id)
