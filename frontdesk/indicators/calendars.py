"""Working calendars: when a team is open, for durations in business time.

A calendar has weekly opening hours in a time zone, public holidays and, for China, the adjusted
working days (调休) on which a weekend day follows a weekday's hours, plus custom closures.
Holidays come from the maintained ``holidays`` package.

Business time must be computed the same way on every engine, fast, without a range join (which
degrades to a cross product on an equality key with few values). So each calendar is laid out as
UTC-day *buckets*: for each UTC day, the business microseconds before it (``cum_us``) and up to
three open intervals within it. Then for any instant ``t``::

    F(t) = cum_us[day(t)] + Σ_k clamp(t − start_k, 0, end_k − start_k)

is the business time elapsed since the calendar's origin, and the business time between ``a`` and
``b`` is ``F(b) − F(a)``: two equality joins per duration, on any SQL engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

DAY_US = 86_400_000_000
MAX_INTERVALS = 3  # open intervals per UTC day in the bucket table
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_YEARS = (2015, 2035)


class CalendarError(ValueError):
    """A calendar definition that cannot be used; the message names the calendar and field."""


@dataclass(frozen=True)
class Calendar:
    """A team's working calendar."""

    calendar_id: str
    timezone: str
    # Opening hours per weekday (0 = Monday): a tuple of (open, close) local times.
    hours: tuple[tuple[tuple[time, time], ...], ...]
    country: str | None = None  # public holidays and adjusted working days of this country
    closures: tuple[tuple[datetime, datetime], ...] = ()  # local, naive: closed in between
    name: str = ""
    workday_template: int = 0  # which weekday's hours an adjusted working weekend day follows

    def __post_init__(self) -> None:
        if len(self.hours) != 7:
            raise CalendarError(f"calendar {self.calendar_id}: hours must list 7 weekdays")
        ZoneInfo(self.timezone)  # fails early on an unknown zone

    def day_hours(self, d: date) -> list[tuple[time, time]]:
        """The local open intervals of day ``d``: none on a public holiday, a weekday's on an
        adjusted working weekend day, the weekday's hours otherwise; closures cut out."""
        days_off, extra_workdays = _country_days(self.country, d.year)
        if d in days_off:
            spans: list[tuple[time, time]] = []
        elif d in extra_workdays:
            spans = list(self.hours[self.workday_template])
        else:
            spans = list(self.hours[d.weekday()])
        if not self.closures:
            return spans
        out = []
        for open_t, close_t in spans:
            pieces = [(datetime.combine(d, open_t), _end_of(d, close_t))]
            for c_start, c_end in self.closures:
                pieces = [p for a, b in pieces for p in _subtract(a, b, c_start, c_end)]
            out.extend((a.time(), b.time() if b.date() == d else time(0)) for a, b in pieces if b > a)
        return out

    def intervals(self, start: date, end: date) -> list[tuple[datetime, datetime]]:
        """Open intervals as UTC instants for local days ``start`` ≤ day < ``end``, in order."""
        tz = ZoneInfo(self.timezone)
        out = []
        d = start
        while d < end:
            for open_t, close_t in self.day_hours(d):
                lo = datetime.combine(d, open_t, tzinfo=tz).astimezone(UTC)
                hi = _end_of(d, close_t).replace(tzinfo=tz).astimezone(UTC)
                if hi > lo:
                    out.append((lo, hi))
            d += timedelta(days=1)
        return out


def _end_of(d: date, close_t: time) -> datetime:
    # A closing time of 00:00 means midnight at the end of the day (a 24-hour day).
    return (
        datetime.combine(d + timedelta(days=1), time(0))
        if close_t == time(0)
        else datetime.combine(d, close_t)
    )


def _subtract(a: datetime, b: datetime, c: datetime, e: datetime) -> list[tuple[datetime, datetime]]:
    if e <= a or c >= b:
        return [(a, b)]
    return [p for p in ((a, min(b, c)), (max(a, e), b)) if p[1] > p[0]]


@cache
def _country_days(country: str | None, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend days worked) of ``country`` in ``year``."""
    if not country:
        return frozenset(), frozenset()
    import holidays

    try:
        h = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        raise CalendarError(f"no public holiday data for country {country!r}") from None
    extra = frozenset(getattr(h, "weekend_workdays", ()) or ())
    return frozenset(h.keys()), extra


def _parse_hours(text: str, where: str) -> tuple[tuple[time, time], ...]:
    """'09:00-12:00, 13:00-18:00' → intervals; '' or 'closed' → none; '00:00-24:00' → all day."""
    text = (text or "").strip().lower()
    if text in ("", "closed", "-"):
        return ()
    out = []
    for part in text.split(","):
        try:
            a, b = (p.strip() for p in part.split("-"))
            open_t = time.fromisoformat(a)
            close_t = time(0) if b == "24:00" else time.fromisoformat(b)
        except ValueError:
            raise CalendarError(f"{where}: {part.strip()!r} is not HH:MM-HH:MM") from None
        if close_t != time(0) and close_t <= open_t:
            raise CalendarError(f"{where}: {part.strip()!r} closes before it opens")
        out.append((open_t, close_t))
    out.sort()
    return tuple(out)


def calendar_from_dict(calendar_id: str, raw: Mapping[str, Any]) -> Calendar:
    """A calendar from settings: ``timezone``, ``country``, per-weekday ``hours`` ({mon: "09:00-18:00",
    …}, or ``weekdays`` / ``weekends`` shorthands) and ``closures`` ([["2026-12-24 12:00", "2026-12-26"]])."""
    where = f"calendar {calendar_id}"
    hours_raw = dict(raw.get("hours") or {})
    for key, days in (("weekdays", WEEKDAYS[:5]), ("weekends", WEEKDAYS[5:]), ("daily", WEEKDAYS)):
        if key in hours_raw:
            value = hours_raw.pop(key)
            for d in days:
                hours_raw.setdefault(d, value)
    unknown = set(hours_raw) - set(WEEKDAYS)
    if unknown:
        raise CalendarError(f"{where}: unknown weekday {sorted(unknown)[0]!r} in hours")
    hours = tuple(_parse_hours(hours_raw.get(d, ""), f"{where}, hours.{d}") for d in WEEKDAYS)
    closures = []
    for i, pair in enumerate(raw.get("closures") or [], start=1):
        try:
            a, b = (datetime.fromisoformat(str(x)) for x in pair)
        except (TypeError, ValueError):
            raise CalendarError(f"{where}: closure {i} is not [start, end] local date-times") from None
        closures.append((a, b))
    try:
        return Calendar(
            calendar_id=calendar_id,
            timezone=str(raw.get("timezone", "Asia/Shanghai")),
            hours=hours,
            country=raw.get("country"),
            closures=tuple(closures),
            name=str(raw.get("name", "")),
        )
    except Exception as e:  # unknown time zone
        raise CalendarError(f"{where}: {e}") from None


BUILTIN: dict[str, dict[str, Any]] = {
    "cn-mainland": {
        "name": "Mainland China office hours, public holidays and adjusted working days",
        "timezone": "Asia/Shanghai",
        "country": "CN",
        "hours": {"weekdays": "09:00-18:00"},
    },
    "cn-service": {
        "name": "Mainland China service desk, 08:00-21:00 every day except public holidays",
        "timezone": "Asia/Shanghai",
        "country": "CN",
        "hours": {"daily": "08:00-21:00"},
    },
    "24x7": {"name": "Always open", "timezone": "UTC", "hours": {"daily": "00:00-24:00"}},
}


def builtin_calendars() -> dict[str, Calendar]:
    return {cid: calendar_from_dict(cid, raw) for cid, raw in BUILTIN.items()}


def _epoch_us(t: datetime) -> int:
    return (t - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def bucket_table(calendars: Iterable[Calendar], years: tuple[int, int] = DEFAULT_YEARS) -> pa.Table:
    """The ``work_buckets`` table: one row per calendar and UTC day (epoch day number), with the
    business microseconds before that day and up to three open intervals in it (epoch µs)."""
    return _bucket_table(tuple(calendars), years)


@cache
def _bucket_table(calendars: tuple[Calendar, ...], years: tuple[int, int]) -> pa.Table:
    cols: dict[str, list] = {"calendar_id": [], "bucket": [], "cum_us": []}
    for k in range(1, MAX_INTERVALS + 1):
        cols[f"s{k}"], cols[f"e{k}"] = [], []
    for cal in calendars:
        first, last = date(years[0], 1, 1), date(years[1] + 1, 1, 1)
        # Local days one either side, so every UTC day in range sees all its intervals.
        spans = cal.intervals(first - timedelta(days=1), last + timedelta(days=1))
        by_day: dict[int, list[tuple[int, int]]] = {}
        for lo, hi in spans:
            a, b = _epoch_us(lo), _epoch_us(hi)
            while a < b:  # split at UTC midnights
                day = a // DAY_US
                cut = min(b, (day + 1) * DAY_US)
                by_day.setdefault(day, []).append((a, cut))
                a = cut
        day0 = _epoch_us(datetime(first.year, 1, 1, tzinfo=UTC)) // DAY_US
        day1 = _epoch_us(datetime(last.year, 1, 1, tzinfo=UTC)) // DAY_US
        cum = 0
        for day in range(day0, day1):
            day_spans = by_day.get(day, [])
            if len(day_spans) > MAX_INTERVALS:
                raise CalendarError(
                    f"calendar {cal.calendar_id}: more than {MAX_INTERVALS} open intervals in one UTC day"
                )
            cols["calendar_id"].append(cal.calendar_id)
            cols["bucket"].append(day)
            cols["cum_us"].append(cum)
            padded = day_spans + [(day * DAY_US, day * DAY_US)] * (MAX_INTERVALS - len(day_spans))
            for k, (a, b) in enumerate(padded, start=1):
                cols[f"s{k}"].append(a)
                cols[f"e{k}"].append(b)
            cum += sum(b - a for a, b in day_spans)
    schema = pa.schema(
        [("calendar_id", pa.string()), ("bucket", pa.int64()), ("cum_us", pa.int64())]
        + [(f"{p}{k}", pa.int64()) for k in range(1, MAX_INTERVALS + 1) for p in ("s", "e")]
    )
    return pa.table({name: cols[name] for name in schema.names}, schema=schema)


def business_seconds(cal: Calendar, start: datetime, end: datetime) -> float:
    """Business seconds between two UTC instants: the plain reference the SQL is tested against.
    Negative when ``end`` is before ``start``."""
    if end < start:
        return -business_seconds(cal, end, start)
    tz = ZoneInfo(cal.timezone)
    lo_day = start.astimezone(tz).date() - timedelta(days=1)
    hi_day = end.astimezone(tz).date() + timedelta(days=2)
    total = timedelta(0)
    for a, b in cal.intervals(lo_day, hi_day):
        overlap = min(b, end) - max(a, start)
        if overlap > timedelta(0):
            total += overlap
    return total / timedelta(microseconds=1) / 1_000_000
