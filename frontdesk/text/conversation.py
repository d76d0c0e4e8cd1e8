"""A conversation as transcript analytics reads it: an id, a language and timed turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SPEAKERS = ("customer", "agent")


@dataclass(frozen=True)
class Turn:
    """One turn: who spoke (``customer`` or ``agent``), what they said, and when (if known)."""

    speaker: str
    text: str
    at: datetime | None = None

    @property
    def is_customer(self) -> bool:
        return self.speaker == "customer"


@dataclass(frozen=True)
class Conversation:
    """A chat or call transcript; ``lang`` is ``zh`` or ``en`` (None: detect it)."""

    id: str
    turns: tuple[Turn, ...]
    lang: str | None = None
    topic: str | None = None
    is_complaint: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def customer_texts(self) -> list[str]:
        return [t.text for t in self.turns if t.is_customer]

    def agent_texts(self) -> list[str]:
        return [t.text for t in self.turns if not t.is_customer]
