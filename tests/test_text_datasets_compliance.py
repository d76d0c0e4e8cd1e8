"""Compliance rules on real dialogues: greeting detection on 50 hand-labelled Taobao shop-service
turns (labels in tests/data/ecd_greeting_labels.json) and ABCD's required actions (kb.json)."""

import hashlib
import json
from pathlib import Path

import pytest

from frontdesk.text.analysis import analyze
from frontdesk.text.conversation import Conversation, Turn
from frontdesk.text.rules import DEFAULT_RULES, PhraseSet, TopicRules, TranscriptRules, says

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
ECD = DATASETS / "ecd-taobao-sample" / "ecd_positive_dialogues.jsonl"
ABCD = DATASETS / "abcd"
LABELS = Path(__file__).parent / "data" / "ecd_greeting_labels.json"


@pytest.fixture(scope="module")
def ecd_turns():
    if not ECD.exists():
        pytest.skip(f"needs the shared dataset {ECD}")
    rows = [json.loads(line) for line in ECD.read_text("utf-8").splitlines() if line.strip()]
    out = []
    for lab in json.loads(LABELS.read_text("utf-8"))["labels"]:
        text = rows[lab["dialogue"]]["turns"][lab["turn"]]["text"]
        assert hashlib.sha1(text.encode()).hexdigest()[:10] == lab["sha1"], "the dataset file changed"
        out.append((text, lab["greeting"]))
    return out


def test_greeting_detection_on_50_hand_labelled_shop_service_turns(ecd_turns):
    assert len(ecd_turns) == 50
    predicted = [says(text, DEFAULT_RULES.greeting, "zh") for text, _ in ecd_turns]
    truth = [label for _, label in ecd_turns]
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    precision = tp / sum(predicted)
    recall = tp / sum(truth)
    assert sum(truth) == 17
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


def test_the_first_agent_turn_of_a_shop_dialogue_is_checked_for_the_greeting(ecd_turns):
    # Whole conversations: the analysis looks at the agent's first turn only.
    rows = [json.loads(line) for line in ECD.read_text("utf-8").splitlines()[:50]]
    labels = [label for _, label in ecd_turns]
    got = []
    for i, r in enumerate(rows):
        turns = tuple(Turn(t["role_inferred"], t["text"]) for t in r["turns"])
        got.append(analyze(Conversation(str(i), turns)).greeting)
    assert got == labels


# The text ABCD's agent console writes when a button is pressed, by action (kb.json names).
ACTION_TEXT = {
    "pull-up-account": ["account has been pulled up"],
    "validate-purchase": ["purchase validation in progress"],
    "verify-identity": ["identity verification in progress"],
    "membership": ["membership level of"],
    "enter-details": ["have been entered"],
    "update-order": ["order has been updated"],
    "notify-team": ["has been notified"],
    "offer-refund": ["a refund has been made"],
    "ask-the-oracle": ["querying the system"],
    "send-link": ["a link will be sent"],
    "search-faq": ["searching the faq"],
    "select-faq": ["faq answer related to"],
}


def _abcd():
    if not (ABCD / "kb.json").exists():
        pytest.skip(f"needs the shared dataset {ABCD}")
    kb = json.loads((ABCD / "kb.json").read_text("utf-8"))
    dialogues = json.loads((ABCD / "abcd_sample.json").read_text("utf-8"))
    topics = {"default": TopicRules()}
    for subflow, actions in kb.items():
        topics[subflow] = TopicRules(
            required=tuple(PhraseSet(a.replace("-", "_"), {"en": tuple(ACTION_TEXT.get(a, [f"<{a}>"])), "zh": ()})
                           for a in actions)
        )  # fmt: skip
    rules = TranscriptRules(
        DEFAULT_RULES.greeting, DEFAULT_RULES.closing, DEFAULT_RULES.empathy, topics=topics
    )
    return kb, dialogues, rules


def test_abcd_required_actions_are_found_exactly_when_the_agent_took_them():
    kb, dialogues, rules = _abcd()
    checked = 0
    for d in dialogues:
        subflow = d["scenario"]["subflow"]
        # Button presses are the agent's acts; the dataset's own labels say which were pressed.
        turns = tuple(Turn("customer" if s == "customer" else "agent", text) for s, text in d["original"])
        taken = {t["targets"][2] for t in d["delexed"] if t["speaker"] == "action"}
        a = analyze(Conversation(str(d["convo_id"]), turns, lang="en", topic=subflow), rules)
        expected = {act.replace("-", "_"): act in taken for act in kb.get(subflow, [])}
        assert a.required == expected, subflow
        assert a.greeting is True and a.closing is True
        checked += len(expected)
    assert checked >= 9  # two of the three samples have required actions


def test_abcd_return_size_sample_misses_two_of_five_required_actions():
    _, dialogues, rules = _abcd()
    d = next(x for x in dialogues if x["scenario"]["subflow"] == "return_size")
    turns = tuple(Turn("customer" if s == "customer" else "agent", text) for s, text in d["original"])
    a = analyze(Conversation("x", turns, lang="en", topic="return_size"), rules)
    assert a.coverage == pytest.approx(3 / 5)
    assert [k for k, v in a.required.items() if not v] == ["membership", "update_order"]
    assert "required_missing" in a.flags
