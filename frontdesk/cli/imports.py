"""``frontdesk import`` and ``frontdesk imports``: files into the event store, batches listed and
undone (docs/importing.md). Registered on the ``frontdesk`` group by :func:`register`; the work is
in ``frontdesk.ingest``. Exit status 2 with one line naming file, row and column on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import click

from frontdesk.cli.common import BadInput, Command, Group, open_ws, progress, workspace_option
from frontdesk.store.tables import TABLES


def register(main: click.Group) -> None:
    """Add ``import`` and ``imports`` to the ``frontdesk`` command group."""
    main.add_command(_import_command())
    main.add_command(_imports_command())
    main.add_command(_preset_group())


def _preset_group() -> click.Group:
    from frontdesk.ingest import IngestError, preset_names, preset_text

    @click.group("preset", cls=Group)
    def preset() -> None:
        """The built-in mappings (docs/importing.md, "Presets")."""

    @preset.command("list")
    def preset_list() -> None:
        """The names of the built-in presets."""
        for name in preset_names():
            click.echo(name)

    @preset.command("show")
    @click.argument("name")
    def preset_show(name: str) -> None:
        """Print preset NAME as TOML: save it, change it, and import with --mapping FILE."""
        try:
            click.echo(preset_text(name), nl=False)
        except IngestError as e:
            raise BadInput(str(e)) from None

    return preset


def _import_command() -> click.Command:
    @click.command("import", cls=Command)
    @workspace_option
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--table", "tables", multiple=True, type=click.Choice(list(TABLES)),
        help="Canonical table to fill (repeatable; default: every table the mapping maps).",
    )  # fmt: skip
    @click.option(
        "--preset",
        default=None,
        help="A built-in mapping: generic, zh-excel, servicenow, zendesk, freshdesk, chatwoot.",
    )
    @click.option("--mapping", "mapping_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
                  help="A mapping file (TOML).")  # fmt: skip
    @click.option(
        "--source-tz", default=None,
        help="Time zone of times without an offset (e.g. Asia/Shanghai); default: the mapping's "
        "timezone, else the workspace's.",
    )  # fmt: skip
    @click.option("--dry-run", is_flag=True, help="Check and report; write nothing to the event store.")
    @click.option("--strict", is_flag=True, help="Import nothing if any row is refused (exit 2).")
    @click.option("--undo", "undo_batch", default=None, metavar="BATCH", help="Undo an import batch.")
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    def import_(
        workspace: Path | None,
        files: tuple[Path, ...],
        tables: tuple[str, ...],
        preset: str | None,
        mapping_file: Path | None,
        source_tz: str | None,
        dry_run: bool,
        strict: bool,
        undo_batch: str | None,
        as_json: bool,
    ) -> None:
        """Import FILE… (CSV, Excel .xlsx, JSON, JSON Lines, Parquet; .zip/.gz of one) into the
        event store as one batch, or undo a batch with --undo BATCH."""
        from frontdesk.ingest import IngestError, batches, import_files, load_mapping, load_preset

        ws = open_ws(workspace)
        store = ws.store()
        try:
            if undo_batch:
                if files:
                    raise BadInput("--undo takes no files")
                with batches.locked(store):
                    batches.recover(store)
                    doc = batches.undo(store, undo_batch)
                rows = sum(t["rows"] for t in doc["tables"].values())
                click.echo(f"undone {undo_batch}: {rows:,} rows removed; what it replaced is back")
                return
            if not files:
                raise BadInput("name the files to import (or --undo BATCH)")
            if (preset is None) == (mapping_file is None):
                raise BadInput("give exactly one of --preset P or --mapping FILE.toml")
            mapping = load_preset(preset) if preset else load_mapping(mapping_file)
            mapping = mapping.with_timezone(source_tz)
            # Vendor exports that span several files (Zendesk) or write durations as words
            # (Chatwoot) are first turned into one file the mapping reads: the same step the web
            # upload and the API take (frontdesk.ingest.vendors).
            from frontdesk.ingest.vendors import prepare

            prepared = prepare(preset, list(files), ws.root / "imports" / "prepared")
            chosen = list(tables) or prepared.tables
            if tables and prepared.tables:
                chosen = [t for t in tables if t in prepared.tables] or list(tables)
            bar, update = progress("importing")
            with bar:
                report = import_files(
                    store, prepared.paths, mapping, ws.root / "imports", chosen or None,
                    dry_run=dry_run, strict=strict, progress=update, workspace_timezone=ws.timezone,
                )  # fmt: skip
        except IngestError as e:
            raise BadInput(str(e)) from None
        if as_json:
            click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
            return
        verb = {
            "committed": f"imported batch {report.batch_id}",
            "dry-run": "dry run (nothing written)",
            "nothing-new": "nothing new: every accepted row is already in the store",
            "already-imported": f"already imported as batch {report.duplicate_of}; nothing written",
        }[report.state]
        click.echo(verb)
        click.echo(report.timezone_line())
        for line in report.summary():
            click.echo(line)
        refused = [p for p in report.problems if p.action == "refused"]
        for p in refused[:5]:
            click.echo(f"  refused: {p.line()}")
        if len(refused) > 5:
            click.echo(f"  … {len(refused) - 5:,} more")
        click.echo(f"report: {report.report_dir}")

    return import_


def _imports_command() -> click.Command:
    @click.command("imports", cls=Command)
    @workspace_option
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
    def imports(workspace: Path | None, fmt: str) -> None:
        """List import batches, oldest first."""
        from frontdesk.ingest import manifests

        docs = manifests(open_ws(workspace).store())
        if fmt == "json":
            click.echo(json.dumps(docs, ensure_ascii=False, indent=1))
            return
        if not docs:
            click.echo("no import batches yet")
        for d in docs:
            rows = ", ".join(f"{t} {v['rows']:,}" for t, v in d.get("tables", {}).items()) or "—"
            files = ", ".join(Path(i["file"]).name for i in d.get("inputs", []))
            click.echo(
                f"{d['batch_id']}  {d.get('state', '?'):<9}  {d.get('created_at', '')}  {files}  ({rows})"
            )

    return imports
