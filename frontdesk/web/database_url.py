"""Django ``DATABASES`` entries from a ``DATABASE_URL`` (``postgres://`` or ``sqlite://``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

_POSTGRES = {"postgres", "postgresql", "pgsql"}


def parse_database_url(url: str) -> dict[str, Any]:
    """Turn ``postgres://user:pass@host:5432/name?sslmode=require`` or ``sqlite:///path.db`` into a
    Django database entry; ``ValueError`` naming the accepted schemes otherwise.

    ``sqlite:///relative.db`` is relative to the working directory, ``sqlite:////abs/path.db`` is
    absolute, and ``sqlite://:memory:`` is an in-memory database.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if parts.netloc == ":memory:" or parts.path in ("", "/", "/:memory:"):
            name = ":memory:"
        else:
            name = unquote(parts.path[1:])  # drop the slash that separates host from path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    if scheme in _POSTGRES:
        options = dict(parse_qsl(parts.query))
        entry: dict[str, Any] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
        }
        if options:
            entry["OPTIONS"] = options
        return entry
    raise ValueError(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported; use postgres://user:password@host:port/name "
        "or sqlite:///path/to/file.db"
    )
