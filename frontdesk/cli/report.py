"""``frontdesk report --period P --format xlsx|pdf`` (MISSION T3; docs/reports.md).

Registered on the ``frontdesk`` group by :func:`register`. The scorecards come from the
workspace's database as ``frontdesk scorecards`` reads them; the workbook is built by
``frontdesk.report.xlsx``. Exit status 2 with one line on bad input.
"""

from __future__ import annotations

from pathlib import Path

import click

from frontdesk.cli.common import BadInput, Command, period_option, stored_scorecards, workspace_option


def register(main: click.Group) -> None:
    """Add ``report`` to the ``frontdesk`` command group."""
    main.add_command(report)


@click.command(cls=Command)
@workspace_option
@period_option()
@click.option("--cycle", type=click.Choice(["monthly", "quarterly", "annual"]), default=None)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf"]), default="xlsx", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--output", type=click.Path(path_type=Path), default=None,
    help="File to write (default: reports/<period>-<cycle>.xlsx in the workspace).",
)  # fmt: skip
def report(
    workspace: Path | None, period_text: str, cycle: str | None, fmt: str, lang: str, output: Path | None
) -> None:
    """Write a period's appraisal report: summary, scorecards, indicators and data quality."""
    from frontdesk.indicators.catalog import builtin_catalog
    from frontdesk.report.xlsx import ReportInput, build_workbook, write_workbook
    from frontdesk.scoring.scheme import SchemeError

    if fmt == "pdf":
        raise BadInput("--format pdf: PDF reports are not available yet; use --format xlsx")
    ws, store, period, cards = stored_scorecards(workspace, period_text, cycle)
    try:
        scheme = ws.scheme()
    except SchemeError:
        scheme = None  # weights and dimension names are left out; everything else is on the cards
    kind = cards[0].cycle
    data = ReportInput(
        period=period.label,
        cycle=kind,
        scorecards=cards,
        catalog=builtin_catalog(),
        scheme=scheme,
        state=store.cycle_state(period.label, kind),
    )
    path = output if output is not None else ws.reports / f"{period.label}-{kind}.xlsx"
    path = path.expanduser().resolve()
    if path.is_dir():
        raise BadInput(f"--output {path}: is a folder; name the .xlsx file to write")
    wb = build_workbook(data, lang)
    try:
        write_workbook(wb, path)
    except OSError as e:
        where = f": {e.filename}" if e.filename else ""
        raise BadInput(f"--output {path}: cannot write the report ({e.strerror or e}{where})") from None
    click.echo(f"wrote {path} ({len(cards)} scorecards, {period.label} {kind}, {lang})")
