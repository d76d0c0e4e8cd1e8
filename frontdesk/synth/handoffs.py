"""``handoffs``: the information passed with a transfer to another department.

Most transfers hand the customer to a back-office department with a written case note; how fast
that note arrives and whether it was right is the collaboration indicator I-C3 / I-C1.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import US, instants, labels, numbered, values
from frontdesk.synth.contacts import Contacts
from frontdesk.synth.organisation import Organisation
from frontdesk.synth.schedule import Day

DEPARTMENTS = ("billing", "technical_support", "logistics", "risk_control", "sales", "after_sales")
HANDOFF_SHARE = 0.6  # of transfers; the rest go to a colleague in the same team
NEVER_DELIVERED = 0.03


def handoffs_table(
    rng: np.random.Generator, c: Contacts, org: Organisation, day: Day, id_width: int
) -> pa.Table:
    """Handoffs of the transfers among ``c``; ``handoff_id`` is ``H`` + the interaction number."""
    n = len(c)
    picked = c.transferred & (rng.random(n) < HANDOFF_SHARE)
    dept = rng.integers(0, len(DEPARTMENTS), n)
    eff = day.efficiency[c.agent]
    delay = np.exp(np.log(240.0) - 0.3 * eff + 0.9 * rng.standard_normal(n))
    lost = rng.random(n) < NEVER_DELIVERED
    slip = rng.random(n) < 0.05  # a correct transfer can still carry a wrong or partial note
    idx = np.flatnonzero(picked)
    requested = c.transfer_at[idx]
    return pa.table(
        {
            "handoff_id": numbered("H", c.number[idx], id_width),
            "interaction_id": numbered("I", c.number[idx], id_width),
            "from_agent_id": labels(org.agent_ids, c.agent[idx]),
            "to_dept": labels(DEPARTMENTS, dept[idx]),
            "requested_at": instants(requested),
            "delivered_at": instants(requested + np.round(delay[idx] * US).astype(np.int64), mask=lost[idx]),
            "accurate": values(c.transfer_correct[idx] & ~slip[idx]),
        }
    )
