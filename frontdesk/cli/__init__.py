"""The ``frontdesk`` command line (DESIGN.md, "Workspace and CLI contract"): a thin shell over the
use cases (``frontdesk.usecases``), one module per command group.

Exit status: 0 on success, 2 on bad input with a one-line reason, 1 on an unexpected failure.
Shared options, errors and output are in ``frontdesk.cli.common``.
"""

from __future__ import annotations

import click

from frontdesk.cli import (
    bench,
    compute,
    evaluate,
    imports,
    quality,
    report,
    results,
    review,
    roster,
    scheme,
    text,
    token,
)
from frontdesk.cli import workspace as workspace_commands
from frontdesk.cli.common import BadInput, Group

__all__ = ["BadInput", "main"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frontdesk")
def main() -> None:
    """Frontdesk: performance appraisal for customer-facing staff."""


for command in (
    workspace_commands.init,
    workspace_commands.generate,
    workspace_commands.demo,
    workspace_commands.serve,
    compute.compute,
    compute.scorecards,
    compute.indicators,
    compute.values,
    scheme.scheme,
    bench.bench,
):
    main.add_command(command)

for module in (review, evaluate, results, token, imports, quality, report, text, roster):
    module.register(main)
