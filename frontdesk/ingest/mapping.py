"""Mappings: how a source's columns become canonical fields (docs/importing.md, "Mapping files").

A mapping is a TOML file. Built-in presets are TOML files in ``frontdesk/ingest/presets/``; the
``generic`` preset maps every canonical column name to itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from frontdesk.ingest.errors import IngestError
from frontdesk.ingest.expressions import Expression, ExpressionError, compile_expression
from frontdesk.ingest.readers import FORMATS, ReadOptions
from frontdesk.store.tables import TABLES

POLICIES = {
    "impossible_times": ("refuse", "flag", "clear"),
    "unknown_agents": ("list", "refuse"),
    "personal_data": ("mask", "keep"),  # phones, ID cards, bank cards, e-mails in text, reports, quarantine
}
TABLE_KEYS = ("columns", "values", "constants", "derived", "required", "records", "skip_empty")
EVENT_LOG_KEYS = (
    "record",
    "sequence",
    "time",
    "opened",
    "state",
    "assignee",
    "reopen_count",
    "reassignment_count",
    "stage",
)


@dataclass(frozen=True)
class TableMapping:
    """How one canonical table is filled from a source."""

    table: str
    columns: dict[str, list[str]]  # canonical field -> source columns, first non-empty wins
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> source text -> value
    constants: dict[str, Any] = field(default_factory=dict)
    derived: dict[str, Expression] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    records: str | None = None  # JSON: where this table's records are
    skip_empty: tuple[str, ...] = ()  # rows with all of these empty are not rows of this table


@dataclass(frozen=True)
class EventLog:
    """A source whose rows are successive states of a record (ServiceNow's incident log)."""

    record: str
    sequence: str | None
    time: str
    state: str
    opened: str | None = None
    assignee: str | None = None
    reopen_count: str | None = None
    reassignment_count: str | None = None
    stage: str | None = None
    states: dict[str, str] = field(default_factory=dict)  # source state -> event kind


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file."""

    name: str
    origin: str  # "preset zh-excel" or the file's path
    digest: str  # SHA-256 of the document, so a report names exactly which mapping was used
    timezone: str = "UTC"
    # where ``timezone`` came from: "mapping" (its ``timezone`` key), "option" (--source-tz, the
    # upload's or the API's time zone), "workspace" (the workspace's zone, for a mapping without
    # one), "default" (none of these: UTC)
    timezone_source: str = "default"
    date_order: str = "dmy"
    read: ReadOptions = field(default_factory=ReadOptions)
    tables: dict[str, TableMapping] = field(default_factory=dict)
    identity: bool = False
    event_log: EventLog | None = None
    policy: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> TableMapping:
        """The mapping for ``name``; identity for the generic preset."""
        if name in self.tables:
            return self.tables[name]
        if self.identity and name in TABLES:
            return TableMapping(name, {c: [c] for c in TABLES[name].columns})
        known = ", ".join(self.tables) or "none"
        raise IngestError(
            f"mapping {self.origin} has no table {name!r} (it maps: {known})",
            code="mapping_no_table",
            params={"mapping": self.origin, "table": name, "known": known},
        )

    def default_tables(self) -> list[str]:
        return list(self.tables)

    def impossible_times(self) -> str:
        return self.policy.get("impossible_times", "refuse")

    def masks_personal_data(self) -> bool:
        """Whether personal data is masked before it is stored: transcript text, survey comments, the
        quarantine file and problem values (``policy.personal_data``, default mask)."""
        return self.policy.get("personal_data", "mask") == "mask"

    def with_timezone(self, tz: str | None) -> Mapping:
        """The source's zone given when importing (``--source-tz``): it wins over the mapping's and
        the workspace's."""
        if not tz:
            return self
        _check_timezone(tz, self.origin)
        return dataclasses.replace(self, timezone=tz, timezone_source="option")

    def with_workspace_timezone(self, tz: str | None) -> Mapping:
        """The workspace's zone, for a mapping that names none and no zone given when importing."""
        if not tz or self.timezone_source != "default":
            return self
        _check_timezone(tz, "the workspace's settings (frontdesk.toml)")
        return dataclasses.replace(self, timezone=tz, timezone_source="workspace")


def preset_names() -> list[str]:
    """Names of the built-in presets."""
    folder = resources.files("frontdesk.ingest").joinpath("presets")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_preset(name: str) -> Mapping:
    """A built-in preset by name; ``IngestError`` listing the presets for an unknown one."""
    if name not in preset_names():
        raise IngestError(
            f"unknown preset {name!r}; presets: {', '.join(preset_names())}",
            code="unknown_preset",
            params={"preset": name, "presets": ", ".join(preset_names())},
        )
    return parse_mapping(preset_text(name), f"preset {name}")


def preset_text(name: str) -> str:
    """A built-in preset's TOML, comments included: a start for a mapping of one's own."""
    if name not in preset_names():
        raise IngestError(
            f"unknown preset {name!r}; presets: {', '.join(preset_names())}",
            code="unknown_preset",
            params={"preset": name, "presets": ", ".join(preset_names())},
        )
    return resources.files("frontdesk.ingest").joinpath(f"presets/{name}.toml").read_text("utf-8")


def load_mapping(path: str | Path) -> Mapping:
    """A mapping file; ``IngestError`` naming the file and the key for anything wrong in it."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as e:
        raise IngestError(f"cannot read the mapping: {e.strerror}", file=str(path)) from None
    return parse_mapping(text, str(path))


def _check_timezone(tz: str, origin: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise IngestError(
            f"unknown time zone {tz!r} (use a name such as Asia/Shanghai)",
            file=origin,
            code="unknown_timezone",
            params={"timezone": tz},
        ) from None


def parse_mapping(text: str, origin: str) -> Mapping:
    """Parse and check a mapping document."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise IngestError(
            f"not valid TOML: {e}", file=origin, code="bad_toml", params={"detail": str(e)}
        ) from None

    def bad(key: str, reason: str) -> IngestError:
        return IngestError(
            f"{key}: {reason}", file=origin, code="bad_mapping", params={"key": key, "detail": reason}
        )

    known = {
        "name", "description", "timezone", "date_order", "format", "encoding", "delimiter", "sheet",
        "records", "null_values", "header_row", "identity", "policy", "tables", "event_log", "version",
    }  # fmt: skip
    for k in doc:
        if k not in known:
            raise bad(k, f"unknown setting (known: {', '.join(sorted(known))})")
    name = str(doc.get("name", Path(origin).stem))
    tz = str(doc.get("timezone", "UTC"))
    _check_timezone(tz, origin)
    tz_source = "mapping" if "timezone" in doc else "default"
    order = str(doc.get("date_order", "dmy"))
    if order not in ("dmy", "mdy", "ymd"):
        raise bad("date_order", "must be dmy, mdy or ymd")
    fmt = doc.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise bad("format", f"must be one of {', '.join(FORMATS)}")
    nulls = doc.get("null_values", [])
    if not isinstance(nulls, list) or not all(isinstance(v, str) for v in nulls):
        raise bad("null_values", "must be a list of texts")
    read = ReadOptions(
        format=fmt,
        encoding=doc.get("encoding"),
        delimiter=doc.get("delimiter"),
        sheet=doc.get("sheet"),
        records=doc.get("records"),
        null_values=tuple(nulls),
        header_row=doc.get("header_row"),
    )
    policy = doc.get("policy", {})
    for k, v in policy.items():
        if k not in POLICIES:
            raise bad(f"policy.{k}", f"unknown policy (known: {', '.join(POLICIES)})")
        if v not in POLICIES[k]:
            raise bad(f"policy.{k}", f"must be one of {', '.join(POLICIES[k])}")
    tables = {t: _table_mapping(t, raw, bad) for t, raw in doc.get("tables", {}).items()}
    event_log = _event_log(doc["event_log"], bad) if "event_log" in doc else None
    identity = bool(doc.get("identity", False))
    if not tables and not identity:
        raise bad("tables", "the mapping maps no table")
    return Mapping(
        name=name,
        origin=origin,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        timezone=tz,
        timezone_source=tz_source,
        date_order=order,
        read=read,
        tables=tables,
        identity=identity,
        event_log=event_log,
        policy=dict(policy),
    )


def _table_mapping(name: str, raw: Any, bad: Any) -> TableMapping:
    key = f"tables.{name}"
    if name not in TABLES:
        raise bad(key, f"unknown table (known: {', '.join(TABLES)})")
    if not isinstance(raw, dict):
        raise bad(key, "must be a table")
    canon = set(TABLES[name].columns)
    for k in raw:
        if k not in TABLE_KEYS:
            raise bad(f"{key}.{k}", f"unknown setting (known: {', '.join(TABLE_KEYS)})")
    columns: dict[str, list[str]] = {}
    for source, target in raw.get("columns", {}).items():
        if not isinstance(target, str) or target not in canon:
            raise bad(f"{key}.columns.{source!r}", f"{target!r} is not a column of {name}")
        columns.setdefault(target, []).append(source)
    values = {}
    for f, vmap in raw.get("values", {}).items():
        if f not in canon:
            raise bad(f"{key}.values.{f}", f"not a column of {name}")
        values[f] = {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in vmap.items()}
    constants = dict(raw.get("constants", {}))
    for f in constants:
        if f not in canon:
            raise bad(f"{key}.constants.{f}", f"not a column of {name}")
    derived = {}
    for f, text in raw.get("derived", {}).items():
        if f not in canon:
            raise bad(f"{key}.derived.{f}", f"not a column of {name}")
        try:
            expr = compile_expression(str(text))
        except ExpressionError as e:
            raise bad(f"{key}.derived.{f}", str(e)) from None
        unknown = expr.fields - canon
        if unknown:
            raise bad(
                f"{key}.derived.{f}",
                f'unknown field {sorted(unknown)[0]!r}; use col("…") for a source column',
            )
        derived[f] = expr
    required = tuple(raw.get("required", ()))
    for f in required:
        if f not in canon:
            raise bad(f"{key}.required", f"{f!r} is not a column of {name}")
    skip = tuple(raw.get("skip_empty", ()))
    for f in skip:
        if f not in canon:
            raise bad(f"{key}.skip_empty", f"{f!r} is not a column of {name}")
    return TableMapping(name, columns, values, constants, derived, required, raw.get("records"), skip)


def _event_log(raw: Any, bad: Any) -> EventLog:
    if not isinstance(raw, dict):
        raise bad("event_log", "must be a table")
    for k in raw:
        if k not in (*EVENT_LOG_KEYS, "states"):
            raise bad(f"event_log.{k}", "unknown setting")
    for k in ("record", "time", "state"):
        if k not in raw:
            raise bad(f"event_log.{k}", "is required")
    from frontdesk.store.tables import EVENT_KINDS

    states = {str(k): str(v) for k, v in raw.get("states", {}).items()}
    for s, kind in states.items():
        if kind not in (*EVENT_KINDS, "ignore"):
            raise bad(f"event_log.states.{s!r}", f"{kind!r} is not an event kind ({', '.join(EVENT_KINDS)})")
    return EventLog(**{k: raw.get(k) for k in EVENT_LOG_KEYS}, states=states)
