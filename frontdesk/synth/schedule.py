"""When people work and when customers come: rosters, shifts, the daily queue curve, worktime.

Service opens 08:00–21:00 Shanghai time. Contacts peak around 10:00 and 15:00 and are fewer at
weekends, when only a rota of agents works. Each working agent has a shift inside the opening
hours; their contacts arrive inside that shift, following the queue's curve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import US, instants, labels, values
from frontdesk.synth.organisation import SHIFT_SHARES, TIMEZONE, Organisation


@dataclass(frozen=True)
class Shift:
    """A working shift in local minutes after midnight; ``end`` is exclusive."""

    name: str
    start: int
    end: int


OPEN, CLOSE = 8 * 60, 21 * 60
# China has one time zone and no daylight saving: local time is always UTC+8.
UTC_OFFSET_US = int(ZoneInfo(TIMEZONE).utcoffset(datetime(2026, 1, 1)).total_seconds()) * US
SHIFTS = (
    Shift("early", 8 * 60, 16 * 60 + 30),
    Shift("day", 9 * 60 + 30, 18 * 60),
    Shift("late", 12 * 60 + 30, 21 * 60),
)
CONTACTS_PER_AGENT_DAY = 110.0  # per calendar day, over the whole workforce (weekends included)
WEEKDAY_LOAD = (1.10, 1.05, 1.00, 1.00, 0.95, 0.85, 0.80)  # Monday first: contacts per working agent
WORKING_PROBABILITY = (0.95, 0.95, 0.95, 0.95, 0.95, 0.45, 0.45)  # leave on weekdays, rota at weekends
SHIFT_HOURS = 8.5  # including a half-hour break


def arrival_profile() -> np.ndarray:
    """Relative contact arrivals for each minute of the local day (zero outside opening hours)."""
    hour = np.arange(24 * 60) / 60.0
    weight = 0.3 + np.exp(-(((hour - 10.5) / 1.5) ** 2)) + 0.9 * np.exp(-(((hour - 15.5) / 1.7) ** 2))
    weight[(hour < OPEN / 60) | (hour >= CLOSE / 60)] = 0.0
    return weight


PROFILE = arrival_profile()
# How busy each minute is relative to the average open minute: queues grow at the peaks.
LOAD = PROFILE / PROFILE[PROFILE > 0].mean()


def _shift_demand() -> tuple[list[np.ndarray], np.ndarray]:
    """Arrival-minute distributions inside each shift, and each shift's share of the work.

    An agent's contacts follow the queue's curve divided by how many agents are on duty at that
    minute; agents of a busier shift take proportionally more contacts. Summed over a workforce
    with the usual shift mix, arrivals then follow the queue's curve itself.
    """
    on_duty = np.zeros(24 * 60)
    for s, share in zip(SHIFTS, SHIFT_SHARES, strict=True):
        on_duty[s.start : s.end] += share
    per_agent = np.divide(PROFILE, on_duty, out=np.zeros_like(PROFILE), where=on_duty > 0)
    cdfs, demand = [], []
    for s in SHIFTS:
        w = np.zeros_like(per_agent)
        w[s.start : s.end] = per_agent[s.start : s.end]
        cdfs.append(np.cumsum(w) / w.sum())
        demand.append(w.sum())
    demand_arr = np.array(demand)
    return cdfs, demand_arr / (demand_arr @ np.array(SHIFT_SHARES))


SHIFT_CDFS, SHIFT_DEMAND = _shift_demand()


@dataclass(frozen=True)
class Day:
    """One local calendar day of the data and who works on it."""

    date: date
    midnight_us: int  # local midnight as UTC microseconds
    working: np.ndarray  # bool per agent
    efficiency: np.ndarray  # float per agent: the speed latent on this day (tenure grows)
    volume: np.ndarray  # float per agent: expected contacts if working


def local_midnight_us(d: date) -> int:
    """Local midnight of ``d`` in the organisation's time zone, as UTC microseconds."""
    local = datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(TIMEZONE))
    return int(local.astimezone(UTC).timestamp()) * US


def calendar_days(start: date, months: int) -> list[date]:
    """Every local day of ``months`` months from ``start`` (the first of a month)."""
    y, m = start.year, start.month + months
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    end = date(y, m, 1)
    return [start + timedelta(days=i) for i in range((end - start).days)]


def contacts_per_working_day(days: list[date]) -> float:
    """Base contacts per working agent-day so that the total is ~110 per agent per calendar day."""
    expected = sum(WORKING_PROBABILITY[d.weekday()] * WEEKDAY_LOAD[d.weekday()] for d in days)
    return CONTACTS_PER_AGENT_DAY * len(days) / expected


def plan_day(rng: np.random.Generator, org: Organisation, d: date, base: float) -> Day:
    """Who works on ``d`` and how many contacts each working agent should expect."""
    wd = d.weekday()
    working = rng.random(org.agents) < WORKING_PROBABILITY[wd]
    efficiency = org.efficiency(d)
    # Faster agents take a few more contacts; normalised so the total volume stays calibrated.
    pace = np.exp(0.12 * efficiency)
    volume = base * WEEKDAY_LOAD[wd] * SHIFT_DEMAND[org.shift] * pace / pace.mean()
    return Day(d, local_midnight_us(d), working, efficiency, volume)


def worktime_table(rng: np.random.Generator, org: Organisation, day: Day) -> pa.Table:
    """One ``worktime`` row per working agent: logged ~8 h, available a little less."""
    who = np.flatnonzero(day.working)
    n = len(who)
    starts = np.array([SHIFTS[s].start for s in org.shift[who]], dtype=np.float64)
    start_min = starts + rng.normal(-4.0, 4.0, n)  # most log in a few minutes early
    logged = np.clip(rng.normal((SHIFT_HOURS - 0.5) * 3600, 900, n), 6.0 * 3600, 10.0 * 3600)
    share = np.clip(rng.normal(0.86 + 0.02 * day.efficiency[who], 0.03), 0.6, 0.98)
    return pa.table(
        {
            "agent_id": labels(org.agent_ids, who),
            "work_date": pa.array([day.date] * n, type=pa.date32()),
            "logged_seconds": values(np.round(logged)),
            "available_seconds": values(np.round(logged * share)),
            "start_at": instants(day.midnight_us + np.round(start_min * 60).astype(np.int64) * US),
        }
    )
