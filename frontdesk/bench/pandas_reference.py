"""Every built-in indicator written a second time, in plain pandas.

This is the benchmark's baseline and the tests' independent check of the engine. It shares no code
with the SQL compiler or the views: only the written definitions (docs/indicators.md and the
descriptions in the catalogue) and, for business time, the working calendars' open intervals
(``Calendar.intervals``), which it lays out itself. One function per source table or view; each
reads its rows of the period with pyarrow (the reader behind ``pandas.read_parquet``) and computes
in pandas and numpy.

Semantics shared with the engine, as the engine documents them:
- a row belongs to the period that contains its time column; rows without an agent are ignored;
- an indicator with no qualifying rows (n = 0) is not available (NaN), except an
  ``absent_means_zero`` count, which is 0 for an agent without rows when its source has rows in
  the period at all;
- an agent appears when any source has a row of theirs in the period, or when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from frontdesk.indicators.calendars import Calendar, builtin_calendars
from frontdesk.indicators.periods import Period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

REAL_TIME = ["phone", "chat", "walk_in", "video", "social"]
DEFAULT_CALENDAR = "cn-mainland"  # teams without a calendar
ABSENT_MEANS_ZERO = {"kb_contribution"}
SURVEY_SCALE_TOP_BOXES = 0.8
# Low-cardinality text columns, read as pandas categoricals.
CATEGORIES = {
    "agent_id", "first_response_agent_id", "subject_agent_id", "from_agent_id", "channel",
    "priority", "kind", "actor", "speaker", "method", "criterion", "relation",
}  # fmt: skip
_US = np.timedelta64(1, "us")


# -- reading ---------------------------------------------------------------------------------------
def _read(
    store: EventStore, name: str, columns: list[str], where: ds.Expression | None = None
) -> pd.DataFrame:
    """``columns`` of table ``name`` for the rows matching ``where``; absent columns read as nulls."""
    schema = TABLES[name].schema
    dict_cols = [c for c in columns if c in CATEGORIES]
    schema = pa.schema(
        [
            pa.field(f.name, pa.dictionary(pa.int32(), pa.string())) if f.name in dict_cols else f
            for f in schema
        ]
    )
    files = [str(p) for p in store.files(name)]
    if not files:
        return schema.empty_table().select(columns).to_pandas()
    fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=dict_cols))
    return ds.dataset(files, format=fmt, schema=schema).to_table(columns=columns, filter=where).to_pandas()


def _in_period(col: str, lo: datetime, hi: datetime) -> ds.Expression:
    return (ds.field(col) >= pa.scalar(lo, pa.timestamp("us", tz="UTC"))) & (
        ds.field(col) < pa.scalar(hi, pa.timestamp("us", tz="UTC"))
    )


def _among(ids: pd.Series, values: Iterable[str]) -> np.ndarray:
    """``ids.isin(values)`` for text ids, hashed in Arrow (pandas' own builds the set in Python)."""
    found = pc.is_in(
        pa.array(ids, pa.string()), value_set=pa.array(np.asarray(values, dtype=object), pa.string())
    )
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def _flag(s: pd.Series) -> np.ndarray:
    """A nullable boolean column with nulls as False (``coalesce(x, FALSE)``)."""
    return s.fillna(False).to_numpy(dtype=bool)


def _seconds(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Elapsed seconds, exact to the microsecond (NaN where either end is missing)."""
    return (end - start).to_numpy(dtype="timedelta64[us]") / _US / 1_000_000.0


def _micros(s: pd.Series) -> np.ndarray:
    return s.dt.tz_convert(UTC).dt.tz_localize(None).to_numpy(dtype="datetime64[us]").astype(np.int64)


# -- business time ---------------------------------------------------------------------------------
@dataclass
class BusinessClock:
    """Business seconds between instants, from each calendar's list of open intervals.

    For a sorted list of open intervals [s_k, e_k) with C_k the open time before interval k, the
    business time elapsed at t is F(t) = C_j + clamp(t − s_j, 0, e_j − s_j), j the last interval
    starting at or before t; the business time between a and b is F(b) − F(a)."""

    calendars: Mapping[str, Calendar]
    _layouts: dict[str, tuple[date, date, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def _layout(self, cal: Calendar, first: date, last: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        have = self._layouts.get(cal.calendar_id)
        if have is None or have[0] > first or have[1] < last:
            if have is not None:
                first, last = min(first, have[0]), max(last, have[1])
            spans = cal.intervals(first, last)
            epoch = datetime(1970, 1, 1, tzinfo=UTC)
            starts = np.array([(a - epoch) // timedelta(microseconds=1) for a, _ in spans], dtype=np.int64)
            ends = np.array([(b - epoch) // timedelta(microseconds=1) for _, b in spans], dtype=np.int64)
            before = np.concatenate([[0], np.cumsum(ends - starts)[:-1]]).astype(np.int64)
            have = (first, last, starts, ends, before)
            self._layouts[cal.calendar_id] = have
        return have[2], have[3], have[4]

    def seconds(self, calendar_ids: pd.Series, start: pd.Series, end: pd.Series) -> np.ndarray:
        """Business seconds from ``start`` to ``end`` in each row's calendar; NaN for a missing
        instant or an unknown calendar."""
        out = np.full(len(start), np.nan)
        ok = (start.notna() & end.notna() & calendar_ids.notna()).to_numpy()
        if not ok.any():
            return out
        a, b = _micros(start[ok]), _micros(end[ok])
        codes, names = pd.factorize(calendar_ids[ok])
        index = np.flatnonzero(ok)
        for k, cid in enumerate(names):
            cal = self.calendars.get(str(cid))
            if cal is None:
                continue
            m = codes == k
            tz = ZoneInfo(cal.timezone)
            lo = datetime.fromtimestamp(min(a[m].min(), b[m].min()) / 1e6, tz).date() - timedelta(days=2)
            hi = datetime.fromtimestamp(max(a[m].max(), b[m].max()) / 1e6, tz).date() + timedelta(days=2)
            starts, ends, before = self._layout(cal, lo, hi)
            out[index[m]] = (
                _elapsed(b[m], starts, ends, before) - _elapsed(a[m], starts, ends, before)
            ) / 1e6
        return out


def _elapsed(t: np.ndarray, starts: np.ndarray, ends: np.ndarray, before: np.ndarray) -> np.ndarray:
    if len(starts) == 0:
        return np.zeros(len(t), dtype=np.int64)
    j = np.searchsorted(starts, t, side="right") - 1
    jj = np.maximum(j, 0)
    inside = np.clip(t - starts[jj], 0, ends[jj] - starts[jj])
    return np.where(j >= 0, before[jj] + inside, 0)


def agent_calendars(store: EventStore) -> pd.Series:
    """Each agent's working calendar: their team's, else the default."""
    agents = _read(store, "agents", ["agent_id", "team_id"])
    teams = _read(store, "teams", ["team_id", "calendar_id"])
    joined = agents.merge(teams, on="team_id", how="left")
    cal = joined["calendar_id"].astype(object).where(joined["calendar_id"].notna(), DEFAULT_CALENDAR)
    return pd.Series(cal.to_numpy(), index=joined["agent_id"].astype(str).to_numpy())


def _calendar_of(agent: pd.Series, calendars: pd.Series) -> pd.Series:
    """Each row's calendar id, looked up once per distinct agent."""
    codes, agents = pd.factorize(agent)
    names = pd.Series(agents.astype(object)).map(calendars).to_numpy(dtype=object)
    return pd.Series(np.where(codes >= 0, names[np.maximum(codes, 0)], None), index=agent.index)


# -- per-source results ----------------------------------------------------------------------------
@dataclass
class SourceValues:
    """One source's contribution: the agents with rows in the period, and indicator columns
    (``code`` for the value, ``code__n`` for the sample size), by agent."""

    agents: pd.Index
    columns: dict[str, pd.Series] = field(default_factory=dict)

    def add(self, code: str, value: pd.Series, n: pd.Series) -> None:
        self.columns[code] = value
        self.columns[f"{code}__n"] = n


def _by(rows: pd.DataFrame, key: str) -> pd.core.groupby.DataFrameGroupBy:
    return rows.groupby(key, observed=True, sort=False)


def _agents(frame: pd.DataFrame, key: str) -> pd.Index:
    return pd.Index(np.asarray(pd.unique(frame[key].dropna()), dtype=object))


def _median_n(rows: pd.DataFrame, key: str, values: np.ndarray) -> tuple[pd.Series, pd.Series]:
    g = pd.Series(values, index=rows.index).groupby(rows[key], observed=True, sort=False)
    return g.median(), g.size()


def _mean_n(
    rows: pd.DataFrame, key: str, values: np.ndarray, scale: float = 1.0
) -> tuple[pd.Series, pd.Series]:
    g = pd.Series(values, index=rows.index, dtype=float).groupby(rows[key], observed=True, sort=False)
    return scale * g.mean(), g.size()


def _ratio_of_sums(rows: pd.DataFrame, key: str, num: str, den: str) -> pd.Series:
    g = _by(rows, key)
    return 100.0 * g[num].sum(min_count=1) / g[den].sum(min_count=1)


# -- sources ---------------------------------------------------------------------------------------
INTERACTION_COLUMNS = [
    "interaction_id", "agent_id", "first_response_agent_id", "channel", "priority", "is_vip",
    "created_at", "first_response_at", "resolved_at", "closed_at", "handle_seconds", "abandoned",
    "first_contact_resolved", "transfer_count", "transfer_correct", "reopened_count", "is_complaint",
    "complaint_recovered", "customer_id", "topic", "wait_seconds", "sla_due_at", "sla_met",
]  # fmt: skip
REPEAT_WINDOW = timedelta(hours=72)  # contact_outcomes' default repeat_window_us
REPEAT_MAX_CONTACTS = 30  # contact_outcomes' default repeat_max_contacts
BUSY_WINDOW = timedelta(days=30)  # ... counted from the contact over this many days (inclusive)
HORIZON = timedelta(days=31)  # how far past the period contact_outcomes looks for later contacts


def interactions_values(
    it: pd.DataFrame, hours: pd.Series, clock: BusinessClock, calendars: pd.Series
) -> SourceValues:
    """handle_time, contacts_per_hour, contacts_handled, ticket_turnaround(_business),
    resolution_time(_business), resolution_share, complaint_conversion, transfer_accuracy and the
    rework rates: from the period's interactions (by ``created_at``)."""
    it = it[it["agent_id"].notna()]
    out = SourceValues(_agents(it, "agent_id"))
    live = it[~_flag(it["abandoned"])]

    ht = live[live["handle_seconds"].notna()]
    out.add("handle_time", *_mean_n(ht, "agent_id", ht["handle_seconds"].to_numpy()))

    handled = _by(live, "agent_id").size()
    per = hours.reindex(handled.index.astype(object))
    per.index = handled.index
    out.add("contacts_per_hour", handled / per.where(per != 0), handled)
    out.add("contacts_handled", handled.astype(float), handled)

    tk = it[(it["channel"] == "email").to_numpy() & it["closed_at"].notna().to_numpy()]
    out.add(
        "ticket_turnaround", *_median_n(tk, "agent_id", _seconds(tk["created_at"], tk["closed_at"]) / 3600.0)
    )
    business = clock.seconds(_calendar_of(tk["agent_id"], calendars), tk["created_at"], tk["closed_at"])
    out.add("ticket_turnaround_business", *_median_n(tk, "agent_id", business / 3600.0))

    # Resolution time (I-E6): any channel, created to resolved, resolutions stamped before the
    # contact's creation left out.
    done = live[live["resolved_at"].notna().to_numpy()]
    done = done[(done["resolved_at"] >= done["created_at"]).to_numpy(dtype=bool)]
    out.add(
        "resolution_time",
        *_median_n(done, "agent_id", _seconds(done["created_at"], done["resolved_at"]) / 3600.0),
    )
    business = clock.seconds(
        _calendar_of(done["agent_id"], calendars), done["created_at"], done["resolved_at"]
    )
    out.add("resolution_time_business", *_median_n(done, "agent_id", business / 3600.0))

    # Resolution share (I-E5): resolved = a resolution time or the source's "resolved" flag; known =
    # either of them said anything (the flag's "no" included) or the contact was closed.
    has_time = live["resolved_at"].notna().to_numpy()
    said = live["first_contact_resolved"].notna().to_numpy()
    known = has_time | said | live["closed_at"].notna().to_numpy()
    solved = has_time | _flag(live["first_contact_resolved"])
    out.add("resolution_share", *_mean_n(live[known], "agent_id", solved[known], 100.0))

    cc = live[_flag(live["is_complaint"])]
    out.add("complaint_conversion", *_mean_n(cc, "agent_id", _flag(cc["complaint_recovered"]), 100.0))

    tr = it[(it["transfer_count"].fillna(0).to_numpy() > 0) & it["transfer_correct"].notna().to_numpy()]
    out.add("transfer_accuracy", *_mean_n(tr, "agent_id", _flag(tr["transfer_correct"]), 100.0))

    # I-E8 rework: resolved (reopen) or any (reassignment) contacts that were not abandoned.
    ro = live[live["resolved_at"].notna().to_numpy() & live["reopened_count"].notna().to_numpy()]
    out.add("reopen_rate", *_mean_n(ro, "agent_id", ro["reopened_count"].to_numpy(dtype=float) > 0, 100.0))
    ra = live[live["transfer_count"].notna()]
    out.add(
        "reassignment_rate", *_mean_n(ra, "agent_id", ra["transfer_count"].to_numpy(dtype=float) > 0, 100.0)
    )
    return out


SHORT_ABANDON_SECONDS = 5.0  # queue_contacts' default short_abandon_seconds
SERVICE_LEVEL_SECONDS = 20.0  # queue_contacts' default service_level_seconds


def queue_values(
    it: pd.DataFrame,
    short_abandon: float = SHORT_ABANDON_SECONDS,
    target: float = SERVICE_LEVEL_SECONDS,
) -> SourceValues:
    """I-E7 queue indicators over real-time contacts whose ``abandoned`` is known, and I-E8's SLA
    attainment over resolved contacts (docs/indicators.md, "Queue and SLA")."""
    it = it[it["agent_id"].notna()]
    out = SourceValues(_agents(it, "agent_id"))
    known = it["abandoned"].notna().to_numpy()
    offered = it[np.isin(it["channel"].astype(object).to_numpy(), REAL_TIME) & known]
    gave_up = offered["abandoned"].to_numpy(dtype=bool)
    wait = offered["wait_seconds"].to_numpy(dtype=float)  # NaN when unknown
    has_wait = ~np.isnan(wait)
    short = gave_up & has_wait & (np.nan_to_num(wait, nan=np.inf) < short_abandon)
    n_offered = _by(offered, "agent_id").size()
    out.add("contacts_offered", n_offered.astype(float), n_offered)

    counted = offered[~short]
    out.add("answer_rate", *_mean_n(counted, "agent_id", ~gave_up[~short], 100.0))
    out.add("abandonment_rate", *_mean_n(counted, "agent_id", gave_up[~short], 100.0))

    answered = ~gave_up & has_wait
    asa = offered[answered]
    out.add("average_speed_of_answer", *_mean_n(asa, "agent_id", wait[answered]))

    judged = ~short & (gave_up | has_wait)
    in_target = ~gave_up & has_wait & (np.nan_to_num(wait, nan=np.inf) <= target)
    out.add("service_level", *_mean_n(offered[judged], "agent_id", in_target[judged], 100.0))

    resolved = it[~_flag(it["abandoned"]) & it["resolved_at"].notna().to_numpy()]
    flag, due = resolved["sla_met"], resolved["sla_due_at"]
    judged_sla = flag.notna().to_numpy() | due.notna().to_numpy()
    by_due = (resolved["resolved_at"] <= due).to_numpy(dtype=bool) & due.notna().to_numpy()
    met = np.where(flag.notna().to_numpy(), _flag(flag), by_due)
    out.add("sla_attainment", *_mean_n(resolved[judged_sla], "agent_id", met[judged_sla], 100.0))
    return out


def _busy(scope: pd.DataFrame, later: pd.DataFrame, max_contacts: int) -> np.ndarray:
    """Whether more than ``max_contacts`` of ``later``'s contacts (the period's and those after
    it) have the customer of a ``scope`` contact and a time from it to 30 days after it."""
    codes, _ = pd.factorize(pd.concat([scope["customer_id"], later["customer_id"]], ignore_index=True))
    mine, theirs = codes[: len(scope)].astype(np.int64), codes[len(scope) :].astype(np.int64)
    ts, tl = _micros(scope["created_at"]), _micros(later["created_at"])
    times = np.unique(np.concatenate([ts, tl]))
    m = len(times) + 1
    ranked = np.sort(theirs * m + np.searchsorted(times, tl, side="left"))
    lo = mine * m + np.searchsorted(times, ts, side="left")
    hi = mine * m + np.searchsorted(times, ts + BUSY_WINDOW // timedelta(microseconds=1), side="right")
    count = np.searchsorted(ranked, hi, side="left") - np.searchsorted(ranked, lo, side="left")
    return count > max_contacts


def contact_outcomes_values(
    store: EventStore,
    it: pd.DataFrame,
    hi: datetime,
    window: timedelta = REPEAT_WINDOW,
    max_contacts: int = REPEAT_MAX_CONTACTS,
) -> SourceValues:
    """first_contact_resolution: resolved contacts with no transfer, no reopening and no repeat
    contact (the same customer on the same topic, strictly later, within ``window``). A contact
    whose customer has more than ``max_contacts`` contacts from it to 30 days after it (itself
    included) is never a repeat (an implausible customer)."""
    later = _read(
        store,
        "interactions",
        ["customer_id", "topic", "created_at"],
        _in_period("created_at", hi, hi + HORIZON) & ds.field("customer_id").is_valid(),
    )
    known = it["customer_id"].notna().to_numpy().copy()
    every = pd.concat([it.loc[known, ["customer_id", "created_at"]], later], ignore_index=True)
    known[np.flatnonzero(known)[_busy(it[known], every, max_contacts)]] = False
    scope = it[known]
    # Scope rows (the period's contacts) and candidates (every contact from the period's start to
    # the horizon) in one list ordered by customer, topic and time, candidates first at equal
    # times: the next candidate after a scope row is then the first strictly later contact.
    customer = pd.concat(
        [scope["customer_id"], scope["customer_id"], later["customer_id"]], ignore_index=True
    )
    topic = pd.concat([scope["topic"], scope["topic"], later["topic"]], ignore_index=True).fillna("")
    t = np.concatenate(
        [_micros(scope["created_at"]), _micros(scope["created_at"]), _micros(later["created_at"])]
    )
    is_scope = np.r_[np.ones(len(scope), dtype=bool), np.zeros(len(scope) + len(later), dtype=bool)]
    customer_code, _ = pd.factorize(customer)
    topic_code, topics = pd.factorize(topic)
    key = customer_code.astype(np.int64) * (len(topics) + 1) + topic_code
    order = np.lexsort((is_scope, t, key))
    key, t, is_scope = key[order], t[order], is_scope[order]
    candidates = np.flatnonzero(~is_scope)
    at = np.flatnonzero(is_scope)
    nxt = np.searchsorted(candidates, at, side="right")
    has_next = nxt < len(candidates)
    j = candidates[np.minimum(nxt, len(candidates) - 1)]
    hit = has_next & (key[j] == key[at]) & (t[j] - t[at] <= window // timedelta(microseconds=1))
    repeat = np.zeros(len(it), dtype=bool)
    repeat[np.flatnonzero(known)[order[at[hit]]]] = True

    owned = it["agent_id"].notna().to_numpy()
    rows, repeat = it[owned], repeat[owned]
    out = SourceValues(_agents(rows, "agent_id"))
    res = ~_flag(rows["abandoned"]) & rows["resolved_at"].notna().to_numpy()
    rows, repeat = rows[res], repeat[res]
    ok = (
        _flag(rows["first_contact_resolved"])
        & (rows["transfer_count"].fillna(0).to_numpy() == 0)
        & (rows["reopened_count"].fillna(0).to_numpy() == 0)
        & ~repeat
    )
    out.add("first_contact_resolution", *_mean_n(rows, "agent_id", ok, 100.0))
    return out


def worktime_hours(store: EventStore, period: Period) -> tuple[pd.Index, pd.Series]:
    """Agents with worktime rows on the period's local dates, and their logged hours (> 0 only)."""
    wt = _read(
        store,
        "worktime",
        ["agent_id", "work_date", "logged_seconds"],
        (ds.field("work_date") >= pa.scalar(period.start, pa.date32()))
        & (ds.field("work_date") < pa.scalar(period.end, pa.date32())),
    )
    wt = wt[wt["agent_id"].notna()]
    logged = wt[wt["logged_seconds"] > 0]
    hours = _by(logged, "agent_id")["logged_seconds"].sum() / 3600.0
    hours.index = hours.index.astype(object)
    return _agents(wt, "agent_id"), hours


def agent_messages(store: EventStore) -> pd.DataFrame:
    """Transcript turns spoken by a named agent, whenever they were."""
    msg = _read(store, "messages", ["interaction_id", "at", "agent_id"], ds.field("speaker") == "agent")
    msg = msg[msg["agent_id"].notna().to_numpy() & msg["at"].notna().to_numpy()]
    return msg.astype({"agent_id": object})


def response_episodes(
    store: EventStore, it: pd.DataFrame, messages: pd.DataFrame, lo: datetime, hi: datetime
) -> pd.DataFrame:
    """Every wait for a human answer opened in [lo, hi).

    A contact's creation is answered by the first agent turn of its transcript before any
    reopening (when there is one, not before the creation), else by its ``first_response_at``, and
    credited to whoever answered. Each reopening is answered by the first human reply after it and
    before the next reopening (agent events or agent turns), credited to whoever gave it, else to
    the contact's owner. Replies count whenever they came (``messages``: every agent turn)."""
    reopen = _read(store, "interaction_events", ["interaction_id", "at"], ds.field("kind") == "reopened")
    reopen = reopen[reopen["at"].notna().to_numpy() & reopen["interaction_id"].notna().to_numpy()]
    reopen = reopen.drop_duplicates().sort_values(["interaction_id", "at"], kind="stable")
    first_reopen = reopen.drop_duplicates("interaction_id").set_index("interaction_id")["at"]
    before_reopen = messages["at"] < first_reopen.reindex(messages["interaction_id"].to_numpy()).to_numpy()
    no_reopen = ~_among(messages["interaction_id"], first_reopen.index)
    first_turn = (
        messages[no_reopen | before_reopen.to_numpy()]
        .sort_values(["interaction_id", "at", "agent_id"])
        .drop_duplicates("interaction_id")
        .set_index("interaction_id")
    )
    # Only the few contacts with a transcript are looked up.
    has = _among(it["interaction_id"], first_turn.index)
    turn = first_turn.reindex(it.loc[has, "interaction_id"].to_numpy())
    turn_at = pd.Series(pd.NaT, index=it.index, dtype=it["created_at"].dtype)
    turn_at[has] = turn["at"].array
    turn_agent = pd.Series(None, index=it.index, dtype=object)
    turn_agent[has] = turn["agent_id"].to_numpy(dtype=object)
    valid = (turn_at.notna() & (turn_at >= it["created_at"])).to_numpy()
    agents = _categories(it["agent_id"], it["first_response_agent_id"], turn["agent_id"])
    agent = (
        pd.Series(pd.Categorical(turn_agent.where(valid), categories=agents), index=it.index)
        .fillna(it["first_response_agent_id"].cat.set_categories(agents))
        .fillna(it["agent_id"].cat.set_categories(agents))
    )
    created = pd.DataFrame(
        {
            "agent_id": agent,
            "opened_at": it["created_at"],
            "replied_at": turn_at.where(valid).fillna(it["first_response_at"]),
            "channel": it["channel"],
            "priority": it["priority"],
            "is_vip": it["is_vip"],
            "abandoned": it["abandoned"],
        }
    )
    # Reopenings in the period, each bounded by the next one.
    reopen["next_at"] = reopen.groupby("interaction_id", sort=False)["at"].shift(-1)
    reopen = reopen[(reopen["at"] >= pd.Timestamp(lo)) & (reopen["at"] < pd.Timestamp(hi))]
    ids = pa.array(reopen["interaction_id"].drop_duplicates().to_numpy(dtype=object), pa.string())
    ev = _read(
        store,
        "interaction_events",
        ["interaction_id", "at", "agent_id", "actor"],
        ds.field("interaction_id").isin(ids) & ds.field("kind").isin(["first_reply", "reply"]),
    )
    ev = ev[
        ev["agent_id"].notna() & ev["at"].notna() & (ev["actor"].astype(object).fillna("agent") == "agent")
    ]
    turns = messages[_among(messages["interaction_id"], reopen["interaction_id"])]
    human = pd.concat(
        [ev[["interaction_id", "at", "agent_id"]].astype({"agent_id": object}), turns], ignore_index=True
    )
    pairs = reopen.merge(human, on="interaction_id", suffixes=("", "_reply"))
    after = pairs["at_reply"] >= pairs["at"]
    before_next = pairs["next_at"].isna() | (pairs["at_reply"] < pairs["next_at"])
    pairs = pairs[after & before_next].sort_values(["interaction_id", "at", "at_reply", "agent_id"])
    first = pairs.drop_duplicates(["interaction_id", "at"], keep="first")
    reopened = reopen.merge(
        first[["interaction_id", "at", "at_reply", "agent_id"]], on=["interaction_id", "at"], how="left"
    )
    owners = _read(
        store,
        "interactions",
        ["interaction_id", "agent_id", "channel", "priority", "is_vip", "abandoned"],
        ds.field("interaction_id").isin(ids),
    ).astype({"agent_id": object, "channel": object, "priority": object})
    reopened = reopened.merge(owners, on="interaction_id", suffixes=("", "_owner"))
    reopened = pd.DataFrame(
        {
            "agent_id": reopened["agent_id"].fillna(reopened["agent_id_owner"]),
            "opened_at": reopened["at"],
            "replied_at": reopened["at_reply"],
            "channel": reopened["channel"],
            "priority": reopened["priority"],
            "is_vip": reopened["is_vip"],
            "abandoned": reopened["abandoned"],
        }
    )
    episodes = _stack(created, reopened)
    in_period = (episodes["opened_at"] >= pd.Timestamp(lo)) & (episodes["opened_at"] < pd.Timestamp(hi))
    return episodes[in_period.to_numpy() & episodes["agent_id"].notna().to_numpy()]


def _categories(*columns: pd.Series) -> pd.Index:
    """The union of the distinct values of ``columns`` (categorical or not)."""
    values = [
        c.cat.categories if isinstance(c.dtype, pd.CategoricalDtype) else c.dropna().unique() for c in columns
    ]
    return pd.Index(np.unique(np.concatenate([np.asarray(v, dtype=object) for v in values]).astype(str)))


def _stack(*frames: pd.DataFrame) -> pd.DataFrame:
    """Frames one under the other; text columns stay categorical (pd.concat would make them objects)."""
    out = {}
    for col in frames[0].columns:
        parts = [f[col] for f in frames]
        if any(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            cats = _categories(*parts)
            codes = [pd.Categorical(p, categories=cats).codes for p in parts]
            out[col] = pd.Categorical.from_codes(np.concatenate(codes), categories=cats)
        else:
            out[col] = pd.concat([p.reset_index(drop=True) for p in parts], ignore_index=True)
    return pd.DataFrame(out)


def response_values(episodes: pd.DataFrame, clock: BusinessClock, calendars: pd.Series) -> SourceValues:
    """first_response and urgent_response, in calendar and business time."""
    out = SourceValues(_agents(episodes, "agent_id"))
    rt = episodes[
        episodes["channel"].isin(REAL_TIME).to_numpy()
        & episodes["replied_at"].notna().to_numpy()
        & ~_flag(episodes["abandoned"])
    ]
    urgent = (rt["priority"].isin(["urgent", "high"]).to_numpy()) | _flag(rt["is_vip"])
    wait = _seconds(rt["opened_at"], rt["replied_at"])
    business = clock.seconds(_calendar_of(rt["agent_id"], calendars), rt["opened_at"], rt["replied_at"])
    out.add("first_response", *_median_n(rt, "agent_id", wait))
    out.add("first_response_business", *_median_n(rt, "agent_id", business))
    out.add("urgent_response", *_median_n(rt[urgent], "agent_id", wait[urgent]))
    out.add("urgent_response_business", *_median_n(rt[urgent], "agent_id", business[urgent]))
    return out


def surveys_values(store: EventStore, lo: datetime, hi: datetime) -> SourceValues:
    """csat, nps, csat_mean, periodic_satisfaction: surveys submitted in the period."""
    sv = _read(
        store, "surveys", ["agent_id", "kind", "score", "scale_max"], _in_period("submitted_at", lo, hi)
    )
    sv = sv[sv["agent_id"].notna()]
    out = SourceValues(_agents(sv, "agent_id"))
    answered = sv[sv["score"].notna().to_numpy() & (sv["scale_max"] > 0).to_numpy()]
    cs = answered[(answered["kind"] == "csat").to_numpy()]
    ratio = (cs["score"] / cs["scale_max"]).to_numpy()
    out.add("csat", *_mean_n(cs, "agent_id", ratio >= SURVEY_SCALE_TOP_BOXES, 100.0))
    out.add("csat_mean", *_mean_n(cs, "agent_id", (100.0 * cs["score"] / cs["scale_max"]).to_numpy()))
    nps = answered[(answered["kind"] == "nps").to_numpy()]
    ten = (nps["score"] * 10.0 / nps["scale_max"]).to_numpy()
    out.add("nps", *_mean_n(nps, "agent_id", np.where(ten >= 9, 1.0, np.where(ten <= 6, -1.0, 0.0)), 100.0))
    pe = answered[(answered["kind"] == "periodic").to_numpy()]
    out.add(
        "periodic_satisfaction", *_mean_n(pe, "agent_id", (100.0 * pe["score"] / pe["scale_max"]).to_numpy())
    )
    return out


def qa_item_values(store: EventStore, lo: datetime, hi: datetime) -> SourceValues:
    """Points scored over points possible on inspection items, by criterion and method; the review
    (not the item) gives the agent, method, calibration flag and time. n counts reviews."""
    reviews = _read(
        store,
        "qa_reviews",
        ["review_id", "agent_id", "method", "is_calibration"],
        _in_period("reviewed_at", lo, hi),
    )
    items = _read(
        store,
        "qa_items",
        ["review_id", "criterion", "score", "max", "not_applicable"],
        ds.field("review_id").isin(pa.array(reviews["review_id"].to_numpy(), pa.string())),
    )
    facts = items.merge(reviews, on="review_id")
    facts = facts[facts["agent_id"].notna()]
    out = SourceValues(_agents(facts, "agent_id"))
    counted = facts[
        ~_flag(facts["not_applicable"]) & ~_flag(facts["is_calibration"]) & (facts["max"] > 0).to_numpy()
    ]
    crit, method = counted["criterion"], counted["method"]
    rules = {
        "service_compliance": crit.isin(["greeting", "professional_language", "hold_and_transfer", "closing"])
        & method.isin(["mystery_shopper", "recording", "live"]),
        "needs_identification": crit == "needs_identification",
        # emotion handling and empathy are I-P3's, never also I-P1's
        "script_compliance": (method == "transcript_auto") & ~crit.isin(["emotion_handling", "empathy"]),
        "process_adherence": crit.isin(["process_adherence", "information_security"])
        & (method != "transcript_auto"),
        "emotion_handling": crit.isin(["emotion_handling", "empathy"]),
    }
    for code, rule in rules.items():
        rows = counted[rule.fillna(False).to_numpy(dtype=bool)]
        out.add(
            code,
            _ratio_of_sums(rows, "agent_id", "score", "max"),
            _by(rows, "agent_id")["review_id"].nunique(),
        )
    return out


def qa_review_values(store: EventStore, lo: datetime, hi: datetime) -> SourceValues:
    """qa_score and qa_critical_failures, over non-calibration inspections reviewed in the period."""
    qa = _read(
        store,
        "qa_reviews",
        ["agent_id", "score", "max_score", "critical_failed", "is_calibration"],
        _in_period("reviewed_at", lo, hi),
    )
    qa = qa[qa["agent_id"].notna()]
    out = SourceValues(_agents(qa, "agent_id"))
    real = qa[~_flag(qa["is_calibration"])]
    scored = real[(real["max_score"] > 0).to_numpy()]
    out.add(
        "qa_score", _ratio_of_sums(scored, "agent_id", "score", "max_score"), _by(scored, "agent_id").size()
    )
    failed = pd.Series(_flag(real["critical_failed"]).astype(float), index=real.index)
    g = failed.groupby(real["agent_id"], observed=True, sort=False)
    out.add("qa_critical_failures", g.sum(), g.size())
    return out


RELATIONS = {
    "rating_360_customer": "customer",
    "rating_360_supervisor": "supervisor",
    "rating_360_peer": "peer",
    "rating_360_self": "self",
    "rating_360_partner_dept": "partner_dept",
    "collaboration_satisfaction": "partner_dept",
}


def ratings_360_values(store: EventStore, lo: datetime, hi: datetime) -> SourceValues:
    """Mean 360° rating on 0-100 by relation; n counts distinct raters."""
    r = _read(
        store,
        "ratings_360",
        ["subject_agent_id", "rater_id", "relation", "score", "scale_max"],
        _in_period("submitted_at", lo, hi),
    )
    r = r[r["subject_agent_id"].notna()]
    out = SourceValues(_agents(r, "subject_agent_id"))
    answered = r[r["score"].notna().to_numpy() & (r["scale_max"] > 0).to_numpy()]
    for code, relation in RELATIONS.items():
        rows = answered[(answered["relation"] == relation).to_numpy()]
        value, _ = _mean_n(rows, "subject_agent_id", (100.0 * rows["score"] / rows["scale_max"]).to_numpy())
        out.add(code, value, _by(rows, "subject_agent_id")["rater_id"].nunique())
    return out


def handoffs_values(
    store: EventStore, lo: datetime, hi: datetime, clock: BusinessClock, calendars: pd.Series
) -> SourceValues:
    """handoff_timeliness(_business): median minutes from request to delivery."""
    h = _read(
        store,
        "handoffs",
        ["from_agent_id", "requested_at", "delivered_at"],
        _in_period("requested_at", lo, hi),
    )
    h = h[h["from_agent_id"].notna()]
    out = SourceValues(_agents(h, "from_agent_id"))
    d = h[h["delivered_at"].notna()]
    out.add(
        "handoff_timeliness",
        *_median_n(d, "from_agent_id", _seconds(d["requested_at"], d["delivered_at"]) / 60.0),
    )
    business = clock.seconds(
        _calendar_of(d["from_agent_id"], calendars), d["requested_at"], d["delivered_at"]
    )
    out.add("handoff_timeliness_business", *_median_n(d, "from_agent_id", business / 60.0))
    return out


def trainings_values(store: EventStore, lo: datetime, hi: datetime) -> SourceValues:
    """training_participation and training_gain, over trainings completed in the period."""
    t = _read(
        store,
        "trainings",
        ["agent_id", "attended", "pre_score", "post_score"],
        _in_period("completed_at", lo, hi),
    )
    t = t[t["agent_id"].notna()]
    out = SourceValues(_agents(t, "agent_id"))
    decided = t[t["attended"].notna().to_numpy()]
    out.add("training_participation", *_mean_n(decided, "agent_id", _flag(decided["attended"]), 100.0))
    tested = t[_flag(t["attended"]) & t["pre_score"].notna().to_numpy() & t["post_score"].notna().to_numpy()]
    out.add(
        "training_gain", *_mean_n(tested, "agent_id", (tested["post_score"] - tested["pre_score"]).to_numpy())
    )
    return out


def suggestions_values(store: EventStore, lo: datetime, hi: datetime) -> SourceValues:
    """suggestion_adoption: share of decided suggestions submitted in the period that were adopted."""
    s = _read(store, "suggestions", ["agent_id", "adopted"], _in_period("submitted_at", lo, hi))
    s = s[s["agent_id"].notna()]
    out = SourceValues(_agents(s, "agent_id"))
    decided = s[s["adopted"].notna().to_numpy()]
    out.add("suggestion_adoption", *_mean_n(decided, "agent_id", _flag(decided["adopted"]), 100.0))
    return out


def kb_values(store: EventStore, lo: datetime, hi: datetime) -> SourceValues:
    """kb_contribution: one point per contribution plus one per ten helpful votes."""
    kb = _read(store, "kb_contributions", ["agent_id", "helpful_votes"], _in_period("created_at", lo, hi))
    kb = kb[kb["agent_id"].notna()]
    out = SourceValues(_agents(kb, "agent_id"))
    points = pd.Series(1.0 + kb["helpful_votes"].fillna(0).to_numpy(dtype=float) / 10.0, index=kb.index)
    g = points.groupby(kb["agent_id"], observed=True, sort=False)
    out.add("kb_contribution", g.sum(), g.size())
    return out


# -- all of them -----------------------------------------------------------------------------------
def reference_values(
    store: EventStore,
    period: Period,
    timezone: str,
    agent_ids: Iterable[str] | None = None,
    calendars: Mapping[str, Calendar] | None = None,
    repeat_window: timedelta = REPEAT_WINDOW,
    repeat_max_contacts: int = REPEAT_MAX_CONTACTS,
    short_abandon: float = SHORT_ABANDON_SECONDS,
    service_level: float = SERVICE_LEVEL_SECONDS,
) -> pd.DataFrame:
    """One row per agent, one column per indicator value and ``<code>__n`` per sample size.

    Rows: every agent with a row of any source in the period, plus ``agent_ids``."""
    lo, hi = period.utc_bounds(timezone)
    clock = BusinessClock(calendars if calendars is not None else builtin_calendars())
    cal_of = agent_calendars(store)
    it = _read(store, "interactions", INTERACTION_COLUMNS, _in_period("created_at", lo, hi))
    work_agents, hours = worktime_hours(store, period)
    sources = [
        interactions_values(it, hours, clock, cal_of),
        queue_values(it, short_abandon, service_level),
        contact_outcomes_values(store, it, hi, repeat_window, repeat_max_contacts),
        response_values(response_episodes(store, it, agent_messages(store), lo, hi), clock, cal_of),
        SourceValues(work_agents),
        surveys_values(store, lo, hi),
        qa_item_values(store, lo, hi),
        qa_review_values(store, lo, hi),
        ratings_360_values(store, lo, hi),
        handoffs_values(store, lo, hi, clock, cal_of),
        trainings_values(store, lo, hi),
        suggestions_values(store, lo, hi),
        kb_values(store, lo, hi),
    ]
    agents = pd.Index(list(agent_ids or []), dtype=object)
    for s in sources:
        agents = agents.union(s.agents.astype(object))
    columns: dict[str, np.ndarray] = {}
    for s in sources:
        for code in [c for c in s.columns if not c.endswith("__n")]:
            value = _aligned(s.columns[code], agents).astype(float)
            n = _aligned(s.columns[f"{code}__n"], agents).fillna(0).astype(np.int64)
            value[n.to_numpy() == 0] = np.nan
            if code in ABSENT_MEANS_ZERO and len(s.agents):
                value[n.to_numpy() == 0] = 0.0
            columns[code] = value.to_numpy()
            columns[f"{code}__n"] = n.to_numpy()
    return pd.DataFrame(columns, index=pd.Index(agents, name="agent_id")).sort_index()


def _aligned(s: pd.Series, agents: pd.Index) -> pd.Series:
    s = s.copy()
    s.index = s.index.astype(object)
    return s.reindex(agents)


def reference_codes() -> list[str]:
    """The indicator codes ``reference_values`` computes."""
    return [
        "first_response", "first_response_business", "handle_time", "urgent_response",
        "urgent_response_business", "contacts_per_hour", "first_contact_resolution", "ticket_turnaround",
        "ticket_turnaround_business", "csat", "nps", "csat_mean", "periodic_satisfaction",
        "service_compliance", "needs_identification", "complaint_conversion", "transfer_accuracy",
        "collaboration_satisfaction", "handoff_timeliness", "handoff_timeliness_business",
        "training_participation", "training_gain", "suggestion_adoption", "kb_contribution",
        "script_compliance", "process_adherence", "emotion_handling", "qa_score", "qa_critical_failures",
        "rating_360_customer", "rating_360_supervisor", "rating_360_peer", "rating_360_self",
        "rating_360_partner_dept", "contacts_offered", "answer_rate", "abandonment_rate",
        "average_speed_of_answer", "service_level", "sla_attainment", "reopen_rate", "reassignment_rate",
        "contacts_handled", "resolution_share", "resolution_time", "resolution_time_business",
    ]  # fmt: skip
