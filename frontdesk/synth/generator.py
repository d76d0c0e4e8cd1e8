"""Generate a whole synthetic organisation and its data into an event store.

The organisation, then one chunk of days at a time (contacts and everything that hangs off them:
events, handoffs, surveys, transcripts, QA, worktime), then the monthly and quarterly tables.
Every day draws from its own random streams and IDs are numbered in day order, so the result
depends only on the arguments, never on the chunk size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyarrow as pa

from frontdesk.indicators.periods import Period, month, parse_period
from frontdesk.store.eventstore import EventStore, conform
from frontdesk.store.tables import TABLES
from frontdesk.synth.contacts import draw_contacts, interactions_table
from frontdesk.synth.events import events_table
from frontdesk.synth.feedback import surveys_table
from frontdesk.synth.growth import growth_tables
from frontdesk.synth.handoffs import handoffs_table
from frontdesk.synth.organisation import Organisation, build_organisation, organisation_tables
from frontdesk.synth.quality_reviews import qa_tables
from frontdesk.synth.ratings import campaign_id, ratings_table
from frontdesk.synth.schedule import (
    CONTACTS_PER_AGENT_DAY,
    calendar_days,
    contacts_per_working_day,
    plan_day,
    worktime_table,
)
from frontdesk.synth.streams import stream
from frontdesk.synth.transcripts import messages_table
from frontdesk.synth.truth import AgentTruth, organisation_truth, truth_path, write_truth

CHUNK_CONTACTS = 400_000  # contacts per write chunk: bounds memory at any organisation size
DAY_TABLES = (
    "interactions",
    "interaction_events",
    "handoffs",
    "surveys",
    "messages",
    "qa_reviews",
    "qa_items",
    "worktime",
)


@dataclass
class SynthSummary:
    """What :func:`generate` wrote: rows per table, the months covered and the hidden truth."""

    counts: dict[str, int]
    periods: list[str]
    truth: dict[str, AgentTruth] = field(repr=False)  # hidden skill and tenure, by agent_id
    seed: int


def generate(
    store: EventStore,
    *,
    agents: int = 60,
    months: int = 3,
    start: str = "2026-08",
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> SynthSummary:
    """Generate an organisation of ``agents`` agents and ``months`` months of data from ``start``.

    Writes every canonical table into ``store`` and the agents' hidden skill and tenure to
    ``<root>/_synth/agents_truth.parquet``. The same arguments give identical table contents.
    ``progress(done, total)`` is called after each written chunk. Raises ``ValueError`` for bad
    arguments or a store that already holds interactions.
    """
    first = parse_period(start)
    if first.kind != "month":
        raise ValueError(f"start {start!r} is not a month (YYYY-MM)")
    if months < 1 or agents < 1:
        raise ValueError(f"agents and months must be at least 1 (got agents={agents}, months={months})")
    # Appending a second organisation would duplicate every ID, so only an empty store will do.
    if truth_path(store).exists() or store.files("interactions"):
        raise ValueError(
            f"{store.root} already holds generated data or interactions; generate into an empty store"
        )

    org = build_organisation(stream(seed, "organisation"), agents, first.start)
    days = calendar_days(first.start, months)
    base = contacts_per_working_day(days)
    # Digits for interaction numbers, with room for three times the expected volume.
    width = max(8, len(str(int(agents * len(days) * CONTACTS_PER_AGENT_DAY * 3))))
    days_per_chunk = max(1, min(7, int(CHUNK_CONTACTS // (agents * CONTACTS_PER_AGENT_DAY))))
    chunks = [days[i : i + days_per_chunk] for i in range(0, len(days), days_per_chunk)]
    total = len(chunks) + 2
    counts = dict.fromkeys(TABLES, 0)

    def write(name: str, table: pa.Table, batch: str) -> None:
        store.write(name, table, batch_id=f"synth-{batch}")
        counts[name] += table.num_rows

    truth = organisation_truth(org)
    for name, table in organisation_tables(org).items():
        write(name, table, "organisation")
    _tick(progress, 1, total)

    numbers = {"interaction": 1, "event": 1, "survey": 1, "review": 1}  # next ID of each kind
    index = 0
    for c, chunk in enumerate(chunks):
        parts: dict[str, list[pa.Table]] = {name: [] for name in DAY_TABLES}
        for d in chunk:
            for name, table in _day_tables(seed, org, index, d, base, numbers, width).items():
                parts[name].append(table)
            index += 1
        for name, tables in parts.items():
            write(name, pa.concat_tables([conform(TABLES[name], t) for t in tables]), f"{c:05d}")
        del parts
        _tick(progress, 2 + c, total)

    _write_periodic(org, seed, first.start, days[-1], months, write)
    write_truth(store, truth)
    _tick(progress, total, total)
    labels = [p.label for p in _months(first.start, months)]
    return SynthSummary(counts=counts, periods=labels, truth=truth, seed=seed)


def _day_tables(
    seed: int, org: Organisation, index: int, d: date, base: float, numbers: dict[str, int], width: int
) -> dict[str, pa.Table]:
    """Every day-driven table of day number ``index``; advances the ID ``numbers``."""
    day = plan_day(stream(seed, "roster", index), org, d, base)
    contacts = draw_contacts(stream(seed, "contacts", index), org, day, numbers["interaction"])
    events = events_table(contacts, org, numbers["event"], width + 1)
    surveys = surveys_table(stream(seed, "surveys", index), contacts, org, numbers["survey"], width)
    reviews, items = qa_tables(stream(seed, "qa", index), contacts, org, day, numbers["review"], width)
    numbers["interaction"] += len(contacts)
    numbers["event"] += events.num_rows
    numbers["survey"] += surveys.num_rows
    numbers["review"] += reviews.num_rows
    return {
        "interactions": interactions_table(contacts, org, width),
        "interaction_events": events,
        "handoffs": handoffs_table(stream(seed, "handoffs", index), contacts, org, day, width),
        "surveys": surveys,
        "messages": messages_table(stream(seed, "transcripts", index), contacts, org, width),
        "qa_reviews": reviews,
        "qa_items": items,
        "worktime": worktime_table(stream(seed, "worktime", index), org, day),
    }


def _write_periodic(
    org: Organisation,
    seed: int,
    start: date,
    last_day: date,
    months: int,
    write: Callable[[str, pa.Table, str], None],
) -> None:
    """Monthly growth tables, and one 360 campaign per quarter the data touches."""
    counters = {"suggestion": 0, "contribution": 0, "article": 0}
    campaign_ends: dict[str, date] = {}  # campaign → last covered day of its quarter
    for k, p in enumerate(_months(start, months)):
        for name, table in growth_tables(
            stream(seed, "growth", k), org, p.start, p.end, last_day, counters
        ).items():
            write(name, table, f"m{k:03d}")
        campaign_ends[campaign_id(p.start)] = p.end - timedelta(days=1)
    for q, (campaign, end) in enumerate(campaign_ends.items()):
        write("ratings_360", ratings_table(stream(seed, "ratings", q), org, campaign, end), f"q{q:03d}")


def _months(start: date, months: int) -> list[Period]:
    """The ``months`` calendar months from ``start``."""
    out = [month(start.year, start.month)]
    while len(out) < months:
        out.append(month(out[-1].end.year, out[-1].end.month))
    return out


def _tick(progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
