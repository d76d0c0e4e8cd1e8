"""The web application: people, permissions and pages around the engine's scorecards.

``setup(workspace)`` is the one way in for code outside Django (the CLI, scripts): it points
Django at the workspace, starts it and brings the database schema up to date. ``serve(host, port)``
then serves the pages (waitress).
"""

from __future__ import annotations

import os
from pathlib import Path

SETTINGS_MODULE = "frontdesk.web.settings"


def setup(workspace: Path | None = None, migrate: bool = True) -> None:
    """Configure Django for ``workspace`` (default: ``FRONTDESK_WORKSPACE``), start it, and migrate
    the database quietly unless ``migrate`` is false.

    The database is ``<workspace>/frontdesk.db`` unless ``DATABASE_URL`` names another. Django is
    configured once per process: switching to another workspace later is an error, and a process
    whose Django was configured without a workspace (a pytest run) keeps its own database.
    """
    import django
    from django.conf import settings

    if workspace is not None:
        workspace = Path(workspace).resolve()
        workspace.mkdir(parents=True, exist_ok=True)
        current = getattr(settings, "WORKSPACE", None) if settings.configured else None
        if current is not None and Path(current).resolve() != workspace:
            raise RuntimeError(
                f"Django is already set up for workspace {current}; cannot switch to {workspace} "
                "in the same process"
            )
        os.environ["FRONTDESK_WORKSPACE"] = str(workspace)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve the application with waitress until interrupted; call ``setup`` first.

    Listening on every interface (``0.0.0.0``) means colleagues reach the server by this machine's
    name or address, so any host name is accepted unless ``FRONTDESK_ALLOWED_HOSTS`` lists them.
    """
    from django.conf import settings
    from waitress import serve as waitress_serve

    from frontdesk.web.wsgi import application

    if host in ("0.0.0.0", "::", ""):
        if not os.environ.get("FRONTDESK_ALLOWED_HOSTS"):
            settings.ALLOWED_HOSTS = ["*"]
    elif host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    waitress_serve(application, host=host, port=port, threads=threads, ident="frontdesk")
