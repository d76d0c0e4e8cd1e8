"""What every ``frontdesk`` command shares: its options, its errors and its output.

Exit status: 0 on success, 2 on bad input with a one-line reason (:class:`BadInput`; an
``InputError`` of the use cases becomes one), 1 on an unexpected failure. Every command module
imports from here; ``frontdesk.cli`` imports the command modules to register them, never the
other way round.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from frontdesk.indicators.periods import Period
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.usecases import scorecards as stored
from frontdesk.usecases.database import ResultsDatabase
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.workspace import Workspace, WorkspaceError, open_workspace, resolve_root

workspace_option = click.option(
    "--workspace",
    "workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $FRONTDESK_WORKSPACE, else the current folder).",
)

PERIOD_HELP = "YYYY-MM, YYYY-Qn, YYYY, YYYY-MM-DD..YYYY-MM-DD (days included) or 'latest'."


def period_option(help: str = PERIOD_HELP, *, required: bool = False) -> Callable[[Callable], Callable]:
    """The ``--period`` option of every command that works on one period (into ``period_text``):
    optional with default ``latest`` unless ``required``."""
    if required:
        return click.option("--period", "period_text", required=True, help=help)
    return click.option("--period", "period_text", default="latest", show_default=True, help=help)


class BadInput(click.ClickException):
    """A user error: printed as one line, exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"frontdesk: error: {self.message}", err=True)


class Command(click.Command):
    """A command whose ``InputError`` (from the use cases) exits as :class:`BadInput`: one line,
    status 2. Every ``frontdesk`` command is one (``@click.command(cls=Command)``, or a
    :class:`Group`'s ``.command()``), whichever group it is registered on."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as e:
            raise BadInput(str(e)) from None


class Group(click.Group):
    """A command group whose commands are :class:`Command` (and subgroups :class:`Group`)."""

    command_class = Command
    group_class = type  # subgroups made with .group() are of this class too


def open_ws(workspace: Path | None) -> Workspace:
    """The workspace of ``--workspace`` (else ``FRONTDESK_WORKSPACE``, else the current folder)."""
    try:
        return open_workspace(resolve_root(workspace))
    except WorkspaceError as e:
        raise BadInput(str(e)) from None


def resolve_period(
    ws: Workspace, text: str, db: ResultsDatabase | None = None, cycle: str | None = None
) -> Period:
    """``--period`` as a period (``latest``: the newest computed, else the newest month with data)."""
    return stored.resolve_period(ws, text, db, cycle)


def stored_scorecards(
    workspace: Path | None, period_text: str, cycle: str | None
) -> tuple[Workspace, ResultsDatabase, Period, list[Scorecard]]:
    """The workspace, its database, the period and its stored scorecards (exit 2 when none)."""
    ws = open_ws(workspace)
    db, period, cards = stored.stored_scorecards(ws, period_text, cycle)
    return ws, db, period, cards


def progress(label: str) -> tuple[Any, Callable[[int, int], None]]:
    """A progress bar (shown only on a terminal) and the function that moves it."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
        transient=True, disable=not sys.stderr.isatty(),
        console=None,
    )  # fmt: skip
    task = bar.add_task(label, total=1)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=max(total, 1))

    return bar, update
