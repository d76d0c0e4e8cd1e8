"""``frontdesk roster infer``: the roster (``agents``, ``teams``) from the imported records, for an
organisation that imported its contacts but no roster (issue 14). Registered on the ``frontdesk``
group by :func:`register`; the work is in ``frontdesk.usecases.roster``. Exit status 2 with one
line on bad input.
"""

from __future__ import annotations

from pathlib import Path

import click

from frontdesk.cli.common import Group, open_ws, workspace_option
from frontdesk.usecases.roster import DEFAULT_TEAM, infer_roster

SHOWN = 10  # ids listed per line; the counts cover them all


def register(main: click.Group) -> None:
    """Add ``frontdesk roster`` to the ``frontdesk`` command group."""
    main.add_command(_roster_group())


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _ids(ids: list[str]) -> str:
    return ", ".join(ids[:SHOWN]) + (" …" if len(ids) > SHOWN else "")


def _roster_group() -> click.Group:
    @click.group("roster", cls=Group)
    def roster() -> None:
        """The roster of agents and teams that scorecards are computed for."""

    @roster.command("infer")
    @workspace_option
    @click.option(
        "--team", "team", default=None, metavar="T",
        help=f"Put every new agent in team T (default {DEFAULT_TEAM}, 'Default team' / '默认团队').",
    )  # fmt: skip
    @click.option(
        "--team-column", "team_column", default=None, metavar="COL",
        help="Take each new agent's team from this column of its contacts (interactions), e.g. team_id.",
    )  # fmt: skip
    @click.option("--dry-run", is_flag=True, help="Say what would be added; write nothing.")
    def infer(workspace: Path | None, team: str | None, team_column: str | None, dry_run: bool) -> None:
        """Add to the roster every agent the imported records name but the agents table lacks
        (name = id, active, no hire date), and the teams they are in, as one import batch
        (undo it with 'frontdesk import --undo BATCH')."""
        result = infer_roster(open_ws(workspace), team=team, team_column=team_column, dry_run=dry_run)
        would = "would add" if result.state == "dry-run" else "added"
        if result.state == "nothing-new":
            click.echo(
                f"nothing to add: the {result.known_agents:,} agents the records name are all in the roster"
            )
            return
        head = {
            "committed": f"roster batch {result.batch_id}",
            "dry-run": "dry run (nothing written)",
        }[result.state]
        click.echo(head)
        agent_ids = [a["agent_id"] for a in result.agents]
        click.echo(
            f"{would} {_count(len(agent_ids), 'agent')}" + (f": {_ids(agent_ids)}" if agent_ids else "")
        )
        team_txt = [f"{t['team_id']} ({t['name']})" for t in result.teams]
        click.echo(f"{would} {_count(len(team_txt), 'team')}" + (f": {_ids(team_txt)}" if team_txt else ""))
        if result.known_agents:
            click.echo(f"{_count(result.known_agents, 'agent')} already in the roster")
        if result.without_team_value:
            click.echo(
                f"{len(result.without_team_value):,} agents have no {team_column} on their contacts; "
                f"put in team {team or DEFAULT_TEAM}: {_ids(result.without_team_value)}"
            )
        if result.batch_id:
            click.echo(f"undo with: frontdesk import --undo {result.batch_id}")

    return roster
