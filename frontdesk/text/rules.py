"""Script-compliance rules (MISSION I-P1, T1): greeting, closing, required and forbidden phrases
per topic, reply latency; read from the scheme's optional ``transcripts:`` section.

Matching. English phrases match whole words, case-insensitively (a phrase ending in ``*`` matches
a word prefix: ``apologi*``). Chinese phrases match the raw text (after NFKC and lower-casing);
a phrase of three characters or fewer must also sit on jieba word boundaries, so 您好 matches
您好呀 and 亲您好, 欢迎 matches 欢迎光临, but 你好 does not match 你好好想想 (你 / 好好 / 想想).
The format is documented in docs/schemes.md and docs/text-analytics.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from frontdesk.text.language import LANGUAGES, normalise

SHORT_PHRASE = 3  # Chinese phrases this short must align with jieba word boundaries

Fail = Callable[[tuple, str], Exception]


@dataclass(frozen=True)
class PhraseSet:
    """Phrases that count as one thing said (e.g. an identity check), per language."""

    id: str
    phrases: dict[str, tuple[str, ...]]
    name_en: str = ""
    name_zh: str = ""


@dataclass(frozen=True)
class TopicRules:
    required: tuple[PhraseSet, ...] = ()
    forbidden: tuple[PhraseSet, ...] = ()


@dataclass(frozen=True)
class TranscriptRules:
    """The compliance rules of a scheme (or the built-in defaults)."""

    greeting: PhraseSet
    closing: PhraseSet
    empathy: PhraseSet
    greeting_within_seconds: float | None = None
    reply_seconds: float | None = 60.0
    topics: dict[str, TopicRules] = field(default_factory=dict)

    def for_topic(self, topic: str | None, is_complaint: bool = False) -> TopicRules:
        """The default topic's rules plus the topic's own (plus ``complaint``'s for complaints)."""
        parts = [self.topics.get("default", TopicRules())]
        if topic and topic != "default" and topic in self.topics:
            parts.append(self.topics[topic])
        if is_complaint and topic != "complaint" and "complaint" in self.topics:
            parts.append(self.topics["complaint"])
        req: dict[str, PhraseSet] = {}
        forb: dict[str, PhraseSet] = {}
        for p in parts:
            req.update({s.id: s for s in p.required})
            forb.update({s.id: s for s in p.forbidden})
        return TopicRules(tuple(req.values()), tuple(forb.values()))


# --- parsing ---------------------------------------------------------------------------------

_KNOWN = {"greeting", "closing", "empathy", "reply_seconds", "topics"}


def _plain_fail(path: tuple, message: str) -> Exception:
    where = ".".join(str(p) for p in path)
    return ValueError(f"{where}: {message}")


def parse_rules(section: Any, fail: Fail = _plain_fail, path: tuple = ("transcripts",)) -> TranscriptRules:
    """Validate and read a ``transcripts:`` section; ``fail(path, message)`` builds the error."""
    if section is None:
        return DEFAULT_RULES
    if not isinstance(section, dict):
        raise fail(path, "transcripts: expected a mapping")
    for key in section:
        if key not in _KNOWN:
            raise fail(
                (*path, key), f"transcripts: unknown field {key!r} (expected {', '.join(sorted(_KNOWN))})"
            )

    def phrase_set(value: Any, p: tuple, ident: str, default: PhraseSet | None) -> PhraseSet:
        if value is None and default is not None:
            return default
        if not isinstance(value, dict):
            raise fail(p, f"transcripts: {ident}: expected a mapping with 'zh' and/or 'en' phrase lists")
        unknown = set(value) - {"zh", "en", "id", "name", "within_seconds"}
        if unknown:
            raise fail(
                (*p, sorted(unknown)[0]), f"transcripts: {ident}: unknown field {sorted(unknown)[0]!r}"
            )
        phrases: dict[str, tuple[str, ...]] = {}
        for lang in LANGUAGES:
            items = value.get(lang, [])
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or any(not isinstance(x, str) or not x.strip() for x in items):
                raise fail((*p, lang), f"transcripts: {ident}: {lang} must be a list of non-empty phrases")
            phrases[lang] = tuple(normalise(x) for x in items)
        if not any(phrases.values()):
            raise fail(p, f"transcripts: {ident}: needs at least one phrase in 'zh' or 'en'")
        name = value.get("name") or {}
        return PhraseSet(ident, phrases, str(name.get("en", "")), str(name.get("zh", "")))

    def seconds(value: Any, p: tuple, what: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise fail(p, f"transcripts: {what} must be a positive number of seconds, got {value!r}")
        return float(value)

    greeting_raw = section.get("greeting")
    within = None
    if isinstance(greeting_raw, dict):
        within = seconds(greeting_raw.get("within_seconds"), (*path, "greeting", "within_seconds"),
                         "greeting.within_seconds")  # fmt: skip
    topics: dict[str, TopicRules] = {}
    raw_topics = section.get("topics") or {}
    if not isinstance(raw_topics, dict):
        raise fail(
            (*path, "topics"), "transcripts: topics: expected a mapping of topic -> {required, forbidden}"
        )
    for topic, body in raw_topics.items():
        tp = (*path, "topics", topic)
        if not isinstance(body, dict):
            raise fail(tp, f"transcripts: topic {topic}: expected a mapping with required and/or forbidden")
        extra = set(body) - {"required", "forbidden"}
        if extra:
            raise fail(
                (*tp, sorted(extra)[0]), f"transcripts: topic {topic}: unknown field {sorted(extra)[0]!r}"
            )
        lists = {}
        for kind in ("required", "forbidden"):
            items = body.get(kind) or []
            if not isinstance(items, list):
                raise fail((*tp, kind), f"transcripts: topic {topic}: {kind} must be a list")
            sets, seen = [], set()
            for i, item in enumerate(items):
                ip = (*tp, kind, i)
                ident = item.get("id") if isinstance(item, dict) else None
                if not isinstance(ident, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
                    raise fail(
                        ip, f"transcripts: topic {topic}: each {kind} entry needs an id like identity_check"
                    )
                if ident in seen:
                    raise fail((*ip, "id"), f"transcripts: topic {topic}: {kind} id {ident!r} appears twice")
                seen.add(ident)
                sets.append(phrase_set(item, ip, ident, None))
            lists[kind] = tuple(sets)
        topics[str(topic)] = TopicRules(lists["required"], lists["forbidden"])
    return TranscriptRules(
        greeting=phrase_set(greeting_raw, (*path, "greeting"), "greeting", DEFAULT_RULES.greeting),
        closing=phrase_set(section.get("closing"), (*path, "closing"), "closing", DEFAULT_RULES.closing),
        empathy=phrase_set(section.get("empathy"), (*path, "empathy"), "empathy", DEFAULT_RULES.empathy),
        greeting_within_seconds=within,
        reply_seconds=seconds(section.get("reply_seconds", 60), (*path, "reply_seconds"), "reply_seconds"),
        topics=topics or dict(DEFAULT_RULES.topics),
    )


def rules_of_scheme(scheme: Any) -> TranscriptRules:
    """The rules in a parsed scheme's ``transcripts:`` section (the defaults when it has none)."""
    raw = getattr(scheme, "raw", None) or {}
    return parse_rules(raw.get("transcripts"))


# --- matching --------------------------------------------------------------------------------


def _boundaries(text: str) -> tuple[set[int], list[tuple[int, int]]]:
    from frontdesk.text.tokens import words

    starts, spans, pos = set(), [], 0
    for w in words(text):
        starts.add(pos)
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return starts, spans


def _zh_hit(text: str, phrase: str) -> int:
    """Where ``phrase`` occurs in ``text`` on acceptable word boundaries, or −1."""
    at = text.find(phrase)
    if at < 0 or len(phrase) > SHORT_PHRASE:
        return at
    starts, spans = _boundaries(text)
    while at >= 0:
        end = at + len(phrase)
        # Start on a word boundary; a word running past the end must begin where the phrase does
        # (欢迎 in 欢迎光临), never inside it (你好 in 你 / 好好).
        if at in starts and all(s == at or e <= end or s >= end for s, e in spans if s < end < e):
            return at
        at = text.find(phrase, at + 1)
    return -1


_EN_CACHE: dict[str, re.Pattern] = {}


def _en_pattern(phrase: str) -> re.Pattern:
    pat = _EN_CACHE.get(phrase)
    if pat is None:
        body = re.escape(phrase.rstrip("*")).replace(r"\ ", r"\s+")
        tail = "" if phrase.endswith("*") else r"(?![a-z0-9])"
        pat = _EN_CACHE[phrase] = re.compile(r"(?<![a-z0-9])" + body + tail)
    return pat


_EN_ANY: dict[tuple[str, ...], re.Pattern] = {}


def _en_any(phrases: tuple[str, ...]) -> re.Pattern:
    """One alternation of the set's phrase patterns: it finds something exactly when one of them does.

    Each branch matches its first character before checking the word start (``h(?<![a-z0-9].)ello``
    is ``(?<![a-z0-9])hello``), so the regex engine can skip ahead to the branches' first characters.
    """
    pat = _EN_ANY.get(phrases)
    if pat is None:
        branches = []
        for p in phrases:
            core = p.rstrip("*")
            if not core or core[0] == "\n":
                branches.append(f"(?:{_en_pattern(p).pattern})")
                continue
            rest = re.escape(core[1:]).replace(r"\ ", r"\s+")
            tail = "" if p.endswith("*") else r"(?![a-z0-9])"
            branches.append(re.escape(core[0]) + r"(?<![a-z0-9].)" + rest + tail)
        pat = _EN_ANY[phrases] = re.compile("|".join(branches))
    return pat


_HAN_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def find(
    text: str, phrases: tuple[str, ...], lang: str, *, normalised: str | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every phrase of the set found in ``text`` (positions in the
    normalised text, first occurrence of each phrase). Chinese text drops spaces between Han
    characters first (word-segmented exports, ASR output). ``normalised`` is
    ``normalise(text)`` when the caller has it already."""
    t = normalise(text) if normalised is None else normalised
    if lang == "zh" and " " in t:
        t = _HAN_GAP.sub("", t)
    out: list[tuple[int, int, str]] = []
    if lang != "zh" and (not phrases or _en_any(phrases).search(t) is None):
        return out
    for p in phrases:
        if lang == "zh":
            at = _zh_hit(t, p)
            if at >= 0:
                out.append((at, at + len(p), p))
        else:
            m = _en_pattern(p).search(t)
            if m:
                out.append((m.start(), m.end(), p))
    return out


def says(text: str, phrase_set: PhraseSet, lang: str) -> bool:
    """Whether ``text`` contains any phrase of ``phrase_set`` in ``lang``."""
    return bool(find(text, phrase_set.phrases.get(lang, ()), lang))


def _set(ident: str, zh: list[str], en: list[str], name_en: str = "", name_zh: str = "") -> PhraseSet:
    return PhraseSet(
        ident, {"zh": tuple(map(normalise, zh)), "en": tuple(map(normalise, en))}, name_en, name_zh
    )


DEFAULT_RULES = TranscriptRules(
    greeting=_set("greeting", ["您好", "你好", "欢迎", "很高兴为您服务", "在的", "哈喽", "嗨"],
                  ["hello", "hi", "hey", "good morning", "good afternoon", "good evening", "welcome",
                   "thanks for contacting", "thank you for contacting", "thanks for reaching out"]),
    closing=_set("closing", ["还有什么可以帮", "还有其他问题", "还有别的问题", "祝您", "感谢您的", "欢迎再次", "再见"],
                 ["anything else", "is there anything else", "have a nice day", "have a great day",
                  "have a good day", "have a great night", "have a good night", "take care", "goodbye",
                  "thanks for contacting", "thank you for contacting"]),
    empathy=_set("empathy", ["抱歉", "对不起", "不好意思", "理解您", "给您带来不便", "让您久等"],
                 ["sorry", "apologi*", "apologies", "understand how", "inconvenience", "frustrating for you"]),
    greeting_within_seconds=None,
    reply_seconds=60.0,
    topics={
        "default": TopicRules(
            required=(_set("offer_further_help", ["还有什么可以帮", "还有其他问题", "还有别的问题", "还需要什么帮助"],
                           ["anything else", "anything more i can", "further help"],
                           "Offer of further help", "主动询问其他需求"),),
            forbidden=(_set("rude_language", ["你自己看", "不关我事", "爱买不买", "听不懂吗", "你烦不烦", "没办法就是没办法"],
                            ["not my problem", "calm down", "whatever", "i don't care", "deal with it"],
                            "Rude language", "不礼貌用语"),),
        ),
        "complaint": TopicRules(
            required=(_set("apology", ["抱歉", "对不起", "不好意思", "给您带来不便"],
                           ["sorry", "apologi*", "apologies"], "Apology", "致歉"),),
        ),
        "billing": TopicRules(
            required=(_set("identity_check", ["核实", "验证", "身份", "手机号", "订单号", "账号"],
                           ["verify", "confirm your", "account number", "order number", "security question"],
                           "Identity check", "身份核验"),),
        ),
    },
)  # fmt: skip
