"""Reading sources into canonical tables (docs/importing.md): readers, mappings, validation,
quarantine, atomic batches with undo. Pure Python; no Django."""

from frontdesk.ingest.batches import manifests, recover, undo
from frontdesk.ingest.errors import IngestError, Problem
from frontdesk.ingest.importer import ImportReport, import_files
from frontdesk.ingest.mapping import (
    Mapping,
    load_mapping,
    load_preset,
    parse_mapping,
    preset_names,
    preset_text,
)

__all__ = [
    "ImportReport",
    "IngestError",
    "Mapping",
    "Problem",
    "import_files",
    "load_mapping",
    "load_preset",
    "manifests",
    "parse_mapping",
    "preset_names",
    "preset_text",
    "recover",
    "undo",
]
