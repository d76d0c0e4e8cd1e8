"""QA inspections: a filled-in form becomes one ``qa_reviews`` row and one ``qa_items`` row per
criterion (feeding I-Q4, I-Q5, I-P2, I-P3, the QA score and the critical-failure grade cap).
Calibration reviews are written with ``is_calibration`` true: every QA indicator leaves them out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from frontdesk.analysis.reliability import CalibrationReport, calibration_spread
from frontdesk.web.appraisal.models import Agent
from frontdesk.web.feedback.events import atomic_with_events
from frontdesk.web.feedback.models import Answer, CalibrationSession, Criterion, QAForm, Review


class ReviewError(ValueError):
    """A form that cannot be taken as filled in; the message names the criterion."""


@dataclass(frozen=True)
class Given:
    """What the reviewer entered for one criterion: a score, or not applicable."""

    score: float | None
    not_applicable: bool = False


def record_review(
    form: QAForm,
    agent: Agent,
    reviewer: object,
    answers: Mapping[int, Given],
    *,
    method: str,
    interaction_id: str = "",
    session: CalibrationSession | None = None,
    now: datetime | None = None,
) -> Review:
    """Store the review and write it to the event store, atomically. Every criterion needs a
    score between 0 and its points, or "not applicable" where the form allows it; a critical
    criterion scored below its points is a critical failure."""
    now = now or timezone.now()
    criteria = list(form.criteria.all())
    total = maximum = 0.0
    failed = False
    checked: list[tuple[Criterion, Given]] = []
    for c in criteria:
        given = answers.get(c.pk)
        if given is None or (given.score is None and not given.not_applicable):
            raise ReviewError(f"criterion {c.code}: no answer")
        if given.not_applicable:
            if not c.allow_not_applicable or c.critical:
                raise ReviewError(f"criterion {c.code}: may not be marked not applicable")
            checked.append((c, Given(None, True)))
            continue
        score = float(given.score)  # type: ignore[arg-type]
        if not 0 <= score <= c.max_score:
            raise ReviewError(f"criterion {c.code}: score {score:g} is not between 0 and {c.max_score}")
        total += score
        maximum += c.max_score
        failed = failed or (c.critical and score < c.max_score)
        checked.append((c, Given(score)))
    if maximum == 0:
        raise ReviewError("every criterion is marked not applicable")
    with atomic_with_events() as write:
        review = Review.objects.create(
            form=form, agent=agent, reviewer=reviewer, interaction_id=interaction_id, method=method,
            session=session, score=total, max_score=maximum, critical_failed=failed, reviewed_at=now,
        )  # fmt: skip
        Answer.objects.bulk_create(
            [
                Answer(review=review, criterion=c, score=g.score, not_applicable=g.not_applicable)
                for c, g in checked
            ]
        )
        write(
            "qa_reviews",
            [
                {"review_id": review.review_id, "interaction_id": interaction_id or None, "agent_id": agent.agent_id,
                 "reviewer_id": f"U{getattr(reviewer, 'pk', '')}", "method": method, "form_id": form.form_id,
                 "score": total, "max_score": maximum, "critical_failed": failed,
                 "is_calibration": session is not None, "reviewed_at": now}
            ],
        )  # fmt: skip
        write(
            "qa_items",
            [
                {"review_id": review.review_id, "item_id": f"C{c.pk}", "criterion": c.code, "score": g.score,
                 "max": float(c.max_score), "critical": c.critical, "not_applicable": g.not_applicable,
                 "reviewed_at": now}
                for c, g in checked
            ],
        )  # fmt: skip
    return review


def session_report(session: CalibrationSession) -> CalibrationReport:
    """Spread of the session's reviews, per criterion and per reviewer, in percent of each
    criterion's points (not-applicable answers left out)."""
    rows = []
    for a in Answer.objects.filter(review__session=session, not_applicable=False).select_related(
        "criterion", "review__reviewer"
    ):
        if a.score is None or not a.criterion.max_score:
            continue
        rows.append(
            (a.criterion.code, a.review.reviewer.get_username(), 100.0 * a.score / a.criterion.max_score)
        )
    return calibration_spread(rows)
