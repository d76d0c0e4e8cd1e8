"""The shapes the API answers with, for validation and the OpenAPI document.

Scorecards and indicators keep DESIGN.md's machine-readable shapes (``scorecards --format json``,
``indicators --format json``); ``extra="allow"`` lets keys added there pass through unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

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
