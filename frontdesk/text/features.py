"""Features of a conversation for the satisfaction model: text views x analysers, plus structure.

A *view* is a set of turns (all of them, the customer's, the agent's, the last customer turn …);
an *analyser* turns a text into terms (character n-grams for Chinese; character n-grams inside
words plus words and word pairs for English). One feature block is a (view, analyser) pair,
weighted by sublinear TF-IDF with its own document frequencies and L2-normalised. A view's terms
are the sum of its turns' terms, so every turn is analysed once however many views hold it. The
same code builds training rows and scores single conversations, so training and use cannot drift.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections.abc import Callable, Sequence

import numpy as np

from frontdesk.text.conversation import Conversation
from frontdesk.text.language import normalise

_WORD = re.compile(r"(?u)\b\w\w+\b")

VIEWS = ("all", "customer", "agent", "last_customer", "last_two_customer", "last_turn")


def view_turns(conv: Conversation) -> dict[str, list[int]]:
    """The positions of the turns in every view of ``conv``."""
    cust = [i for i, t in enumerate(conv.turns) if t.is_customer]
    n = len(conv.turns)
    return {
        "all": list(range(n)),
        "customer": cust,
        "agent": [i for i, t in enumerate(conv.turns) if not t.is_customer],
        "last_customer": cust[-1:],
        "last_two_customer": cust[-2:],
        "last_turn": [n - 1] if n else [],
    }


def char_ngrams(text: str, lo: int = 1, hi: int = 3) -> list[str]:
    """Character n-grams of lengths lo..hi (Chinese needs no word boundaries for these)."""
    out = list(text) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        out += [text[i : i + n] for i in range(len(text) - n + 1)]
    return out


def _char_1_3(text: str) -> list[str]:
    """``char_ngrams(text)`` (lengths 1 to 3, same order), built by pairwise concatenation in C."""
    two = list(map(operator.add, text, text[1:]))
    return [*text, *two, *map(operator.add, two, text[2:])]


def word_char_ngrams(text: str, lo: int = 2, hi: int = 5) -> list[str]:
    """Character n-grams inside space-padded words (English spelling variants, inflections)."""
    out: list[str] = []
    for w in text.split():
        w = f" {w} "
        m = len(w)
        for n in range(lo, hi + 1):
            out += [w[i : i + n] for i in range(m - n + 1)]
    return out


def word_ngrams(text: str) -> list[str]:
    """Words of two or more letters and adjacent word pairs."""
    ws = _WORD.findall(text)
    return ws + [f"{a} {b}" for a, b in itertools.pairwise(ws)]


ANALYSERS: dict[str, Callable[[str], list[str]]] = {
    "char": char_ngrams,
    "wordchar": word_char_ngrams,
    "word": word_ngrams,
}

STRUCTURE = (
    "turns",
    "customer_turns",
    "agent_turns",
    "log_customer_chars",
    "log_agent_chars",
    "customer_speaks_last",
    "log_last_customer_chars",
    "empty_turns",
)


def structure(conv: Conversation) -> list[float]:
    """Counts and lengths: how long the conversation ran and who had the last word."""
    cust = conv.customer_texts()
    agent = conv.agent_texts()
    last = conv.turns[-1] if conv.turns else None
    return [
        float(len(conv.turns)),
        float(len(cust)),
        float(len(agent)),
        math.log1p(sum(map(len, cust))),
        math.log1p(sum(map(len, agent))),
        1.0 if last is not None and last.is_customer else 0.0,
        math.log1p(len(cust[-1]) if cust else 0),
        float(sum(1 for t in conv.turns if not t.text.strip())),
    ]


Block = tuple[str, str]  # (view, analyser)


def turn_terms(conv: Conversation, analysers: Sequence[str]) -> dict[str, list[list[str]]]:
    """Every turn's terms, per analyser."""
    texts = [normalise(t.text) for t in conv.turns]
    return {a: [ANALYSERS[a](t) for t in texts] for a in analysers}


class FeatureSpace:
    """Vocabularies and idf weights: turns conversations into sparse TF-IDF rows, block by block."""

    def __init__(
        self, blocks: Sequence[Block], vocab: dict[str, dict[str, int]], idf: dict[Block, np.ndarray]
    ):
        self.blocks = tuple(blocks)
        self.vocab = vocab
        self.idf = idf
        self.analysers = sorted({a for _, a in self.blocks})
        self._words: dict[str, np.ndarray] = {}

    def turn_ids(self, texts: Sequence[str], analyser: str) -> list[np.ndarray]:
        """Column ids (int32) of the known terms of each (normalised) text."""
        if analyser == "wordchar":
            return [self._wordchar_ids(t) for t in texts]
        get = self.vocab[analyser].get
        fn = _char_1_3 if analyser == "char" else ANALYSERS[analyser]
        out = []
        for t in texts:
            # Unknown terms look up as −1 and are dropped: no Python-level loop over the terms.
            terms = fn(t)
            ids = np.fromiter(map(get, terms, itertools.repeat(-1)), dtype=np.int32, count=len(terms))
            out.append(ids[ids >= 0])
        return out

    def _wordchar_ids(self, text: str) -> np.ndarray:
        # Words recur, so each word's n-gram ids are looked up once and kept as an array; a turn's
        # ids are its words' arrays end to end (same ids, same order as word_char_ngrams(text)).
        words = text.split()
        if not words:
            return _NO_IDS
        cache = self._words
        try:
            return np.concatenate(list(map(cache.__getitem__, words)))
        except KeyError:
            pass
        if len(cache) > 200_000:
            cache.clear()
        get = self.vocab["wordchar"].get
        for w in words:
            if w not in cache:
                found = [j for j in map(get, word_char_ngrams(w)) if j is not None]
                cache[w] = np.asarray(found, dtype=np.int32)
        return np.concatenate([cache[w] for w in words])

    def rows(self, conv: Conversation) -> dict[Block, tuple[np.ndarray, np.ndarray]]:
        """(column ids, L2-normalised sublinear TF-IDF weights) of every block of ``conv``."""
        texts = [normalise(t.text) for t in conv.turns]
        ids = {a: self.turn_ids(texts, a) for a in self.analysers}
        views = view_turns(conv)
        return {b: self.weigh(b, [ids[b[1]][i] for i in views[b[0]]]) for b in self.blocks}

    def weigh(self, block: Block, parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """TF-IDF of the terms in ``parts`` (the id arrays of a view's turns) for ``block``."""
        if not parts:
            return _EMPTY
        allids = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if not len(allids):
            return _EMPTY
        idx, counts = np.unique(allids, return_counts=True)
        w = (1.0 + np.log(counts)) * self.idf[block][idx]
        return idx, w / np.sqrt(w @ w)


_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0))
_NO_IDS = np.zeros(0, dtype=np.int32)
