"""What the appeals read from the workspace's scheme in force: the window and each indicator's rule."""

from __future__ import annotations

from typing import Any

from frontdesk.scoring.scheme import Scheme, SchemeIndicator, load_scheme
from frontdesk.web.workspace import workspace_root

DEFAULT_WINDOW_DAYS = 7


def scheme() -> Scheme | None:
    """The workspace's scheme in force (the built-in default without a workspace); None if unreadable."""
    from frontdesk.usecases.workspace import open_workspace

    root = workspace_root()
    try:
        return open_workspace(root).scheme() if root is not None else load_scheme()
    except Exception:  # an unreadable workspace must not stop appeals: defaults apply
        return None


def window_days_of(raw: dict[str, Any]) -> int:
    """The window in a scheme's parsed document (``appeals: {window_days: N}``), else 7 days."""
    days = (raw.get("appeals") or {}).get("window_days", DEFAULT_WINDOW_DAYS)
    if isinstance(days, bool) or not isinstance(days, int | float) or days <= 0:
        raise ValueError(f"scheme: appeals.window_days must be a positive number of days, not {days!r}")
    return int(days)


def window_days() -> int:
    """The appeal window of the scheme in force, in days."""
    found = scheme()
    return window_days_of(found.raw) if found is not None else DEFAULT_WINDOW_DAYS


def indicator_rule(code: str) -> tuple[SchemeIndicator | None, str | None]:
    """The scheme's rule for ``code`` (cap, step bands) and the catalogue's direction (higher/lower)."""
    from frontdesk.indicators.catalog import builtin_catalog

    found = scheme()
    rule = None
    if found is not None:
        rule = next((i for d in found.dimensions for i in d.indicators if i.code == code), None)
    indicator = builtin_catalog().get(code)
    return rule, indicator.better if indicator is not None else None
