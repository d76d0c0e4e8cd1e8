"""Appeal counts per team for effect evaluation (MISSION X / Q3): the web layer's half of
:func:`frontdesk.analysis.effect.acceptance`, which takes plain counts because the engine may not
import Django.

The unit is the **scorecard** of the period's current run (the one people received): the appeal
rate is "scorecards with at least one appeal / scorecards", so it stays a share with a Wilson
interval even when an agent appeals several results of one scorecard. A scorecard counts as

- ``filed`` when at least one of its results was appealed;
- ``accepted`` when at least one of its appeals was accepted or partly accepted (upheld);
- ``rejected`` when none was upheld, at least one was rejected and none is still open.

Scorecards whose appeals are all open or lapsed are filed but not decided. Appeals carried over
to a recomputed run (``workflow.carry_over``) count on the current run; those left behind on a
superseded run do not. The team is the one the scorecard was computed in, as on
``/appeals/statistics/``. Two aggregate queries, whatever the number of teams and appeals.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from frontdesk.analysis.effect import AppealCounts
from frontdesk.indicators.periods import parse_period
from frontdesk.web.appeals.models import Appeal, AppealStatus
from frontdesk.web.appraisal.models import ScorecardRecord

NO_TEAM = "-"  # scorecards computed without a team ("" is the organisation's row in effect.acceptance)
UPHELD = (AppealStatus.ACCEPTED, AppealStatus.PARTLY_ACCEPTED)


def appeal_counts(period: str, cycle: str | None = None) -> list[AppealCounts]:
    """Per team, for the current run of ``period`` (a label such as ``2026-10``; of ``cycle`` —
    monthly, quarterly, annual — or every cycle of that label): scorecards, and scorecards with
    appeals filed / upheld / rejected. An empty list when nothing was computed for the period;
    teams without appeals carry zeros."""
    label = parse_period(period).label
    current: dict[str, object] = {"run__superseded": False, "run__cycle__period": label}
    if cycle is not None:
        current["run__cycle__kind"] = cycle
    teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for team_id, n in (
        ScorecardRecord.objects.filter(**current)
        .values("team_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("team_id", "n")
    ):
        teams[team_id or NO_TEAM][0] += n
    # One row per appealed scorecard (at most the period's scorecards), outcomes counted in the database.
    per_card = (
        Appeal.objects.filter(**{f"indicator__scorecard__{k}": v for k, v in current.items()})
        .values("indicator__scorecard_id", "indicator__scorecard__team_id")
        .annotate(
            upheld=Count("pk", filter=Q(status__in=UPHELD)),
            rejected=Count("pk", filter=Q(status=AppealStatus.REJECTED)),
            open=Count("pk", filter=Q(status=AppealStatus.OPEN)),
        )
        .order_by()
        .values_list("indicator__scorecard__team_id", "upheld", "rejected", "open")
    )
    for team_id, upheld, rejected, still_open in per_card:
        t = teams[team_id or NO_TEAM]
        t[1] += 1
        if upheld:
            t[2] += 1
        elif rejected and not still_open:
            t[3] += 1
    return [
        AppealCounts(team, label, cards, filed, accepted, rejected)
        for team, (cards, filed, accepted, rejected) in sorted(teams.items())
    ]
