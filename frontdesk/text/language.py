"""Language detection (zh or en) and the text normalisation every matcher and feature shares."""

from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("zh", "en")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]+")  # runs: fewer, longer matches; their total length is the count


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become ASCII), lower case, one space."""
    # str.split() splits on the same Unicode whitespace as the regex ``\s+`` and drops the ends.
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).lower()


def detect_language(texts: list[str]) -> str:
    """``zh`` when Han characters make up at least a fifth of the letters, else ``en``."""
    if not any(_HAN.search(t or "") for t in texts):
        return "en"  # no Han character at all: no need to count the letters
    han = latin = 0
    for t in texts:
        han += len(_HAN.findall(t or ""))
        latin += sum(map(len, _LATIN.findall(t or "")))
    # An English word is about five Latin letters; a Chinese word one or two Han characters.
    return "zh" if han and han * 5 >= (han + latin) else "en"
