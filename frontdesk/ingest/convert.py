"""One chunk of source rows to canonical rows: map columns, translate values, parse types, derive,
and check each row (docs/importing.md, "Validation"). Problems name file, row, column, value and
what was expected; a row with a refusing problem is left out and goes to the quarantine file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from frontdesk.ingest import values as V
from frontdesk.ingest.errors import IngestError, Problem
from frontdesk.ingest.expressions import Context, ExpressionError, describe_type, evaluate, short_text
from frontdesk.ingest.mapping import Mapping, TableMapping
from frontdesk.store import tables as T

ROW = "__row"
# How far past the import a partition time may be (clocks and time zones a little off) before the
# row is taken for one dated in the future (a survey dated next week), by the impossible-times policy.
FUTURE_TOLERANCE = timedelta(days=1)

ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("interactions", "channel"): T.CHANNELS,
    ("interactions", "priority"): T.PRIORITIES,
    ("interactions", "recorded_by"): T.RECORDED_BY,
    ("interaction_events", "kind"): T.EVENT_KINDS,
    ("interaction_events", "actor"): T.ACTORS,
    ("messages", "speaker"): T.SPEAKERS,
    ("surveys", "kind"): T.SURVEY_KINDS,
    ("qa_reviews", "method"): T.QA_METHODS,
    ("ratings_360", "relation"): T.RELATIONS_360,
}
# Common spellings every mapping understands (after lower-casing, spaces and dashes as "_").
SYNONYMS: dict[str, dict[str, str]] = {
    "channel": {
        "e_mail": "email", "mail": "email", "telephone": "phone", "call": "phone", "voice": "phone",
        "ivr": "phone", "web": "chat", "webchat": "chat", "web_chat": "chat", "live_chat": "chat",
        "im": "chat", "messaging": "chat", "social_media": "social", "in_person": "walk_in",
        "walkin": "walk_in", "counter": "walk_in", "desk": "walk_in", "video_call": "video",
    },
    "priority": {"medium": "normal", "moderate": "normal", "critical": "urgent", "highest": "urgent", "lowest": "low"},
    "recorded_by": {"automatic": "system", "auto": "system", "hand": "manual", "handwritten": "manual"},
}  # fmt: skip

EXPECTED = {
    "timestamp": "a date and time (2026-10-03 14:30, 3/10/2026 14:30, 2026/10/3, 2026年10月3日)",
    "date": "a date (2026-10-03, 3/10/2026, 2026年10月3日)",
    "duration": "a duration in seconds or H:MM:SS",
    "int": "a whole number",
    "float": "a number",
    "bool": "yes or no (true/false, Y/N, 1/0, 是/否)",
}

# (earlier, later): the later one may not come before the earlier one.
TIME_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "interactions": (
        ("created_at", "first_response_at"),
        ("created_at", "resolved_at"),
        ("created_at", "closed_at"),
        ("first_response_at", "resolved_at"),
        ("resolved_at", "closed_at"),
    ),
    "handoffs": (("requested_at", "delivered_at"),),
    "suggestions": (("submitted_at", "decided_at"),),
}
NON_NEGATIVE: dict[str, tuple[str, ...]] = {
    "interactions": ("handle_seconds", "wait_seconds", "reopened_count", "transfer_count"),
    "trainings": ("hours",),
    "kb_contributions": ("views", "helpful_votes"),
    "worktime": ("logged_seconds", "available_seconds"),
    "surveys": ("score", "scale_max"),
    "ratings_360": ("score", "scale_max"),
    "qa_reviews": ("score", "max_score"),
    "qa_items": ("score", "max"),
}
# Free text that may hold a customer's personal data: masked before storage unless the mapping's
# policy.personal_data is "keep".
MASKED_TEXT: dict[str, tuple[str, ...]] = {"messages": ("text",), "surveys": ("comment",)}
# Fields that are durations (seconds, or H:MM:SS in the source).
DURATIONS = {"handle_seconds", "wait_seconds", "logged_seconds", "available_seconds"}


@dataclass
class Converted:
    """Canonical rows of one chunk (every row, refused ones included) and what was found."""

    data: pa.Table  # canonical schema plus the __row column
    refused: np.ndarray  # bool per row
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # rows that are not rows of this table (skip_empty)


def kind_of(table: str, name: str, typ: pa.DataType) -> str:
    if (table, name) in ENUMS:
        return "enum"
    if pa.types.is_timestamp(typ):
        return "timestamp"
    if pa.types.is_date(typ):
        return "date"
    if pa.types.is_boolean(typ):
        return "bool"
    if pa.types.is_integer(typ):
        return "int"
    if pa.types.is_floating(typ):
        return "duration" if name in DURATIONS else "float"
    return "text"


def parser_for(table: str, name: str, typ: pa.DataType, mapping: Mapping) -> Callable[[pa.Array], V.Parsed]:
    kind = kind_of(table, name, typ)
    if kind == "enum":
        allowed = ENUMS[(table, name)]
        return lambda a: V.parse_enum(a, allowed, SYNONYMS.get(name))
    if kind == "timestamp":
        return lambda a: V.parse_timestamp(a, mapping.timezone, mapping.date_order)
    if kind == "date":
        return lambda a: V.parse_date(a, mapping.date_order)
    return {
        "bool": V.parse_bool,
        "int": V.parse_int,
        "float": V.parse_float,
        "duration": V.parse_duration,
        "text": V.parse_text,
    }[kind]


def expected_for(table: str, name: str, typ: pa.DataType) -> str:
    kind = kind_of(table, name, typ)
    if kind == "enum":
        return "one of " + ", ".join(ENUMS[(table, name)])
    return EXPECTED.get(kind, "text")


def code_for(table: str, name: str, typ: pa.DataType) -> tuple[str, dict[str, str]]:
    """The problem code and parameters of a value that is not of its field's type (``expected_for``
    is the same in English)."""
    kind = kind_of(table, name, typ)
    if kind == "enum":
        return "enum", {"allowed": ", ".join(ENUMS[(table, name)])}
    return "type", {"kind": kind if kind in EXPECTED else "text"}


def check_columns(tm: TableMapping, header: list[str], label: str) -> None:
    """Refuse a file that lacks a source column for a field every row needs."""
    spec = T.TABLES[tm.table]
    needed = [f.name for f in spec.schema if not f.nullable]
    if spec.partition_time:
        needed.append(spec.partition_time)
    needed += list(tm.required)
    have = set(header)
    for f in dict.fromkeys(needed):
        if f in tm.constants or f in tm.derived:
            continue
        sources = tm.columns.get(f, [])
        if not any(s in have for s in sources):
            wanted = " or ".join(repr(s) for s in sources) if sources else f"a column mapped to {f}"
            raise IngestError(
                f"no column {wanted} in the file (needed for {tm.table}.{f})",
                file=label,
                row=1,
                code="missing_column",
                params={"columns": list(sources), "field": f"{tm.table}.{f}"},
            )
    for expr in tm.derived.values():
        for s in expr.sources:
            if s not in have:
                raise IngestError(
                    f"no column {s!r} in the file (read by a derived field)",
                    file=label,
                    row=1,
                    code="missing_source_column",
                    params={"column": s},
                )


def convert(
    tm: TableMapping, mapping: Mapping, raw: pa.Table, label: str, now: datetime | None = None
) -> Converted:
    """Map, parse and check the rows of ``raw`` (text columns and ``__row``) for ``tm.table``.
    ``now``: the import time (default: the clock), which partition times may pass by at most
    ``FUTURE_TOLERANCE``."""
    spec = T.TABLES[tm.table]
    n = raw.num_rows
    rows = np.asarray(raw.column(ROW).to_numpy())
    refused = np.zeros(n, dtype=bool)
    problems: list[Problem] = []
    header = set(raw.column_names)
    typed: dict[str, pa.Array] = {}
    shown: dict[str, str] = {}  # field -> the source column named in problems
    raw_text: dict[str, pa.Array] = {}

    def report(
        mask: np.ndarray,
        column: str,
        values: pa.Array | None,
        expected: str,
        action: str,
        code: tuple[str, dict[str, str]] = ("", {}),
    ) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        vals = values.take(pa.array(idx)).to_pylist() if values is not None else [None] * len(idx)
        for i, v in zip(idx.tolist(), vals, strict=True):
            value = None if v is None else str(v)
            problems.append(Problem(label, int(rows[i]), column, value, expected, action, *code))

    for f in spec.schema:
        sources = [s for s in tm.columns.get(f.name, []) if s in header]
        if not sources:
            typed[f.name] = pa.nulls(n, f.type)
            continue
        text = V.clean_text(raw.column(sources[0]))
        for extra in sources[1:]:
            text = pc.coalesce(text, V.clean_text(raw.column(extra)))
        shown[f.name] = sources[0]
        raw_text[f.name] = text
        mapped = V.map_values(text, tm.values.get(f.name, {}))
        parsed = parser_for(tm.table, f.name, f.type, mapping)(mapped)
        bad = np.asarray(parsed.bad.to_numpy(zero_copy_only=False), dtype=bool)
        report(
            bad, sources[0], text, expected_for(tm.table, f.name, f.type), "refused",
            code_for(tm.table, f.name, f.type),
        )  # fmt: skip
        refused |= bad
        typed[f.name] = parsed.values

    skip = np.zeros(n, dtype=bool)
    if tm.skip_empty:
        skip = np.logical_and.reduce(
            [
                np.asarray(pc.is_null(typed[f]).to_numpy(zero_copy_only=False), dtype=bool)
                for f in tm.skip_empty
            ]
        )
        refused &= ~skip
    ctx = Context(
        typed, {c: raw.column(c) for c in raw.column_names}, mapping.timezone, mapping.date_order, n
    )
    for name, expr in tm.derived.items():
        ftype = spec.schema.field(name).type
        try:
            out = evaluate(expr, ctx)
            if isinstance(out, pa.ChunkedArray):
                out = out.combine_chunks()
            if out.type != ftype:
                if pa.types.is_string(out.type) or out.type == pa.null():
                    p = parser_for(tm.table, name, ftype, mapping)(out.cast(pa.string()))
                    bad = np.asarray(p.bad.to_numpy(zero_copy_only=False), dtype=bool)
                    report(
                        bad, f"{name} = {expr.text}", out, expected_for(tm.table, name, ftype), "refused",
                        code_for(tm.table, name, ftype),
                    )  # fmt: skip
                    refused |= bad
                    out = p.values
                else:
                    try:
                        out = out.cast(ftype)
                    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                        raise ExpressionError(
                            f"the result is {describe_type(out.type)}; the field holds {describe_type(ftype)}"
                        ) from None
        except (ExpressionError, pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as e:
            why = str(e) if isinstance(e, ExpressionError) else "the values cannot be computed"
            raise IngestError(
                f"mapping {mapping.origin}, tables.{tm.table}.derived.{name} = "
                f"{short_text(expr.text)}: {' '.join(why.split())}",
                file=label,
            ) from None
        typed[name] = out
        shown.setdefault(name, f"{name} = {expr.text}")
        ctx.fields[name] = out

    constants = dict(tm.constants)
    if tm.table == "interactions" and "source" not in constants and "source" not in tm.columns:
        constants["source"] = mapping.name
    for name, value in constants.items():
        ftype = spec.schema.field(name).type
        text = pa.array(
            [None if value is None else str(value).lower() if isinstance(value, bool) else str(value)] * n,
            pa.string(),
        )
        p = parser_for(tm.table, name, ftype, mapping)(text)
        if n and p.bad.to_numpy(zero_copy_only=False).any():
            raise IngestError(
                f"constant {tm.table}.{name} = {value!r}: expected {expected_for(tm.table, name, ftype)}",
                file=mapping.origin,
            )
        typed[name] = p.values

    # -- personal data in transcripts and survey comments is masked before storage (policy) ----------
    if tm.table in MASKED_TEXT and mapping.masks_personal_data():
        for name in MASKED_TEXT[tm.table]:
            typed[name] = _masked(typed[name])

    # -- rows every table needs --------------------------------------------------------------------
    refused |= skip  # left out below; marking them keeps the checks from reporting them
    needed = [f.name for f in spec.schema if not f.nullable]
    if spec.partition_time:
        needed.append(spec.partition_time)
    for name in dict.fromkeys([*needed, *tm.required]):
        missing = np.asarray(pc.is_null(typed[name]).to_numpy(zero_copy_only=False), dtype=bool) & ~refused
        report(
            missing, shown.get(name, name), None, f"a value is required ({tm.table}.{name})", "refused",
            ("required", {"table": tm.table, "field": name}),
        )  # fmt: skip
        refused |= missing

    # -- impossible times and negative amounts, by the stated policy --------------------------------
    policy = mapping.impossible_times()
    unreadable = refused.copy()  # every impossible time of the other rows is reported, not just the first
    for earlier, later in TIME_ORDER.get(tm.table, ()):
        a, b = typed[earlier], typed[later]
        wrong = np.asarray(pc.fill_null(pc.less(b, a), False).to_numpy(zero_copy_only=False), dtype=bool)
        wrong &= ~unreadable
        if not wrong.any():
            continue
        shown_a = shown.get(earlier, earlier)
        report(
            wrong,
            shown.get(later, later),
            raw_text.get(later, b),
            f"not before {shown_a} ({earlier})",
            _action(policy),
            ("time_order", {"earlier_column": shown_a, "earlier": earlier}),
        )
        refused, typed[later] = _apply(policy, wrong, refused, typed[later])
    if spec.partition_time:
        # A row dated after its import (beyond the tolerance) is impossible. Its partition time
        # cannot be emptied (the row needs it to be stored), so ``clear`` refuses such a row.
        name = spec.partition_time
        latest = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
        ahead = pc.fill_null(pc.greater(typed[name], pa.scalar(latest, typed[name].type)), False)
        ahead = np.asarray(ahead.to_numpy(zero_copy_only=False), dtype=bool) & ~unreadable
        if ahead.any():
            shown_latest = latest.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            action = "refused" if policy == "clear" else _action(policy)
            report(
                ahead,
                shown.get(name, name),
                raw_text.get(name, typed[name]),
                f"not after {shown_latest} (the import time plus {FUTURE_TOLERANCE.days} day)",
                action,
                ("future", {"latest": shown_latest}),
            )
            refused = refused | ahead if action == "refused" else refused
    for name in NON_NEGATIVE.get(tm.table, ()):
        neg = np.asarray(
            pc.fill_null(pc.less(typed[name], 0), False).to_numpy(zero_copy_only=False), dtype=bool
        )
        neg &= ~unreadable
        if neg.any():
            report(
                neg, shown.get(name, name), raw_text.get(name, typed[name]), "not negative", _action(policy),
                ("negative", {}),
            )  # fmt: skip
            refused, typed[name] = _apply(policy, neg, refused, typed[name])
    if "scale_max" in typed and "score" in typed:
        over = pc.fill_null(pc.greater(typed["score"], typed["scale_max"]), False)
        over = np.asarray(over.to_numpy(zero_copy_only=False), dtype=bool) & ~refused
        report(
            over,
            shown.get("score", "score"),
            raw_text.get("score", typed["score"]),
            "not above scale_max",
            "refused",
            ("above_scale", {}),
        )
        refused |= over

    arrays = [
        typed[f.name] if typed[f.name].type == f.type else typed[f.name].cast(f.type) for f in spec.schema
    ]
    data = pa.Table.from_arrays([*arrays, raw.column(ROW)], names=[*spec.schema.names, ROW])
    if skip.any():
        skipped_rows = set(rows[skip].tolist())
        problems = [p for p in problems if p.row not in skipped_rows]
        data, refused = data.filter(pa.array(~skip)), refused[~skip]
    return Converted(data, refused, problems, skipped=int(skip.sum()))


def _masked(values: pa.Array) -> pa.Array:
    """``values`` with phone numbers, ID-card numbers, bank cards and e-mail addresses replaced by
    ``[PHONE]``, ``[ID]``, ``[CARD]``, ``[EMAIL]`` (frontdesk.text.pii, docs/text-analytics.md)."""
    from frontdesk.text.pii import mask_text

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pa.array([None if v is None else mask_text(v) for v in values.to_pylist()], pa.string())


def _action(policy: str) -> str:
    return {"refuse": "refused", "flag": "flagged", "clear": "cleared"}[policy]


def _apply(
    policy: str, mask: np.ndarray, refused: np.ndarray, values: pa.Array
) -> tuple[np.ndarray, pa.Array]:
    if policy == "refuse":
        return refused | mask, values
    if policy == "clear":
        return refused, pc.if_else(pa.array(mask), pa.scalar(None, values.type), values)
    return refused, values
