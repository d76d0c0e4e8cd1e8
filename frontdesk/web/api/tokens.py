"""Making, checking and revoking API tokens; the ninja authentication that uses them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from frontdesk.web.api.models import ApiToken

TOKEN_PREFIX = "fd_"
# Writing last_used_at on every request would make each read a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: Any, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the token itself, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, token_hash=digest(raw), prefix=raw[:10], name=name)
    return token, raw


def create_token_for(username: str, name: str = "") -> str:
    """A new token for the user called ``username``; ``LookupError`` when there is none."""
    user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    if user is None:
        raise LookupError(f"--user {username!r}: no such user in this workspace")
    if not user.is_active:
        raise LookupError(f"--user {username!r}: the account is deactivated")
    return create_token(user, name)[1]


def user_for_token(raw: str) -> Any | None:
    """The active user a token stands for, or None (unknown, revoked, or the account deactivated)."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the request then carries the token's user as ``request.user``,
    so the permission rules (``web.permissions``) apply to it as to a signed-in person."""

    openapi_description = "An API token from `frontdesk token create --user U`."

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
