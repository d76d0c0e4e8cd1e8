"""The appeal window: how long after a cycle enters review an agent may appeal.

The scheme in force may say ``appeals: {window_days: N}``; otherwise 7 days. The window opens when
the cycle last entered ``in_review`` (its ``CycleTransition``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from frontdesk.web.appeals.scheme_in_force import window_days
from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.appraisal.models import Cycle, CycleTransition


def review_opened_at(cycle: Cycle) -> datetime | None:
    """When ``cycle`` last entered review; None if it never did."""
    return (
        CycleTransition.objects.filter(cycle=cycle, to_state=CycleState.IN_REVIEW)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )


def deadline_of(cycle: Cycle, days: int | None = None) -> datetime | None:
    """The last moment to appeal a result of ``cycle``; None if it never entered review."""
    opened = review_opened_at(cycle)
    return None if opened is None else opened + timedelta(days=days if days is not None else window_days())
