"""Script-compliance rules: phrase matching in Chinese and English, topics, and the scheme section."""

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.scoring.scheme import SchemeError, default_scheme_text, load_scheme, parse_scheme
from frontdesk.text.analysis import analyze
from frontdesk.text.conversation import Conversation, Turn
from frontdesk.text.rules import DEFAULT_RULES, find, parse_rules, rules_of_scheme, says

GREETING = DEFAULT_RULES.greeting


@pytest.mark.parametrize(
    "text",
    ["您好", "您好呀", "你好，请问有什么可以帮您", "亲您好", "欢迎光临本店", "在的亲", "您 好 在 的 呢"],
)
def test_chinese_greeting_variants_match(text):
    assert says(text, GREETING, "zh")


@pytest.mark.parametrize("text", ["你好好想想再说", "你好好看看订单", "现在的情况是这样", "好的亲"])
def test_chinese_greeting_inside_other_words_does_not_match(text):
    assert not says(text, GREETING, "zh")


def test_english_phrases_match_whole_words_and_marked_prefixes():
    assert says("Hi there!", GREETING, "en")
    assert not says("this is his account", GREETING, "en")
    empathy = DEFAULT_RULES.empathy
    assert says("I do apologise for that", empathy, "en") and says("We apologize.", empathy, "en")
    assert find("Is there anything   else?", DEFAULT_RULES.closing.phrases["en"], "en")


def _conv(lines, **kw):
    t0 = datetime(2026, 8, 3, 9, tzinfo=UTC)
    turns = tuple(Turn(s, text, t0 + timedelta(seconds=sec)) for s, text, sec in lines)
    return Conversation("c", turns, **kw)


def test_a_complaint_needs_an_apology_and_a_billing_contact_an_identity_check():
    lines = [("customer", "我要投诉！扣费扣错了", 0), ("agent", "您好，请提供一下手机号，我来核实。", 20),
             ("customer", "好的", 40), ("agent", "已经为您退回。还有什么可以帮您？", 70)]  # fmt: skip
    a = analyze(_conv(lines, topic="billing", is_complaint=True))
    assert a.required == {"offer_further_help": True, "identity_check": True, "apology": False}
    assert a.coverage == pytest.approx(2 / 3)
    assert "required_missing" in a.flags
    assert a.greeting is True and a.closing is True


def test_forbidden_phrases_and_slow_replies_are_flagged():
    lines = [("customer", "How do I reset my password?", 0), ("agent", "Hello. Not my problem, whatever.", 200),
             ("customer", "Seriously?", 210), ("agent", "Anything else?", 230)]  # fmt: skip
    a = analyze(_conv(lines))
    assert a.forbidden == ["rude_language"]
    assert a.reply_seconds == [200.0, 20.0]
    assert {"forbidden_phrase", "slow_reply"} <= set(a.flags)
    items = {i.item_id: i for i in a.items}
    assert items["forbidden:rude_language"].score == 0.0
    assert items["reply_latency"].score == 0.5


def test_a_greeting_within_n_seconds_counts_when_the_scheme_allows_it():
    lines = [("customer", "在吗", 0), ("agent", "稍等", 5), ("agent", "您好，请问有什么可以帮您", 25)]
    assert analyze(_conv(lines)).greeting is False  # the first agent turn only
    rules = parse_rules({"greeting": {"zh": ["您好"], "en": ["hello"], "within_seconds": 30}})
    assert analyze(_conv(lines), rules).greeting is True
    rules = parse_rules({"greeting": {"zh": ["您好"], "within_seconds": 20}})
    assert analyze(_conv(lines), rules).greeting is False


def test_the_default_scheme_states_the_built_in_rules():
    assert rules_of_scheme(load_scheme()) == DEFAULT_RULES


def _with(section: str) -> str:
    return default_scheme_text().split("\ntranscripts:")[0] + "\n" + section


def test_a_scheme_without_a_transcripts_section_gets_the_defaults():
    assert rules_of_scheme(parse_scheme(_with(""))) == DEFAULT_RULES


def test_a_scheme_can_set_topic_phrases():
    s = parse_scheme(_with("transcripts:\n  topics:\n    refund:\n      required:\n"
                           "        - {id: refund_time, zh: [到账], en: [business days]}\n"))  # fmt: skip
    rules = rules_of_scheme(s)
    assert [x.id for x in rules.for_topic("refund").required] == ["refund_time"]
    assert rules.for_topic("other").required == ()


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        ("transcripts:\n  greting: {zh: [您好]}\n", 2, "unknown field 'greting'"),
        ("transcripts:\n  reply_seconds: -5\n", 2, "reply_seconds must be a positive number"),
        (
            "transcripts:\n  topics:\n    billing:\n      required:\n        - {zh: [核实]}\n",
            5,
            "needs an id",
        ),
        (
            "transcripts:\n  topics:\n    billing:\n      forbidden:\n        - {id: rude, zh: [1, 2]}\n",
            5,
            "zh must be a list of non-empty phrases",
        ),
        ("transcripts:\n  closing: {fr: [au revoir]}\n", 2, "unknown field 'fr'"),
    ],
)
def test_bad_rules_are_reported_with_their_line(section, line, message):
    text = _with(section)
    first = text.count("\n", 0, text.index("transcripts:")) + 1
    with pytest.raises(SchemeError) as e:
        parse_scheme(text, "s.yaml")
    assert f"s.yaml:{first + line - 1}:" in str(e.value)
    assert message in str(e.value)
