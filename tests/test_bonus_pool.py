"""The bonus pool (绩效奖金池): eligibility, the top-20 % / 50 % rule, ties and exact cents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.indicators.periods import parse_period
from frontdesk.results.bonus_pool import (
    CRITICAL_FAILURE,
    GRADE_BELOW_MINIMUM,
    NO_TOTAL,
    NOT_EMPLOYED_WHOLE_CYCLE,
    SPLITS,
    BonusError,
    BonusRules,
    allocate_bonus,
    parse_pool,
    whole_cycle_employment,
)
from frontdesk.scoring.scheme import SchemeError, default_scheme_text, load_scheme, parse_scheme
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard

SCHEME = load_scheme()


def card(agent_id: str, total: float | None, *, critical_failures: float | None = None) -> Scorecard:
    c = Scorecard(
        agent_id=agent_id,
        name=f"Agent {agent_id}",
        team_id="T1",
        site_id=None,
        period="2026-10",
        cycle="monthly",
        scheme_version=SCHEME.version_id,
        total=total,
        grade=SCHEME.grade_for(total),
    )
    if critical_failures is not None:
        c.indicators["qa_critical_failures"] = IndicatorResult("qa_critical_failures", critical_failures, 4)
    return c


def amounts(allocation) -> dict[str, Decimal]:
    return {a.agent_id: a.amount for a in allocation.allocations}


# --- worked examples ----------------------------------------------------------------------------


def test_top_fifth_shares_half_the_pool_and_the_rest_share_by_score():
    cards = [card("A01", 100.0), card("A02", 90.0)]
    cards += [card(f"B{i}", t) for i, t in enumerate([80.0, 70.0, 60.0, 60.0, 60.0, 60.0, 55.0, 55.0])]
    cards += [
        card("X1", 40.0),  # grade D
        card("X2", 99.0, critical_failures=1),  # failed a critical QA item
        card("X3", 97.0),  # hired during the cycle
    ]
    out = allocate_bonus(cards, Decimal("10000"), BonusRules(), employed_whole_cycle={"X3": False})
    got = amounts(out)
    # 10 eligible → 2 top places; 5,000 split equally; 5,000 over totals summing to 500.
    assert got["A01"] == got["A02"] == Decimal("2500.00")
    assert [got[f"B{i}"] for i in range(8)] == [Decimal(x) for x in (800, 700, 600, 600, 600, 600, 550, 550)]
    assert got["X1"] == got["X2"] == got["X3"] == Decimal("0.00")
    lines = {a.agent_id: a for a in out.allocations}
    assert lines["X1"].reasons == (GRADE_BELOW_MINIMUM,)
    assert lines["X2"].reasons == (CRITICAL_FAILURE,)
    assert lines["X3"].reasons == (NOT_EMPLOYED_WHOLE_CYCLE,)
    assert {lines[a].tier for a in ("A01", "A02")} == {"top"} and lines["B0"].tier == "rest"
    assert lines["X1"].tier == "none" and not lines["X1"].eligible
    assert out.top_places == 2 and out.boundary_total == 90.0
    assert sum(got.values()) == Decimal("10000.00") and out.unallocated == 0


def test_agents_tied_at_the_boundary_share_the_places_left():
    # 10 eligible → 2 top places: 95 holds one; three agents tied at 85 share the other.
    cards = [card("A", 95.0), card("B1", 85.0), card("B2", 85.0), card("B3", 85.0)]
    cards += [card(f"C{i}", t) for i, t in enumerate([75.0, 75.0, 70.0, 70.0, 70.0, 70.0])]
    out = allocate_bonus(cards, Decimal("12000.00"))
    got = amounts(out)
    # Top part 6,000 per place: 95 → 3,000; each 85 → 1/3 × 3,000 = 1,000.
    # Rest part 6,000 by (1 − place) × total: 3 × 2/3 × 85 + 2 × 75 + 4 × 70 = 600 → 10 per point.
    assert got["A"] == Decimal("3000.00")
    assert [got["B1"], got["B2"], got["B3"]] == [Decimal("1566.67"), Decimal("1566.67"), Decimal("1566.66")]
    assert got["C0"] == got["C1"] == Decimal("750.00")
    assert got["C2"] == Decimal("700.00")
    lines = {a.agent_id: a for a in out.allocations}
    assert lines["A"].tier == "top" and lines["B1"].tier == "shared" and lines["C0"].tier == "rest"
    assert lines["B1"].top_place == pytest.approx(1 / 3, abs=1e-4)
    assert sum(got.values()) == Decimal("12000.00")


def test_all_equal_scores_get_equal_amounts_to_the_cent():
    out = allocate_bonus([card("A3", 80.0), card("A1", 80.0), card("A2", 80.0)], Decimal("100"))
    # The cent left over goes to the largest remainder; all equal, so by agent id.
    assert amounts(out) == {"A1": Decimal("33.34"), "A2": Decimal("33.33"), "A3": Decimal("33.33")}
    assert {a.tier for a in out.allocations} == {"shared"}


def test_one_eligible_agent_gets_the_whole_pool():
    out = allocate_bonus([card("A1", 88.5), card("A2", 30.0)], Decimal("5000.50"))
    assert amounts(out) == {"A1": Decimal("5000.50"), "A2": Decimal("0.00")}
    assert out.allocations[0].tier == "top"


def test_nobody_eligible_leaves_the_pool_unallocated():
    out = allocate_bonus([card("A1", 20.0), card("A2", None)], Decimal("1000"))
    assert amounts(out) == {"A1": Decimal("0.00"), "A2": Decimal("0.00")}
    assert out.unallocated == Decimal("1000.00")
    assert {a.agent_id: a.reasons for a in out.allocations} == {
        "A1": (GRADE_BELOW_MINIMUM,),
        "A2": (NO_TOTAL,),
    }
    assert out.to_json()["unallocated"] == "1000.00"


def test_the_top_tier_can_split_by_score():
    cards = [
        card(f"A{i}", t) for i, t in enumerate([100.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0])
    ]
    cards[1] = card("A1", 80.0)
    out = allocate_bonus(cards, Decimal("1800"), BonusRules(top_split="score", rest_split="equal"))
    got = amounts(out)
    assert got["A0"] == Decimal("500.00") and got["A1"] == Decimal("400.00")  # 900 by 100 : 80
    assert got["A2"] == Decimal("112.50")  # 900 / 8 equally


def test_a_critical_failure_from_the_mapping_wins_over_the_scorecard():
    cards = [card("A1", 90.0, critical_failures=2), card("A2", 80.0)]
    out = allocate_bonus(cards, Decimal("100"), critical={"A1": False, "A2": True})
    assert amounts(out) == {"A1": Decimal("100.00"), "A2": Decimal("0.00")}


def test_rules_can_drop_requirements():
    cards = [card("A1", 90.0), card("A2", 30.0, critical_failures=1)]
    rules = BonusRules(min_grade=None, exclude_critical_failures=False, require_whole_cycle=False)
    out = allocate_bonus(cards, Decimal("100"), rules, employed_whole_cycle={"A1": False})
    assert amounts(out) == {"A1": Decimal("50.00"), "A2": Decimal("50.00")}


def test_the_json_follows_the_design_contract():
    out = allocate_bonus([card("A1", 90.0), card("A2", 70.0), card("A3", 10.0)], Decimal("99.99"))
    doc = out.to_json()
    assert doc["period"] == "2026-10" and doc["pool"] == "99.99"
    assert [set(a) >= {"agent_id", "amount", "tier", "eligible", "reason"} for a in doc["allocations"]]
    assert all(
        isinstance(a["amount"], str) and len(a["amount"].split(".")[1]) == 2 for a in doc["allocations"]
    )
    assert sum(Decimal(a["amount"]) for a in doc["allocations"]) == Decimal("99.99")
    assert doc["allocations"][-1] == {
        **doc["allocations"][-1],
        "agent_id": "A3",
        "reason": "grade_below_minimum",
    }


@pytest.mark.parametrize("bad", ["-1", "abc", "1.005", "NaN", "Infinity", ""])
def test_a_bad_pool_is_refused(bad):
    with pytest.raises(BonusError):
        parse_pool(bad)


def test_a_pool_may_have_thousands_separators():
    assert parse_pool("100,000.5") == Decimal("100000.50")


def test_scorecards_of_two_periods_are_refused():
    other = card("A2", 80.0)
    other.period = "2026-11"
    with pytest.raises(BonusError, match="several periods"):
        allocate_bonus([card("A1", 90.0), other], Decimal("10"))


def test_employment_for_the_whole_cycle_comes_from_the_hire_date():
    from datetime import date

    rows = [
        {"agent_id": "A1", "hire_date": date(2025, 3, 1)},
        {"agent_id": "A2", "hire_date": date(2026, 10, 1)},
        {"agent_id": "A3", "hire_date": date(2026, 10, 2)},
        {"agent_id": "A4", "hire_date": None},
    ]
    assert whole_cycle_employment(rows, parse_period("2026-10")) == {
        "A1": True,
        "A2": True,
        "A3": False,
        "A4": True,
    }


# --- rules from the scheme ----------------------------------------------------------------------


def scheme_with(results: str):
    return parse_scheme(default_scheme_text() + "\n" + results, "test.yaml")


def test_rules_default_to_the_seed_when_the_scheme_says_nothing():
    rules = BonusRules.from_scheme(SCHEME)
    assert rules == BonusRules(grade_ladder=("A", "B", "C", "D"))
    assert rules.top_fraction == Decimal("0.2") and rules.top_share == Decimal("0.5")
    assert rules.eligible_grades == {"A", "B", "C"}


def test_rules_are_read_from_the_results_section():
    scheme = scheme_with(
        "results:\n  bonus:\n    top_fraction: 10%\n    top_share: 0.6\n    min_grade: B\n"
        "    top_split: score\n    require_whole_cycle: false\n"
    )
    rules = BonusRules.from_scheme(scheme)
    assert rules.top_fraction == Decimal("0.1") and rules.top_share == Decimal("0.6")
    assert rules.eligible_grades == {"A", "B"} and rules.top_split == "score"
    assert not rules.require_whole_cycle


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("top_fraction: 20", "top_fraction"),
        ("top_share: lots", "top_share"),
        ("min_grade: E", "'E'"),
        ("top_split: random", "top_split"),
        ("pool_share: 0.5", "unknown field 'pool_share'"),
        ('require_whole_cycle: "no"', "require_whole_cycle"),
    ],
)
def test_bad_rules_name_the_field(section, message):
    with pytest.raises(SchemeError, match=r"results\.bonus") as e:
        BonusRules.from_scheme(scheme_with(f"results:\n  bonus:\n    {section}\n"))
    assert message in str(e.value)


# --- properties ---------------------------------------------------------------------------------

TOTALS = st.one_of(
    st.sampled_from([None, 0.0, 40.0, 55.0, 70.0, 85.0, 85.0, 100.0]),
    st.integers(0, 10_000).map(lambda x: x / 100),
)


@st.composite
def scenarios(draw, rules_strategy=None):
    n = draw(st.integers(0, 25))
    cards = [card(f"A{i:02d}", draw(TOTALS)) for i in range(n)]
    critical = {c.agent_id: draw(st.booleans()) for c in cards if draw(st.integers(0, 5)) == 0}
    employed = {c.agent_id: draw(st.booleans()) for c in cards if draw(st.integers(0, 5)) == 0}
    pool = Decimal(draw(st.integers(0, 10**10))) / 100
    rules = draw(rules_strategy) if rules_strategy is not None else BonusRules()
    return cards, pool, rules, critical, employed


ANY_RULES = st.builds(
    BonusRules,
    top_fraction=st.sampled_from([Decimal(x) for x in ("0", "0.1", "0.2", "0.25", "0.5", "1")]),
    top_share=st.sampled_from([Decimal(x) for x in ("0", "0.3", "0.5", "0.75", "1")]),
    top_split=st.sampled_from(SPLITS),
    rest_split=st.sampled_from(SPLITS),
    min_grade=st.sampled_from([None, "A", "B", "C", "D"]),
)


def run(scenario):
    cards, pool, rules, critical, employed = scenario
    return allocate_bonus(cards, pool, rules, critical=critical, employed_whole_cycle=employed)


@settings(max_examples=300, deadline=None)
@given(scenarios(ANY_RULES))
def test_amounts_always_add_up_exactly_to_the_pool(scenario):
    out = run(scenario)
    pool = scenario[1]
    assert sum((a.amount for a in out.allocations), Decimal(0)) + out.unallocated == pool
    assert (out.unallocated == 0) == (any(a.eligible for a in out.allocations) or pool == 0)
    assert all(a.amount >= 0 and a.amount == a.amount.quantize(Decimal("0.01")) for a in out.allocations)


@settings(max_examples=300, deadline=None)
@given(scenarios(ANY_RULES))
def test_eligibility_is_respected(scenario):
    cards, _, rules, critical, employed = scenario
    out = run(scenario)
    allowed = rules.eligible_grades
    for c, line in zip(
        sorted(cards, key=lambda c: c.agent_id),
        sorted(out.allocations, key=lambda a: a.agent_id),
        strict=True,
    ):
        expected = (
            c.total is not None
            and (allowed is None or c.grade in allowed)
            and not critical.get(c.agent_id, False)
            and employed.get(c.agent_id, True)
        )
        assert line.eligible == expected, line
        assert bool(line.reasons) == (not expected)
        if not expected:
            assert line.amount == 0 and line.tier == "none"


@settings(max_examples=300, deadline=None)
@given(scenarios(ANY_RULES))
def test_the_top_tier_takes_its_share_and_its_places(scenario):
    rules = scenario[2]
    out = run(scenario)
    eligible = [a for a in out.allocations if a.eligible]
    top, shared, rest = out.tier("top"), out.tier("shared"), out.tier("rest")
    places = max(1, int(rules.top_fraction * len(eligible))) if eligible and rules.top_fraction else 0
    assert out.top_places == places
    assert sum(a.top_place for a in eligible) == pytest.approx(places, abs=1e-4 * len(eligible))
    if top or shared:
        assert min(a.total for a in top + shared) >= max((a.total for a in rest), default=0.0)
    if top and rest and not shared:
        expected = scenario[1] * rules.top_share
        assert abs(out.tier_amount("top") - expected) <= Decimal("0.01") * len(top)


@settings(max_examples=300, deadline=None)
@given(scenarios(ANY_RULES))
def test_a_higher_total_never_gets_less_within_a_tier_and_equal_totals_differ_by_a_cent_at_most(scenario):
    out = run(scenario)
    eligible = [a for a in out.allocations if a.eligible]
    for a in eligible:
        for b in eligible:
            if a.tier == b.tier and a.total > b.total:
                assert a.amount >= b.amount, (a, b)
            if a.total == b.total:
                assert abs(a.amount - b.amount) <= Decimal("0.01"), (a, b)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_under_the_seed_rules_a_higher_total_never_gets_less_at_all(scenario):
    # Eligible totals are ≥ 55 (grade C) and the top tier is at most a fifth, so a top place is
    # always worth at least any share of the rest.
    out = run(scenario)
    eligible = [a for a in out.allocations if a.eligible]
    for a in eligible:
        for b in eligible:
            if a.total > b.total:
                assert a.amount >= b.amount, (a, b)


def test_the_scorecards_critical_failure_flag_forfeits_the_bonus():
    flagged = card("A1", 90.0)
    flagged.flags.append("critical_failure")  # set by the scheme's critical_failures: rules
    out = allocate_bonus([flagged, card("A2", 80.0)], Decimal("100"))
    assert amounts(out) == {"A1": Decimal("0.00"), "A2": Decimal("100.00")}


def test_a_scheme_without_grade_c_passes_every_grade_but_its_lowest():
    text = default_scheme_text()
    for old, new in (
        ("code: A,", "code: S,"),
        ("code: B,", "code: M,"),
        ("code: C,", "code: P,"),
        ("cap_grade: C", "cap_grade: P"),
    ):
        text = text.replace(old, new)
    rules = BonusRules.from_scheme(parse_scheme(text, "t.yaml"))
    assert rules.min_grade == "P" and rules.eligible_grades == {"S", "M", "P"}


def test_shares_given_as_floats_are_taken_as_the_decimals_they_print_as():
    # Fraction(0.7) × 10 is just below 7: read naively, the top tier would lose a place.
    cards = [card(f"A{i}", 60.0 + i) for i in range(10)]
    assert allocate_bonus(cards, Decimal("100"), BonusRules(top_fraction=0.7)).top_places == 7
    assert BonusRules(top_share=0.3).top_share == Decimal("0.3")
