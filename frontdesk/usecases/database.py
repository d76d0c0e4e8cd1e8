"""The workspace's operational database (Django's ORM: cycles, stored scorecards, people, appeals)
as the use cases see it.

The models and the functions over them belong to the web application (``frontdesk.web``); this
layer is below it and never imports it. Instead the web application names its bridge module in
its settings (``FRONTDESK_BRIDGE``, Django's usual way of plugging a backend in, as
``EMAIL_BACKEND`` does), and :func:`open_database` starts Django for a workspace and returns that
module. :class:`ResultsDatabase` is the part of it the use cases rely on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from frontdesk.scoring.scorecard import Scorecard
    from frontdesk.usecases.workspace import Workspace

SETTINGS_MODULE = "frontdesk.web.settings"


class ResultsDatabase(Protocol):
    """What the use cases call on the operational database (``frontdesk.web.bridge``)."""

    CycleClosed: type[Exception]

    def sync_organisation(self, sites: list[dict], teams: list[dict], agents: list[dict]) -> None: ...
    def register_indicator_names(self, names: dict[str, dict[str, str]]) -> None: ...
    def save_scorecards(
        self, cards: Sequence[Scorecard], *, period: str, cycle: str, scheme_version: str
    ) -> Any: ...
    def load_scorecards(self, period: str, cycle: str | None = None) -> list[Scorecard]: ...
    def cycle_state(self, period: str, cycle: str) -> str | None: ...
    def transition(
        self, period: str, cycle: str, to_state: str, *, by_user: Any = None, note: str = ""
    ) -> str: ...
    def latest_period(self, cycle: str | None = None) -> str | None: ...
    def periods(self, cycle: str | None = None) -> list[str]: ...
    def current_run(self, period: str, cycle: str | None) -> Any: ...
    def create_demo_users(self, password: str = "frontdesk") -> dict[str, Any]: ...
    def create_token_for(self, username: str, name: str = "") -> str: ...
    def appeal_counts(self, period: str, cycle: str) -> list: ...
    def newest_first(self, labels: Iterable[str]) -> list[str]: ...


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


def bridge() -> ResultsDatabase:
    """The web application's bridge module, once Django is set up (:func:`setup`)."""
    from django.conf import settings

    return import_module(settings.FRONTDESK_BRIDGE)  # type: ignore[return-value]


def open_database(ws: Workspace) -> ResultsDatabase:
    """Point Django at ``ws``'s database (migrated) and return its bridge."""
    setup(ws.root)
    return bridge()


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve the web application with waitress until interrupted; call :func:`setup` first.

    Listening on every interface (``0.0.0.0``) means colleagues reach the server by this machine's
    name or address, so any host name is accepted unless ``FRONTDESK_ALLOWED_HOSTS`` lists them.
    """
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from waitress import serve as waitress_serve

    if host in ("0.0.0.0", "::", ""):
        if not os.environ.get("FRONTDESK_ALLOWED_HOSTS"):
            settings.ALLOWED_HOSTS = ["*"]
    elif host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    waitress_serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="frontdesk")
