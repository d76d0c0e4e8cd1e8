"""The fast scoring path (``SatisfactionModel.score``, used by every analysis) against the plain one
(``predict`` block by block and ``turn_tone`` turn by turn): same numbers for every shape of
conversation, including the ones whose views are empty (no customer turn, no agent turn, blank
turns, words the vocabulary does not know)."""

import random

import pytest

from frontdesk.text.conversation import Conversation, Turn
from frontdesk.text.language import normalise
from frontdesk.text.model import shipped_model

ZH = ["您好，请问有什么可以帮您？", "我的快递三天了还没到，太慢了！", "非常抱歉给您带来不便，我马上帮您查询",
      "好的谢谢", "还有什么可以帮您的吗？", "没有了，辛苦了", "垃圾服务，我要投诉", "已经为您加急处理"]  # fmt: skip
EN = ["Hello, thanks for contacting us!", "My order still hasn't arrived and I'm annoyed",
      "I'm sorry about that, let me check your order number", "Thanks, that was really helpful",
      "Is there anything else I can help with?", "no no no no", "zxqv wprt", "Great great great service"]  # fmt: skip

SHAPES = {
    "usual": ["customer", "agent", "customer", "agent"],
    "customer only": ["customer", "customer"],
    "agent only": ["agent"],
    "agent last": ["customer", "agent", "agent"],
    "single customer turn": ["customer"],
}


def _plain_tones(model, conv):
    return [model.turn_tone(t.text) if t.is_customer and t.text.strip() else None for t in conv.turns]


def _check(model, conv):
    predicted, tones = model.score(conv, [normalise(t.text) for t in conv.turns])
    assert predicted == pytest.approx(model.predict(conv), abs=1e-9)
    for fast, plain in zip(tones, _plain_tones(model, conv), strict=True):
        if plain is None:
            assert fast is None
        else:
            assert fast == pytest.approx(plain, abs=1e-9)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("shape", SHAPES)
def test_fast_scoring_equals_the_plain_computation(lang, shape):
    model = shipped_model(lang)
    texts = ZH if lang == "zh" else EN
    rng = random.Random(f"{lang}/{shape}")
    for _ in range(20):
        turns = tuple(Turn(s, rng.choice(texts)) for s in SHAPES[shape])
        _check(model, Conversation("c", turns, lang=lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_blank_and_unknown_turns_score_like_the_plain_path(lang):
    model = shipped_model(lang)
    odd = ["", "   ", "zxqv", "🙂", "12345"]
    for text in odd:
        _check(model, Conversation("c", (Turn("customer", text), Turn("agent", text)), lang=lang))
    # A blank last customer turn: the last_customer view holds a turn without terms.
    known = ZH[1] if lang == "zh" else EN[1]
    conv = Conversation("c", (Turn("customer", known), Turn("agent", known), Turn("customer", "")), lang=lang)
    _check(model, conv)
    # Words recur across turns and conversations (the per-word cache must not change a result).
    conv = Conversation("c", tuple(Turn("customer" if i % 2 else "agent", known * (i + 1)) for i in range(6)), lang=lang)  # fmt: skip
    _check(model, conv)
    _check(model, conv)
