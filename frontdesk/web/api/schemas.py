"""The shapes the API answers with, for validation and the OpenAPI document.

Scorecards and indicators keep DESIGN.md's machine-readable shapes (``scorecards --format json``,
``indicators --format json``); ``extra="allow"`` lets keys added there pass through unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

CycleKindName = Literal["monthly", "quarterly", "annual"]
CycleStateName = Literal["draft", "computed", "in_review", "published", "closed"]


class Open(Schema):
    model_config = ConfigDict(extra="allow")


class IndicatorResultOut(Open):
    value: float | None
    n: int
    score: float | None
    weight: float
    flags: list[str]


class ScorecardOut(Open):
    agent_id: str
    name: str
    team_id: str
    total: float | None
    grade: str | None
    rank_team: int | None
    rank_org: int | None
    flags: list[str]
    indicators: dict[str, IndicatorResultOut]


class ScorecardsOut(Open):
    period: str
    cycle: str
    state: str | None
    scheme_version: str | None
    scorecards: list[ScorecardOut]


class IndicatorName(Schema):
    en: str
    zh: str


class IndicatorOut(Open):
    code: str
    mission_id: str
    name: IndicatorName
    dimension: str
    kind: str
    unit: str
    better: str
    source: str


class EvidenceRowOut(Schema):
    record: str
    at: Any
    values: list[Any]


class EvidenceOut(Schema):
    indicator: str
    agent_id: str
    period: str
    labels: list[str]
    rows: list[EvidenceRowOut]
    total: int
    page: int
    page_size: int
    pages: int


class RunOut(Schema):
    number: int
    scheme_version: str
    computed_at: datetime


class CycleOut(Schema):
    period: str
    kind: str
    state: str
    state_changed_at: datetime
    current_run: RunOut | None
    runs: int
    allowed_transitions: list[str]


class TransitionIn(Schema):
    to: CycleStateName
    note: str = Field("", max_length=200)


class TransitionOut(Schema):
    period: str
    kind: str
    state: str


class Error(Schema):
    detail: str


# Appeals -------------------------------------------------------------------------------------------

AppealStatusName = Literal["open", "accepted", "partly_accepted", "rejected", "lapsed"]
DecisionName = Literal["accepted", "partly_accepted", "rejected"]


def _no_nul(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL: refuse it as bad input (422), never a server error.
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


class AdjustmentOut(Schema):
    at: datetime
    run: int
    value_before: float | None
    value_after: float
    score_before: float | None
    score_after: float
    total_before: float | None
    total_after: float
    carried_over: bool


class AppealOut(Schema):
    id: int
    agent_id: str
    period: str
    cycle: str
    run: int
    indicator: str
    status: AppealStatusName
    value: float | None
    score: float | None
    filed_at: datetime
    deadline: datetime
    reason: str
    proposed_value: float | None
    evidence: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str
    adjusted_value: float | None
    adjustments: list[AdjustmentOut]


class AppealIn(Schema):
    period: str = Field(
        max_length=16, description="the period of the result appealed: 2026-10, 2026-Q4, 2026"
    )
    cycle: CycleKindName | None = None
    indicator: str = Field(max_length=64, description="the indicator code, as on the scorecard")
    reason: str = Field(min_length=1, max_length=4000)
    proposed_value: float | None = Field(None, allow_inf_nan=False)
    evidence: str = Field("", max_length=4000)

    _checks = field_validator("period", "indicator", "reason", "evidence")(_no_nul)


class DecisionIn(Schema):
    decision: DecisionName
    comment: str = Field(min_length=1, max_length=4000)
    adjusted_value: float | None = Field(
        None, allow_inf_nan=False, description="required to partly accept; replaces the proposed value"
    )

    _checks = field_validator("comment")(_no_nul)
