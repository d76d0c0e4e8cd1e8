"""The scorecard's 360 block (frontdesk.scoring.ratings360): relation weights from the scheme,
peers and partner departments withheld below three raters, the weighted 360 result; through the
real engine (DuckDB over a Parquet event store)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.ratings360 import Ratings360
from frontdesk.scoring.scheme import load_scheme
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.usecases.compute import compute_scorecards

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def ratings(
    subject: str, relation: str, scores: list[float], competency: str = "communication"
) -> list[dict]:
    return [
        dict(campaign_id="C1", subject_agent_id=subject, rater_id=f"{relation}-{subject}-{i}",
             relation=relation, competency=competency, score=s, scale_max=5.0, submitted_at=AT)
        for i, s in enumerate(scores)
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path) -> EventStore:
    s = EventStore(tmp_path / "events")
    s.write("teams", pa.Table.from_pylist([{"team_id": "T1", "name": "Team"}], schema=TABLES["teams"].schema))
    agents = [
        dict(agent_id=a, name=a, team_id="T1", hire_date=date(2024, 1, 1), active=True)
        for a in ("A1", "A2", "A3")
    ]
    s.write("agents", pa.Table.from_pylist(agents, schema=TABLES["agents"].schema))
    rows = (
        # A1: customers 4, 5, 5, 4, 2 → mean 4 of 5 = 80; supervisor 3 of 5 = 60; two peers (withheld);
        # self 5 of 5 = 100.
        ratings("A1", "customer", [4, 5, 5, 4, 2])
        + ratings("A1", "supervisor", [3])
        + ratings("A1", "peer", [5, 5])
        + ratings("A1", "self", [5])
        # A2: three peers 2, 3, 4 → 3 of 5 = 60, shown; customers 5, 5 → 100.
        + ratings("A2", "peer", [2, 3, 4])
        + ratings("A2", "customer", [5, 5])
    )
    s.write("ratings_360", pa.Table.from_pylist(rows, schema=TABLES["ratings_360"].schema))
    return s


def cards_of(store: EventStore, label: str) -> dict:
    cards = compute_scorecards(store, parse_period(label), load_scheme(), "Asia/Shanghai")
    return {c.agent_id: c for c in cards}


def test_the_block_carries_each_relation_s_weight_from_the_scheme(store):
    block = cards_of(store, "2026-Q4")["A1"].ratings_360
    assert {rel: r.weight for rel, r in block.relations.items()} == {
        "customer": 0.4, "supervisor": 0.25, "peer": 0.2, "self": 0.05, "partner_dept": 0.1,
    }  # fmt: skip
    customer = block.relations["customer"]
    assert (customer.score, customer.n) == (80.0, 5)
    assert (block.relations["supervisor"].score, block.relations["self"].score) == (60.0, 100.0)
    assert block.relations["partner_dept"].flags == ["not_available"]


def test_two_peers_are_withheld_and_left_out_of_the_360_result(store):
    block = cards_of(store, "2026-Q4")["A1"].ratings_360
    peer = block.relations["peer"]
    assert (peer.score, peer.n, peer.flags, peer.effective_weight) == (None, 2, ["too_few_raters"], 0.0)
    # Scored: customer 0.40 × 80, supervisor 0.25 × 60, self 0.05 × 100, over 0.70 of weight:
    # (32 + 15 + 5) / 0.70 = 74.29
    assert block.score == pytest.approx(74.29)
    assert block.relations["customer"].effective_weight == pytest.approx(0.4 / 0.7, abs=1e-6)
    as_json = cards_of(store, "2026-Q4")["A1"].to_json()["ratings_360"]
    assert as_json["relations"]["peer"]["score"] is None
    assert Ratings360.from_json(as_json).to_json() == as_json


def test_three_peers_are_shown(store):
    block = cards_of(store, "2026-Q4")["A2"].ratings_360
    assert (block.relations["peer"].score, block.relations["peer"].n) == (60.0, 3)
    # customer 0.40 × 100 + peer 0.20 × 60 over 0.60 = 52 / 0.6 = 86.67
    assert block.score == pytest.approx(86.67)


def test_no_block_without_ratings_and_none_in_a_month(store):
    cards = cards_of(store, "2026-Q4")
    assert cards["A3"].ratings_360 is None and "ratings_360" not in cards["A3"].to_json()
    # 360 indicators are quarterly and annual in the catalogue: a month has no 360 block.
    assert all(c.ratings_360 is None for c in cards_of(store, "2026-11").values())
