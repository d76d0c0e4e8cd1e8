"""The ``interaction_events`` implied by each contact: the state changes, not every reply.

created → assigned → first_reply → [transferred] → resolved → ([reopened → reply → resolved] ×
reopens) → closed; an abandoned contact is only created and closed. Times, agent and order agree with the
contact's row, so response times and stage durations can be rebuilt exactly from the events.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import instants, labels, numbered
from frontdesk.synth.contacts import Contacts
from frontdesk.synth.organisation import Organisation

KINDS = ("created", "assigned", "first_reply", "transferred", "resolved", "reopened", "reply", "closed")
# The stage a contact enters with each event, so a stage's duration runs to the next event.
STAGES = ("queue", "handling", "handling", "transfer", "resolved", "handling", "handling", "closed")
_CREATED, _ASSIGNED, _FIRST_REPLY, _TRANSFERRED, _RESOLVED, _REOPENED, _REPLY, _CLOSED = range(len(KINDS))


def events_table(c: Contacts, org: Organisation, first_event: int, id_width: int) -> pa.Table:
    """Events of the contacts ``c``, numbered from ``first_event`` (``E`` + digits)."""
    handled = ~c.abandoned
    # The agent answers a reopened contact a fifth of the way to its next resolution: derived from
    # times already drawn, so adding these events changes no other value of the same seed.
    replies = c.reopens + (c.resolutions[:, 1:] - c.reopens) // 5
    # (kind, rows, instants, whether the agent is named), in their order within a contact.
    parts = [
        (_CREATED, np.ones(len(c), dtype=bool), c.created, False),
        (_ASSIGNED, handled, c.assigned, True),
        (_FIRST_REPLY, handled, c.first_response, True),
        (_TRANSFERRED, c.transferred, c.transfer_at, True),
        (_RESOLVED, handled, c.resolutions[:, 0], True),
        (_REOPENED, c.reopened >= 1, c.reopens[:, 0], True),
        (_REPLY, c.reopened >= 1, replies[:, 0], True),
        (_RESOLVED, c.reopened >= 1, c.resolutions[:, 1], True),
        (_REOPENED, c.reopened >= 2, c.reopens[:, 1], True),
        (_REPLY, c.reopened >= 2, replies[:, 1], True),
        (_RESOLVED, c.reopened >= 2, c.resolutions[:, 2], True),
        (_CLOSED, np.ones(len(c), dtype=bool), c.closed, True),
    ]
    rows, kinds, at, named, step = [], [], [], [], []
    for position, (kind, mask, times, with_agent) in enumerate(parts):
        idx = np.flatnonzero(mask)
        rows.append(idx)
        kinds.append(np.full(len(idx), kind, dtype=np.int8))
        at.append(times[idx])
        named.append(np.full(len(idx), with_agent) & handled[idx])
        step.append(np.full(len(idx), position, dtype=np.int8))
    row = np.concatenate(rows)
    order = np.lexsort((np.concatenate(step), row))  # by contact, then by step
    row = row[order]
    kind = np.concatenate(kinds)[order]
    no_agent = ~np.concatenate(named)[order]
    return pa.table(
        {
            "event_id": numbered("E", first_event + np.arange(len(row), dtype=np.int64), id_width),
            "interaction_id": numbered("I", c.number[row], id_width - 1),
            "kind": labels(KINDS, kind),
            "at": instants(np.concatenate(at)[order]),
            "agent_id": labels(org.agent_ids, c.agent[row], mask=no_agent),
            "stage": labels(STAGES, kind),
            "actor": labels(("agent",), np.zeros(len(row), dtype=np.int8), mask=no_agent),
        }
    )
