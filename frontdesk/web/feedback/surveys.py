"""Post-contact survey links (MISSION M2): one link per interaction, CSAT (1–5) and NPS (0–10),
answered once before it expires, landing in the event store's ``surveys`` table at once. The
customer's comment is stored masked (phones, ID cards, bank cards, e-mails) unless the workspace's
``[policy] personal_data`` is ``keep``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from frontdesk.text.pii import mask_text
from frontdesk.usecases.workspace import WorkspaceError, open_workspace
from frontdesk.web.appraisal.models import Agent
from frontdesk.web.feedback.campaigns import AnswerError
from frontdesk.web.feedback.events import atomic_with_events
from frontdesk.web.feedback.models import SurveyLink
from frontdesk.web.feedback.tokens import digest, new_token
from frontdesk.web.workspace import workspace_root

CSAT_SCALE = 5
NPS_SCALE = 10
DEFAULT_VALID_DAYS = 7


@dataclass(frozen=True)
class IssuedSurvey:
    link: SurveyLink
    token: str


def issue(
    agent: Agent,
    interaction_ids: Iterable[str],
    *,
    created_by: object = None,
    valid_days: int = DEFAULT_VALID_DAYS,
    now: datetime | None = None,
) -> list[IssuedSurvey]:
    """One survey link per interaction of ``agent``; the tokens are returned only here."""
    now = now or timezone.now()
    out = []
    with transaction.atomic():
        for interaction_id in interaction_ids:
            token, token_digest = new_token()
            link = SurveyLink.objects.create(
                interaction_id=interaction_id,
                agent=agent,
                token_digest=token_digest,
                expires_at=now + timedelta(days=valid_days),
                created_by=created_by,
                created_at=now,
            )
            out.append(IssuedSurvey(link, token))
    return out


def masks_personal_data() -> bool:
    """Whether the web app masks personal data in what it stores itself (a customer's comment):
    the workspace's ``[policy] personal_data`` in ``frontdesk.toml``, ``mask`` unless it says ``keep``,
    as a mapping's ``policy.personal_data`` does for imports (docs/importing.md)."""
    root = workspace_root()
    if root is None:
        return True
    try:
        return open_workspace(Path(root)).masks_personal_data
    except WorkspaceError:
        return True  # an unreadable or invalid setting never unmasks


def interaction_agents(interaction_ids: Iterable[str]) -> dict[str, str | None]:
    """The agent of each of ``interaction_ids`` found in the event store's ``interactions`` (the
    last stored row of an id wins, as in the engine); ids not in the store are left out. Parquet
    statistics skip the row groups of other interactions, so this does not read the whole table."""
    root = workspace_root()
    wanted = sorted(set(interaction_ids))
    if root is None or not wanted:
        return {}
    import pyarrow.parquet as pq

    from frontdesk.store.eventstore import EventStore
    from frontdesk.store.tables import table

    schema = table("interactions").schema
    found: dict[str, str | None] = {}
    for f in EventStore(Path(root) / "events").files("interactions"):
        t = pq.read_table(
            f,
            schema=schema,
            columns=["interaction_id", "agent_id"],
            filters=[("interaction_id", "in", wanted)],
        )
        found.update(
            zip(t.column("interaction_id").to_pylist(), t.column("agent_id").to_pylist(), strict=True)
        )
    return found


def status_of(link: SurveyLink, now: datetime | None = None) -> str:
    """``answered``, ``expired`` or ``open``."""
    if link.answered_at is not None:
        return "answered"
    return "expired" if (now or timezone.now()) >= link.expires_at else "open"


def link_for_token(token: str) -> SurveyLink | None:
    return SurveyLink.objects.filter(token_digest=digest(token)).select_related("agent").first()


def check_open(link: SurveyLink, now: datetime) -> None:
    if link.answered_at is not None:
        raise AnswerError("used", "this survey has already been answered")
    if now >= link.expires_at:
        raise AnswerError("expired", "this survey link has expired")


def answer(
    link: SurveyLink,
    csat: int,
    nps: int | None,
    comment: str = "",
    language: str = "",
    now: datetime | None = None,
) -> None:
    """Write the CSAT (and NPS, if given) rows to ``surveys`` and mark the link used, together."""
    now = now or timezone.now()
    if not 1 <= csat <= CSAT_SCALE:
        raise AnswerError("invalid", f"satisfaction must be between 1 and {CSAT_SCALE}")
    if nps is not None and not 0 <= nps <= NPS_SCALE:
        raise AnswerError("invalid", f"recommendation must be between 0 and {NPS_SCALE}")
    base = {"interaction_id": link.interaction_id, "agent_id": link.agent_id, "submitted_at": now}
    comment = comment.strip()
    if comment and masks_personal_data():
        comment = mask_text(comment)
    rows = [
        {**base, "survey_id": f"WS{link.pk}-csat", "kind": "csat", "score": float(csat),
         "scale_max": float(CSAT_SCALE), "comment": comment or None},
    ]  # fmt: skip
    if nps is not None:
        rows.append(
            {**base, "survey_id": f"WS{link.pk}-nps", "kind": "nps", "score": float(nps),
             "scale_max": float(NPS_SCALE), "comment": None}
        )  # fmt: skip
    with atomic_with_events() as write:
        locked = SurveyLink.objects.select_for_update().get(pk=link.pk)
        check_open(locked, now)
        locked.answered_at = now
        locked.language = language[:16]
        locked.save(update_fields=["answered_at", "language"])
        write("surveys", rows)
    link.answered_at = now
