"""Chinese words by jieba, loaded once and quietly (jieba prints to stderr while it loads)."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            logging.getLogger("jieba").setLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            _tokenizer = tok
    return _tokenizer


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """jieba's words of ``text`` (precise mode, no HMM for new words: stable across texts)."""
    return tuple(_jieba().lcut(text, HMM=False))
