"""A cycle's states and the moves between them: draft → computed → in review → published → closed.

No database here: the states, which move may follow which, and the errors a refused move raises.
``models`` enforces the freeze of a closed cycle; ``store.transition`` validates and records moves;
``permissions`` says who may make them and who sees which states.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPUTED = "computed", _("Computed")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


# What each state means to a reader of a scorecard or ranking.
STATE_NOTES = {
    CycleState.DRAFT: _("Draft — nothing computed yet"),
    CycleState.COMPUTED: _("Computed — not yet reviewed or published"),
    CycleState.IN_REVIEW: _("In review — the appeal window is open; not yet published"),
    CycleState.PUBLISHED: _("Published — may still be corrected until the cycle is closed"),
    CycleState.CLOSED: _("Closed — final; these results can no longer change"),
}

# The moves a person makes (``store.transition``). Computing is the other way a state changes:
# ``store.save_scorecards`` takes a draft, computed, in-review or published cycle to computed with
# a new run; nothing leaves closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CycleState.DRAFT: (),
    CycleState.COMPUTED: (CycleState.IN_REVIEW,),
    CycleState.IN_REVIEW: (CycleState.PUBLISHED, CycleState.COMPUTED),
    CycleState.PUBLISHED: (CycleState.CLOSED,),
    CycleState.CLOSED: (),
}

# The button that makes each move, by target state.
ACTIONS = {
    CycleState.IN_REVIEW: _("Open review (appeal window)"),
    CycleState.PUBLISHED: _("Publish"),
    CycleState.COMPUTED: _("Withdraw from review"),
    CycleState.CLOSED: _("Close (freeze)"),
}


class CycleError(Exception):
    """A refused change to a cycle; ``str()`` is one line a user can act on."""


class CycleClosed(CycleError):
    """The cycle is closed: its state, runs, scorecards and indicator results never change again."""


class InvalidTransition(CycleError):
    """The move is not one that may follow the cycle's current state."""


def allowed_targets(state: str) -> tuple[str, ...]:
    """The states a person may move a cycle to from ``state`` (empty for draft and closed)."""
    return TRANSITIONS.get(state, ())


def closed_message(period: str, kind: str) -> str:
    return (
        f"cycle {period} ({kind}) is closed: its state, runs, scorecards and indicator results "
        "can no longer change"
    )
