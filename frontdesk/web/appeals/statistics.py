"""Appeal statistics per team: how often agents appeal, how appeals end, how fast they are decided."""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from frontdesk.web.appeals.models import Appeal, AppealStatus
from frontdesk.web.appraisal.models import ScorecardRecord, Team


@dataclass
class TeamAppeals:
    team: Team
    scorecards: int = 0
    appeals: int = 0
    outcomes: Counter = field(default_factory=Counter)
    hours_to_decide: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Appeals per scorecard (0–1); None without scorecards."""
        return self.appeals / self.scorecards if self.scorecards else None

    @property
    def median_hours(self) -> float | None:
        return stats.median(self.hours_to_decide) if self.hours_to_decide else None

    def count(self, status: str) -> int:
        return self.outcomes.get(status, 0)

    @property
    def accepted(self) -> int:
        return self.count(AppealStatus.ACCEPTED)

    @property
    def partly_accepted(self) -> int:
        return self.count(AppealStatus.PARTLY_ACCEPTED)

    @property
    def rejected(self) -> int:
        return self.count(AppealStatus.REJECTED)

    @property
    def lapsed(self) -> int:
        return self.count(AppealStatus.LAPSED)

    @property
    def open(self) -> int:
        return self.count(AppealStatus.OPEN)


def team_statistics(teams: QuerySet[Team], period: str) -> list[TeamAppeals]:
    """Per team (the team a scorecard was computed in), for the current run of ``period``'s cycles:
    scorecards, appeals, outcomes and the median time from filing to decision. Three queries."""
    rows = {t.pk: TeamAppeals(t) for t in teams}
    current = {"run__superseded": False, "run__cycle__period": period, "team__in": list(rows)}
    for team_id, n in (
        ScorecardRecord.objects.filter(**current)
        .values("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    ):
        rows[team_id].scorecards = n
    appeals = Appeal.objects.filter(
        **{f"indicator__scorecard__{k}": v for k, v in current.items()}
    ).values_list("indicator__scorecard__team_id", "status", "filed_at", "decided_at")
    hours: dict[str, list[float]] = defaultdict(list)
    for team_id, status, filed_at, decided_at in appeals:
        rows[team_id].appeals += 1
        rows[team_id].outcomes[status] += 1
        if decided_at is not None:
            hours[team_id].append((decided_at - filed_at).total_seconds() / 3600)
    for team_id, values in hours.items():
        rows[team_id].hours_to_decide = values
    return [r for r in rows.values() if r.scorecards or r.appeals]
