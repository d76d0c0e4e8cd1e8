"""After an appeal changes a total: the agent's grade and every rank of the run follow it.

Rule (frontdesk/web/README.md, "Appeals"): a scorecard never contradicts itself. When a decision
changes a total, in the same transaction
- the agent's grade is the scheme's grade for the new total (threshold grading), still capped by a
  critical failure that capped it (``capped_by`` keeps the rule); under forced distribution, and
  when the run's scheme version can no longer be read, the grade is left as computed and the
  page says the grade is the computed one;
- the run's ranks (organisation, team, site) are recomputed from all its totals, competition
  ranking (1, 2, 2, 4) as the engine ranks, so the ranking lists totals in order.
Other agents' totals and grades never change; their rank may move by the one place the appealed
agent moved past them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from frontdesk.scoring.scheme import Scheme
from frontdesk.scoring.scores import rank
from frontdesk.web.appraisal.models import ScorecardRecord, ScorecardRun
from frontdesk.web.workspace import served_workspace

_CAP = re.compile(r"grade at most (?P<grade>\S+)$")


def _scheme_of(version_id: str) -> Scheme | None:
    from frontdesk.usecases.calibration import scheme_of_version

    return scheme_of_version(served_workspace(), version_id)


def regrade(card: ScorecardRecord, scheme: Scheme | None) -> None:
    """``card``'s grade for its total under ``scheme`` (thresholds), kept under its cap."""
    if scheme is None or scheme.grading != "thresholds" or card.total is None:
        return
    grade = scheme.grade_for(card.total)
    cap = _CAP.search(str((card.explanation or {}).get("capped_by") or ""))
    if grade is not None and cap and scheme.grade_rank(grade) < scheme.grade_rank(cap.group("grade")):
        grade = cap.group("grade")
    card.grade = grade


def rerank(run_ids: Iterable[int], changed: Iterable[ScorecardRecord]) -> None:
    """Re-grade the ``changed`` scorecards and re-rank every scorecard of ``run_ids``."""
    changed_by_pk = {c.pk: c for c in changed}
    for run in ScorecardRun.objects.filter(pk__in=set(run_ids)):
        scheme = _scheme_of(run.scheme_version)
        cards = list(ScorecardRecord.objects.select_for_update().filter(run=run))
        cards = [changed_by_pk.get(c.pk, c) for c in cards]
        for c in cards:
            if c.pk in changed_by_pk:
                regrade(c, scheme)
        key = {c.pk: str(c.pk) for c in cards}
        org = rank([(key[c.pk], c.total) for c in cards])
        groups: dict[tuple[str, object], list[ScorecardRecord]] = defaultdict(list)
        for c in cards:
            c.rank_org = org.get(key[c.pk])
            groups[("team", c.team_id)].append(c)
            groups[("site", c.site_id)].append(c)
        for (kind, _), members in groups.items():
            ranks = rank([(key[c.pk], c.total) for c in members])
            for c in members:
                if kind == "team":
                    c.rank_team = ranks.get(key[c.pk])
                else:
                    c.explanation = {**(c.explanation or {}), "rank_site": ranks.get(key[c.pk])}
        ScorecardRecord.objects.bulk_update(cards, ["grade", "rank_team", "rank_org", "explanation"])
