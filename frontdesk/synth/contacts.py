"""Customer contacts of one day: the ``interactions`` table, vectorised over every contact.

Each contact goes through wait (queue) → assignment → first reply → handling → resolution(s) →
closing. Queue waits follow the load of the hour; first-reply delays and handling times follow the
agent's efficiency latent (skill, pace, tenure); transfers, follow-ups, reopens and complaint
recovery follow the agent's quality latent. Front-desk contacts kept in a hand-written log have
their times heaped on round minutes, as such logs do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from frontdesk.store.tables import CHANNELS, PRIORITIES
from frontdesk.synth.columns import US, instants, labels, numbered, values
from frontdesk.synth.odds import logit, sigmoid
from frontdesk.synth.organisation import Organisation
from frontdesk.synth.schedule import CLOSE, LOAD, OPEN, SHIFT_CDFS, UTC_OFFSET_US, Day

PHONE, CHAT, EMAIL, SOCIAL, WALK_IN, VIDEO, OTHER = range(len(CHANNELS))
SOURCES = ("telephony", "chat", "ticketing", "social", "front_desk", "video", "other")
TOPICS = (
    "billing", "account", "booking", "card_service", "delivery", "refund",
    "technical", "product_info", "membership", "other",
)  # fmt: skip
TOPIC_WEIGHTS = np.array([0.16, 0.14, 0.12, 0.10, 0.10, 0.09, 0.09, 0.10, 0.06, 0.04])
PRIORITY_SHARES = (0.15, 0.70, 0.12, 0.03)  # low, normal, high, urgent
URGENCY = np.array([1.0, 1.0, 0.6, 0.35])  # queue and reply speed-up by priority
VIP_SHARE, VIP_URGENCY = 0.05, 0.6
COMPLAINT_SHARE = 0.04

# Per channel, in CHANNELS order (phone, chat, email, social, walk_in, video, other); seconds.
WAIT_MEDIAN = np.array([20, 15, 2400, 300, 90, 25, 60], dtype=float)  # queue before assignment
WAIT_SIGMA = np.array([0.9, 0.9, 1.0, 1.0, 0.7, 0.9, 1.0])
REPLY_MEDIAN = np.array([12, 30, 5400, 600, 40, 12, 60], dtype=float)  # assignment → first reply
REPLY_SIGMA = np.array([0.5, 0.6, 0.9, 0.9, 0.6, 0.5, 0.8])
HANDLE_MEDIAN = np.array([130, 150, 140, 110, 160, 170, 140], dtype=float)  # agent's own time
ABANDON_BASE = np.array([0.04, 0.05, 0.0, 0.01, 0.015, 0.04, 0.0])
FOLLOW_UP_MEDIAN = np.array([4, 4, 20, 10, 4, 4, 8], dtype=float) * 3600
REWORK_MEDIAN = np.array([2, 2, 6, 4, 2, 2, 4], dtype=float) * 3600  # reopen → resolved again
CLOSE_MEDIAN = np.array([40, 60, 30 * 3600, 20 * 3600, 20, 40, 3600], dtype=float)
TICKET = np.array([False, False, True, True, False, False, True])  # closed later, by process
TRANSFER_SHARE, FOLLOW_UP_SHARE, REOPEN_SHARE = 0.08, 0.10, 0.06
# Hand-kept logs round to these minutes: a first reply "after 5 minutes", a visit of "15 minutes".
REPLY_HEAP = np.array([1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120], dtype=float)
HANDLE_HEAP = np.array([1, 2, 3, 5, 8, 10, 15, 20, 25, 30, 40, 45, 60, 90], dtype=float)
HEAP_SHARE = 0.8  # the rest is written to the nearest whole minute
MANUAL_UNDERSTATEMENT = 0.8  # staff writing their own times make them look quicker


@dataclass(frozen=True)
class Contacts:
    """One day's contacts as parallel arrays, ordered by arrival (and so by interaction number)."""

    number: np.ndarray  # int64, global interaction number
    agent: np.ndarray  # agent index (the queue an abandoned contact waited in)
    team: np.ndarray
    channel: np.ndarray  # index into CHANNELS
    priority: np.ndarray  # index into PRIORITIES
    vip: np.ndarray
    complaint: np.ndarray
    topic: np.ndarray
    customer: np.ndarray
    manual: np.ndarray  # recorded by hand
    abandoned: np.ndarray
    transferred: np.ndarray
    transfer_correct: np.ndarray  # meaningful where transferred
    recovered: np.ndarray  # meaningful where complaint
    reopened: np.ndarray  # 0, 1 or 2
    fcr: np.ndarray
    wait: np.ndarray  # seconds
    handle: np.ndarray  # seconds
    created: np.ndarray  # UTC microseconds, like every instant below
    assigned: np.ndarray
    first_response: np.ndarray
    transfer_at: np.ndarray
    resolutions: np.ndarray  # (n, 3): resolved at, after 0, 1, 2 reopens
    reopens: np.ndarray  # (n, 2): reopened at
    closed: np.ndarray

    resolved: np.ndarray  # final resolution (meaningless where abandoned)

    def __len__(self) -> int:
        return len(self.number)


def draw_contacts(rng: np.random.Generator, org: Organisation, day: Day, first_number: int) -> Contacts:
    """Every contact of ``day``, numbered from ``first_number`` in order of arrival."""
    counts = rng.poisson(day.volume) * day.working
    agent = np.repeat(np.arange(org.agents), counts)
    n = len(agent)

    # Arrival minute inside the agent's shift, following the queue's daily curve.
    u = rng.random(n)
    minute = np.empty(n, dtype=np.int64)
    shift = org.shift[agent]
    for s, cdf in enumerate(SHIFT_CDFS):
        at = shift == s
        minute[at] = np.searchsorted(cdf, u[at], side="right")
    created = day.midnight_us + ((minute * 60 + rng.random(n) * 60) * US).astype(np.int64)
    order = np.argsort(created, kind="stable")
    agent, minute, created = agent[order], minute[order], created[order]

    team = org.agent_team[agent]
    cum = np.cumsum(org.team_mix, axis=1)
    channel = np.minimum((rng.random(n)[:, None] > cum[team]).sum(axis=1), len(CHANNELS) - 1)
    manual = (channel == WALK_IN) & (rng.random(n) < org.team_manual[team])
    created = np.where(manual, created - created % (60 * US), created)  # desk logs note minutes

    priority = rng.choice(len(PRIORITIES), size=n, p=PRIORITY_SHARES)
    vip = rng.random(n) < VIP_SHARE
    priority = np.where(vip & (priority == 0), 1, priority)  # VIPs are never "low"
    complaint = rng.random(n) < COMPLAINT_SHARE
    topic = rng.choice(len(TOPICS), size=n, p=TOPIC_WEIGHTS / TOPIC_WEIGHTS.sum())
    customer = rng.integers(1, org.customers + 1, n)

    eff = day.efficiency[agent]
    qual = org.quality[agent]
    urgency = URGENCY[priority] * np.where(vip, VIP_URGENCY, 1.0)

    wait = np.exp(
        np.log(WAIT_MEDIAN[channel] * urgency * LOAD[minute] ** 0.8)
        + WAIT_SIGMA[channel] * rng.standard_normal(n)
    )
    abandon_p = np.clip(ABANDON_BASE[channel] * (wait / WAIT_MEDIAN[channel]) ** 0.6, 0.0, 0.5)
    abandoned = rng.random(n) < abandon_p
    wait = np.where(abandoned, wait * rng.uniform(0.2, 1.0, n), wait)  # they hang up before pickup

    reply = np.exp(
        np.log(REPLY_MEDIAN[channel] * np.sqrt(urgency))
        - 0.4 * eff
        + REPLY_SIGMA[channel] * rng.standard_normal(n)
    )
    handle = np.exp(
        np.log(HANDLE_MEDIAN[channel]) - 0.22 * eff + 0.35 * complaint + 0.45 * rng.standard_normal(n)
    )
    transferred = (rng.random(n) < sigmoid(logit(TRANSFER_SHARE) - 0.35 * qual)) & ~abandoned
    transfer_correct = rng.random(n) < sigmoid(2.0 + 0.8 * qual)
    follow_up = rng.random(n) < sigmoid(logit(FOLLOW_UP_SHARE) - 0.5 * qual + 0.8 * complaint)
    reopen_first = rng.random(n) < sigmoid(logit(REOPEN_SHARE) - 0.5 * qual + 0.5 * complaint)
    reopen_again = rng.random(n) < 0.2
    reopened = np.where(abandoned, 0, reopen_first.astype(np.int64) + (reopen_first & reopen_again))
    recovered = complaint & ~abandoned & (rng.random(n) < sigmoid(0.4 + 0.9 * qual))
    fcr = ~abandoned & ~transferred & ~follow_up & (reopened == 0)

    transfer_delay = rng.lognormal(np.log(1200.0), 0.8, n)  # the other department's turn
    follow_up_delay = np.exp(np.log(FOLLOW_UP_MEDIAN[channel]) - 0.3 * eff + 0.9 * rng.standard_normal(n))
    reopen_gap = rng.lognormal(np.log(20 * 3600.0), 0.8, (n, 2))
    rework = np.exp(
        np.log(REWORK_MEDIAN[channel])[:, None] - 0.2 * eff[:, None] + 0.8 * rng.standard_normal((n, 2))
    )
    close_delay = np.exp(
        np.log(CLOSE_MEDIAN[channel]) - 0.3 * eff * TICKET[channel] + 0.5 * rng.standard_normal(n)
    )
    transfer_share = rng.random(n)
    heaped = rng.random((n, 2)) < HEAP_SHARE

    if manual.any():
        m = manual
        # A desk log has one "served after" figure: queue and reply in one, heaped and understated.
        wait[m] = 60 * _heap(MANUAL_UNDERSTATEMENT * (wait[m] + reply[m]) / 60, REPLY_HEAP, heaped[m, 0])
        reply[m] = 0.0
        handle[m] = 60 * _heap(MANUAL_UNDERSTATEMENT * handle[m] / 60, HANDLE_HEAP, heaped[m, 1])
        for delays in (
            transfer_delay,
            follow_up_delay,
            rework[:, 0],
            rework[:, 1],
            reopen_gap[:, 0],
            reopen_gap[:, 1],
        ):
            delays[m] = 60 * np.maximum(1, np.round(delays[m] / 60))
        close_delay[m] = 0.0  # the visit is closed when it is written down as done

    def later(t: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        return t + np.round(seconds * US).astype(np.int64)

    # People act in opening hours: work due overnight is picked up in the morning, a little after
    # opening. Customers may reopen at any hour and systems close tickets at any hour.
    pickup = rng.uniform(0, 3600, (n, 4))
    pickup[manual] = np.round(pickup[manual] / 60) * 60
    ticket = TICKET[channel]
    assigned = later(created, wait)
    assigned = np.where(ticket, _office_hours(assigned, pickup[:, 0]), assigned)
    first_response = later(assigned, reply)
    first_response = np.where(ticket, _office_hours(first_response, pickup[:, 1]), first_response)
    wait = (assigned - created) / US
    transfer_at = later(
        first_response, np.where(manual, np.round(transfer_share * handle / 60) * 60, transfer_share * handle)
    )
    first_resolution = later(
        first_response, handle + transferred * transfer_delay + follow_up * follow_up_delay
    )
    later_on = transferred | follow_up
    resolutions = np.empty((n, 3), dtype=np.int64)
    reopens = np.empty((n, 2), dtype=np.int64)
    resolutions[:, 0] = np.where(later_on, _office_hours(first_resolution, pickup[:, 2]), first_resolution)
    for k in range(2):
        reopens[:, k] = later(resolutions[:, k], reopen_gap[:, k])
        resolutions[:, k + 1] = _office_hours(later(reopens[:, k], rework[:, k]), pickup[:, 3])
    resolved = resolutions[np.arange(n), reopened]
    closed = np.where(abandoned, assigned, later(resolved, close_delay))

    return Contacts(
        number=first_number + np.arange(n, dtype=np.int64),
        agent=agent,
        team=team,
        channel=channel,
        priority=priority,
        vip=vip,
        complaint=complaint,
        topic=topic,
        customer=customer,
        manual=manual,
        abandoned=abandoned,
        transferred=transferred,
        transfer_correct=transfer_correct,
        recovered=recovered,
        reopened=reopened,
        fcr=fcr,
        wait=wait,
        handle=handle,
        created=created,
        assigned=assigned,
        first_response=first_response,
        transfer_at=transfer_at,
        resolutions=resolutions,
        reopens=reopens,
        closed=closed,
        resolved=resolved,
    )


def _office_hours(t: np.ndarray, pickup_seconds: np.ndarray) -> np.ndarray:
    """Instants outside opening hours moved to the next opening, plus ``pickup_seconds``."""
    day = 86_400 * US
    local = (t + UTC_OFFSET_US) % day
    opening, closing = OPEN * 60 * US, CLOSE * 60 * US
    pickup = np.round(pickup_seconds * US).astype(np.int64)
    return np.select(
        [local < opening, local >= closing],
        [t + (opening - local) + pickup, t + (day - local + opening) + pickup],
        t,
    )


def _heap(minutes: np.ndarray, heap: np.ndarray, to_heap: np.ndarray) -> np.ndarray:
    """Minutes as a person writes them: the nearest round figure, or else the nearest whole minute."""
    edges = (heap[1:] + heap[:-1]) / 2
    nearest = heap[np.searchsorted(edges, minutes)]
    return np.where(to_heap, nearest, np.maximum(1.0, np.round(minutes)))


def interactions_table(c: Contacts, org: Organisation, id_width: int) -> pa.Table:
    """The ``interactions`` rows of ``c``. Abandoned contacts have no agent, reply or handling."""
    ab = c.abandoned
    return pa.table(
        {
            "interaction_id": numbered("I", c.number, id_width),
            "source": labels(SOURCES, c.channel),
            "channel": labels(CHANNELS, c.channel),
            "agent_id": labels(org.agent_ids, c.agent, mask=ab),
            "team_id": labels(org.team_ids, c.team),
            "customer_id": numbered("C", c.customer, max(7, len(str(org.customers)))),
            "priority": labels(PRIORITIES, c.priority),
            "is_vip": values(c.vip),
            "created_at": instants(c.created),
            "first_response_at": instants(c.first_response, mask=ab),
            "resolved_at": instants(c.resolved, mask=ab),
            "closed_at": instants(c.closed),
            "handle_seconds": values(np.round(c.handle, 1), mask=ab),
            "wait_seconds": values(np.round(c.wait, 1)),
            "abandoned": values(ab),
            "first_contact_resolved": values(c.fcr, mask=ab),
            "reopened_count": values(c.reopened),
            "transfer_count": values(c.transferred.astype(np.int64)),
            "transfer_correct": values(c.transfer_correct, mask=~c.transferred),
            "is_complaint": values(c.complaint),
            "complaint_recovered": values(c.recovered, mask=~c.complaint),
            "topic": labels(TOPICS, c.topic),
            "recorded_by": labels(("system", "manual"), c.manual.astype(np.int8)),
        }
    )
