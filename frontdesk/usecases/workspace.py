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

from frontdesk.indicators.calendars import Calendar, CalendarError, builtin_calendars, calendar_from_dict
from frontdesk.scoring.scheme import Scheme, default_scheme_text, load_scheme
from frontdesk.store.eventstore import EventStore

SETTINGS_FILE = "frontdesk.toml"
ENV_VAR = "FRONTDESK_WORKSPACE"


PERSONAL_DATA = ("mask", "keep")  # [policy] personal_data: what the app does with what it stores itself


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
    def masks_personal_data(self) -> bool:
        """``[policy] personal_data`` is ``mask`` (the default): phones, ID cards, bank cards and
        e-mails in what the web app stores itself (survey comments) become tokens."""
        return self.settings.get("policy", {}).get("personal_data", "mask") == "mask"

    @property
    def is_demo(self) -> bool:
        return bool(self.settings.get("workspace", {}).get("demo", False))

    def calendars(self) -> list[Calendar]:
        """Built-in working calendars plus the workspace's own ``[calendars.<id>]`` tables."""
        cals = builtin_calendars()
        for cid, raw in (self.settings.get("calendars") or {}).items():
            try:
                cals[cid] = calendar_from_dict(cid, raw)
            except CalendarError as e:
                raise WorkspaceError(f"{self.root / SETTINGS_FILE}: {e}") from None
        return list(cals.values())

    def view_params(self) -> dict[str, Any]:
        """Parameters of the derived views, from ``[indicators]``: ``repeat_window_hours``,
        ``repeat_max_contacts``, ``service_level_seconds`` and ``short_abandon_seconds``."""
        ind = self.settings.get("indicators") or {}
        out: dict[str, Any] = {}
        if "repeat_window_hours" in ind:
            hours = float(ind["repeat_window_hours"])
            if not 0 < hours <= 24 * 31:
                raise WorkspaceError(
                    f"{self.root / SETTINGS_FILE}: [indicators] repeat_window_hours must be between 0 and 744"
                )
            out["repeat_window_us"] = int(hours * 3_600_000_000)
        if "repeat_max_contacts" in ind:
            most = ind["repeat_max_contacts"]
            if isinstance(most, bool) or not isinstance(most, int) or most < 1:
                raise WorkspaceError(
                    f"{self.root / SETTINGS_FILE}: [indicators] repeat_max_contacts must be a whole number of at least 1"
                )
            out["repeat_max_contacts"] = most
        for key, most in (("service_level_seconds", 3600), ("short_abandon_seconds", 600)):
            if key in ind:
                seconds = ind[key]
                if (
                    isinstance(seconds, bool)
                    or not isinstance(seconds, int | float)
                    or not 0 <= seconds <= most
                ):
                    raise WorkspaceError(
                        f"{self.root / SETTINGS_FILE}: [indicators] {key} must be a number of seconds "
                        f"between 0 and {most}"
                    )
                out[key] = seconds
        return out

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
        'name = "duckdb"\n\n'
        "[indicators]\n"
        "# A contact is not resolved at first contact when the same customer comes back on the\n"
        "# same topic within this many hours.\n"
        "repeat_window_hours = 72\n"
        "# A customer with more than this many contacts within 30 days of a contact (a shared or\n"
        "# system account) is left out of repeat matching for that contact.\n"
        "repeat_max_contacts = 30\n"
        "# Service level: the share of answered contacts answered within this many seconds.\n"
        "service_level_seconds = 20\n"
        "# Abandoned after less than this many seconds of waiting: left out of the abandonment rate.\n"
        "short_abandon_seconds = 5\n\n"
        "# Working calendars for business-time indicators; teams name one in teams.calendar_id.\n"
        "# Built in: cn-mainland (09:00-18:00 on Chinese working days), cn-service (08:00-21:00\n"
        "# every day but public holidays), 24x7. Your own, for example:\n"
        "# [calendars.shanghai-desk]\n"
        '# timezone = "Asia/Shanghai"\n'
        '# country = "CN"\n'
        '# hours = { weekdays = "08:30-12:00, 13:00-17:30", sat = "09:00-12:00" }\n'
        '# closures = [["2026-12-31 12:00", "2027-01-01 00:00"]]\n'
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
    policy = data.get("policy", {})
    if not isinstance(policy, dict):
        raise WorkspaceError(f"{settings}: [policy] must be a table")
    if policy.get("personal_data", "mask") not in PERSONAL_DATA:
        raise WorkspaceError(
            f"{settings}: [policy] personal_data = {policy['personal_data']!r}: "
            f"must be one of {', '.join(PERSONAL_DATA)}"
        )
    return Workspace(root=root, settings=data)
