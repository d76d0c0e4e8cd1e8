"""Imports from the web: upload a file, preview what the import would do, commit it as a batch,
list batches with their reports and quarantine files, undo a batch (docs/importing.md, "Web upload").
The import itself is ``frontdesk.ingest.import_files``, the call ``frontdesk import`` makes."""
