"""Event logs: sources with one row per state change of a record (ServiceNow's incident log).

``last_rows`` keeps each record's last row (highest sequence, then latest in the file), which the
mapping turns into one ``interactions`` row: the record as it ended. ``events`` turns the
succession of rows into ``interaction_events``: created, each change of state (by the mapping's
``states`` table), each reopening (the reopen counter goes up) and each reassignment (the
reassignment counter goes up, or the assignee changes from one person to another).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from frontdesk.ingest import values as V
from frontdesk.ingest.convert import ROW
from frontdesk.ingest.errors import IngestError, Problem
from frontdesk.ingest.mapping import EventLog, Mapping


def _order(raw: pa.Table, log: EventLog) -> np.ndarray:
    rec = V.clean_text(raw.column(log.record))
    keys = [(rec, "ascending")]
    t = pa.table({"rec": rec, "row": raw.column(ROW)})
    if log.sequence:
        t = t.append_column("seq", V.parse_float(raw.column(log.sequence)).values)
        keys = [("rec", "ascending"), ("seq", "ascending"), ("row", "ascending")]
    else:
        keys = [("rec", "ascending"), ("row", "ascending")]
    return np.asarray(pc.sort_indices(t, sort_keys=keys).to_numpy())


def check_columns(log: EventLog, header: list[str], label: str) -> None:
    for key in (
        "record",
        "sequence",
        "time",
        "state",
        "opened",
        "assignee",
        "reopen_count",
        "reassignment_count",
    ):
        col = getattr(log, key)
        if col and col not in header:
            raise IngestError(
                f"no column {col!r} in the file (event_log.{key})",
                file=label,
                row=1,
                code="missing_column",
                params={"columns": [col], "field": f"event_log.{key}"},
            )


def last_rows(raw: pa.Table, log: EventLog) -> pa.Table:
    """Each record's last row, in record order."""
    order = _order(raw, log)
    rec = np.asarray(
        V.clean_text(raw.column(log.record)).take(pa.array(order)).to_numpy(zero_copy_only=False)
    )
    last = np.ones(len(order), dtype=bool)
    last[:-1] = rec[:-1] != rec[1:]
    return raw.take(pa.array(order[last]))


def events(raw: pa.Table, log: EventLog, mapping: Mapping, label: str) -> tuple[pa.Table, list[Problem]]:
    """``interaction_events`` rows (plus ``__row``) and the rows whose times could not be read."""
    order = pa.array(_order(raw, log))
    t = raw.take(order)

    def text(col: str | None) -> list[str | None]:
        if not col:
            return [None] * t.num_rows
        return V.clean_text(t.column(col)).to_pylist()

    def number(col: str | None) -> list[float | None]:
        if not col:
            return [None] * t.num_rows
        return V.parse_float(t.column(col)).values.to_pylist()

    when = V.parse_timestamp(t.column(log.time), mapping.timezone, mapping.date_order)
    opened = (
        V.parse_timestamp(t.column(log.opened), mapping.timezone, mapping.date_order) if log.opened else when
    )
    times, bad = when.values.to_pylist(), when.bad.to_pylist()
    opened_at = opened.values.to_pylist()
    rec, state, who = text(log.record), text(log.state), text(log.assignee)
    seq = text(log.sequence) if log.sequence else None
    stage = text(log.stage) if log.stage else state
    reopen, reassign = number(log.reopen_count), number(log.reassignment_count)
    rows = t.column(ROW).to_pylist()
    problems = [
        Problem(
            label,
            rows[i],
            log.time,
            t.column(log.time)[i].as_py(),
            "a date and time",
            "refused",
            "type",
            {"kind": "timestamp"},
        )
        for i, b in enumerate(bad)
        if b
    ]
    out: dict[str, list] = {
        k: [] for k in ("event_id", "interaction_id", "kind", "at", "agent_id", "stage", "actor", ROW)
    }

    def add(i: int, kind: str, at: object) -> None:
        if at is None:
            return
        tag = seq[i] if seq is not None else str(rows[i])
        out["event_id"].append(f"{rec[i]}:{tag}:{kind}")
        out["interaction_id"].append(rec[i])
        out["kind"].append(kind)
        out["at"].append(at)
        out["agent_id"].append(who[i])
        out["stage"].append(stage[i])
        out["actor"].append("system")
        out[ROW].append(rows[i])

    for i in range(t.num_rows):
        if rec[i] is None or bad[i]:
            continue
        first = i == 0 or rec[i - 1] != rec[i]
        if first:
            add(i, "created", opened_at[i] if opened_at[i] is not None else times[i])
            prev_state, prev_who, prev_reopen, prev_reassign = None, None, 0.0, 0.0
        else:
            prev_state, prev_who = state[i - 1], who[i - 1]
            prev_reopen, prev_reassign = reopen[i - 1] or 0.0, reassign[i - 1] or 0.0
        kinds: list[str] = []
        if (reopen[i] or 0.0) > prev_reopen:
            kinds.append("reopened")
        if (reassign[i] or 0.0) > prev_reassign or (
            not first and prev_who is not None and who[i] is not None and who[i] != prev_who
        ):
            kinds.append("transferred")
        if (state[i] != prev_state and not first) or (first and state[i] is not None):
            kind = log.states.get(state[i] or "", "ignore")
            if kind not in ("ignore", "created") and not ("reopened" in kinds and kind == "assigned"):
                kinds.append(kind)
        if prev_who is None and who[i] is not None and "assigned" not in kinds and "transferred" not in kinds:
            kinds.append("assigned")
        for kind in dict.fromkeys(kinds):
            add(i, kind, times[i])
    from frontdesk.store.tables import TABLES

    schema = TABLES["interaction_events"].schema
    cols = [pa.array(out[f.name], f.type) for f in schema]
    table = pa.Table.from_arrays([*cols, pa.array(out[ROW], pa.int64())], names=[*schema.names, ROW])
    return table, problems
