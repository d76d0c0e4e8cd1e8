"""The built-in v0 indicators written a second time, in plain pandas.

This is the benchmark's baseline and the tests' independent check of the engine: it shares no
code with the SQL compiler, only the written definitions in docs/indicators.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.periods import Period
from frontdesk.engine.tables import TABLES

REAL_TIME = ["phone", "chat", "walk_in", "video", "social"]


def _load(store: EventStore, name: str, columns: list[str], time_col: str, lo, hi) -> pd.DataFrame:
    files = [str(p) for p in store.files(name)]
    if not files:
        return pd.DataFrame(columns=columns)
    dataset = ds.dataset(files, format="parquet", schema=TABLES[name].schema)
    if time_col == "work_date":
        filt = (ds.field(time_col) >= lo.date()) & (ds.field(time_col) < hi.date())
    else:
        filt = (ds.field(time_col) >= lo) & (ds.field(time_col) < hi)
    return dataset.to_table(columns=columns, filter=filt).to_pandas()


def _episodes(store: EventStore, lo, hi) -> pd.DataFrame:
    """Waits for a human answer opened in [lo, hi): creations and reopenings (docs/indicators.md)."""
    cols = ["interaction_id", "agent_id", "first_response_agent_id", "channel", "priority", "is_vip",
            "abandoned", "created_at", "first_response_at"]  # fmt: skip
    files = [str(p) for p in store.files("interactions")]
    it = (
        ds.dataset(files, format="parquet").to_table(columns=cols).to_pandas()
        if files
        else pd.DataFrame(columns=cols)
    )
    msg_files = [str(p) for p in store.files("messages")]
    msg = (
        ds.dataset(msg_files, format="parquet", schema=TABLES["messages"].schema)
        .to_table(columns=["interaction_id", "at", "speaker", "agent_id"])
        .to_pandas()
        if msg_files
        else pd.DataFrame(columns=["interaction_id", "at", "speaker", "agent_id"])
    )
    msg = msg[(msg["speaker"] == "agent") & msg["agent_id"].notna()][["interaction_id", "at", "agent_id"]]
    # A transcript's first human turn decides the first reply and who gets the credit.
    first_turn = (
        msg[msg["at"].notna()]
        .sort_values(["interaction_id", "at", "agent_id"])
        .groupby("interaction_id")
        .first()
    )
    it = it.join(first_turn.rename(columns={"at": "t_at", "agent_id": "t_agent"}), on="interaction_id")
    use = it["t_at"].notna() & (it["t_at"] >= it["created_at"])
    created = pd.DataFrame(
        {
            "interaction_id": it["interaction_id"],
            "agent_id": it["t_agent"].where(use).fillna(it["first_response_agent_id"]).fillna(it["agent_id"]),
            "opened_at": it["created_at"],
            "replied_at": it["t_at"].where(use).fillna(it["first_response_at"]),
        }
    )
    ev_files = [str(p) for p in store.files("interaction_events")]
    ev = (
        ds.dataset(ev_files, format="parquet")
        .to_table(columns=["interaction_id", "kind", "at", "agent_id", "actor"])
        .to_pandas()
        if ev_files
        else pd.DataFrame(columns=["interaction_id", "kind", "at", "agent_id", "actor"])
    )
    reopen = ev[ev["kind"] == "reopened"][["interaction_id", "at"]].sort_values(["interaction_id", "at"])
    reopen["next_at"] = reopen.groupby("interaction_id")["at"].shift(-1)
    human = ev[
        ev["kind"].isin(["first_reply", "reply"])
        & ev["agent_id"].notna()
        & ev["actor"].fillna("agent").eq("agent")
    ]
    human = human[["interaction_id", "at", "agent_id"]]
    human = pd.concat([human, msg], ignore_index=True)
    human = human[human["interaction_id"].isin(reopen["interaction_id"])]
    pairs = reopen.merge(human, on="interaction_id", how="inner", suffixes=("", "_reply"))
    pairs = pairs[
        (pairs["at_reply"] >= pairs["at"])
        & (pairs["next_at"].isna() | (pairs["at_reply"] < pairs["next_at"]))
    ]
    pairs = pairs.sort_values(["interaction_id", "at", "at_reply", "agent_id"])
    first = pairs.groupby(["interaction_id", "at"], as_index=False).first()[
        ["interaction_id", "at", "at_reply", "agent_id"]
    ]
    reopened = reopen.merge(first, on=["interaction_id", "at"], how="left")
    owner = it.set_index("interaction_id")["agent_id"]
    reopened["agent_id"] = reopened["agent_id"].fillna(reopened["interaction_id"].map(owner))
    reopened = reopened.rename(columns={"at": "opened_at", "at_reply": "replied_at"})
    episodes = pd.concat(
        [created, reopened[["interaction_id", "agent_id", "opened_at", "replied_at"]]], ignore_index=True
    )
    episodes = episodes[(episodes["opened_at"] >= lo) & (episodes["opened_at"] < hi)]
    attrs = it.set_index("interaction_id")[["channel", "priority", "is_vip", "abandoned"]]
    return episodes.join(attrs, on="interaction_id").reset_index(drop=True)


REPEAT_WINDOW = pd.Timedelta(hours=72)


def _repeat_contacts(store: EventStore, scope: pd.DataFrame, hi) -> set[str]:
    """Contacts of ``scope`` followed within the repeat window by the same customer on the same topic."""
    later = _load(store, "interactions", ["interaction_id", "customer_id", "topic", "created_at"], "created_at",
                  scope["created_at"].min() if len(scope) else hi, hi + pd.Timedelta(days=31))  # fmt: skip
    later = later[later["customer_id"].notna()]
    a = scope[["interaction_id", "customer_id", "topic", "created_at"]].assign(
        t=lambda d: d["topic"].fillna("")
    )
    b = later.assign(t=later["topic"].fillna(""))[["customer_id", "t", "created_at"]]
    pairs = a.merge(b, on=["customer_id", "t"], suffixes=("", "_later"))
    gap = pairs["created_at_later"] - pairs["created_at"]
    return set(pairs.loc[(gap > pd.Timedelta(0)) & (gap <= REPEAT_WINDOW), "interaction_id"])


def reference_values(store: EventStore, period: Period, timezone: str) -> pd.DataFrame:
    """One row per agent, one column per indicator value and ``<code>__n`` per sample size."""
    lo, hi = period.utc_bounds(timezone)
    it = _load(
        store,
        "interactions",
        ["agent_id", "channel", "priority", "is_vip", "created_at", "first_response_at", "closed_at",
         "handle_seconds", "abandoned", "resolved_at", "first_contact_resolved", "transfer_count",
         "reopened_count", "interaction_id", "customer_id", "topic"],
        "created_at", lo, hi,
    )  # fmt: skip
    it = it[it["agent_id"].notna()]
    abandoned = it["abandoned"].fillna(False).astype(bool)
    live = it[~abandoned]
    out: dict[str, pd.Series] = {}

    ep = _episodes(store, lo, hi)
    ep = ep[ep["agent_id"].notna() & ~ep["abandoned"].fillna(False).astype(bool)]
    rt = ep[ep["channel"].isin(REAL_TIME) & ep["replied_at"].notna()]
    wait = (rt["replied_at"] - rt["opened_at"]).dt.total_seconds()
    out["first_response"] = wait.groupby(rt["agent_id"]).median()
    out["first_response__n"] = rt.groupby("agent_id").size()

    urgent = rt[rt["priority"].isin(["urgent", "high"]) | rt["is_vip"].fillna(False).astype(bool)]
    out["urgent_response"] = wait[urgent.index].groupby(urgent["agent_id"]).median()
    out["urgent_response__n"] = urgent.groupby("agent_id").size()

    ht = live[live["handle_seconds"].notna()]
    out["handle_time"] = ht.groupby("agent_id")["handle_seconds"].mean()
    out["handle_time__n"] = ht.groupby("agent_id").size()

    wt = _load(store, "worktime", ["agent_id", "work_date", "logged_seconds"], "work_date",
               pd.Timestamp(period.start), pd.Timestamp(period.end))  # fmt: skip
    wt = wt[wt["logged_seconds"] > 0]
    hours = wt.groupby("agent_id")["logged_seconds"].sum() / 3600.0
    handled = live.groupby("agent_id").size()
    out["contacts_per_hour"] = (handled / hours.reindex(handled.index)).replace([np.inf], np.nan)
    out["contacts_per_hour__n"] = handled

    res = live[live["resolved_at"].notna()]
    repeat = res["interaction_id"].isin(_repeat_contacts(store, it, hi))
    ok = (
        res["first_contact_resolved"].fillna(False).astype(bool)
        & (res["transfer_count"].fillna(0) == 0)
        & (res["reopened_count"].fillna(0) == 0)
        & ~repeat
    )
    out["first_contact_resolution"] = 100.0 * ok.groupby(res["agent_id"]).mean()
    out["first_contact_resolution__n"] = res.groupby("agent_id").size()

    tk = it[(it["channel"] == "email") & it["closed_at"].notna()]
    hours_open = (tk["closed_at"] - tk["created_at"]).dt.total_seconds() / 3600.0
    out["ticket_turnaround"] = hours_open.groupby(tk["agent_id"]).median()
    out["ticket_turnaround__n"] = tk.groupby("agent_id").size()

    sv = _load(
        store, "surveys", ["agent_id", "kind", "score", "scale_max", "submitted_at"], "submitted_at", lo, hi
    )
    sv = sv[sv["agent_id"].notna() & sv["score"].notna() & (sv["scale_max"] > 0)]
    cs = sv[sv["kind"] == "csat"]
    out["csat"] = 100.0 * ((cs["score"] / cs["scale_max"]) >= 0.8).groupby(cs["agent_id"]).mean()
    out["csat__n"] = cs.groupby("agent_id").size()
    nps = sv[sv["kind"] == "nps"]
    ten = nps["score"] * 10.0 / nps["scale_max"]
    sign = np.where(ten >= 9, 1.0, np.where(ten <= 6, -1.0, 0.0))
    out["nps"] = 100.0 * pd.Series(sign, index=nps.index).groupby(nps["agent_id"]).mean()
    out["nps__n"] = nps.groupby("agent_id").size()

    frame = pd.DataFrame(out)
    for col in frame.columns:
        if col.endswith("__n"):
            frame[col] = frame[col].fillna(0).astype(int)
    return frame.sort_index()
