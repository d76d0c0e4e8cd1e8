"""Recognition: the Service Star (服务之星) of each team and month, and annual excellent staff."""

from __future__ import annotations

from decimal import Decimal

import pytest

from frontdesk.results.bonus_pool import CRITICAL_FAILURE
from frontdesk.results.recognition import (
    BELOW_MIN_N,
    NO_TOTAL,
    SMALL_SAMPLE,
    AnnualExcellentRules,
    ServiceStarRules,
    annual_excellent,
    service_stars,
    star_ineligibility,
)
from frontdesk.scoring.scheme import SchemeError, default_scheme_text, load_scheme, parse_scheme
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard


def card(
    agent_id: str,
    team: str,
    total: float | None,
    *,
    csat: float = 80.0,
    nps: float = 50.0,
    csat_n: int = 40,
    small_sample: bool = False,
    flags: tuple[str, ...] = (),
    period: str = "2026-10",
    grade: str | None = None,
) -> Scorecard:
    c = Scorecard(
        agent_id=agent_id,
        name=f"Agent {agent_id}",
        team_id=team,
        site_id=None,
        period=period,
        cycle="monthly",
        scheme_version="default:test",
        total=total,
        grade=grade,
        flags=list(flags),
    )
    c.indicators["csat"] = IndicatorResult(
        "csat", 90.0, csat_n, score=csat, flags=["small_sample"] * small_sample
    )
    c.indicators["nps"] = IndicatorResult("nps", 30.0, 40, score=nps)
    return c


def stars_by_team(cards, rules=None) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for s in service_stars(cards, rules):
        out.setdefault(s.team_id, []).append((s.agent_id, s.decided_by))
    return out


CARDS = [
    # T1: the best total rests on too few surveys, so the runner-up is the star.
    card("A1", "T1", 90.0, small_sample=True),
    card("A2", "T1", 88.0),
    card("A3", "T1", 85.0),
    # T2: level on total, CSAT decides.
    card("B1", "T2", 80.0, csat=90.0),
    card("B2", "T2", 80.0, csat=95.0),
    card("B3", "T2", 70.0, csat=100.0),
    # T3: level on total and CSAT, NPS decides.
    card("C1", "T3", 75.0, nps=40.0),
    card("C2", "T3", 75.0, nps=50.0),
    # T4: level on everything: a joint award.
    card("D2", "T4", 70.0),
    card("D1", "T4", 70.0),
    # T5: the only agent failed a critical QA item; T6: the only agent has no total.
    card("E1", "T5", 99.0, flags=("critical_failure",)),
    card("F1", "T6", None),
]


def test_each_team_gets_its_best_eligible_agent_with_ties_broken_by_the_stated_rule():
    assert stars_by_team(CARDS) == {
        "T1": [("A2", "total")],
        "T2": [("B2", "csat")],
        "T3": [("C2", "nps")],
        "T4": [("D1", "joint"), ("D2", "joint")],
    }


def test_a_star_records_its_team_size_and_whether_it_is_shared():
    stars = {s.agent_id: s for s in service_stars(CARDS)}
    assert stars["A2"].contenders == 2 and stars["A2"].total == 88.0 and not stars["A2"].joint
    assert stars["D1"].joint and stars["D2"].joint
    assert stars["A2"].to_json()["period"] == "2026-10"


def test_each_month_has_its_own_stars():
    cards = [card("A1", "T1", 80.0), card("A2", "T1", 70.0)]
    cards += [card("A1", "T1", 60.0, period="2026-11"), card("A2", "T1", 70.0, period="2026-11")]
    assert [(s.period, s.agent_id) for s in service_stars(cards)] == [("2026-10", "A1"), ("2026-11", "A2")]


def test_why_an_agent_cannot_be_star():
    by_id = {c.agent_id: c for c in CARDS}
    assert star_ineligibility(by_id["A1"], ServiceStarRules()) == (SMALL_SAMPLE,)
    assert star_ineligibility(by_id["E1"], ServiceStarRules()) == (CRITICAL_FAILURE,)
    assert star_ineligibility(by_id["F1"], ServiceStarRules()) == (NO_TOTAL,)
    assert star_ineligibility(by_id["A2"], ServiceStarRules()) == ()
    assert star_ineligibility(by_id["A2"], ServiceStarRules(), critical={"A2": True}) == (CRITICAL_FAILURE,)


def test_a_stricter_sample_per_indicator_can_be_required():
    cards = [card("A1", "T1", 90.0, csat_n=25), card("A2", "T1", 80.0, csat_n=30)]
    rules = ServiceStarRules(min_n={"csat": 30})
    assert star_ineligibility(cards[0], rules) == (BELOW_MIN_N,)
    assert stars_by_team(cards, rules) == {"T1": [("A2", "total")]}
    assert stars_by_team(cards) == {"T1": [("A1", "total")]}


def test_small_samples_can_be_allowed_and_a_minimum_grade_required():
    assert stars_by_team(CARDS[:3], ServiceStarRules(require_full_sample=False)) == {"T1": [("A1", "total")]}
    graded = [card("A1", "T1", 90.0, grade="B"), card("A2", "T1", 80.0, grade="C")]
    assert stars_by_team(graded, ServiceStarRules(min_grade="B")) == {"T1": [("A1", "total")]}
    assert stars_by_team(graded, ServiceStarRules(min_grade="A")) == {}


def test_star_rules_come_from_the_scheme():
    text = default_scheme_text() + (
        "\nresults:\n  service_star:\n    min_n: {csat: 30}\n    tie_breakers: [nps]\n    min_grade: B\n"
    )
    rules = ServiceStarRules.from_scheme(parse_scheme(text, "t.yaml"))
    assert rules.min_n == {"csat": 30} and rules.tie_breakers == ("nps",) and rules.min_grade == "B"
    assert ServiceStarRules.from_scheme(load_scheme()).tie_breakers == ("csat", "nps")
    with pytest.raises(SchemeError, match=r"results\.service_star"):
        ServiceStarRules.from_scheme(
            parse_scheme(default_scheme_text() + "\nresults:\n  service_star: {min_grade: Z}\n", "t.yaml")
        )


# --- annual excellent staff ---------------------------------------------------------------------

QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")


def year_of(
    agent_id: str, grades: str, totals: list[float], *, critical_in: str | None = None
) -> list[Scorecard]:
    out = []
    for q, g, t in zip(QUARTERS, grades, totals, strict=False):
        if g == ".":
            continue
        flags = ("critical_failure",) if q == critical_in else ()
        out.append(card(agent_id, "T1", t, grade=g, period=q, flags=flags))
    return out


def annual_cards() -> list[Scorecard]:
    cards = []
    cards += year_of("E1", "AAAA", [92, 90, 91, 95])  # mean 92
    cards += year_of("E2", "AABA", [88, 86, 80, 90])  # mean 86, excellent 3 of 4
    cards += year_of("E3", "AAAA", [99, 99, 99, 99], critical_in="2026-Q2")
    cards += year_of("E4", "ABBB", [86, 84, 84, 84])  # excellent 1 of 4
    cards += year_of("E5", "..AA", [0, 0, 97, 97])  # scored in 2 of 4 quarters
    cards += year_of("E6", "AABB", [86, 86, 86, 86])  # mean 86: tied with E2 at the cap
    for i in range(14):
        cards += year_of(f"Z{i:02d}", "BBCC", [75, 72, 60, 62])
    return cards


def test_the_annual_list_takes_the_best_tenth_with_ties_at_the_cap():
    found = annual_excellent(annual_cards())
    # 20 agents appraised → at most 2 places; E2 and E6 tie for the second.
    assert [(e.agent_id, e.rank, e.mean_total) for e in found] == [
        ("E1", 1, 92.0),
        ("E2", 2, 86.0),
        ("E6", 2, 86.0),
    ]
    assert (found[1].cycles, found[1].excellent_cycles) == (4, 3)


def test_the_annual_rules_are_adjustable():
    rules = AnnualExcellentRules(max_fraction=Decimal("0.5"), min_cycle_share=Decimal("0.5"))
    ids = [e.agent_id for e in annual_excellent(annual_cards(), rules)]
    assert ids == ["E5", "E1", "E2", "E6"]  # E5 now counts with 2 quarters; E3 and E4 still not
    assert annual_excellent(annual_cards(), critical={"E1": True})[0].agent_id == "E2"


def test_annual_rules_come_from_the_scheme():
    text = default_scheme_text() + "\nresults:\n  annual_excellent: {max_fraction: 5%, excellent_grade: B}\n"
    rules = AnnualExcellentRules.from_scheme(parse_scheme(text, "t.yaml"))
    assert str(rules.max_fraction) == "0.05" and rules.qualifying_grades == {"A", "B"}
    with pytest.raises(SchemeError, match=r"results\.annual_excellent"):
        AnnualExcellentRules.from_scheme(
            parse_scheme(default_scheme_text() + "\nresults:\n  annual_excellent: {top: 3}\n", "t.yaml")
        )
