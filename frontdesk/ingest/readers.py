"""Reading source files as chunks of text columns: CSV, Excel (.xlsx), JSON, JSON Lines, Parquet.

Every reader answers the same thing: the file's column names and an iterator of ``Chunk``\\ s whose
columns are all text (nulls for empty cells), each knowing the row number of its first row, so a
problem anywhere later can name the row. Types are decided by the mapping, not guessed here.
A ``.zip`` holding one file, or a ``.gz`` file, is read as the file inside.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from frontdesk.ingest.errors import IngestError

CHUNK_ROWS = 65_536
CSV_BLOCK = 16 << 20
SAMPLE = 256 << 10
FORMATS = ("csv", "xlsx", "json", "jsonl", "parquet")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass
class Chunk:
    """Some consecutive rows of a source, every column text; ``first_row`` numbers row 0."""

    data: pa.Table
    first_row: int


@dataclass
class ReadOptions:
    """How to read a source; every field is optional (detected when left out)."""

    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    records: str | None = None  # JSON: dotted path to the list of records, e.g. "tickets"
    null_values: tuple[str, ...] = ()
    header_row: int | None = None  # Excel: 1-based row of the header (default: first non-empty row)


@dataclass
class Source:
    """An opened source file: its name as shown in reports, format, columns, and how to read it."""

    path: Path
    format: str
    columns: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    _chunks: Any = field(default=None, repr=False)
    #: rows the reader itself could not split into cells: (row, reason), filled while reading
    broken_rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.path.name

    def chunks(self) -> Iterator[Chunk]:
        return self._chunks()


def detect_format(path: Path, explicit: str | None = None) -> str:
    """The format named, else the one the file name says (``.zip``/``.gz`` look inside)."""
    if explicit:
        if explicit not in FORMATS:
            raise IngestError(
                f"unknown format {explicit!r}; known: {', '.join(FORMATS)}",
                file=path.name,
                code="unknown_format",
                params={"format": explicit, "known": ", ".join(FORMATS)},
            )
        return explicit
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    elif name.endswith(".zip"):
        inner = _zip_member(path)
        name = inner.lower()
    suffix = Path(name).suffix
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    raise IngestError(
        f"cannot tell the format from the name; use a name ending in {', '.join(sorted(_EXTENSIONS))}",
        file=path.name,
        code="format_from_name",
        params={"extensions": ", ".join(sorted(_EXTENSIONS))},
    )


def _zip_member(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if not n.endswith("/") and not n.startswith("__MACOSX")]
    except (zipfile.BadZipFile, OSError) as e:
        raise IngestError(
            f"not a readable zip file: {e}", file=path.name, code="unreadable", params={"detail": str(e)}
        ) from None
    if len(names) != 1:
        raise IngestError(
            f"a zip file must hold exactly one file, this one holds {len(names)}",
            file=path.name,
            code="zip_members",
            params={"count": len(names)},
        )
    return names[0]


def _open_binary(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".zip"):
        z = zipfile.ZipFile(path)
        return z.open(_zip_member(path))
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def open_source(path: str | Path, options: ReadOptions | None = None) -> Source:
    """Open ``path`` for reading; raises ``IngestError`` naming the file when it cannot be read."""
    path = Path(path)
    options = options or ReadOptions()
    if not path.is_file():
        raise IngestError("no such file", file=str(path), code="no_file")
    fmt = detect_format(path, options.format)
    try:
        if fmt == "csv":
            return _open_csv(path, options)
        if fmt == "xlsx":
            return _open_xlsx(path, options)
        if fmt in ("json", "jsonl"):
            return _open_json(path, options, lines=fmt == "jsonl")
        return _open_parquet(path)
    except IngestError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as e:
        raise IngestError(
            f"cannot read the file: {e}", file=path.name, code="unreadable", params={"detail": str(e)}
        ) from None


# -- CSV -----------------------------------------------------------------------------------------
def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 by its BOM, else what charset-normalizer finds (GBK and
    GB2312 are read as GB18030, their superset)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 4 and e.reason.startswith("unexpected end"):
            return "utf-8"  # the sample cut a character in two
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise IngestError(
            "cannot tell the text encoding; save the file as UTF-8", code="undetectable_encoding"
        )
    enc = best.encoding.lower().replace("_", "-")
    if enc in ("gbk", "gb2312", "cp936", "hz", "gb18030"):
        return "gb18030"
    if enc in ("big5", "big5hkscs", "cp950"):
        return "big5hkscs"
    return enc


def _decode_sample(sample: bytes, encoding: str) -> str:
    text = sample.decode(encoding, errors="ignore")
    return text


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (comma, tab, semicolon, pipe)."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for d in (",", "\t", ";", "|"):
        counts = [_count_outside_quotes(ln, d) for ln in lines]
        if counts[0] == 0:
            continue
        same = sum(1 for c in counts if c == counts[0])
        score = counts[0] * (same / len(counts))
        if score > best_score:
            best, best_score = d, score
    return best


def _count_outside_quotes(line: str, d: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == d and not quoted:
            n += 1
    return n


def _open_csv(path: Path, options: ReadOptions) -> Source:
    with _open_binary(path) as f:
        sample = f.read(SAMPLE)
    if not sample.strip():
        raise IngestError("the file is empty", file=path.name, code="empty_file")
    try:
        encoding = options.encoding or detect_encoding(sample)
        codecs.lookup(encoding)
    except IngestError as e:
        raise IngestError(e.reason, file=path.name, code=e.code, params=e.params) from None
    except LookupError:
        raise IngestError(
            f"unknown encoding {options.encoding!r}",
            file=path.name,
            code="unknown_encoding",
            params={"encoding": options.encoding},
        ) from None
    text = _decode_sample(sample, encoding)
    delimiter = options.delimiter or detect_delimiter(text)
    try:
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    except (StopIteration, csv.Error) as e:
        raise IngestError(f"cannot read the header: {e}", file=path.name, row=1) from None
    header = [h.strip() for h in header]
    _check_header(path, header, row=1)
    # Columns without a name (e.g. a trailing delimiter) are named by position, as in Excel.
    header = [h or f"column {j + 1}" for j, h in enumerate(header)]
    _check_header(path, header, row=1)
    src = Source(path, "csv", header, encoding=encoding, delimiter=delimiter)
    arrow_encoding = {"utf-8": "utf8", "utf-8-sig": "utf8"}.get(encoding, encoding)

    def chunks() -> Iterator[Chunk]:
        row = 2

        # Rows with too many or too few cells: kept out of the data, reported with their number.
        def invalid(r: Any) -> str:
            src.broken_rows.append(
                (
                    (r.number + 1) if r.number is not None else -1,
                    f"expected {r.expected_columns} cells, found {r.actual_columns}",
                )
            )
            return "skip"

        stream = _open_binary(path)
        try:
            reader = pcsv.open_csv(
                stream,
                read_options=pcsv.ReadOptions(
                    column_names=[f"c{i}" for i in range(len(header))],
                    skip_rows=1,
                    encoding=arrow_encoding,
                    block_size=CSV_BLOCK,
                    use_threads=False,  # so a broken row's number is known
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types={f"c{i}": pa.string() for i in range(len(header))},
                    null_values=["", *options.null_values],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                ),
            )
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                t = pa.Table.from_batches([batch]).rename_columns(header)
                numbers = _row_numbers(row, t.num_rows, [n for n, _ in src.broken_rows if n >= row])
                yield Chunk(t.append_column("__row", pa.array(numbers, pa.int64())), row)
                row = int(numbers[-1]) + 1 if len(numbers) else row
        except (pa.ArrowInvalid, UnicodeDecodeError) as e:
            raise IngestError(
                f"cannot read the file as {encoding} CSV near row {row}: {_short(e)}", file=path.name
            ) from None
        finally:
            stream.close()

    src._chunks = chunks
    return src


def _row_numbers(start: int, count: int, skipped: list[int]) -> np.ndarray:
    """Row numbers of ``count`` rows read from ``start`` on, passing over the broken rows."""
    if not skipped:
        return np.arange(start, start + count, dtype=np.int64)
    window = np.arange(start, start + count + len(skipped), dtype=np.int64)
    return window[~np.isin(window, np.array(skipped, dtype=np.int64))][:count]


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:200] if text else type(e).__name__


def _check_header(path: Path, header: list[str], row: int) -> None:
    seen: set[str] = set()
    for h in header:
        if h and h in seen:
            raise IngestError(
                "this column name appears twice in the header", file=path.name, row=row, column=h
            )
        seen.add(h)
    if not any(header):
        raise IngestError("the header row has no column names", file=path.name, row=row, code="no_header")


# -- Excel ---------------------------------------------------------------------------------------
def _cell_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return repr(v.total_seconds())
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e18 else repr(v)
    text = str(v)
    return text if text.strip() else None


def _open_xlsx(path: Path, options: ReadOptions) -> Source:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    def load() -> Any:
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as e:
            raise IngestError(f"not a readable .xlsx workbook: {_short(e)}", file=path.name) from None

    def sheet_of(wb: Any) -> Any:
        if options.sheet:
            if options.sheet not in wb.sheetnames:
                raise IngestError(
                    f"no sheet {options.sheet!r}; sheets: {', '.join(wb.sheetnames)}", file=path.name
                )
            return wb[options.sheet]
        return wb.worksheets[0]

    def rows(ws: Any) -> Iterator[tuple[int, list[str | None]]]:
        try:
            for i, r in enumerate(ws.iter_rows(values_only=True), start=1):
                yield i, [_cell_text(v) for v in r]
        except (ValueError, TypeError, KeyError, zipfile.BadZipFile) as e:
            raise IngestError(f"cannot read the sheet: {_short(e)}", file=path.name) from None

    wb = load()
    try:
        header_at, header = 0, []
        for i, r in rows(sheet_of(wb)):
            if (options.header_row is None and any(v is not None for v in r)) or i == options.header_row:
                header_at, header = i, [(v or "").strip() for v in r]
                break
    finally:
        wb.close()
    while header and not header[-1]:
        header.pop()
    if not header:
        raise IngestError("the sheet is empty", file=path.name)
    _check_header(path, header, row=header_at)
    width = len(header)

    def chunks() -> Iterator[Chunk]:
        wb = load()
        try:
            buf: list[list[str | None]] = []
            first = header_at + 1
            for i, r in rows(sheet_of(wb)):
                if i <= header_at:
                    continue
                cells = (r + [None] * width)[:width]
                if any(v is not None for v in r[width:]):
                    src.broken_rows.append((i, f"cells beyond the {width} named columns"))
                    cells = None
                if not buf:
                    first = i
                # A broken row keeps its place (so later rows keep their numbers) but is left out.
                buf.append(cells if cells is not None else [None] * (width + 1))
                if len(buf) >= CHUNK_ROWS:
                    yield _rows_chunk(header, buf, first)
                    buf = []
            if buf:
                yield _rows_chunk(header, buf, first)
        finally:
            wb.close()

    src = Source(path, "xlsx", header)
    src._chunks = chunks
    return src


def _rows_chunk(header: list[str], rows: list[list[Any]], first: int) -> Chunk:
    """Rows to a chunk; rows marked as broken and rows with no value at all are left out, and the
    row numbers of the rest are kept in a ``__row`` column (Excel rows may be skipped)."""
    keep = [
        (first + k, r) for k, r in enumerate(rows) if len(r) == len(header) and any(v is not None for v in r)
    ]
    cols = {
        h or f"column {j + 1}": pa.array([r[j] for _, r in keep], pa.string()) for j, h in enumerate(header)
    }
    t = pa.table(cols)
    t = t.append_column("__row", pa.array([n for n, _ in keep], pa.int64()))
    return Chunk(t, first)


# -- JSON ----------------------------------------------------------------------------------------
def flatten(record: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Nested objects as dotted names (``via.channel``); lists as JSON text."""
    out = {} if out is None else out
    if not isinstance(record, dict):
        out[prefix or "value"] = record
        return out
    for k, v in record.items():
        name = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict) and v:
            flatten(v, name, out)
        else:
            out[name] = v
    return out


def _json_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e18 else repr(v)
    return str(v)


def _open_json(path: Path, options: ReadOptions, lines: bool) -> Source:
    def load_records() -> list[tuple[int, dict[str, Any]]]:
        with _open_binary(path) as f:
            raw = f.read()
        try:
            text = raw.decode(options.encoding or detect_encoding(raw[:SAMPLE]))
        except (UnicodeDecodeError, LookupError) as e:
            raise IngestError(f"cannot decode the file: {e}", file=path.name) from None
        text = text.lstrip("\ufeff")
        out: list[tuple[int, dict[str, Any]]] = []
        if lines:
            for n, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    out.append((n, flatten(json.loads(line))))
                except json.JSONDecodeError as e:
                    raise IngestError(
                        f"not JSON ({e.msg}, character {e.colno})", file=path.name, row=n
                    ) from None
            return out
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise IngestError(
                f"not JSON ({e.msg}, line {e.lineno} column {e.colno})", file=path.name
            ) from None
        records = doc
        if options.records:
            for part in options.records.split("."):
                if not isinstance(records, dict) or part not in records:
                    raise IngestError(f"no {options.records!r} list in the document", file=path.name)
                records = records[part]
        elif isinstance(doc, dict):
            lists = [v for v in doc.values() if isinstance(v, list)]
            if len(lists) != 1:
                raise IngestError(
                    'the document holds no single list of records; set records = "…"', file=path.name
                )
            records = lists[0]
        if not isinstance(records, list):
            raise IngestError("the records are not a list", file=path.name)
        return [(n, flatten(r)) for n, r in enumerate(records, start=1)]

    records = load_records()
    header: list[str] = []
    seen: set[str] = set()
    for _, r in records:
        for k in r:
            if k not in seen:
                seen.add(k)
                header.append(k)

    def chunks() -> Iterator[Chunk]:
        for start in range(0, len(records), CHUNK_ROWS):
            part = records[start : start + CHUNK_ROWS]
            cols = {h: pa.array([_json_text(r.get(h)) for _, r in part], pa.string()) for h in header}
            t = pa.table(cols) if cols else pa.table({"__empty": pa.nulls(len(part), pa.string())})
            t = t.append_column("__row", pa.array([n for n, _ in part], pa.int64()))
            yield Chunk(t, part[0][0])

    src = Source(path, "jsonl" if lines else "json", header)
    src._chunks = chunks
    return src


# -- Parquet -------------------------------------------------------------------------------------
def _open_parquet(path: Path) -> Source:
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as e:
        raise IngestError(f"not a readable Parquet file: {_short(e)}", file=path.name) from None
    header = list(pf.schema_arrow.names)

    def chunks() -> Iterator[Chunk]:
        row = 1
        for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK_ROWS):
            cols = {}
            for name, col in zip(batch.schema.names, batch.columns, strict=True):
                cols[name] = col if pa.types.is_string(col.type) else _to_text(col)
            t = pa.table(cols)
            t = t.append_column("__row", pa.array(np.arange(row, row + t.num_rows, dtype=np.int64)))
            yield Chunk(t, row)
            row += t.num_rows

    src = Source(path, "parquet", header)
    src._chunks = chunks
    return src


def _to_text(col: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(col.type) and col.type.tz is None:
        return col.cast(pa.string())
    if pa.types.is_large_string(col.type) or pa.types.is_dictionary(col.type):
        return col.cast(pa.string())
    try:
        return col.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([_json_text(v) for v in col.to_pylist()], pa.string())
