"""The hidden truth behind a synthetic organisation: each agent's skill and tenure.

Written next to the event store (``<root>/_synth/agents_truth.parquet``) so tests and benchmarks can
check, long after generation, whether an appraisal scheme ranks agents the way they really are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from frontdesk.store.eventstore import EventStore
from frontdesk.synth.organisation import Organisation
from frontdesk.synth.schedule import SHIFTS


@dataclass(frozen=True)
class AgentTruth:
    """What the generator knows about one agent and the data never states directly."""

    agent_id: str
    team_id: str
    skill: float  # standard normal; higher is better on every quality outcome
    tenure_days: int  # days since hire on the first day of data
    hire_date: date
    speed: float  # personal pace on top of skill (efficiency = 0.55·skill + speed − new-hire ramp)
    shift: str  # early | day | late
    surveys_connected: bool  # False: the agent's contacts are never surveyed


_SCHEMA = pa.schema(
    [
        ("agent_id", pa.string()),
        ("team_id", pa.string()),
        ("skill", pa.float64()),
        ("tenure_days", pa.int64()),
        ("hire_date", pa.date32()),
        ("speed", pa.float64()),
        ("shift", pa.string()),
        ("surveys_connected", pa.bool_()),
    ]
)


def truth_path(store: EventStore) -> Path:
    """Where the truth of the organisation generated into ``store`` lives."""
    return store.root / "_synth" / "agents_truth.parquet"


def organisation_truth(org: Organisation) -> dict[str, AgentTruth]:
    """The truth of every agent of ``org``, by agent_id."""
    tenure = org.tenure_days(org.start)
    return {
        agent_id: AgentTruth(
            agent_id=agent_id,
            team_id=org.team_ids[org.agent_team[i]],
            skill=float(org.skill[i]),
            tenure_days=int(tenure[i]),
            hire_date=org.hire_date[i].astype(date),
            speed=float(org.speed[i]),
            shift=SHIFTS[org.shift[i]].name,
            surveys_connected=bool(org.surveys_connected[i]),
        )
        for i, agent_id in enumerate(org.agent_ids)
    }


def write_truth(store: EventStore, truth: dict[str, AgentTruth]) -> Path:
    """Write ``truth`` to :func:`truth_path` (temp file and rename, like the event store)."""
    path = truth_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = list(truth.values())
    data = pa.table({name: [getattr(r, name) for r in rows] for name in _SCHEMA.names}, schema=_SCHEMA)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(data, tmp)
    tmp.replace(path)
    return path


def read_truth(store: EventStore) -> dict[str, AgentTruth]:
    """The hidden truth of the organisation generated into ``store``, by agent_id.

    Raises ``FileNotFoundError`` naming the file when ``store`` holds no generated organisation.
    """
    path = truth_path(store)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no synthetic organisation was generated into this store")
    rows = pq.read_table(path).to_pylist()
    return {r["agent_id"]: AgentTruth(**{k: r[k] for k in _SCHEMA.names}) for r in rows}
