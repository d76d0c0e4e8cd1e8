"""Canonical tables (DESIGN.md, "Canonical tables"), as versioned Arrow schemas.

Every source fills the tables it has; the engine reads only these columns. Times are UTC
instants, IDs are text. Bump ``SCHEMA_VERSION`` when a column changes meaning or type; adding a
nullable column at the end is backwards compatible and needs no bump.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = 1

UTC_TS = pa.timestamp("us", tz="UTC")

CHANNELS = ("phone", "chat", "email", "social", "walk_in", "video", "other")
PRIORITIES = ("low", "normal", "high", "urgent")
EVENT_KINDS = (
    "created",
    "assigned",
    "first_reply",
    "reply",
    "transferred",
    "escalated",
    "pending",
    "resolved",
    "reopened",
    "closed",
)
SPEAKERS = ("customer", "agent", "bot", "system")
SURVEY_KINDS = ("csat", "nps", "periodic", "ces")
QA_METHODS = ("recording", "mystery_shopper", "live", "scenario_simulation", "transcript_auto")
RELATIONS_360 = ("customer", "supervisor", "peer", "self", "partner_dept")
RECORDED_BY = ("system", "manual")
ACTORS = ("agent", "bot", "system", "customer")


@dataclass(frozen=True)
class Table:
    """One canonical table: its Arrow schema, primary key and the time column that partitions it."""

    name: str
    schema: pa.Schema
    key: tuple[str, ...]
    partition_time: str | None  # month partitions by this column; None = not partitioned

    @property
    def columns(self) -> list[str]:
        return self.schema.names


def _s(*fields: tuple[str, pa.DataType] | tuple[str, pa.DataType, bool]) -> pa.Schema:
    out = []
    for f in fields:
        name, typ, *rest = f
        out.append(pa.field(name, typ, nullable=rest[0] if rest else True))
    return pa.schema(out, metadata={"frontdesk_schema_version": str(SCHEMA_VERSION)})


S, B, I, F, T, D = pa.string(), pa.bool_(), pa.int64(), pa.float64(), UTC_TS, pa.date32()

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "sites",
            _s(("site_id", S, False), ("name", S), ("name_zh", S), ("city", S), ("timezone", S)),
            ("site_id",),
            None,
        ),
        Table(
            "teams",
            _s(
                ("team_id", S, False),
                ("name", S),
                ("name_zh", S),
                ("parent_id", S),
                ("site_id", S),
                ("timezone", S),
                ("calendar_id", S),
            ),
            ("team_id",),
            None,
        ),
        Table(
            "agents",
            _s(
                ("agent_id", S, False),
                ("name", S),
                ("name_zh", S),
                ("team_id", S),
                ("site_id", S),
                ("hire_date", D),
                ("role", S),
                ("active", B),
            ),
            ("agent_id",),
            None,
        ),
        Table(
            "interactions",
            _s(
                ("interaction_id", S, False),
                ("source", S),
                ("channel", S),
                ("agent_id", S),
                ("team_id", S),
                ("customer_id", S),
                ("priority", S),
                ("is_vip", B),
                ("created_at", T),
                ("first_response_at", T),
                ("resolved_at", T),
                ("closed_at", T),
                ("handle_seconds", F),
                ("wait_seconds", F),
                ("abandoned", B),
                ("first_contact_resolved", B),
                ("reopened_count", I),
                ("transfer_count", I),
                ("transfer_correct", B),
                ("is_complaint", B),
                ("complaint_recovered", B),
                ("topic", S),
                ("recorded_by", S),
                # The agent whose reply was the first human one, when another agent ended up
                # owning the contact; null means agent_id replied first.
                ("first_response_agent_id", S),
                # Resolution SLA (MISSION I-E8): when the contact was due to be resolved under its
                # service-level agreement, and the source's own verdict whether it was (which
                # wins over the due time when both are known: it knows the pauses and schedules).
                ("sla_due_at", T),
                ("sla_met", B),
            ),
            ("interaction_id",),
            "created_at",
        ),
        Table(
            "interaction_events",
            _s(
                ("event_id", S, False),
                ("interaction_id", S),
                ("kind", S),
                ("at", T),
                ("agent_id", S),
                ("stage", S),
                ("actor", S),  # agent | bot | system | customer; null = agent when agent_id is set
            ),
            ("event_id",),
            "at",
        ),
        Table(
            "messages",
            _s(
                ("interaction_id", S, False),
                ("seq", I, False),
                ("at", T),
                ("speaker", S),
                ("agent_id", S),
                ("text", S),
            ),
            ("interaction_id", "seq"),
            "at",
        ),
        Table(
            "surveys",
            _s(
                ("survey_id", S, False),
                ("interaction_id", S),
                ("agent_id", S),
                ("kind", S),
                ("score", F),
                ("scale_max", F),
                ("comment", S),
                ("submitted_at", T),
            ),
            ("survey_id",),
            "submitted_at",
        ),
        Table(
            "qa_reviews",
            _s(
                ("review_id", S, False),
                ("interaction_id", S),
                ("agent_id", S),
                ("reviewer_id", S),
                ("method", S),
                ("form_id", S),
                ("score", F),
                ("max_score", F),
                ("critical_failed", B),
                ("is_calibration", B),
                ("reviewed_at", T),
            ),
            ("review_id",),
            "reviewed_at",
        ),
        Table(
            "qa_items",
            _s(
                ("review_id", S, False),
                ("item_id", S, False),
                ("criterion", S),
                ("score", F),
                ("max", F),
                ("critical", B),
                ("not_applicable", B),
                ("reviewed_at", T),
            ),
            ("review_id", "item_id"),
            "reviewed_at",
        ),
        Table(
            "ratings_360",
            _s(
                ("campaign_id", S, False),
                ("subject_agent_id", S, False),
                ("rater_id", S, False),
                ("relation", S),
                ("competency", S, False),
                ("score", F),
                ("scale_max", F),
                ("submitted_at", T),
            ),
            ("campaign_id", "subject_agent_id", "rater_id", "competency"),
            "submitted_at",
        ),
        Table(
            "handoffs",
            _s(
                ("handoff_id", S, False),
                ("interaction_id", S),
                ("from_agent_id", S),
                ("to_dept", S),
                ("requested_at", T),
                ("delivered_at", T),
                ("accurate", B),
            ),
            ("handoff_id",),
            "requested_at",
        ),
        Table(
            "trainings",
            _s(
                ("training_id", S, False),
                ("agent_id", S, False),
                ("course", S),
                ("hours", F),
                ("attended", B),
                ("pre_score", F),
                ("post_score", F),
                ("completed_at", T),
            ),
            ("training_id", "agent_id"),
            "completed_at",
        ),
        Table(
            "suggestions",
            _s(
                ("suggestion_id", S, False),
                ("agent_id", S),
                ("title", S),
                ("submitted_at", T),
                ("adopted", B),
                ("decided_at", T),
            ),
            ("suggestion_id",),
            "submitted_at",
        ),
        Table(
            "kb_contributions",
            _s(
                ("contribution_id", S, False),
                ("agent_id", S),
                ("kind", S),
                ("article_id", S),
                ("views", I),
                ("helpful_votes", I),
                ("created_at", T),
            ),
            ("contribution_id",),
            "created_at",
        ),
        Table(
            "worktime",
            _s(
                ("agent_id", S, False),
                ("work_date", D, False),
                ("logged_seconds", F),
                ("available_seconds", F),
                ("start_at", T),
            ),
            ("agent_id", "work_date"),
            "start_at",
        ),
    ]
}


def table(name: str) -> Table:
    """The canonical table called ``name``; a clear error for an unknown one."""
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(sorted(TABLES))
        raise KeyError(f"unknown table {name!r}; known tables: {known}") from None
