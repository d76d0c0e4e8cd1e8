"""A workspace: one folder holding an organisation's settings, database, events, schemes and reports.

Layout (DESIGN.md, "Workspace and CLI contract")::

    frontdesk.toml   settings
    frontdesk.db     operational database (SQLite; PostgreSQL via DATABASE_URL instead)
    events/          Parquet event store, one folder per canonical table
    schemes/         appraisal schemes (YAML)
    reports/         generated reports
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.scheme import Scheme, default_scheme_text, load_scheme

SETTINGS_FILE = "frontdesk.toml"
ENV_VAR = "FRONTDESK_WORKSPACE"


class WorkspaceError(RuntimeError):
    """A workspace that is missing or unusable; the message says what to do."""


@dataclass
class Workspace:
    root: Path
    settings: dict[str, Any]

    @property
    def events(self) -> Path:
        return self.root / "events"

    @property
    def database(self) -> Path:
        return self.root / "frontdesk.db"

    @property
    def schemes(self) -> Path:
        return self.root / "schemes"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def timezone(self) -> str:
        return str(self.settings.get("organisation", {}).get("timezone", "Asia/Shanghai"))

    @property
    def is_demo(self) -> bool:
        return bool(self.settings.get("workspace", {}).get("demo", False))

    def store(self) -> EventStore:
        return EventStore(self.events)

    def scheme_path(self) -> Path:
        return self.root / str(self.settings.get("scheme", {}).get("file", "schemes/default.yaml"))

    def scheme(self) -> Scheme:
        """The scheme in force for new computations."""
        path = self.scheme_path()
        return load_scheme(path if path.exists() else None)


def resolve_root(option: str | os.PathLike[str] | None, default: str = ".") -> Path:
    """``--workspace`` if given, else ``FRONTDESK_WORKSPACE``, else ``default``."""
    chosen = option or os.environ.get(ENV_VAR) or default
    return Path(chosen).expanduser().resolve()


def _settings_text(name: str, timezone: str, demo: bool) -> str:
    return (
        "# Frontdesk workspace settings\n"
        "[workspace]\n"
        f'name = "{name}"\n'
        f"demo = {'true' if demo else 'false'}\n\n"
        "[organisation]\n"
        "# Periods (months, quarters, years) are cut in this time zone.\n"
        f'timezone = "{timezone}"\n\n'
        "[scheme]\n"
        'file = "schemes/default.yaml"\n\n'
        "[engine]\n"
        'name = "duckdb"\n'
    )


def init_workspace(root: Path, *, timezone: str = "Asia/Shanghai", demo: bool = False) -> Workspace:
    """Create (or reuse) a workspace folder; never overwrites existing settings or schemes."""
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("events", "schemes", "reports"):
        (root / sub).mkdir(exist_ok=True)
    settings = root / SETTINGS_FILE
    if not settings.exists():
        settings.write_text(_settings_text(root.name, timezone, demo), encoding="utf-8")
    scheme = root / "schemes" / "default.yaml"
    if not scheme.exists():
        scheme.write_text(default_scheme_text(), encoding="utf-8")
    return open_workspace(root)


def open_workspace(root: Path) -> Workspace:
    """An existing workspace; ``WorkspaceError`` if ``root`` is not one."""
    settings = root / SETTINGS_FILE
    if not settings.exists():
        raise WorkspaceError(
            f"{root} is not a Frontdesk workspace (no {SETTINGS_FILE}); "
            f"run 'frontdesk init --workspace {root}' or pass --workspace / set {ENV_VAR}"
        )
    try:
        data = tomllib.loads(settings.read_text("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise WorkspaceError(f"{settings}: {e}") from None
    return Workspace(root=root, settings=data)
