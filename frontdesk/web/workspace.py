"""The workspace this server runs for: the one accessor of ``settings.WORKSPACE`` (set from
``FRONTDESK_WORKSPACE`` in settings.py; tests override the setting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings


def workspace_root() -> Path | None:
    """The workspace folder, or None for a server started without one (then pages that need the
    event store say so)."""
    root = getattr(settings, "WORKSPACE", None)
    return Path(root) if root is not None else None


def served_workspace() -> Any | None:
    """The served workspace opened (a ``usecases.workspace.Workspace``), or None without one or
    when its settings cannot be read."""
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    root = workspace_root()
    if root is None:
        return None
    try:
        return open_workspace(root)
    except WorkspaceError:
        return None
