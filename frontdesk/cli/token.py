"""``frontdesk token create``: an API token for one user, printed once (DESIGN.md, "Workspace and
CLI contract"). Registered on the ``frontdesk`` group by :func:`register`; the tokens themselves
are the web application's (``create_token_for`` of the database bridge). Exit status 2 with one line on bad input.
"""

from __future__ import annotations

from pathlib import Path

import click

from frontdesk.cli.common import BadInput, Group, open_ws, workspace_option
from frontdesk.usecases.database import open_database


def register(main: click.Group) -> None:
    """Add ``frontdesk token`` to the ``frontdesk`` command group."""
    main.add_command(_token_group())


def _token_group() -> click.Group:
    @click.group("token", cls=Group)
    def token() -> None:
        """API tokens (``Authorization: Bearer …`` on ``/api/``)."""

    @token.command("create")
    @workspace_option
    @click.option("--user", "username", required=True, help="The login the token acts as.")
    @click.option("--name", default="", help="A note to recognise the token by (e.g. the tool using it).")
    def create(workspace: Path | None, username: str, name: str) -> None:
        """Create an API token for USER and print it; it is shown only this once."""
        db = open_database(open_ws(workspace))
        try:
            raw = db.create_token_for(username, name)
        except LookupError as e:
            raise BadInput(str(e.args[0])) from None
        click.echo(raw)

    return token
