"""Options shared by the ``frontdesk`` commands, in a module of their own so that every command
module can import them at the top (``frontdesk.cli`` imports the command modules to register them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

workspace_option = click.option(
    "--workspace",
    "workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $FRONTDESK_WORKSPACE, else the current folder).",
)

PERIOD_HELP = "YYYY-MM, YYYY-Qn, YYYY or 'latest'."


def period_option(help: str = PERIOD_HELP, *, required: bool = False) -> Callable[[Callable], Callable]:
    """The ``--period`` option of every command that works on one period (into ``period_text``):
    optional with default ``latest`` unless ``required``."""
    if required:
        return click.option("--period", "period_text", required=True, help=help)
    return click.option("--period", "period_text", default="latest", show_default=True, help=help)
