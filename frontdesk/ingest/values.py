"""Text cells to canonical values, a whole column at a time (pyarrow + numpy, no per-row Python).

Every parser takes a string array and answers the typed array plus a boolean ``bad`` array: true
where the cell held something that is not a value of the type. Empty cells are nulls, never bad.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from frontdesk.store.tables import UTC_TS

# Time of day, optional seconds and fraction, optional offset; shared by the date patterns below.
_TIME = r"(?:[ T]+(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
_ZONE = r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_ZH_TIME = (
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时時点點]\s*(?P<M>\d{1,2})\s*分?"
    r"(?:\s*[:：]?\s*(?P<S>\d{1,2})\s*秒?)?)?"
)
DATE_PATTERNS: dict[str, str] = {
    # 2026-10-03, 2026/10/3 09:05, 2026-10-03T09:05:07.123+08:00
    "ymd": r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME + _ZONE + "$",
    # 3/10/2026 09:05 (day first: the ServiceNow export and most of the world)
    "dmy": r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})" + _TIME + _ZONE + "$",
    # 10/3/2026 09:05 (month first, only when a mapping says date_order = "mdy")
    "mdy": r"^(?P<m>\d{1,2})[-/.](?P<d>\d{1,2})[-/.](?P<y>\d{4})" + _TIME + _ZONE + "$",
    # 2026年10月3日, 2026年10月3日 14:30, 2026年10月3日14时30分
    "zh": r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]?" + _ZH_TIME + "$",
}
MIN_YEAR, MAX_YEAR = 1970, 2100
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

TRUE_WORDS = ("true", "t", "yes", "y", "1", "是", "对", "對", "√", "✓", "有")
FALSE_WORDS = ("false", "f", "no", "n", "0", "否", "错", "錯", "×", "✗", "无", "無")

_INT = r"^[+-]?\d{1,18}(?:\.0*)?$"
_FLOAT = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$"
_HMS = r"^(?P<sign>[+-]?)(?P<h>\d{1,6}):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)$"


@dataclass(frozen=True)
class Parsed:
    """A parsed column and where its cells were not values of the type."""

    values: pa.Array
    bad: pa.Array  # bool, never null


def clean_text(arr: pa.Array) -> pa.Array:
    """Trimmed text, with empty cells as nulls."""
    arr = _plain(arr)
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string())
    s = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(s, ""), pa.scalar(None, s.type), s)


def map_values(arr: pa.Array, mapping: Mapping[str, str]) -> pa.Array:
    """Replace whole cells by the mapping (case-insensitively); cells not in it stay as they are."""
    if not mapping:
        return arr
    keys = pa.array([k.strip().lower() for k in mapping], pa.string())
    vals = pa.array([str(v) for v in mapping.values()], pa.string())
    idx = pc.index_in(pc.utf8_lower(arr), value_set=keys)
    return pc.coalesce(pc.take(vals, idx), arr)


def _plain(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr


def _bad(source: pa.Array, parsed: pa.Array) -> pa.Array:
    return pc.and_(pc.is_valid(source), pc.is_null(parsed))


def parse_text(arr: pa.Array) -> Parsed:
    s = clean_text(arr)
    return Parsed(s, pa.array(np.zeros(len(s), dtype=bool)))


def parse_enum(arr: pa.Array, allowed: Sequence[str], synonyms: Mapping[str, str] | None = None) -> Parsed:
    """Lower-cased, spaces and dashes as underscores, synonyms applied; anything else is bad."""
    s = pc.utf8_lower(clean_text(arr))
    s = pc.replace_substring_regex(s, r"[\s\-]+", "_")
    if synonyms:
        s = map_values(s, synonyms)
    ok = pc.is_in(s, value_set=pa.array(list(allowed), pa.string()))
    out = pc.if_else(ok, s, pa.scalar(None, pa.string()))
    return Parsed(out, _bad(s, out))


def parse_bool(arr: pa.Array) -> Parsed:
    s = pc.utf8_lower(clean_text(arr))
    words = pa.array([*TRUE_WORDS, *FALSE_WORDS], pa.string())
    truth = pa.array([True] * len(TRUE_WORDS) + [False] * len(FALSE_WORDS), pa.bool_())
    out = pc.take(truth, pc.index_in(s, value_set=words))
    return Parsed(out, _bad(s, out))


def parse_int(arr: pa.Array) -> Parsed:
    s = pc.replace_substring_regex(clean_text(arr), r"\.0*$", "")
    ok = pc.match_substring_regex(s, _INT)
    out = pc.if_else(ok, s, pa.scalar(None, pa.string())).cast(pa.int64())
    return Parsed(out, _bad(s, out))


def parse_float(arr: pa.Array) -> Parsed:
    s = clean_text(arr)
    ok = pc.match_substring_regex(s, _FLOAT)
    out = pc.if_else(ok, s, pa.scalar(None, pa.string())).cast(pa.float64())
    out = pc.if_else(pc.is_finite(out), out, pa.scalar(None, pa.float64()))
    return Parsed(out, _bad(s, out))


def parse_duration(arr: pa.Array) -> Parsed:
    """Seconds (``95``, ``95.5``) or ``H:MM:SS`` (``0:01:35``, ``12:00:00.5``) as float seconds."""
    s = clean_text(arr)
    plain = pc.if_else(pc.match_substring_regex(s, _FLOAT), s, pa.scalar(None, pa.string())).cast(
        pa.float64()
    )
    parts = pc.extract_regex(pc.if_else(pc.is_null(plain), s, pa.scalar(None, pa.string())), _HMS)
    h = _num(pc.struct_field(parts, "h"), pa.float64())
    m = _num(pc.struct_field(parts, "m"), pa.float64())
    sec = _num(pc.struct_field(parts, "s"), pa.float64())
    hms = pc.add(pc.add(pc.multiply(h, 3600.0), pc.multiply(m, 60.0)), sec)
    hms = pc.if_else(pc.less(m, 60.0), hms, pa.scalar(None, pa.float64()))
    hms = pc.if_else(pc.less(sec, 60.0), hms, pa.scalar(None, pa.float64()))
    neg = pc.equal(pc.struct_field(parts, "sign"), "-")
    hms = pc.if_else(neg, pc.negate(hms), hms)
    out = pc.coalesce(plain, hms)
    out = pc.if_else(pc.is_finite(out), out, pa.scalar(None, pa.float64()))
    return Parsed(out, _bad(s, out))


def _num(arr: pa.Array, typ: pa.DataType) -> pa.Array:
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr).cast(typ)


def parse_timestamp(arr: pa.Array, timezone: str, date_order: str = "dmy") -> Parsed:
    """Instants in UTC. Times with an offset (``Z``, ``+08:00``) are exact; times without one are
    wall-clock times in ``timezone`` (the source's zone). Dates alone are midnight there.

    Year-first dates and Chinese dates are always understood; ``date_order`` says whether
    ``3/10/2026`` is day first (``dmy``), month first (``mdy``) or not accepted (``ymd``)."""
    s = clean_text(arr)
    n = len(s)
    micros = np.zeros(n, dtype=np.int64)
    found = np.zeros(n, dtype=bool)
    aware = np.zeros(n, dtype=bool)
    offset_us = np.zeros(n, dtype=np.int64)
    todo = pc.is_valid(s)
    names = ("ymd", date_order, "zh") if date_order in ("dmy", "mdy") else ("ymd", "zh")
    for name in names:
        if not pc.any(todo).as_py():
            break
        pending = pc.if_else(todo, s, pa.scalar(None, pa.string()))
        parts = pc.extract_regex(pending, DATE_PATTERNS[name])
        hit = np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)
        if not hit.any():
            continue
        ok, us = _compose(parts, hit)
        micros[ok] = us[ok]
        found |= ok
        if name != "zh":
            zone = pc.struct_field(parts, "tz")
            has = np.asarray(pc.fill_null(pc.not_equal(zone, ""), False).to_numpy(zero_copy_only=False))
            has &= ok
            if has.any():
                aware |= has
                offset_us[has] = _offsets(zone)[has]
        # Rows a pattern matched are settled, valid or not (a 30 February is bad, not another form).
        todo = pc.and_(todo, pa.array(~hit))
    utc = micros - offset_us
    naive_local = pa.array(np.where(found & ~aware, micros, 0), pa.timestamp("us"))
    converted = pc.assume_timezone(naive_local, timezone, ambiguous="earliest", nonexistent="earliest")
    conv_us = np.asarray(converted.cast(pa.int64()).to_numpy(zero_copy_only=False))
    final = np.where(aware, utc, conv_us)
    out = pa.array(final, type=pa.int64(), mask=~found).cast(UTC_TS)
    return Parsed(out, _bad(s, out))


def _compose(parts: pa.StructArray, hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(valid, wall-clock microseconds since the epoch) from regex parts; calendar-checked."""

    def field(name: str, default: int = 0) -> np.ndarray:
        try:
            col = pc.struct_field(parts, name)
        except (KeyError, pa.ArrowInvalid):
            return np.full(len(hit), default, dtype=np.int64)
        col = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
        return np.asarray(col.cast(pa.int64()).fill_null(default).to_numpy(zero_copy_only=False))

    y, m, d = field("y"), field("m"), field("d")
    hh, mi, ss = field("H"), field("M"), field("S")
    frac = np.zeros(len(hit), dtype=np.int64)
    try:
        f = pc.struct_field(parts, "f")
        f = pc.if_else(pc.equal(f, ""), pa.scalar(None, pa.string()), f)
        f = pc.utf8_slice_codeunits(pc.utf8_rpad(f, width=6, padding="0"), 0, 6)
        frac = np.asarray(f.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False))
    except (KeyError, pa.ArrowInvalid):
        pass
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    mm = np.clip(m, 0, 12)
    dim = _DAYS_IN_MONTH[mm] + ((mm == 2) & leap)
    ok = (
        hit
        & (y >= MIN_YEAR)
        & (y <= MAX_YEAR)
        & (m >= 1)
        & (m <= 12)
        & (d >= 1)
        & (d <= dim)
        & (hh <= 23)
        & (mi <= 59)
        & (ss <= 59)
    )
    # days_from_civil (H. Hinnant), vectorised.
    yy = y - (m <= 2)
    era = np.floor_divide(yy, 400)
    yoe = yy - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    us = ((days * 24 + hh) * 60 + mi) * 60_000_000 + ss * 1_000_000 + frac
    return ok, us


def _offsets(zone: pa.Array) -> np.ndarray:
    """Microseconds east of UTC for ``Z``, ``+08``, ``+0800``, ``-05:30``."""
    z = pc.replace_substring_regex(pc.fill_null(zone, ""), r"^(Z|UTC|GMT)$", "+00:00")
    parts = pc.extract_regex(z, r"^(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})?$")
    h = pc.struct_field(parts, "h")
    m = pc.struct_field(parts, "m")
    hv = np.asarray(_num(h, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False))
    mv = np.asarray(_num(m, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False))
    sign = np.where(np.asarray(pc.fill_null(pc.equal(pc.struct_field(parts, "sign"), "-"), False)), -1, 1)
    return sign * (hv * 3600 + mv * 60) * 1_000_000


def parse_date(arr: pa.Array, date_order: str = "dmy") -> Parsed:
    """Calendar dates (a time part, if any, is dropped); no time zone conversion."""
    p = parse_timestamp(arr, "UTC", date_order)
    # A date written with an offset is still the date written; aware values are rare here.
    return Parsed(p.values.cast(pa.timestamp("us")).cast(pa.date32()), p.bad)
