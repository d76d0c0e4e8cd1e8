"""Filing, deciding and lapsing appeals; each step writes the audit log in the same transaction.

Rules:
- an agent files on one indicator result of their own scorecard, in the current run of a cycle in
  review, before the deadline (``window``); one appeal per indicator result;
- the lead of the agent's team, or HR / a director or an administrator, decides while the cycle is
  in review or published (published results may still be corrected until the cycle closes) and the
  run is still current: accept (the proposed value, or the decider's value when given), partly
  accept (the decider's value, required) or reject, always with a comment;
- an accepted or partly accepted appeal adjusts the indicator result and the scorecard total
  (``rescoring``) and records an ``Adjustment``;
- closing the cycle lapses its open appeals (``signals``); a closed cycle refuses everything.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from frontdesk.web.appeals.models import (
    DECISIONS,
    Adjustment,
    Appeal,
    AppealStatus,
    AuditAction,
    AuditEntry,
)
from frontdesk.web.appeals.reranking import rerank
from frontdesk.web.appeals.rescoring import RescoreError, StoredResult, rescore, total_of
from frontdesk.web.appeals.window import deadline_of
from frontdesk.web.appraisal.lifecycle import CycleClosed, CycleError, CycleState, closed_message
from frontdesk.web.appraisal.models import Cycle, IndicatorRecord, ScorecardRecord
from frontdesk.web.permissions import can_decide_appeal, can_file_appeal


class AppealError(CycleError):
    """A refused filing or decision; ``str()`` says why, in one line; ``code`` names the rule
    (for the pages' translated messages)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _cycle_of(indicator: IndicatorRecord) -> Cycle:
    return indicator.scorecard.run.cycle


def _refuse_closed(cycle: Cycle) -> None:
    if cycle.is_closed:
        raise CycleClosed(closed_message(cycle.period, cycle.kind))


def file_appeal(
    user: Any,
    indicator: IndicatorRecord,
    *,
    reason: str,
    proposed_value: float | None = None,
    evidence: str = "",
    now=None,
) -> Appeal:
    """File ``user``'s appeal against ``indicator``; ``PermissionDenied`` when it is not their own
    result in a cycle in review, ``AppealError`` after the deadline or for a second appeal."""
    now = now or timezone.now()
    with transaction.atomic():
        indicator = IndicatorRecord.objects.select_related("scorecard__run__cycle", "scorecard__agent").get(
            pk=indicator.pk
        )
        cycle = _cycle_of(indicator)
        _refuse_closed(cycle)
        if not can_file_appeal(user, indicator):
            raise PermissionDenied(
                "only the agent may appeal their own results, while the cycle is in review"
            )
        deadline = deadline_of(cycle)
        if deadline is None or now > deadline:
            raise AppealError(
                f"the appeal window of cycle {cycle.period} ({cycle.kind}) closed at {deadline}",
                "window_closed",
            )
        if not reason.strip():
            raise AppealError("an appeal needs a reason", "no_reason")
        if Appeal.objects.filter(indicator=indicator).exists():
            raise AppealError(
                f"{indicator.code} of {cycle.period} has already been appealed", "already_appealed"
            )
        appeal = Appeal.objects.create(
            indicator=indicator,
            agent=indicator.scorecard.agent,
            filed_by=user,
            filed_at=now,
            deadline=deadline,
            reason=reason.strip(),
            proposed_value=proposed_value,
            evidence=evidence.strip(),
        )
        _audit(user, AuditAction.FILED, appeal, before=None, after=appeal.snapshot(), at=now)
    return appeal


def decide_appeal(
    user: Any,
    appeal: Appeal,
    decision: str,
    *,
    comment: str,
    adjusted_value: float | None = None,
    rule: Any = None,
    better: str | None = None,
    now=None,
) -> Appeal:
    """Decide ``appeal`` (``accepted``, ``partly_accepted`` or ``rejected``) as ``user``.

    ``rule`` (the scheme's indicator) and ``better`` (the catalogue's direction) serve the step and
    percentile curves; linear results need only what is stored."""
    now = now or timezone.now()
    if decision not in DECISIONS:
        raise AppealError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}", "bad_decision")
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update()
            .select_related("agent", "indicator__scorecard__run__cycle")
            .get(pk=appeal.pk)
        )
        cycle = _cycle_of(appeal.indicator)
        _refuse_closed(cycle)
        if not can_decide_appeal(user, appeal):
            raise PermissionDenied(
                "only the agent's lead, HR / a director or an administrator decides appeals"
            )
        if not appeal.is_open:
            raise AppealError(f"appeal #{appeal.pk} is already {appeal.status}", "not_open")
        if cycle.state not in (CycleState.IN_REVIEW, CycleState.PUBLISHED):
            raise AppealError(
                f"cycle {cycle.period} ({cycle.kind}) is {cycle.state}: decide once it is in review",
                "not_in_review",
            )
        if appeal.indicator.scorecard.run.superseded:
            raise AppealError(
                f"cycle {cycle.period} was recomputed after this appeal: the result no longer stands",
                "superseded",
            )
        if not comment.strip():
            raise AppealError("a decision needs a comment", "no_comment")
        new_value = None
        if decision == AppealStatus.PARTLY_ACCEPTED:
            if adjusted_value is None:
                raise AppealError("a partly accepted appeal needs the adjusted value", "needs_value")
            new_value = adjusted_value
        elif decision == AppealStatus.ACCEPTED:
            new_value = adjusted_value if adjusted_value is not None else appeal.proposed_value
            if new_value is None:
                raise AppealError("the appeal proposes no value: give the value to accept", "needs_value")
        before = appeal.snapshot()
        appeal.status = decision
        appeal.decided_by = user
        appeal.decided_at = now
        appeal.decision_comment = comment.strip()
        appeal.adjusted_value = new_value
        if new_value is not None:
            _adjust(user, appeal, new_value, rule=rule, better=better, now=now)
        appeal.save()
        _audit(user, AuditAction.DECIDED, appeal, before=before, after=appeal.snapshot(), at=now)
    return appeal


class _Adjustments:
    """Adjustments of several indicator results made together (one decision, or every decision a
    recompute carries over): the rows they read are loaded and locked once, the rows they write are
    written in bulk by ``flush``, so the number of queries does not grow with the number of appeals."""

    def __init__(self, indicator_ids: Iterable[int]) -> None:
        ids = set(indicator_ids)
        self.indicators = {i.pk: i for i in IndicatorRecord.objects.select_for_update().filter(pk__in=ids)}
        card_ids = {i.scorecard_id for i in self.indicators.values()}
        self.scorecards = {
            s.pk: s for s in ScorecardRecord.objects.select_for_update().filter(pk__in=card_ids)
        }
        # (weight, score) of every result of the scorecards touched, for their totals
        self.rows: dict[int, dict[int, tuple[float, float | None]]] = defaultdict(dict)
        for pk, card, weight, score in IndicatorRecord.objects.filter(scorecard_id__in=card_ids).values_list(
            "pk", "scorecard_id", "weight", "score"
        ):
            self.rows[card][pk] = (weight, score)
        self._peers: dict[tuple[int, str], dict[int, float]] = {}
        self._written: list[tuple[IndicatorRecord, ScorecardRecord, Adjustment, AuditEntry]] = []

    def peers(self, indicator: IndicatorRecord, run_id: int) -> list[float]:
        """The values of the other results of ``indicator``'s code in its run (percentile curves),
        with the adjustments made earlier in this batch."""
        key = (run_id, indicator.code)
        if key not in self._peers:
            self._peers[key] = dict(
                IndicatorRecord.objects.filter(
                    scorecard__run_id=run_id, code=indicator.code, value__isnull=False
                )
                .order_by(*IndicatorRecord._meta.ordering)
                .values_list("pk", "value")
            )
        return [v for pk, v in self._peers[key].items() if pk != indicator.pk]

    def record(
        self,
        indicator: IndicatorRecord,
        scorecard: ScorecardRecord,
        adjustment: Adjustment,
        entry: AuditEntry,
    ) -> None:
        self.rows[scorecard.pk][indicator.pk] = (indicator.weight, indicator.score)
        for (run_id, code), values in self._peers.items():
            if run_id == scorecard.run_id and code == indicator.code:
                values[indicator.pk] = indicator.value
        self._written.append((indicator, scorecard, adjustment, entry))

    def flush(self) -> None:
        """Write what was recorded: results, totals, adjustments, then their audit entries."""
        if not self._written:
            return
        indicators = list({i.pk: i for i, *_ in self._written}.values())
        scorecards = list({s.pk: s for _, s, *_ in self._written}.values())
        IndicatorRecord.objects.bulk_update(indicators, ["value", "score", "explanation"])
        ScorecardRecord.objects.bulk_update(scorecards, ["total"])
        rerank({s.run_id for s in scorecards}, scorecards)  # grade and ranks follow the new totals
        adjustments = Adjustment.objects.bulk_create([a for _, _, a, _ in self._written])
        for adjustment, (*_, entry) in zip(adjustments, self._written, strict=True):
            entry.after["adjustment"] = adjustment.pk
        AuditEntry.objects.bulk_create([e for *_, e in self._written])
        self._written = []


def _adjust(
    user: Any,
    appeal: Appeal,
    value: float,
    *,
    rule: Any,
    better: str | None,
    now,
    audit_by: Any = None,
    carried_over: bool = False,
    batch: _Adjustments | None = None,
) -> Adjustment:
    """Give ``appeal``'s indicator result ``value``, rescore it and recompute the scorecard total.
    ``user`` is the decision's author (the ``Adjustment``); ``audit_by`` who made this change, when
    not the author (a recompute that carries the decision over; None: the command line). With a
    ``batch`` the writes wait for ``batch.flush()``; without, they are made before returning."""
    own = batch is None
    if batch is None:
        batch = _Adjustments([appeal.indicator_id])
    indicator = batch.indicators[appeal.indicator_id]
    scorecard = batch.scorecards[indicator.scorecard_id]
    stored = StoredResult(
        indicator.code, indicator.explanation.get("curve"), indicator.target, indicator.floor
    )
    peers = batch.peers(indicator, scorecard.run_id) if stored.curve == "percentile" else []
    score = rescore(stored, value, rule=rule, better=better, peers=peers)
    before = {"value": indicator.value, "score": indicator.score, "total": scorecard.total}
    indicator.value, indicator.score = value, score
    indicator.explanation = {
        **indicator.explanation,
        "contribution": round(indicator.weight * score, 4),
        "adjusted_by_appeal": appeal.pk,
    }
    rows = {**batch.rows[scorecard.pk], indicator.pk: (indicator.weight, score)}
    scorecard.total = total_of(list(rows.values()), scorecard.explanation.get("bonus_points") or 0.0)
    adjustment = Adjustment(
        appeal=appeal,
        indicator=indicator,
        by=user,
        at=now,
        value_before=before["value"],
        value_after=value,
        score_before=before["score"],
        score_after=score,
        total_before=before["total"],
        total_after=scorecard.total,
        carried_over=carried_over,
    )
    entry = AuditEntry(
        by=audit_by if carried_over else user,
        at=now,
        action=AuditAction.ADJUSTED,
        object_type="indicator_result",
        object_id=str(indicator.pk),
        appeal=appeal,
        before=before,
        after={"value": value, "score": score, "total": scorecard.total, "adjustment": None},
    )
    batch.record(indicator, scorecard, adjustment, entry)
    appeal.indicator = indicator
    if own:
        batch.flush()
    return adjustment


# Recomputing a cycle ---------------------------------------------------------------------------------
# A recompute makes a new run; the appeals of the old one would otherwise stand on results nobody
# sees any more. A decision answers one number, so (frontdesk/web/appeals/README.md):
# - an open appeal moves to the agent's new result of the same indicator and stays open;
# - an accepted or partly accepted appeal whose indicator was recomputed to the very value the
#   decision answered is re-applied to the new result, through the same rescoring (``_adjust``);
# - one whose recomputed value differs is reopened on the new result, for a new decision: the old
#   decision and adjustment stay in the log, and the agent's appeal is never silently dropped;
# - rejected and lapsed appeals stay with the old run (the new number may be appealed afresh);
# - without a new result to stand on (the agent or indicator left the run), the appeal stays on
#   the old run and the log says so.
# Each step is an audit entry by whoever recomputed (None: the command line). The appeals, their
# adjustments and the new results are read in one query each and written in bulk: a recompute
# costs the same number of queries for 2 appeals as for 2,000.

CARRIED = (AppealStatus.OPEN, AppealStatus.ACCEPTED, AppealStatus.PARTLY_ACCEPTED)
# What carrying over may change on an appeal (``bulk_update``).
CARRY_FIELDS = ("indicator", "status", "decided_by", "decided_at", "decision_comment", "adjusted_value")


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def carry_over(old_run: Any, new_run: Any, *, by_user: Any = None, now=None) -> dict[str, int]:
    """Carry the appeals of ``old_run`` onto ``new_run`` (see above), in the caller's transaction.
    Returns how many appeals were moved, re-applied, reopened and left behind."""
    from frontdesk.web.appeals.scheme_in_force import indicator_rule

    now = now or timezone.now()
    counts = {"moved": 0, "reapplied": 0, "reopened": 0, "left": 0}
    appeals = list(
        Appeal.objects.filter(indicator__scorecard__run=old_run, status__in=CARRIED)
        .select_related("indicator__scorecard", "agent", "decided_by")
        .prefetch_related(
            Prefetch(
                "adjustments", queryset=Adjustment.objects.order_by("-at", "-id"), to_attr="newest_first"
            )
        )
        .order_by("id")
    )
    if not appeals:
        return counts
    results = {
        (r.scorecard.agent_id, r.code): r
        for r in IndicatorRecord.objects.filter(
            scorecard__run=new_run,
            scorecard__agent_id__in={a.agent_id for a in appeals},
            code__in={a.indicator.code for a in appeals},
        ).select_related("scorecard")
    }
    where = {"run": new_run.number, "from_run": old_run.number}
    moved: list[Appeal] = []
    entries: list[AuditEntry] = []
    reapply: list[Appeal] = []
    for appeal in appeals:
        old = appeal.indicator
        new = results.get((appeal.agent_id, old.code))
        before = appeal.snapshot()
        if new is None or new.value is None:
            after = {**before, **where, "value": None}
            entries.append(_entry(by_user, AuditAction.NOT_CARRIED_OVER, appeal, before, after, now))
            counts["left"] += 1
            continue
        # the adjustment the decision made to the old result: the number it answered
        last = next((a for a in appeal.newest_first if a.indicator_id == old.pk), None)
        appeal.indicator = new
        moved.append(appeal)
        if appeal.is_open or (last is not None and _same(new.value, last.value_before)):
            after = {**appeal.snapshot(), **where}
            entries.append(_entry(by_user, AuditAction.CARRIED_OVER, appeal, before, after, now))
            if appeal.is_open:
                counts["moved"] += 1
            else:
                reapply.append(appeal)
        else:
            entries.append(_reopen(appeal, by_user, now, where, before=before))
            counts["reopened"] += 1
    if moved:
        Appeal.objects.bulk_update(moved, CARRY_FIELDS)
    AuditEntry.objects.bulk_create(entries)
    if not reapply:
        return counts
    batch = _Adjustments(a.indicator_id for a in reapply)
    rules: dict[str, tuple[Any, str | None]] = {}
    reopened: list[Appeal] = []
    reopen_entries: list[AuditEntry] = []
    for appeal in reapply:
        code = appeal.indicator.code
        if code not in rules:
            rules[code] = indicator_rule(code)
        rule, better = rules[code]
        try:
            _adjust(
                appeal.decided_by,
                appeal,
                appeal.adjusted_value,
                rule=rule,
                better=better,
                now=now,
                audit_by=by_user,
                carried_over=True,
                batch=batch,
            )
        except RescoreError:  # the stored result can no longer be rescored: decide again
            reopen_entries.append(_reopen(appeal, by_user, now, where))
            reopened.append(appeal)
            continue
        counts["reapplied"] += 1
    batch.flush()
    if reopened:
        Appeal.objects.bulk_update(reopened, CARRY_FIELDS)
        AuditEntry.objects.bulk_create(reopen_entries)
        counts["reopened"] += len(reopened)
    return counts


def _reopen(appeal: Appeal, by_user: Any, now, where: dict, before: dict | None = None) -> AuditEntry:
    """Open ``appeal`` again (already moved to its new result) for a new decision; the caller
    stores the appeal and the returned audit entry."""
    before = before or appeal.snapshot()
    appeal.status = AppealStatus.OPEN
    appeal.decided_by = None
    appeal.decided_at = None
    appeal.decision_comment = ""
    appeal.adjusted_value = None
    return _entry(by_user, AuditAction.REOPENED, appeal, before, {**appeal.snapshot(), **where}, now)


def lapse_open_appeals(cycle: Cycle, now=None) -> int:
    """Mark the open appeals of ``cycle`` lapsed (the cycle is closing), each in the audit log."""
    now = now or timezone.now()
    open_appeals = list(
        Appeal.objects.filter(
            indicator__scorecard__run__cycle=cycle, status=AppealStatus.OPEN
        ).select_related("indicator")
    )
    if not open_appeals:
        return 0
    Appeal.objects.filter(pk__in=[a.pk for a in open_appeals]).update(status=AppealStatus.LAPSED)
    entries = []
    for a in open_appeals:
        before = a.snapshot()
        a.status = AppealStatus.LAPSED
        entries.append(_entry(None, AuditAction.LAPSED, a, before, a.snapshot(), now))
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


def _entry(user: Any, action: str, appeal: Appeal, before: dict | None, after: dict, at) -> AuditEntry:
    """An audit entry about ``appeal``, not yet stored."""
    return AuditEntry(
        by=user,
        at=at,
        action=action,
        object_type="appeal",
        object_id=str(appeal.pk),
        appeal=appeal,
        before=before,
        after=after,
    )


def _audit(user: Any, action: str, appeal: Appeal, *, before: dict | None, after: dict, at) -> AuditEntry:
    entry = _entry(user, action, appeal, before, after, at)
    entry.save()
    return entry
