"""Appraisal periods: a month (``2026-10``), a quarter (``2026-Q4``), a year (``2026``), or a
range of days (``2026-01-15..2026-04-14``, both days included: a whole log, a pilot)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CYCLES = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period in the organisation's local time; ``end`` is exclusive."""

    start: date
    end: date
    kind: str  # month | quarter | year | range
    label: str

    @property
    def cycle(self) -> str:
        """The scheme cycle whose indicators score this period: a range of days counts as the
        cycle its length matches (up to 31 days monthly, up to 92 quarterly, else annual)."""
        if self.kind == "range":
            days = (self.end - self.start).days
            return "monthly" if days <= 31 else "quarterly" if days <= 92 else "annual"
        return {v: k for k, v in CYCLES.items()}[self.kind]

    def utc_bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The period's start and end as UTC instants, for a team in ``timezone``."""
        tz = ZoneInfo(timezone)
        lo = datetime(self.start.year, self.start.month, self.start.day, tzinfo=tz)
        hi = datetime(self.end.year, self.end.month, self.end.day, tzinfo=tz)
        return lo.astimezone(UTC), hi.astimezone(UTC)

    def months(self) -> list[Period]:
        """The months the period is made of."""
        out, d = [], self.start
        while d < self.end:
            out.append(month(d.year, d.month))
            d = out[-1].end
        return out

    def __str__(self) -> str:
        return self.label


def month(year: int, m: int) -> Period:
    end = date(year + 1, 1, 1) if m == 12 else date(year, m + 1, 1)
    return Period(date(year, m, 1), end, "month", f"{year:04d}-{m:02d}")


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Period(start, end, "quarter", f"{year:04d}-Q{q}")


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y + 1, 1, 1), "year", f"{y:04d}")


def date_range(first: date, last: date) -> Period:
    """The days from ``first`` to ``last``, both included."""
    if last < first:
        raise ValueError(f"date range {first.isoformat()}..{last.isoformat()} ends before it starts")
    return Period(first, last + timedelta(days=1), "range", f"{first.isoformat()}..{last.isoformat()}")


_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str) -> Period:
    """Parse ``YYYY-MM``, ``YYYY-Qn``, ``YYYY`` or ``YYYY-MM-DD..YYYY-MM-DD``; ``ValueError`` with
    the accepted forms otherwise."""
    t = text.strip()
    if m := _RANGE.match(t):
        try:
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError as e:
            raise ValueError(f"period {text!r}: {e}") from None
        return date_range(first, last)
    if m := _MONTH.match(t):
        mm = int(m.group(2))
        if 1 <= mm <= 12:
            return month(int(m.group(1)), mm)
    if m := _QUARTER.match(t):
        return quarter(int(m.group(1)), int(m.group(2)))
    if m := _YEAR.match(t):
        return year(int(m.group(1)))
    raise ValueError(f"period {text!r} is not YYYY-MM, YYYY-Qn, YYYY, YYYY-MM-DD..YYYY-MM-DD or 'latest'")


def period_of(d: date, kind: str) -> Period:
    """The period of kind ``kind`` (month, quarter, year) that contains ``d``."""
    if kind == "month":
        return month(d.year, d.month)
    if kind == "quarter":
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if kind == "year":
        return year(d.year)
    raise ValueError(f"unknown period kind {kind!r}")


def shift_period(period: Period, steps: int) -> Period:
    """The period ``steps`` cycles after ``period`` (before it when negative), of the same kind;
    a range of days moves by its own length."""
    if period.kind == "range":
        span = period.end - period.start
        first = period.start + span * steps
        return date_range(first, first + span - timedelta(days=1))
    if period.kind == "month":
        index = period.start.year * 12 + period.start.month - 1 + steps
        return month(index // 12, index % 12 + 1)
    if period.kind == "quarter":
        index = period.start.year * 4 + (period.start.month - 1) // 3 + steps
        return quarter(index // 4, index % 4 + 1)
    return year(period.start.year + steps)
