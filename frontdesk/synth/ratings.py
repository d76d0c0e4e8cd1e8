"""``ratings_360``: one 360° campaign per quarter the data touches (``C2026Q3``).

Customers (several), the supervisor (one), peers from the same team (three or four), the agent
(self) and one or two partner departments rate competencies on a 1–5 scale. Every relation sees
skill, through its own noise and leniency: supervisors most sharply, self-ratings hardly at all
and generously, and each rater has a personal bias.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import US, instants
from frontdesk.synth.organisation import Organisation
from frontdesk.synth.schedule import local_midnight_us

COMPETENCIES = (
    "communication",
    "professionalism",
    "teamwork",
    "problem_solving",
    "service_attitude",
    "learning",
)
# relation → (competencies rated, (min, max) raters, skill sensitivity, leniency, noise)
RELATIONS = {
    "customer": (
        ("communication", "professionalism", "problem_solving", "service_attitude"),
        (4, 6),
        0.40,
        0.2,
        0.8,
    ),
    "supervisor": (COMPETENCIES, (1, 1), 0.55, 0.0, 0.5),
    "peer": (("communication", "teamwork", "professionalism"), (3, 4), 0.30, 0.1, 0.6),
    "self": (COMPETENCIES, (1, 1), 0.15, 0.5, 0.5),
    "partner_dept": (("communication", "teamwork"), (1, 2), 0.30, -0.1, 0.7),
}
PARTNER_DEPARTMENTS = ("billing", "technical_support", "logistics", "risk_control", "sales", "after_sales")
WINDOW_DAYS = 10  # ratings come in over the last days of the quarter's covered part


def campaign_id(d: date) -> str:
    """The 360 campaign of the quarter holding ``d``, e.g. ``C2026Q3``."""
    return f"C{d.year}Q{(d.month - 1) // 3 + 1}"


def ratings_table(rng: np.random.Generator, org: Organisation, campaign: str, last_day: date) -> pa.Table:
    """All ratings of ``campaign``, submitted in the ``WINDOW_DAYS`` up to ``last_day``."""
    cols: dict[str, list] = {
        k: [] for k in ("subject_agent_id", "rater_id", "relation", "competency", "score")
    }
    at: list[int] = []
    window_start = local_midnight_us(last_day) - (WINDOW_DAYS - 1) * 86_400 * US
    team_members = [np.flatnonzero(org.agent_team == t) for t in range(len(org.team_ids))]
    for agent in range(org.agents):
        agent_id = org.agent_ids[agent]
        team = int(org.agent_team[agent])
        peers = team_members[team][team_members[team] != agent]
        for relation, (competencies, (lo, hi), sensitivity, leniency, noise) in RELATIONS.items():
            count = int(rng.integers(lo, hi + 1))
            if relation == "customer":
                width = max(7, len(str(org.customers)))
                raters = [
                    f"C{int(x) + 1:0{width}d}" for x in rng.choice(org.customers, size=count, replace=False)
                ]
            elif relation == "supervisor":
                raters = [f"L{org.team_ids[team]}"]  # the team lead, a web user rather than an agent
            elif relation == "peer":
                chosen = rng.choice(peers, size=min(count, len(peers)), replace=False) if len(peers) else []
                raters = [org.agent_ids[p] for p in chosen]
            elif relation == "self":
                raters = [agent_id]
            else:
                raters = [f"D-{d}" for d in rng.choice(PARTNER_DEPARTMENTS, size=count, replace=False)]
            for rater in raters:
                bias = rng.normal(leniency, 0.3)  # a rater's own severity or leniency
                when = (
                    window_start
                    + int(rng.uniform(9, 20) * 3600 * US)
                    + int(rng.integers(0, WINDOW_DAYS)) * 86_400 * US
                )
                for competency in competencies:
                    latent = 3.6 + sensitivity * org.skill[agent] + bias + rng.normal(0.0, noise)
                    cols["subject_agent_id"].append(agent_id)
                    cols["rater_id"].append(rater)
                    cols["relation"].append(relation)
                    cols["competency"].append(competency)
                    cols["score"].append(float(np.clip(np.round(latent), 1, 5)))
                    at.append(when)
    n = len(at)
    return pa.table(
        {
            "campaign_id": [campaign] * n,
            **cols,
            "scale_max": [5.0] * n,
            "submitted_at": instants(np.array(at, dtype=np.int64)),
        }
    )
