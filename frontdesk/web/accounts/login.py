"""The sign-in page; in a demo workspace it names the demo accounts, so a first run needs no
README to get in. A real workspace never shows them (``frontdesk init`` makes no demo logins)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import views as auth_views

from frontdesk.web.workspace import workspace_root


def is_demo_workspace() -> bool:
    """Whether the served workspace is a demo one (``frontdesk demo``); False when unreadable."""
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    root = workspace_root()
    if root is None:
        return False
    try:
        return open_workspace(Path(root)).is_demo
    except WorkspaceError:
        return False


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if is_demo_workspace():
            from frontdesk.usecases.demo import DEMO_PASSWORD

            context["demo_password"] = DEMO_PASSWORD
        return context
