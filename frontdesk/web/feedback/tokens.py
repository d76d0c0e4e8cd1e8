"""Single-use link tokens: 256 random bits in the URL, only their SHA-256 digest in the database,
so a copy of the database opens no link."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh token and its digest."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
