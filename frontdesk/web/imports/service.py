"""What the import pages, the imports API and the webhook share: uploads kept in the workspace,
previews (a dry run of the real import), commits, the batch list, reports, quarantine files, undo.

Uploads live in ``<workspace>/imports/uploads/<upload id>/``: the file as sent, ``upload.json``
(who, when, size, the settings of the last preview) and ``preview.json``. Reports and quarantine
files are where ``frontdesk import`` writes them (``<workspace>/imports/<batch>/``). Every import
runs ``frontdesk.ingest.import_files`` after ``frontdesk.ingest.vendors.prepare``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from frontdesk.ingest import (
    IngestError,
    Mapping,
    batches,
    import_files,
    load_preset,
    parse_mapping,
    preset_names,
)
from frontdesk.ingest.readers import open_source
from frontdesk.ingest.vendors import Prepared, prepare, snake
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.text.pii import mask_text
from frontdesk.web.workspace import workspace_root

MAX_BYTES = 50 * 2**20  # an upload's size limit unless settings.FRONTDESK_IMPORT_MAX_BYTES says otherwise
MAX_MAPPING_BYTES = 256 * 2**10
PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 40
PREVIEW_PROBLEMS = 200
EXTENSIONS = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".json",
    ".jsonl",
    ".ndjson",
    ".parquet",
    ".pq",
    ".zip",
    ".gz",
)
BATCH_ID = re.compile(r"^\d{8}T\d{12}_[0-9a-f]{6}$")
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


class ImportRefused(Exception):
    """A request the import cannot take: ``status`` is the HTTP answer (400, 404, 409, 413, 503)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def max_bytes() -> int:
    return int(getattr(settings, "FRONTDESK_IMPORT_MAX_BYTES", MAX_BYTES))


def workspace() -> Path:
    root = workspace_root()
    if root is None:
        raise ImportRefused("no workspace: start the server with --workspace or FRONTDESK_WORKSPACE", 503)
    return Path(root)


def event_store() -> EventStore:
    return EventStore(workspace() / "events")


def reports_dir() -> Path:
    return workspace() / "imports"


def uploads_dir() -> Path:
    return reports_dir() / "uploads"


# -- uploads -------------------------------------------------------------------------------------
@dataclass
class Upload:
    id: str
    folder: Path
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: str
    settings: dict[str, Any] = field(default_factory=dict)  # preset, mapping, tables, timezone
    batches: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.folder / self.filename

    def save(self) -> None:
        doc = {k: v for k, v in vars(self).items() if k != "folder"}
        tmp = self.folder / ".upload.json.tmp"
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
        tmp.replace(self.folder / "upload.json")


def safe_name(name: str) -> str:
    """The uploaded file's name, reduced to what is safe on disk; its extension must be readable."""
    base = Path(name or "").name
    cleaned = re.sub(r"[^\w.\-]+", "_", base).strip("._")[-120:] or "upload"
    lower = cleaned.lower()
    if not any(lower.endswith(e) for e in EXTENSIONS):
        raise ImportRefused(
            f"{base or 'the file'}: not a file that can be imported (CSV, Excel .xlsx, JSON, JSON Lines, "
            "Parquet, or a .zip/.gz of one)"
        )
    return cleaned


def _copy(chunks: Any, out: Path, limit: int, label: str) -> int:
    size = 0
    with open(out, "wb") as f:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                f.close()
                out.unlink(missing_ok=True)
                raise ImportRefused(f"{label}: larger than the limit of {limit // 2**20} MB", 413)
            f.write(chunk)
    return size


def save_upload(file: Any, user: Any, mapping_file: Any = None) -> Upload:
    """Keep an uploaded file (a Django ``UploadedFile``) in the workspace; size-limited."""
    name = safe_name(getattr(file, "name", ""))
    limit = max_bytes()
    if getattr(file, "size", 0) and file.size > limit:
        raise ImportRefused(f"{name}: larger than the limit of {limit // 2**20} MB", 413)
    upload_id = secrets.token_hex(16)
    folder = uploads_dir() / upload_id
    folder.mkdir(parents=True)
    size = _copy(file.chunks(), folder / name, limit, name)
    if size == 0:
        (folder / name).unlink()
        folder.rmdir()
        raise ImportRefused(f"{name}: the file is empty")
    up = Upload(upload_id, folder, name, size, _username(user), _now())
    if mapping_file is not None:
        _copy(mapping_file.chunks(), folder / "mapping.toml", MAX_MAPPING_BYTES, "the mapping file")
    up.save()
    return up


def load_upload(upload_id: str) -> Upload:
    if not UPLOAD_ID.match(upload_id or ""):
        raise ImportRefused("no such upload", 404)
    folder = uploads_dir() / upload_id
    try:
        doc = json.loads((folder / "upload.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise ImportRefused("no such upload", 404) from None
    return Upload(folder=folder, **doc)


def _username(user: Any) -> str:
    return user.get_username() if getattr(user, "is_authenticated", False) else ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- mappings and imports ------------------------------------------------------------------------
def mapping_for(preset: str | None, mapping_text: str | None, timezone: str | None) -> Mapping:
    """The preset, or the uploaded mapping file, with the source time zone when one is given."""
    if mapping_text is not None:
        mapping = parse_mapping(mapping_text, "mapping.toml")
    else:
        if not preset:
            raise ImportRefused("choose a preset or upload a mapping file")
        mapping = load_preset(preset)
    return mapping.with_timezone(timezone or None)


def check_tables(mapping: Mapping, tables: list[str] | None) -> list[str] | None:
    for t in tables or []:
        if t not in TABLES:
            raise ImportRefused(f"unknown table {t!r}; tables: {', '.join(TABLES)}")
    if not tables and mapping.identity:
        raise ImportRefused(f"the {mapping.name} preset reads any table: choose the table")
    return tables or None


@dataclass
class Run:
    report: Any  # ImportReport
    prepared: Prepared
    mapping: Mapping


def run_import(
    paths: list[Path],
    preset: str | None,
    mapping_text: str | None,
    tables: list[str] | None,
    timezone: str | None,
    *,
    dry_run: bool,
    workdir: Path,
) -> Run:
    """Prepare (vendor exports) and import ``paths`` as one batch through ``import_files``."""
    mapping = mapping_for(preset, mapping_text, timezone)
    tables = check_tables(mapping, tables)
    prepared = prepare(preset if mapping_text is None else None, paths, workdir)
    chosen = tables or prepared.tables
    if tables and prepared.tables:  # a vendor export fills the tables it has, of those asked for
        chosen = [t for t in tables if t in prepared.tables] or tables
    report = import_files(
        event_store(), prepared.paths, mapping, reports_dir(), chosen,
        dry_run=dry_run, workspace_timezone=workspace_timezone(),
    )  # fmt: skip
    return Run(report, prepared, mapping)


def workspace_timezone() -> str | None:
    """The workspace's time zone (``[organisation] timezone``): how times without an offset are read
    when neither the import nor the mapping names a zone; None for a folder without settings."""
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    try:
        return open_workspace(workspace()).timezone
    except (WorkspaceError, OSError, ValueError):
        return None


def _settings_of(upload: Upload, form: dict[str, Any]) -> dict[str, Any]:
    mapping_file = upload.folder / "mapping.toml"
    return {
        "preset": None if mapping_file.exists() else (form.get("preset") or None),
        "mapping": mapping_file.exists(),
        "tables": [t for t in form.get("tables") or [] if t],
        "timezone": (form.get("timezone") or "").strip() or None,
    }


def _mapping_text(upload: Upload) -> str | None:
    path = upload.folder / "mapping.toml"
    if not path.exists():
        return None
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused("mapping.toml: the mapping file is not UTF-8 text") from None


def preview(upload: Upload, form: dict[str, Any]) -> dict[str, Any]:
    """A dry run of the import with these settings, and what the file looks like; kept as
    ``preview.json`` (an error that stops the import is kept as the preview's ``error``)."""
    s = _settings_of(upload, form)
    upload.settings = s
    upload.save()
    out: dict[str, Any] = {"settings": s, "at": _now(), "file": upload.filename, "size": upload.size}
    try:
        out["source"] = describe_source(upload.path)
        out["suggestions"] = suggest(out["source"]["columns"])
        run = run_import(
            [upload.path], s["preset"], _mapping_text(upload), s["tables"], s["timezone"],
            dry_run=True, workdir=upload.folder / "prepared",
        )  # fmt: skip
        prepared = run.prepared.paths[0]
        if prepared != upload.path:
            out["prepared"] = describe_source(prepared)
        out["mapped"] = mapped_columns(run.mapping, (out.get("prepared") or out["source"])["columns"])
        out["report"] = report_json(run.report)
        out["notes"] = run.prepared.notes
    except (IngestError, ImportRefused) as e:
        out["error"] = str(e)  # English; the page says error_detail in the reader's language
        if isinstance(e, IngestError):
            out["error_detail"] = e.to_json()
    (upload.folder / "preview.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return out


def stored_preview(upload: Upload) -> dict[str, Any] | None:
    try:
        return json.loads((upload.folder / "preview.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def commit(upload: Upload, user: Any) -> Any:
    """Import the upload with the settings of its last preview; the import's report."""
    s = upload.settings
    if not s:
        raise ImportRefused("preview the file before importing it", 409)
    run = run_import(
        [upload.path], s.get("preset"), _mapping_text(upload), s.get("tables"), s.get("timezone"),
        dry_run=False, workdir=upload.folder / "prepared",
    )  # fmt: skip
    _remember(run.report, _username(user), upload.filename, run.prepared.notes)
    upload.batches.append(run.report.batch_id)
    upload.save()
    return run.report


def _remember(report: Any, by: str, filename: str, notes: list[str]) -> None:
    """Who imported a batch, and from which upload: beside its report (``web.json``)."""
    if report.report_dir is not None:
        doc = {"by": by, "file": filename, "notes": notes}
        (Path(report.report_dir) / "web.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")


def report_json(report: Any) -> dict[str, Any]:
    doc = report.to_json()
    doc["problems_total"] = len(doc["problems"])
    doc["problems"] = doc["problems"][:PREVIEW_PROBLEMS]
    doc["refused_rows"] = report.refused_rows
    return doc


def describe_source(path: Path) -> dict[str, Any]:
    """Format, encoding, delimiter, columns and the first rows of a file."""
    src = open_source(path)
    rows: list[list[Any]] = []
    for chunk in src.chunks():
        data = chunk.data.slice(0, PREVIEW_ROWS - len(rows))
        cols = [c for c in src.columns[:PREVIEW_COLUMNS] if c in data.column_names]
        values = {c: data.column(c).to_pylist() for c in cols}
        rows += [[values[c][i] for c in cols] for i in range(data.num_rows)]
        if len(rows) >= PREVIEW_ROWS:
            break
    return {
        "format": src.format,
        "encoding": src.encoding,
        "delimiter": src.delimiter,
        "columns": list(src.columns),
        "shown_columns": list(src.columns[:PREVIEW_COLUMNS]),
        "rows": rows,
    }


def mapped_columns(mapping: Mapping, columns: list[str]) -> list[dict[str, Any]]:
    """Each source column with the canonical fields the mapping fills from it (empty: unused)."""
    targets: dict[str, list[str]] = {}
    for t, tm in mapping.tables.items():
        for fld, sources in tm.columns.items():
            for s in sources:
                targets.setdefault(s, []).append(f"{t}.{fld}")
    out = []
    for c in columns:
        found = targets.get(c, [])
        if not found and mapping.identity:
            found = [f"{t}.{c}" for t, spec in TABLES.items() if c in spec.columns][:3]
        out.append({"column": c, "fields": found})
    return out


def suggest(columns: list[str]) -> list[dict[str, Any]]:
    """The presets ranked by how many of the file's columns they know (by name, or by name in snake
    case for presets whose exports are prepared first), best first; presets knowing none left out."""
    have = set(columns)
    snaked = {snake(c) for c in columns}
    out = []
    for name in preset_names():
        m = load_preset(name)
        known: set[str] = set()
        if m.identity:
            known = {c for c in columns if any(c in spec.columns for spec in TABLES.values())}
        for tm in m.tables.values():
            for sources in tm.columns.values():
                known |= {s for s in sources if s in have or (name == "chatwoot" and s in snaked)}
        if m.event_log is not None:
            ev = m.event_log
            known |= {v for v in (ev.record, ev.time, ev.state, ev.opened, ev.assignee) if v in have}
        if known:
            out.append({"preset": name, "matched": len(known), "of": len(columns)})
    out.sort(key=lambda s: (-s["matched"], s["preset"]))
    return out


# -- batches -------------------------------------------------------------------------------------
def check_batch_id(batch_id: str) -> str:
    if not BATCH_ID.match(batch_id or ""):
        raise ImportRefused(f"no import batch {batch_id!r}", 404)
    return batch_id


def batch_list() -> list[dict[str, Any]]:
    """Every batch, newest first, with its counts and who imported it from the web."""
    out = []
    for doc in reversed(batches.manifests(event_store())):
        web = _web_json(doc["batch_id"])
        out.append(
            {
                "batch_id": doc["batch_id"],
                "state": doc.get("state"),
                "created_at": doc.get("created_at"),
                "mapping": doc.get("mapping"),
                "files": [Path(i["file"]).name for i in doc.get("inputs", [])],
                "tables": {t: v.get("rows", 0) for t, v in doc.get("tables", {}).items()},
                "by": web.get("by", ""),
                "uploaded_file": web.get("file", ""),
            }
        )
    return out


def _web_json(batch_id: str) -> dict[str, Any]:
    try:
        return json.loads((reports_dir() / batch_id / "web.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def batch_detail(batch_id: str) -> dict[str, Any]:
    """The manifest (if the batch was committed), the report, and whether a quarantine file exists."""
    check_batch_id(batch_id)
    folder = reports_dir() / batch_id
    try:
        report = json.loads((folder / "report.json").read_text("utf-8"))
    except (OSError, ValueError):
        report = None
    manifest_file = batches.manifest_path(event_store(), batch_id)
    manifest = json.loads(manifest_file.read_text("utf-8")) if manifest_file.exists() else None
    if report is None and manifest is None:
        raise ImportRefused(f"no import batch {batch_id!r}", 404)
    return {
        "batch_id": batch_id,
        "state": (manifest or {}).get("state") or (report or {}).get("state"),
        "manifest": manifest,
        "report": report,
        "quarantine": (folder / "quarantine.csv").exists(),
        "web": _web_json(batch_id),
    }


def quarantine_file(batch_id: str) -> Path:
    path = reports_dir() / check_batch_id(batch_id) / "quarantine.csv"
    if not path.exists():
        raise ImportRefused("this batch refused no rows: there is no quarantine file", 404)
    return path


def undo(batch_id: str) -> dict[str, Any]:
    """Undo a committed batch; ``ImportRefused`` 404 for an unknown one, 409 when refused."""
    check_batch_id(batch_id)
    store = event_store()
    if not batches.manifest_path(store, batch_id).exists():
        raise ImportRefused(f"no import batch {batch_id!r}", 404)
    try:
        with batches.locked(store):
            batches.recover(store)
            return batches.undo(store, batch_id)
    except IngestError as e:
        raise ImportRefused(str(e), 409) from None


# -- events (the webhook) ------------------------------------------------------------------------
def import_events(body: dict[str, Any], user: Any) -> Any:
    """One webhook delivery as one batch: ``{"table": T, "rows": [...]}`` (canonical columns, the
    ``generic`` preset) or ``{"preset": P, "events": [...]}`` / ``{"preset": P, "event": {...}}``
    (a vendor's records, read by that preset). The delivery is kept as a file in the workspace."""
    if not isinstance(body, dict):
        raise ImportRefused('send a JSON object: {"table": …, "rows": […]} or {"preset": …, "events": […]}')
    preset = body.get("preset")
    if preset is None:
        table, rows = body.get("table"), body.get("rows")
        if not isinstance(table, str) or table not in TABLES:
            raise ImportRefused(f"table: one of {', '.join(TABLES)}")
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
            raise ImportRefused("rows: a non-empty list of objects with the table's columns")
        unknown = sorted({k for r in rows for k in r} - set(TABLES[table].columns))
        if unknown:
            raise ImportRefused(f"rows: {unknown[0]!r} is not a column of {table}")
        doc: Any = {"rows": rows}
        preset, tables = "generic", [table]
    else:
        if not isinstance(preset, str) or preset not in preset_names():
            raise ImportRefused(f"preset: one of {', '.join(preset_names())}")
        events = body.get("events", [body["event"]] if "event" in body else None)
        if not isinstance(events, list) or not events or not all(isinstance(e, dict) for e in events):
            raise ImportRefused("events: a non-empty list of objects (or one object as event)")
        key = {"zendesk": "tickets"}.get(preset, "records")
        doc, tables = {key: events}, body.get("tables") or None
        if tables is not None and (
            not isinstance(tables, list) or not all(isinstance(t, str) for t in tables)
        ):
            raise ImportRefused("tables: a list of table names")
    tz = body.get("timezone")
    if tz is not None and not isinstance(tz, str):
        raise ImportRefused("timezone: a time zone name such as Asia/Shanghai")
    data = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")
    folder = reports_dir() / "webhooks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{preset}-{hashlib.sha256(data).hexdigest()[:16]}.json"
    if len(data) > max_bytes():
        raise ImportRefused(f"the delivery is larger than the limit of {max_bytes() // 2**20} MB", 413)
    masks = mapping_for(preset, None, None).masks_personal_data()
    if masks:
        # The import reads the delivery as sent (same bytes, same SHA-256: a repeated delivery is
        # recognised); the copy kept afterwards, and nothing prepared from it, holds personal data.
        path.write_bytes(data)
        workdir = Path(tempfile.mkdtemp(prefix=".prepared-", dir=folder))
    elif not path.exists():
        path.write_bytes(data)
    try:
        run = run_import(
            [path], preset, None, tables, tz, dry_run=False, workdir=workdir if masks else folder / "prepared"
        )
    finally:
        if masks:
            shutil.rmtree(workdir, ignore_errors=True)
            _write_atomic(
                path, json.dumps(masked_json(doc), ensure_ascii=False, sort_keys=True).encode("utf-8")
            )
    _remember(run.report, _username(user), "webhook", run.prepared.notes)
    return run.report


def masked_json(value: Any) -> Any:
    """``value`` (parsed JSON) with every text's phone numbers, ID-card numbers, bank cards and
    e-mail addresses replaced by ``[PHONE]``, ``[ID]``, ``[CARD]``, ``[EMAIL]``; keys kept."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [masked_json(v) for v in value]
    if isinstance(value, dict):
        return {k: masked_json(v) for k, v in value.items()}
    return value


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
