"""Accelerated promotion (加速晋升): N consecutive cycles at the excellent grade or above."""

from __future__ import annotations

import pytest

from frontdesk.indicators.periods import parse_period, shift_period
from frontdesk.results.promotion import PromotionRules, promotion_candidates
from frontdesk.scoring.scheme import (
    SchemeError,
    default_scheme_text,
    grade_ladder,
    grades_at_or_above,
    load_scheme,
    parse_scheme,
)
from frontdesk.scoring.scorecard import Scorecard

TOTAL = {"A": 90.0, "B": 75.0, "C": 60.0, "D": 30.0}


def card(agent_id: str, period: str, grade: str, total: float | None = None) -> Scorecard:
    return Scorecard(
        agent_id=agent_id,
        name=f"Agent {agent_id}",
        team_id="T1",
        site_id=None,
        period=period,
        cycle="monthly" if "-" in period and "Q" not in period else "quarterly",
        scheme_version="default:test",
        total=TOTAL[grade] if total is None else total,
        grade=grade,
    )


def history(rows: dict[str, str], periods=("2026-08", "2026-09", "2026-10")) -> list[Scorecard]:
    """``{"P1": "AAA"}``: one grade per period; ``.`` = no scorecard that period."""
    return [
        card(a, p, g) for a, grades in rows.items() for p, g in zip(periods, grades, strict=True) if g != "."
    ]


ROWS = {"P1": "AAA", "P2": "BAA", "P3": "ABA", "P4": "AA.", "P5": "AAB", "P6": "A.A"}


def test_two_excellent_cycles_in_a_row_make_a_candidate():
    found = promotion_candidates(history(ROWS))
    assert [c.agent_id for c in found] == ["P1", "P2"]
    p1, p2 = found
    assert p1.streak == 3 and p1.periods == ("2026-08", "2026-09", "2026-10") and p1.grades == ("A",) * 3
    assert p2.streak == 2 and p2.periods == ("2026-09", "2026-10") and p2.mean_total == 90.0


def test_candidates_are_found_as_of_an_earlier_cycle():
    cards = history(ROWS)
    for c in cards:  # order P4 ahead of P5 ahead of P1 on mean total
        c.total = {"P4": 99.0, "P5": 95.0}.get(c.agent_id, c.total)
    found = promotion_candidates(cards, as_of="2026-09")
    assert [(c.agent_id, c.streak) for c in found] == [("P4", 2), ("P5", 2), ("P1", 2)]


def test_the_excellent_grade_and_the_number_of_cycles_are_rules():
    rules = PromotionRules(consecutive_cycles=3, excellent_grade="B")
    assert rules.qualifying_grades == {"A", "B"}
    # P1 (mean 90) first; P2, P3 and P5 (mean 85 each) by agent id.
    assert [c.agent_id for c in promotion_candidates(history(ROWS), rules)] == ["P1", "P2", "P3", "P5"]


def test_a_cycle_missing_from_the_history_breaks_every_streak():
    cards = history({"P1": "AA", "P2": "AA"}, periods=("2026-08", "2026-10"))
    assert promotion_candidates(cards) == []
    assert promotion_candidates(cards, PromotionRules(consecutive_cycles=1))[0].streak == 1


def test_quarters_are_consecutive_across_the_new_year():
    cards = history({"Q1": "AA", "Q2": "BA"}, periods=("2026-Q4", "2027-Q1"))
    assert [(c.agent_id, c.periods) for c in promotion_candidates(cards)] == [("Q1", ("2026-Q4", "2027-Q1"))]


def test_periods_of_different_kinds_are_refused():
    with pytest.raises(ValueError, match="mix period kinds"):
        promotion_candidates([card("X", "2026-10", "A"), card("X", "2026-Q4", "A")])


def test_no_scorecards_no_candidates():
    assert promotion_candidates([]) == []
    assert promotion_candidates(history(ROWS), as_of="2027-01") == []


@pytest.mark.parametrize(
    ("label", "steps", "expected"),
    [("2026-12", 1, "2027-01"), ("2026-01", -1, "2025-12"), ("2027-Q1", -1, "2026-Q4"), ("2026", 2, "2028")],
)
def test_periods_step_by_their_own_kind(label, steps, expected):
    assert shift_period(parse_period(label), steps).label == expected


def test_rules_from_the_default_scheme_use_its_top_grade():
    scheme = load_scheme()
    assert grade_ladder(scheme) == ("A", "B", "C", "D")
    rules = PromotionRules.from_scheme(scheme)
    assert rules.consecutive_cycles == 2 and rules.excellent_grade == "A" and rules.qualifying_grades == {"A"}


def test_rules_and_grades_come_from_the_scheme():
    text = default_scheme_text().replace("code: A,", "code: S,")
    text += "\nresults:\n  promotion: {consecutive_cycles: 3}\n"
    scheme = parse_scheme(text, "test.yaml")
    rules = PromotionRules.from_scheme(scheme)
    assert rules.excellent_grade == "S" and rules.consecutive_cycles == 3
    assert grades_at_or_above(grade_ladder(scheme), "B") == {"S", "B"}


@pytest.mark.parametrize("section", ["excellent_grade: Z", "consecutive_cycles: 0", "cycles: 2"])
def test_bad_promotion_rules_name_the_section(section):
    scheme = parse_scheme(default_scheme_text() + f"\nresults:\n  promotion:\n    {section}\n", "t.yaml")
    with pytest.raises(SchemeError, match=r"results\.promotion"):
        PromotionRules.from_scheme(scheme)
