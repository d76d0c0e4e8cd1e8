"""Masking personal data before a transcript is stored or shown: e-mail addresses, Chinese
resident ID-card numbers, bank-card numbers and phone numbers, in Chinese and English text.

Each kind becomes a fixed token (``[EMAIL]``, ``[ID]``, ``[CARD]``, ``[PHONE]``) so the text
stays readable and the kind stays visible. Digits are matched with digit look-arounds, not ``\\b``,
because Chinese characters count as word characters (``手机13812345678`` must still match).
Order numbers and other plain digit runs are left alone unless they have the shape of one of the
kinds (docs/text-analytics.md lists the patterns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKENS = {"email": "[EMAIL]", "id_card": "[ID]", "bank_card": "[CARD]", "phone": "[PHONE]"}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# 6-digit region, birth date 18xx-20xx, 3-digit sequence, check digit (digit or X); 15-digit old form.
_ID18 = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_ID15 = re.compile(r"(?<!\d)[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")
# 13-19 digits, optionally in groups separated by one space or dash.
_CARD = re.compile(r"(?<![\d\-+])\d(?:[ \-]?\d){12,18}(?![\d\-])")
_PHONE = re.compile(
    "|".join(
        [
            r"(?<![\d*])(?:(?:\+|00)86[ \-]?)?1[3-9]\d(?:[ \-]?(?:\d|\*){4}){2}(?![\d*])",  # China mobile, masked digits too
            r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?\d{7,8}(?!\d)",  # China landline with area code
            r"(?<![\d+])\+\d{1,3}[ \-]?(?:\(\d{1,4}\)[ \-]?)?\d{2,4}(?:[ \-]?\d{2,4}){1,3}(?!\d)",  # international
            r"(?<!\d)(?:\(\d{3}\)[ \-]?|\d{3}[\-. ])\d{3}[\-. ]\d{4}(?!\d)",  # North America
            r"(?<!\d)0\d{3,4} ?\d{6,7}(?!\d)",  # UK national, e.g. 07700 900123
        ]
    )
)


_DIGIT = re.compile(r"\d")
# Every ID-card (15 or 18 digits in a row) and card match (13+ digits, single separators) has this.
_LONG_DIGITS = re.compile(r"\d(?:[ \-]?\d){12}")


@dataclass(frozen=True)
class Masked:
    """A masked text and how many of each kind it hid."""

    text: str
    counts: dict[str, int]


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of payment cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_card(match: re.Match) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    # UnionPay cards (62…) are masked even when a typo breaks the checksum.
    return 13 <= len(digits) <= 19 and (luhn_ok(digits) or (digits.startswith("62") and len(digits) >= 16))


def mask(text: str) -> Masked:
    """``text`` with every e-mail address, ID-card number, bank card and phone number replaced."""
    counts = dict.fromkeys(TOKENS, 0)
    if not text:
        return Masked(text or "", counts)

    def sub(kind: str, pattern: re.Pattern, s: str, check=None) -> str:
        def repl(m: re.Match) -> str:
            if check is not None and not check(m):
                return m.group(0)
            counts[kind] += 1
            return TOKENS[kind]

        return pattern.sub(repl, s)

    # Every pattern needs an ``@`` or a digit (``\d``): texts without one are left as they are.
    out = sub("email", _EMAIL, text) if "@" in text else text
    if _DIGIT.search(out):
        if _LONG_DIGITS.search(out):  # an ID number or a card needs 13+ digits in a row
            out = sub("id_card", _ID18, out)
            out = sub("id_card", _ID15, out)
            out = sub("bank_card", _CARD, out, _is_card)
        out = sub("phone", _PHONE, out)
    return Masked(out, counts)


def mask_text(text: str) -> str:
    """Only the masked text."""
    return mask(text).text
