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

REAL_TIME = ["phone", "chat", "walk_in", "video", "social"]


def _load(store: EventStore, name: str, columns: list[str], time_col: str, lo, hi) -> pd.DataFrame:
    files = [str(p) for p in store.files(name)]
    if not files:
        return pd.DataFrame(columns=columns)
    dataset = ds.dataset(files, format="parquet")
    if time_col == "work_date":
        filt = (ds.field(time_col) >= lo.date()) & (ds.field(time_col) < hi.date())
    else:
        filt = (ds.field(time_col) >= lo) & (ds.field(time_col) < hi)
    return dataset.to_table(columns=columns, filter=filt).to_pandas()


def reference_values(store: EventStore, period: Period, timezone: str) -> pd.DataFrame:
    """One row per agent, one column per indicator value and ``<code>__n`` per sample size."""
    lo, hi = period.utc_bounds(timezone)
    it = _load(
        store,
        "interactions",
        ["agent_id", "channel", "priority", "is_vip", "created_at", "first_response_at", "closed_at",
         "handle_seconds", "abandoned", "resolved_at", "first_contact_resolved", "transfer_count",
         "reopened_count"],
        "created_at", lo, hi,
    )  # fmt: skip
    it = it[it["agent_id"].notna()]
    abandoned = it["abandoned"].fillna(False).astype(bool)
    live = it[~abandoned]
    out: dict[str, pd.Series] = {}

    frt = (live["first_response_at"] - live["created_at"]).dt.total_seconds()
    rt = live[live["channel"].isin(REAL_TIME) & live["first_response_at"].notna()]
    out["first_response"] = frt[rt.index].groupby(rt["agent_id"]).median()
    out["first_response__n"] = rt.groupby("agent_id").size()

    ht = live[live["handle_seconds"].notna()]
    out["handle_time"] = ht.groupby("agent_id")["handle_seconds"].mean()
    out["handle_time__n"] = ht.groupby("agent_id").size()

    urgent = rt[rt["priority"].isin(["urgent", "high"]) | rt["is_vip"].fillna(False).astype(bool)]
    out["urgent_response"] = frt[urgent.index].groupby(urgent["agent_id"]).median()
    out["urgent_response__n"] = urgent.groupby("agent_id").size()

    wt = _load(store, "worktime", ["agent_id", "work_date", "logged_seconds"], "work_date",
               pd.Timestamp(period.start), pd.Timestamp(period.end))  # fmt: skip
    wt = wt[wt["logged_seconds"] > 0]
    hours = wt.groupby("agent_id")["logged_seconds"].sum() / 3600.0
    handled = live.groupby("agent_id").size()
    out["contacts_per_hour"] = (handled / hours.reindex(handled.index)).replace([np.inf], np.nan)
    out["contacts_per_hour__n"] = handled

    res = live[live["resolved_at"].notna()]
    ok = (
        res["first_contact_resolved"].fillna(False).astype(bool)
        & (res["transfer_count"].fillna(0) == 0)
        & (res["reopened_count"].fillna(0) == 0)
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
