"""Every catalogue indicator for every agent of a period, whether the scheme scores it or not
(``frontdesk values``; DESIGN.md's JSON contract ``{"period", "agents": [{"agent_id", "values":
{CODE: {"value", "n"}}}]}``): what a new organisation looks at before it sets targets."""

from __future__ import annotations

from typing import Any

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import Period
from frontdesk.scoring.scores import agents_in_period
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.workspace import Workspace, WorkspaceError


def period_values(ws: Workspace, period: Period) -> dict[str, Any]:
    """The values of every catalogue indicator for ``period``, per agent: the agents of the roster
    appraised in the period, and any other agent with records in it (an organisation without a
    roster yet still sees its data). Agents sorted by id; values in the catalogue's order."""
    catalog = builtin_catalog()
    try:
        engine = DuckDBEngine(ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    except WorkspaceError as e:
        raise InputError(str(e)) from None
    try:
        roster = {a.agent_id: a for a in agents_in_period(engine.agents(), period)}
        measures = engine.measures(catalog.values(), period, ws.timezone, agent_ids=list(roster) or None)
    finally:
        engine.close()
    agents = []
    for agent_id in sorted(set(roster) | set(measures)):
        known = roster.get(agent_id)
        row = measures.get(agent_id, {})
        agents.append(
            {
                "agent_id": agent_id,
                "name": known.name if known else None,
                "team_id": known.team_id if known else None,
                "in_roster": known is not None,
                "values": {
                    code: {"value": row[code].value, "n": row[code].n}
                    if code in row
                    else {"value": None, "n": 0}
                    for code in catalog
                },
            }
        )
    return {"period": period.label, "timezone": ws.timezone, "agents": agents}
