"""The sign-in page; in a demo workspace it names the demo accounts, so a first run needs no
README to get in. A real workspace never shows them (``frontdesk init`` makes no demo logins)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from frontdesk.web.workspace import served_workspace


def is_demo_workspace() -> bool:
    """Whether the served workspace is a demo one (``frontdesk demo``); False when unreadable."""
    ws = served_workspace()
    return ws is not None and ws.is_demo


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if is_demo_workspace():
            from frontdesk.usecases.demo import DEMO_PASSWORD

            context["demo_password"] = DEMO_PASSWORD
        return context
