"""Development plans (个性化提升规划): weak indicators against peers → courses → goals → review."""

from __future__ import annotations

import pytest

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.results.development import (
    COMMUNICATION,
    SYSTEMS,
    Course,
    DevelopmentRules,
    development_plans,
    percentile_among,
    review_goals,
)
from frontdesk.scoring.scheme import SchemeError, default_scheme_text, load_scheme, parse_scheme
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard


def card(
    agent_id: str,
    team: str,
    *,
    csat: float | None = None,
    handle_time: float | None = None,
    period: str = "2026-10",
    score: float = 50.0,
    small_sample: tuple[str, ...] = (),
) -> Scorecard:
    c = Scorecard(
        agent_id=agent_id,
        name=f"Agent {agent_id}",
        team_id=team,
        site_id=None,
        period=period,
        cycle="monthly",
        scheme_version="default:test",
        total=70.0,
        grade="B",
    )
    for code, value, weight in (("csat", csat, 0.4), ("handle_time", handle_time, 0.1)):
        flags = ["small_sample"] if code in small_sample else []
        if value is None:
            c.indicators[code] = IndicatorResult(code, None, 0, flags=["not_available"])
        else:
            c.indicators[code] = IndicatorResult(code, value, 40, score=score, weight=weight, flags=flags)
    return c


# Team T1 has six agents; T2 has three, too few peers, so they are compared with everyone.
CARDS = [
    card("D1", "T1", csat=70, handle_time=150),
    card("D2", "T1", csat=80, handle_time=200),
    card("D3", "T1", csat=85, handle_time=210),
    card("D4", "T1", csat=90, handle_time=220),
    card("D5", "T1", csat=92, handle_time=250),
    card("D6", "T1", csat=95, handle_time=300),
    card("E1", "T2", csat=60, handle_time=180),
    card("E2", "T2", csat=88, handle_time=190),
    card("E3", "T2", csat=89, handle_time=195),
]


def plans_by_agent(cards=CARDS, rules=None):
    return {p.agent_id: p for p in development_plans(cards, rules)}


def test_the_weakest_indicator_against_the_team_becomes_a_goal_with_a_course():
    plans = plans_by_agent()
    (goal,) = plans["D1"].goals
    assert goal.indicator == "csat" and goal.percentile == 0.0 and goal.peer_group == "team"
    assert goal.peer_count == 5 and goal.target == 90.0  # median of 80, 85, 90, 92, 95
    assert goal.course == COMMUNICATION and goal.due_cycle == "2026-11"
    assert plans["D1"].due_cycle == "2026-11"


def test_lower_is_better_indicators_are_judged_the_right_way_round():
    plans = plans_by_agent()
    # Handle time: D6 (300 s) is the slowest, D5 (250 s) beats only D6: 20th percentile.
    assert [(g.indicator, g.percentile, g.target, g.course) for g in plans["D6"].goals] == [
        ("handle_time", 0.0, 210.0, SYSTEMS)
    ]
    assert [(g.indicator, g.percentile) for g in plans["D5"].goals] == [("handle_time", 20.0)]
    assert plans["D1"].goals[0].indicator == "csat"  # the fastest agent has no handle-time goal
    assert plans["D3"].goals == () and plans["D4"].goals == ()


def test_a_small_team_is_compared_with_the_whole_organisation():
    (goal,) = plans_by_agent()["E1"].goals
    assert goal.indicator == "csat" and goal.peer_group == "organisation" and goal.peer_count == 8
    assert goal.target == 88.5  # median of the other eight: 70 80 85 88 | 89 90 92 95


def test_small_samples_are_neither_judged_nor_used_as_peers():
    cards = [*CARDS]
    cards[0] = card("D1", "T1", csat=70, handle_time=150, small_sample=("csat",))
    plans = plans_by_agent(cards)
    assert plans["D1"].goals == ()
    # D2 now has four comparable team peers, too few: it is placed among the other seven.
    (goal,) = [g for g in plans["D2"].goals if g.indicator == "csat"]
    assert goal.peer_group == "organisation" and goal.peer_count == 7
    assert goal.percentile == 14.29 and goal.target == 89.0  # beats E1 only; 60 85 88 [89] 90 92 95


def test_an_indicator_already_at_target_is_not_a_goal():
    cards = [*CARDS]
    cards[0] = card("D1", "T1", csat=70, handle_time=150, score=100.0)
    assert plans_by_agent(cards)["D1"].goals == ()
    assert plans_by_agent(cards, DevelopmentRules(skip_at_target=False))["D1"].goals[0].indicator == "csat"


def test_goals_come_weakest_first_and_are_capped():
    cards = [*CARDS, card("E4", "T2", csat=50, handle_time=400)]
    plans = plans_by_agent(cards)
    # Both at the 0th percentile: the heavier indicator (CSAT, weight 0.4) comes first.
    assert [g.indicator for g in plans["E4"].goals] == ["csat", "handle_time"]
    assert [g.indicator for g in plans_by_agent(cards, DevelopmentRules(max_goals=1))["E4"].goals] == ["csat"]


def test_the_organisation_can_be_the_peer_group():
    plans = plans_by_agent(rules=DevelopmentRules(peer_group="organisation"))
    goal = plans["D1"].goals[0]
    assert goal.peer_group == "organisation" and goal.peer_count == 8 and goal.percentile == 12.5


def test_percentile_counts_ties_as_half():
    assert percentile_among(80, [70, 80, 90, 80], "higher") == 50.0
    assert percentile_among(80, [70, 90], "lower") == 50.0
    assert percentile_among(100, [100, 100], "higher") == 50.0


def test_review_marks_goals_met_or_not_in_the_next_cycle():
    plans = development_plans(CARDS)
    later = [
        card("D1", "T1", csat=91, handle_time=150, period="2026-11"),
        card("D6", "T1", csat=95, handle_time=240, period="2026-11"),
        card("E1", "T2", csat=None, handle_time=180, period="2026-11"),
    ]
    reviews = {(r.agent_id, r.indicator): r for r in review_goals(plans, later)}
    assert set(reviews) == {
        ("D1", "csat"),
        ("D2", "csat"),  # 80 beats one of five team peers: 20th percentile
        ("D5", "handle_time"),
        ("D6", "handle_time"),
        ("E1", "csat"),
    }
    d1 = reviews[("D1", "csat")]
    assert (d1.status, d1.improved, d1.baseline, d1.target, d1.value) == ("met", True, 70, 90.0, 91)
    d6 = reviews[("D6", "handle_time")]
    assert (d6.status, d6.improved) == ("not_met", True)  # 240 s: faster, but not the 210 s target
    assert reviews[("D5", "handle_time")].status == "no_data"  # no scorecard in November
    assert reviews[("E1", "csat")].status == "no_data" and reviews[("E1", "csat")].improved is None
    assert d1.planned_in == "2026-10" and d1.reviewed_in == "2026-11" and d1.due_cycle == "2026-11"


def test_the_default_catalogue_maps_indicators_then_dimensions():
    cat, rules = builtin_catalog(), DevelopmentRules()
    assert rules.course_for(cat["nps"]) == COMMUNICATION
    assert rules.course_for(cat["first_response"]) == SYSTEMS
    assert rules.course_for(cat["transfer_accuracy"]).code == "collaboration_workshop"  # by dimension


def test_the_scheme_catalogue_overrides_the_default():
    text = default_scheme_text() + (
        "\nresults:\n  development:\n    peer_group: organisation\n    weak_percentile: 10\n"
        "    catalogue:\n      csat: {course: vip_etiquette, name: {en: VIP etiquette, zh: 贵宾礼仪}}\n"
    )
    rules = DevelopmentRules.from_scheme(parse_scheme(text, "t.yaml"))
    assert rules.peer_group == "organisation" and rules.weak_percentile == 10.0
    assert rules.course_for(builtin_catalog()["csat"]) == Course("vip_etiquette", "VIP etiquette", "贵宾礼仪")
    assert rules.course_for(builtin_catalog()["nps"]) == COMMUNICATION
    assert DevelopmentRules.from_scheme(load_scheme()) == DevelopmentRules()


@pytest.mark.parametrize(
    "section",
    ["peer_group: site", "catalogue: {csat: {course: x}}", "weak_percentile: 150", "peers: 3"],
)
def test_bad_development_rules_name_the_section(section):
    text = default_scheme_text() + f"\nresults:\n  development:\n    {section}\n"
    with pytest.raises(SchemeError, match=r"results\.development"):
        DevelopmentRules.from_scheme(parse_scheme(text, "t.yaml"))
