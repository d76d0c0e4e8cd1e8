"""An import from files to the event store: read, map, check, quarantine, commit atomically.

``import_files`` is what ``frontdesk import`` calls. One call is one batch: every accepted row of
every file and table lands, or none does. The report (JSON and text) and the quarantine file (the
refused rows as they were in the source) go to ``<reports>/<batch_id>/``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute

from frontdesk.ingest import batches, eventlog
from frontdesk.ingest.convert import ROW, Converted, check_columns, convert
from frontdesk.ingest.errors import IngestError, Problem
from frontdesk.ingest.mapping import Mapping
from frontdesk.ingest.readers import ReadOptions, Source, open_source
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

FILE = "__file"
REPORT_LINES = 200  # problems shown in report.txt (all of them are in report.json)
TIMEZONE_SOURCES = {
    "option": "given for this import",
    "mapping": "the mapping's timezone",
    "workspace": "the workspace's time zone; the mapping names none",
    "default": "default: neither the import, the mapping nor the workspace names one",
}


@dataclass
class TableResult:
    table: str
    read: int = 0
    accepted: int = 0
    refused: int = 0
    duplicates: int = 0  # rows of this batch replaced by a later row with the same key
    skipped: int = 0  # source rows that hold no row of this table (skip_empty)
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    unknown_agents: list[str] = field(default_factory=list)
    # refused rows per agent id, for rows whose agent column could be read (docs/importing.md)
    refused_by_agent: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import did; ``to_json`` is the report file's content."""

    batch_id: str
    state: str  # committed | dry-run | nothing-new | already-imported
    mapping: str
    mapping_sha256: str
    timezone: str
    inputs: list[dict[str, Any]]
    tables: dict[str, TableResult]
    problems: list[Problem]
    started_at: str
    finished_at: str = ""
    duplicate_of: str | None = None
    report_dir: Path | None = None
    timezone_source: str = "default"  # option | mapping | workspace | default (Mapping.timezone_source)

    def timezone_line(self) -> str:
        """Which zone times without an offset were read in, and why."""
        why = TIMEZONE_SOURCES.get(self.timezone_source, self.timezone_source)
        return f"source time zone {self.timezone} ({why})"

    @property
    def refused_rows(self) -> int:
        return sum(t.refused for t in self.tables.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "state": self.state,
            "mapping": self.mapping,
            "mapping_sha256": self.mapping_sha256,
            "timezone": self.timezone,
            "timezone_source": self.timezone_source,
            "inputs": self.inputs,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duplicate_of": self.duplicate_of,
            "tables": {k: vars(v) for k, v in self.tables.items()},
            "problems": [p.to_json() for p in self.problems],
        }

    def summary(self) -> list[str]:
        """A few readable lines: one per table, then what was refused."""
        lines = []
        for t in self.tables.values():
            lines.append(
                f"{t.table}: read {t.read:,}, accepted {t.accepted:,}, refused {t.refused:,}; "
                f"added {t.added:,}, replaced {t.replaced:,}, unchanged {t.unchanged:,}"
                + (f", duplicates in batch {t.duplicates:,}" if t.duplicates else "")
            )
            if t.refused_by_agent:
                top = sorted(t.refused_by_agent.items(), key=lambda x: (-x[1], x[0]))
                shown = ", ".join(f"{a} {n:,}" for a, n in top[:10]) + (" …" if len(top) > 10 else "")
                lines.append(f"  refused rows by agent: {shown}")
            if t.unknown_agents:
                shown = ", ".join(t.unknown_agents[:10]) + (" …" if len(t.unknown_agents) > 10 else "")
                lines.append(
                    f"  {len(t.unknown_agents):,} agents not in the roster (agents table): {shown}; "
                    "they get no scorecard until the roster is imported or 'frontdesk roster infer' adds them"
                )
        return lines

    def text(self) -> str:
        head = [
            f"Frontdesk import {self.batch_id}: {self.state}",
            f"mapping: {self.mapping} (sha256 {self.mapping_sha256[:12]}), {self.timezone_line()}",
            *[
                f"input: {i['file']} ({i['format']}, {i['rows']:,} rows, sha256 {i['sha256'][:12]})"
                for i in self.inputs
            ],
            f"started {self.started_at}, finished {self.finished_at}",
        ]
        if self.duplicate_of:
            head.append(
                f"these files were already imported as batch {self.duplicate_of}; nothing was written"
            )
        body = self.summary()
        counts: dict[tuple[str, str, str], int] = {}
        for p in self.problems:
            counts[(p.column, p.expected, p.action)] = counts.get((p.column, p.expected, p.action), 0) + 1
        if counts:
            body.append("problems by column:")
            body += [
                f"  {n:,} × {c!r}: {e} [{a}]" for (c, e, a), n in sorted(counts.items(), key=lambda x: -x[1])
            ]
            more = len(self.problems) > REPORT_LINES
            body.append(
                f"problems, row by row{f' (first {REPORT_LINES}; all in report.json)' if more else ''}:"
            )
            body += ["  " + p.line() for p in self.problems[:REPORT_LINES]]
        return "\n".join([*head, *body]) + "\n"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_options(mapping: Mapping, table: str | None) -> ReadOptions:
    opts = mapping.read
    records = mapping.tables[table].records if table and table in mapping.tables else None
    if records:
        opts = ReadOptions(**{**vars(opts), "records": records})
    return opts


def import_files(
    store: EventStore,
    paths: list[Path],
    mapping: Mapping,
    reports: Path,
    tables: list[str] | None = None,
    *,
    dry_run: bool = False,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
    workspace_timezone: str | None = None,
) -> ImportReport:
    """Import ``paths`` into ``store`` as one batch; returns the report (also written to disk).

    Times without an offset are read in the zone given for this import (``mapping.with_timezone``,
    ``--source-tz``), else the mapping's ``timezone``, else ``workspace_timezone`` (the workspace's
    zone, which the caller passes: this layer does not read workspace settings), else UTC; the
    report says which (``timezone``, ``timezone_source``).

    Raises ``IngestError`` for input that cannot be read at all, and with ``strict`` for the first
    refused row; the store is then unchanged.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise IngestError("no files to import", code="no_files")
    mapping = mapping.with_workspace_timezone(workspace_timezone)
    tables = tables or mapping.default_tables()
    if not tables:
        raise IngestError(
            f"mapping {mapping.origin} names no table; pass --table",
            code="no_table",
            params={"mapping": mapping.origin},
        )
    for t in tables:
        if t not in TABLES:
            raise IngestError(
                f"unknown table {t!r}; tables: {', '.join(TABLES)}",
                code="unknown_table",
                params={"table": t, "tables": ", ".join(TABLES)},
            )
        if t == "interaction_events" and mapping.event_log is not None:
            continue
        mapping.table(t)
    started = _now()
    batch_id = batches.new_batch_id()
    inputs = [
        {"file": str(p), "sha256": sha256_file(p), "size": p.stat().st_size} for p in paths if p.is_file()
    ]
    if len(inputs) != len(paths):
        missing = next(p for p in paths if not p.is_file())
        raise IngestError("no such file", file=str(missing), code="no_file")

    results = {t: TableResult(t) for t in tables}
    previous = None if dry_run else _same_inputs(store, inputs, mapping, tables)
    if previous:  # the same files with the same mapping: nothing to read
        for i in inputs:
            i.setdefault("format", "-")
            i.setdefault("rows", 0)
        report = ImportReport(
            batch_id, "already-imported", mapping.origin, mapping.digest, mapping.timezone, inputs, results, [],
            started, duplicate_of=previous, timezone_source=mapping.timezone_source,
        )  # fmt: skip
        report.finished_at = _now()
        report.report_dir = write_report(report, [], reports)
        return report
    problems: list[Problem] = []
    accepted: dict[str, list[pa.Table]] = {t: [] for t in tables}
    quarantine: list[tuple[str, pa.Table, dict[int, list[Problem]]]] = []
    total_bytes = sum(i["size"] for i in inputs) or 1
    done_bytes = 0
    for info, path in zip(inputs, paths, strict=True):
        src = open_source(path, _read_options(mapping, tables[0]))
        info["format"] = src.format
        if src.encoding:
            info["encoding"], info["delimiter"] = src.encoding, src.delimiter
        info["rows"] = _import_source(src, mapping, tables, results, problems, accepted, quarantine)
        done_bytes += info["size"]
        if progress:
            progress(done_bytes, total_bytes)
    masks = mapping.masks_personal_data()
    if masks:  # a refused cell may be a phone number or an e-mail: reports keep it masked
        problems[:] = [_masked_problem(p) for p in problems]
    if strict and any(p.action == "refused" for p in problems):
        first = next(p for p in problems if p.action == "refused")
        raise IngestError(
            f"{first.value!r}: expected {first.expected} (--strict: nothing imported)",
            file=first.file, row=first.row, column=first.column,
        )  # fmt: skip

    report = ImportReport(
        batch_id, "dry-run" if dry_run else "committed", mapping.origin, mapping.digest, mapping.timezone,
        inputs, results, problems, started, timezone_source=mapping.timezone_source,
    )  # fmt: skip
    with batches.locked(store):
        batches.recover(store)
        previous = None if dry_run else _same_inputs(store, inputs, mapping, tables)
        plans = []
        for t in tables:
            rows = _dedupe(t, accepted[t], results[t], problems)
            _unknown_agents(store, t, rows, accepted, results[t])
            plan = batches.plan(store, t, rows)
            results[t].added = plan.rows.num_rows - plan.replaced
            results[t].replaced, results[t].unchanged = plan.replaced, plan.unchanged
            plans.append(plan)
        refuse_unknown = mapping.policy.get("unknown_agents") == "refuse"
        if refuse_unknown and any(r.unknown_agents for r in results.values()):
            r = next(r for r in results.values() if r.unknown_agents)
            raise IngestError(
                f"agent {r.unknown_agents[0]!r} is not in the roster (policy unknown_agents = refuse); nothing imported",
                file=str(paths[0]), column="agent_id",
            )  # fmt: skip
        if previous and not dry_run:
            report.state, report.duplicate_of = "already-imported", previous
            for r in results.values():
                r.added = r.replaced = 0
        elif not dry_run and any(p.rows.num_rows for p in plans):
            meta = {
                "created_at": started, "mapping": mapping.origin, "mapping_sha256": mapping.digest,
                "timezone": mapping.timezone, "timezone_source": mapping.timezone_source,
                "inputs": inputs, "requested_tables": tables,
                "report": str(reports / batch_id),
            }  # fmt: skip
            batches.commit(store, batch_id, [p for p in plans if p.rows.num_rows], meta)
        elif not dry_run:
            report.state = "nothing-new"
    report.finished_at = _now()
    report.report_dir = write_report(report, quarantine, reports, mask=masks)
    return report


def _masked_problem(p: Problem) -> Problem:
    from frontdesk.text.pii import mask_text

    return dataclasses.replace(p, value=mask_text(p.value)) if p.value else p


def _import_source(
    src: Source,
    mapping: Mapping,
    tables: list[str],
    results: dict[str, TableResult],
    problems: list[Problem],
    accepted: dict[str, list[pa.Table]],
    quarantine: list[tuple[str, pa.Table, dict[int, list[Problem]]]],
) -> int:
    """Read one source into ``accepted`` rows per table; returns the number of source rows."""
    plain = [t for t in tables if not (mapping.event_log and t in ("interactions", "interaction_events"))]
    for t in plain:
        check_columns(mapping.table(t), src.columns, src.label)
    log_tables = [t for t in tables if t not in plain]
    if log_tables:
        eventlog.check_columns(mapping.event_log, src.columns, src.label)
        if "interactions" in log_tables:
            check_columns(mapping.table("interactions"), src.columns, src.label)
    n = 0
    log_chunks: list[pa.Table] = []
    for chunk in src.chunks():
        raw = chunk.data
        n += raw.num_rows
        if log_tables:
            log_chunks.append(raw)
        for t in plain:
            _keep(
                convert(mapping.table(t), mapping, raw, src.label),
                raw,
                t,
                src,
                results,
                problems,
                accepted,
                quarantine,
            )
    for row, reason in src.broken_rows:
        problems.append(Problem(src.label, row, "(row)", None, reason, "refused", *_row_code(reason)))
        for t in tables:
            results[t].refused += 1
    if log_tables and log_chunks:
        raw = pa.concat_tables(log_chunks, promote_options="permissive")
        if "interactions" in log_tables:
            last = eventlog.last_rows(raw, mapping.event_log)
            conv = convert(mapping.table("interactions"), mapping, last, src.label)
            _keep(conv, last, "interactions", src, results, problems, accepted, quarantine)
        if "interaction_events" in log_tables:
            ev, bad = eventlog.events(raw, mapping.event_log, mapping, src.label)
            results["interaction_events"].read += ev.num_rows
            results["interaction_events"].accepted += ev.num_rows
            results["interaction_events"].refused += len(bad)
            problems.extend(bad)
            accepted["interaction_events"].append(ev)
            if bad:
                rows = {p.row for p in bad}
                mask = np.isin(raw.column(ROW).to_numpy(), list(rows))
                quarantine.append((src.label, raw.filter(pa.array(mask)), _by_row(bad)))
    return n


_CELL_COUNT = re.compile(r"expected (\d+) cells, found (\d+)")
_EXTRA_CELLS = re.compile(r"cells beyond the (\d+) named columns")


def _row_code(reason: str) -> tuple[str, dict[str, str]]:
    """The problem code of a row the reader could not split into cells (readers.py's reasons)."""
    if m := _CELL_COUNT.fullmatch(reason):
        return "cell_count", {"expected": m.group(1), "found": m.group(2)}
    if m := _EXTRA_CELLS.fullmatch(reason):
        return "extra_cells", {"width": m.group(1)}
    return "row", {}


def _by_row(problems: list[Problem]) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    for p in problems:
        out.setdefault(p.row, []).append(p)
    return out


def _keep(
    conv: Converted,
    raw: pa.Table,
    t: str,
    src: Source,
    results: dict[str, TableResult],
    problems: list[Problem],
    accepted: dict[str, list[pa.Table]],
    quarantine: list[tuple[str, pa.Table, dict[int, list[Problem]]]],
) -> None:
    r = results[t]
    r.skipped += conv.skipped
    r.read += conv.data.num_rows + conv.skipped
    r.refused += int(conv.refused.sum())
    r.accepted += int((~conv.refused).sum())
    problems.extend(_with_agents(conv, t, r))
    accepted[t].append(conv.data.filter(pa.array(~conv.refused)))
    if conv.refused.any():
        bad_rows = conv.data.column(ROW).filter(pa.array(conv.refused))
        mask = pa.compute.is_in(raw.column(ROW), value_set=bad_rows)
        quarantine.append((src.label, raw.filter(mask), _by_row(conv.problems)))


def _with_agents(conv: Converted, t: str, result: TableResult) -> list[Problem]:
    """``conv``'s problems, each of a refused row naming that row's agent (when the mapping maps
    the agent column and the cell was read); the refused rows counted per agent in ``result``."""
    col = "subject_agent_id" if t == "ratings_360" else "agent_id"
    if not conv.refused.any() or col not in conv.data.column_names or t == "agents":
        return conv.problems
    refused = pa.array(conv.refused)
    rows = conv.data.column(ROW).filter(refused).to_pylist()
    agents = conv.data.column(col).filter(refused).to_pylist()
    agent_of = {row: agent for row, agent in zip(rows, agents, strict=True) if agent}
    for agent in agent_of.values():
        result.refused_by_agent[agent] = result.refused_by_agent.get(agent, 0) + 1
    return [
        dataclasses.replace(p, agent_id=agent_of.get(p.row)) if p.row in agent_of else p
        for p in conv.problems
    ]


def _dedupe(t: str, parts: list[pa.Table], result: TableResult, problems: list[Problem]) -> pa.Table:
    """One row per key: a later row of the batch replaces an earlier one (reported)."""
    spec = TABLES[t]
    if not parts:
        return spec.schema.empty_table()
    data = pa.concat_tables(parts)
    n = data.num_rows
    data = data.append_column("__pos", pa.array(np.arange(n, dtype=np.int64)))
    con = duckdb.connect(":memory:")
    try:
        con.register("d", data)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        dup = con.execute(
            f"SELECT __pos, __row, last_row FROM (SELECT __pos, __row, "
            f"last(__row ORDER BY __pos) OVER (PARTITION BY {keys}) AS last_row, "
            f"max(__pos) OVER (PARTITION BY {keys}) AS last_pos FROM d) WHERE __pos <> last_pos ORDER BY __pos"
        ).fetchall()
    finally:
        con.close()
    if not dup:
        return data.select(spec.schema.names)
    drop = np.zeros(n, dtype=bool)
    key_of = data.select(list(spec.key))
    for pos, row, last in dup:
        drop[pos] = True
        key = ", ".join(str(key_of.column(k)[pos].as_py()) for k in spec.key)
        why = f"a later row ({last}) has the same key"
        code = ("duplicate", {"later_row": str(last)})
        problems.append(Problem("(batch)", int(row), spec.key[0], key, why, "replaced", *code))
    result.duplicates = int(drop.sum())
    return data.filter(pa.array(~drop)).select(spec.schema.names)


def _unknown_agents(
    store: EventStore, t: str, rows: pa.Table, accepted: dict[str, list[pa.Table]], result: TableResult
) -> None:
    col = "subject_agent_id" if t == "ratings_360" else "agent_id"
    if t == "agents" or col not in rows.column_names or rows.num_rows == 0:
        return
    import pyarrow.compute as pc

    seen = set(pc.unique(rows.column(col).drop_null()).to_pylist())
    roster = set(store.read("agents", ["agent_id"]).column("agent_id").to_pylist())
    for part in accepted.get("agents", []):
        roster |= set(part.column("agent_id").to_pylist())
    result.unknown_agents = sorted(seen - roster)


def _same_inputs(
    store: EventStore, inputs: list[dict[str, Any]], mapping: Mapping, tables: list[str]
) -> str | None:
    """The committed batch that imported exactly these files with this mapping, if any."""
    want = sorted(i["sha256"] for i in inputs)
    for doc in reversed(batches.manifests(store)):
        if doc.get("state") != "committed":
            continue
        if (
            sorted(i["sha256"] for i in doc.get("inputs", [])) == want
            and doc.get("mapping_sha256") == mapping.digest
            and doc.get("timezone") == mapping.timezone
            and doc.get("requested_tables") == tables
        ):
            return str(doc["batch_id"])
    return None


def write_report(
    report: ImportReport,
    quarantine: list[tuple[str, pa.Table, dict[int, list[Problem]]]],
    reports: Path,
    *,
    mask: bool = True,
) -> Path:
    """``report.json``, ``report.txt`` and (when rows were refused) ``quarantine.csv``, whose cells
    are masked (phones, ID cards, bank cards, e-mails) unless ``mask`` is false."""
    folder = reports / (report.batch_id if report.state != "dry-run" else f"{report.batch_id}-dry-run")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), "utf-8")
    (folder / "report.txt").write_text(report.text(), "utf-8")
    if quarantine:
        write_quarantine(folder / "quarantine.csv", quarantine, mask=mask)
    return folder


def write_quarantine(
    path: Path, parts: list[tuple[str, pa.Table, dict[int, list[Problem]]]], *, mask: bool = True
) -> None:
    """The refused rows as they were in the source, after three columns saying where and why.

    With ``mask`` (``policy.personal_data = "mask"``), every source cell has its phone numbers,
    ID-card numbers, bank cards and e-mail addresses replaced by ``[PHONE]``, ``[ID]``, ``[CARD]``,
    ``[EMAIL]`` (frontdesk.text.pii); ``_file``, ``_row``, ``_problems`` and the headers are kept
    as they are, so the row can still be found and corrected in the source. UTF-8 with a BOM, so
    Excel opens Chinese text correctly.
    """
    from frontdesk.text.pii import mask_text

    def cell(v: Any) -> Any:
        return mask_text(v) if mask and isinstance(v, str) else v

    header: list[str] = []
    for _, t, _ in parts:
        for c in t.column_names:
            if c != ROW and c not in header:
                header.append(c)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["_file", "_row", "_problems", *header])
        seen: set[tuple[str, int]] = set()
        for label, t, by_row in parts:
            cols = {c: t.column(c).to_pylist() for c in t.column_names}
            for i, row in enumerate(cols[ROW]):
                if (label, row) in seen:
                    continue
                seen.add((label, row))
                why = "; ".join(f"{p.column}: {p.expected}" for p in by_row.get(row, []))
                w.writerow([label, row, why, *[cell(cols[c][i]) if c in cols else None for c in header]])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
