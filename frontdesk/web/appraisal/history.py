"""An agent's results across cycles, for the scorecard page: one query, whatever the number of
periods. Only the current runs of cycles whose state the reader may see (``permissions``)."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.appraisal.models import Agent, CycleKind, ScorecardRecord
from frontdesk.web.permissions import visible_runs

MAX_PERIODS = 120  # ten years of months; older results stay on their own period's page


@dataclass(frozen=True)
class HistoryRow:
    period: str
    kind: str
    state: str
    total: float | None
    grade: str | None
    rank_team: int | None
    rank_org: int | None

    @property
    def kind_label(self) -> str:
        return str(CycleKind(self.kind).label)

    @property
    def state_label(self) -> str:
        return str(CycleState(self.state).label)

    @property
    def bar(self) -> float:
        """The total as a bar width, 0–100 (a total above 100 with bonus points fills the bar)."""
        return max(0.0, min(100.0, self.total or 0.0))


def agent_history(user: object, agent: Agent) -> list[HistoryRow]:
    """``agent``'s total, grade and ranks in every period ``user`` may see, newest first."""
    rows = ScorecardRecord.objects.filter(agent=agent, run__in=visible_runs(user)).values_list(
        "run__cycle__period",
        "run__cycle__kind",
        "run__cycle__state",
        "total",
        "grade",
        "rank_team",
        "rank_org",
    )
    found = {(r[0], r[1]): HistoryRow(*r) for r in rows}
    order = {label: i for i, label in enumerate(store.newest_first(p for p, _ in found))}
    return sorted(found.values(), key=lambda r: (order[r.period], r.kind))[:MAX_PERIODS]
