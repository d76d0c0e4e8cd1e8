"""Customer sentiment per turn and its trajectory through a conversation (MISSION T1, F2).

A turn's sentiment, in −1…1, blends two signals: a small hand-written lexicon (positive and
negative words, negation, exclamation) and the satisfaction model's reading of the turn (what a
customer's words at the end of a conversation say about how satisfied they are). The trajectory
compares the first customer turn with the last; ``ends_worse`` flags a conversation whose last
customer turn is clearly more negative than its first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from frontdesk.text.language import normalise
from frontdesk.text.model import SatisfactionModel

WORSE_BY = 0.25  # a drop of this much from the first to the last customer turn is flagged
NEGATIVE = -0.2  # a turn at or below this is negative

LEXICON = {
    "zh": {
        "pos": ("谢谢", "感谢", "多谢", "好的", "好滴", "满意", "不错", "太好了", "辛苦", "解决了", "明白了", "可以了",
                "好了", "棒", "赞", "给力", "耐心", "专业", "开心", "放心", "么么哒", "哈哈", "行了", "ok"),
        "neg": ("投诉", "生气", "失望", "垃圾", "太差", "很差", "差劲", "坑", "骗", "气死", "无语", "烦", "太慢", "怎么回事",
                "还没", "没人", "不行", "不能用", "不好用", "问题", "退款", "等了", "半天", "到底", "敷衍", "恶心", "什么鬼",
                "崩溃", "郁闷", "呵呵", "算了", "行吧", "凭什么", "不满", "欺骗", "催", "三遍"),
        "negators": ("不", "没", "别", "未", "无"),
    },
    "en": {
        "pos": ("thank", "thanks", "great", "good", "perfect", "appreciate", "awesome", "excellent", "helpful",
                "solved", "fixed", "works", "happy", "glad", "love", "nice", "wonderful", "resolved", "got it"),
        "neg": ("complaint", "complain", "angry", "terrible", "awful", "worst", "useless", "ridiculous", "waiting",
                "still", "disappointed", "annoyed", "frustrat", "unacceptable", "never", "scam", "refund", "broken",
                "doesn't work", "not working", "ages", "hurry", "slow", "bad", "problem", "wrong", "fed up"),
        "negators": ("not", "no", "never", "don't", "didn't", "isn't", "wasn't", "can't", "won't"),
    },
}  # fmt: skip
_NEGATOR_WORDS = {lang: frozenset(v["negators"]) for lang, v in LEXICON.items()}


_PATTERNS: dict[tuple[str, str], re.Pattern] = {}


def _pattern(lang: str, polarity: str) -> re.Pattern:
    """One alternation per language and polarity, longest words first (English at word starts)."""
    key = (lang, polarity)
    if key not in _PATTERNS:
        words = sorted(LEXICON[lang][polarity], key=len, reverse=True)
        if lang == "en":
            # w(?<![a-z].)ord is (?<![a-z])word, but lets the engine skip ahead to first letters.
            body = "|".join(re.escape(w[0]) + r"(?<![a-z].)" + re.escape(w[1:]) for w in words)
        else:
            body = "|".join(re.escape(w) for w in words)
        _PATTERNS[key] = re.compile(body)
    return _PATTERNS[key]


def lexicon_score(text: str, lang: str, *, normalised: str | None = None) -> float:
    """Lexicon sentiment of one text in −1…1 (0 when no word of the lexicon occurs);
    ``normalised`` is ``normalise(text)`` when the caller has it already."""
    t = normalise(text) if normalised is None else normalised
    negators = LEXICON[lang]["negators"]
    pos = 0.0
    for m in _pattern(lang, "pos").finditer(t):
        before = t[max(0, m.start() - 8) : m.start()]
        negated = (
            not _NEGATOR_WORDS[lang].isdisjoint(before.split()[-2:])
            if lang == "en"
            else before.endswith(negators)
        )
        pos += -1.0 if negated else 1.0
    neg = float(len(_pattern(lang, "neg").findall(t)))  # the pattern has no groups
    bangs = t.count("!")
    raw = pos - neg - (0.5 * min(bangs, 3) if neg else 0.0)
    return math.tanh(raw / 1.5)


@dataclass(frozen=True)
class Trajectory:
    """Per-turn customer sentiment (None for agent turns) and the move from first to last."""

    turns: tuple[float | None, ...]
    start: float | None
    end: float | None

    @property
    def change(self) -> float | None:
        return None if self.start is None or self.end is None else self.end - self.start

    @property
    def ends_worse(self) -> bool:
        c = self.change
        return c is not None and c <= -WORSE_BY

    @property
    def started_negative(self) -> bool:
        return self.start is not None and self.start <= NEGATIVE


def turn_sentiment(text: str, lang: str, model: SatisfactionModel | None) -> float:
    """One customer turn's sentiment in −1…1: the mean of lexicon and model, when both speak."""
    lex = lexicon_score(text, lang)
    tone = model.turn_tone(text) if model is not None else None
    if tone is None:
        return round(lex, 3)
    return round(0.5 * lex + 0.5 * tone, 3)


def trajectory(
    speakers: list[str],
    texts: list[str],
    lang: str,
    model: SatisfactionModel | None,
    *,
    normalised: list[str] | None = None,
    tones: list[float | None] | None = None,
) -> Trajectory:
    """The sentiment of every customer turn, and where the conversation started and ended.

    ``normalised`` (the texts normalised) and ``tones`` (``model.turn_tone`` of each customer
    turn, from :meth:`SatisfactionModel.score`) save doing that work twice; same results."""
    if normalised is None or (model is not None and tones is None):
        scores: list[float | None] = []
        for speaker, text in zip(speakers, texts, strict=True):
            scores.append(
                turn_sentiment(text, lang, model) if speaker == "customer" and text.strip() else None
            )
    else:
        scores = []
        for i, (speaker, text) in enumerate(zip(speakers, texts, strict=True)):
            if speaker != "customer" or not text.strip():
                scores.append(None)
                continue
            lex = lexicon_score(text, lang, normalised=normalised[i])
            tone = tones[i] if tones is not None else None
            scores.append(round(lex, 3) if tone is None else round(0.5 * lex + 0.5 * tone, 3))
    cust = [s for s in scores if s is not None]
    if not cust:
        return Trajectory(tuple(scores), None, None)
    return Trajectory(tuple(scores), cust[0], cust[-1] if len(cust) > 1 else None)
