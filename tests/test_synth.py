"""The synthetic organisation generator: deterministic, complete, realistic, and driven by skill."""

import itertools
import re

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.synth import AgentTruth, SynthSummary, generate, generator, read_truth

# 30 agents make three teams (phone, chat, front desk); Sept–Oct touches two quarters.
AGENTS, MONTHS, START = 30, 2, "2026-09"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[EventStore, SynthSummary]:
    store = EventStore(tmp_path_factory.mktemp("synth") / "events")
    return store, generate(store, agents=AGENTS, months=MONTHS, start=START, seed=7)


@pytest.fixture(scope="module")
def db(generated) -> duckdb.DuckDBPyConnection:
    """Every generated table, plus the truth, as DuckDB views; times read in Shanghai time."""
    store, summary = generated
    con = duckdb.connect()
    for name in TABLES:
        con.register(name, store.read(name))
    truth = list(summary.truth.values())
    con.register(
        "truth",
        pa.table(
            {
                "agent_id": [t.agent_id for t in truth],
                "team_id": [t.team_id for t in truth],
                "skill": [t.skill for t in truth],
                "tenure_days": [t.tenure_days for t in truth],
                "surveys_connected": [t.surveys_connected for t in truth],
            }
        ),
    )
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()


def spearman(a, b) -> float:
    ra = np.argsort(np.argsort(a)).astype(float)
    rb = np.argsort(np.argsort(b)).astype(float)
    return float(np.corrcoef(ra, rb)[0, 1])


def small(tmp_path, name: str, **kwargs) -> EventStore:
    store = EventStore(tmp_path / name)
    generate(store, **{"agents": 8, "months": 1, "start": "2026-08", **kwargs})
    return store


# Determinism


def test_same_seed_gives_identical_tables(tmp_path):
    first, second = small(tmp_path, "a"), small(tmp_path, "b")
    for name in TABLES:
        assert first.read(name).equals(second.read(name)), name


def test_another_seed_gives_other_data(tmp_path):
    first, second = small(tmp_path, "a"), small(tmp_path, "b", seed=8)
    assert not first.read("interactions").equals(second.read("interactions"))
    assert first.read("agents").column("name") != second.read("agents").column("name")


def test_chunk_size_does_not_change_the_data(tmp_path, monkeypatch):
    weekly = small(tmp_path, "weekly")
    monkeypatch.setattr(generator, "CHUNK_CONTACTS", 1)  # one day per chunk
    daily = small(tmp_path, "daily")
    assert len(daily.files("interactions")) > len(weekly.files("interactions"))
    for name in TABLES:
        assert weekly.read(name).equals(daily.read(name)), name


# Completeness and shape


def test_every_table_is_filled(generated):
    store, summary = generated
    for name in TABLES:
        rows = store.read(name).num_rows
        assert rows > 0, name
        assert summary.counts[name] == rows, name


def test_summary_names_the_months_covered(generated):
    _, summary = generated
    assert summary.periods == ["2026-09", "2026-10"]


def test_volume_is_about_110_contacts_per_agent_and_calendar_day(db):
    (n,) = one(db, "select count(*) from interactions")
    expected = AGENTS * (30 + 31) * 110
    assert 0.9 * expected < n < 1.1 * expected


def test_ids_are_text_and_unique(db):
    ids, distinct, bad = one(
        db,
        "select count(*), count(distinct interaction_id), "
        "count(*) filter (where not regexp_full_match(interaction_id, 'I[0-9]{8}')) from interactions",
    )
    assert ids == distinct and bad == 0
    agents = [r[0] for r in db.execute("select agent_id from agents order by 1").fetchall()]
    assert agents[:2] == ["A0001", "A0002"]
    assert one(db, "select min(team_id) from teams") == ("T01",)


def test_teams_are_small_and_in_shanghai_time(db):
    sizes = [r[0] for r in db.execute("select count(*) from agents group by team_id").fetchall()]
    assert all(8 <= s <= 12 for s in sizes) and sum(sizes) == AGENTS
    assert one(db, "select count(distinct timezone), min(timezone), min(calendar_id) from teams") == (
        1,
        "Asia/Shanghai",
        "cn-service",
    )
    assert one(db, "select count(*) from sites where name_zh like '%客户服务中心'")[0] == 3


def test_agents_have_chinese_and_pinyin_names(db):
    rows = db.execute("select name, name_zh, role from agents").fetchall()
    for name, name_zh, role in rows:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name_zh)
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", name)
        assert role == "agent"


def test_some_agents_are_new_hires_and_some_veterans(generated):
    _, summary = generated
    tenure = [t.tenure_days for t in summary.truth.values()]
    assert any(t <= 180 for t in tenure) and any(t > 365 for t in tenure)


# Realistic contacts


def test_times_are_consistent(db):
    wrong = one(
        db,
        """select
             count(*) filter (where first_response_at < created_at),
             count(*) filter (where resolved_at < first_response_at),
             count(*) filter (where closed_at < resolved_at or closed_at < created_at),
             count(*) filter (where epoch(first_response_at - created_at) < wait_seconds - 0.1),
             count(*) filter (where hour(created_at) < 8 or hour(created_at) >= 21)
           from interactions""",
    )
    assert wrong == (0, 0, 0, 0, 0)


def test_abandoned_contacts_have_no_reply_and_no_agent(db):
    share, leaks = one(
        db,
        """select avg(abandoned::int) filter (where channel in ('phone', 'chat')),
                  count(*) filter (where abandoned and (first_response_at is not null
                                   or handle_seconds is not null or agent_id is not null))
           from interactions""",
    )
    assert 0.02 < share < 0.10
    assert leaks == 0


def test_shares_are_like_a_real_contact_centre(db):
    vip, urgent, high, complaint, transfer, wrong_transfer, recovered = one(
        db,
        """select avg(is_vip::int), avg((priority = 'urgent')::int), avg((priority = 'high')::int),
                  avg(is_complaint::int), avg(transfer_count) filter (where not abandoned),
                  1 - avg(transfer_correct::int), avg(complaint_recovered::int)
           from interactions""",
    )
    assert 0.04 < vip < 0.06
    assert 0.02 < urgent < 0.04 and 0.10 < high < 0.14
    assert 0.03 < complaint < 0.05
    assert 0.05 < transfer < 0.11
    assert 0.05 < wrong_transfer < 0.35
    assert 0.3 < recovered < 0.9


def test_email_takes_hours_and_calls_take_seconds(db):
    rows = dict(
        db.execute(
            "select channel, median(epoch(first_response_at - created_at)) from interactions group by 1"
        ).fetchall()
    )
    assert rows["phone"] < 120 and rows["chat"] < 180
    assert 3600 < rows["email"] < 24 * 3600
    (email_turnaround,) = one(
        db, "select median(epoch(closed_at - created_at)) from interactions where channel = 'email'"
    )
    assert email_turnaround > 12 * 3600


def test_arrivals_peak_mid_morning_and_mid_afternoon(db):
    by_hour = dict(db.execute("select hour(created_at), count(*) from interactions group by 1").fetchall())
    assert by_hour[10] > by_hour[12] < by_hour[15]
    assert by_hour[10] > 2 * by_hour[20] and by_hour[15] > 2 * by_hour[8]
    weekday, weekend = one(
        db,
        """select count(*) filter (where isodow(created_at) <= 5) / 5,
                  count(*) filter (where isodow(created_at) > 5) / 2 from interactions""",
    )
    assert weekend < 0.6 * weekday


def test_manual_times_are_heaped_on_round_minutes(db):
    channels = [
        r[0]
        for r in db.execute(
            "select distinct channel from interactions where recorded_by = 'manual'"
        ).fetchall()
    ]
    assert channels == ["walk_in"]
    minutes = np.array(
        [
            r[0]
            for r in db.execute(
                "select epoch(first_response_at - created_at) / 60 from interactions where recorded_by = 'manual'"
                " and not abandoned"
            ).fetchall()
        ]
    )
    assert len(minutes) > 100
    assert np.all(minutes == np.round(minutes))  # whole minutes only
    assert np.isin(minutes, [1, 2, 3, 5, 10, 15, 20, 30, 45, 60]).mean() > 0.75
    (whole_system,) = one(
        db,
        "select avg((epoch(first_response_at - created_at) % 60 = 0)::int) from interactions"
        " where recorded_by = 'system' and not abandoned",
    )
    assert whole_system < 0.05


def test_events_agree_with_interactions(db):
    mismatches = one(
        db,
        """with e as (
             select interaction_id,
                    min("at") filter (where kind = 'created') created,
                    min("at") filter (where kind = 'first_reply') first_reply,
                    max("at") filter (where kind = 'resolved') resolved,
                    max("at") filter (where kind = 'closed') closed,
                    count(*) filter (where kind = 'reopened') reopened,
                    count(*) filter (where kind = 'transferred') transferred
             from interaction_events group by 1)
           select count(*) filter (where e.created is distinct from i.created_at),
                  count(*) filter (where e.first_reply is distinct from i.first_response_at),
                  count(*) filter (where e.resolved is distinct from i.resolved_at),
                  count(*) filter (where e.closed is distinct from i.closed_at),
                  count(*) filter (where e.reopened != i.reopened_count),
                  count(*) filter (where e.transferred != i.transfer_count),
                  count(*) filter (where e.interaction_id is null)
           from interactions i left join e using (interaction_id)""",
    )
    assert mismatches == (0, 0, 0, 0, 0, 0, 0)
    (out_of_order,) = one(
        db,
        """select count(*) from (select "at" < lag("at") over (partition by interaction_id order by event_id) bad
                                 from interaction_events) where bad""",
    )
    assert out_of_order == 0


def test_handoffs_belong_to_transfers(db):
    n, orphans, late = one(
        db,
        """select count(*), count(*) filter (where i.transfer_count = 0),
                  count(*) filter (where delivered_at < requested_at)
           from handoffs h join interactions i using (interaction_id)""",
    )
    assert n > 0 and orphans == 0 and late == 0


# Feedback and quality


def test_some_agents_have_no_surveys(db):
    unsurveyed = [
        r[0] for r in db.execute("select agent_id from truth where not surveys_connected").fetchall()
    ]
    assert 1 <= len(unsurveyed) <= 2
    ids = ", ".join(f"'{a}'" for a in unsurveyed)
    assert one(db, f"select count(*) from surveys where agent_id in ({ids})") == (0,)
    assert one(db, f"select count(*) from interactions where agent_id in ({ids})")[0] > 1000
    (others_without,) = one(
        db,
        "select count(*) from truth t where surveys_connected"
        " and not exists (select 1 from surveys s where s.agent_id = t.agent_id)",
    )
    assert others_without == 0


def test_surveys_follow_resolved_contacts(db):
    csat_share, nps_share = one(
        db,
        """select count(*) filter (where kind = 'csat') / (select count(*) from interactions where not abandoned),
                  count(*) filter (where kind = 'nps') / (select count(*) from interactions where not abandoned)
           from surveys""",
    )
    assert 0.14 < csat_share < 0.24 and 0.03 < nps_share < 0.06
    bad = one(
        db,
        """select count(*) filter (where kind = 'csat' and (score not between 1 and 5 or scale_max != 5)),
                  count(*) filter (where kind = 'nps' and (score not between 0 and 10 or scale_max != 10)),
                  count(*) filter (where s.submitted_at < i.closed_at)
           from surveys s join interactions i using (interaction_id)""",
    )
    assert bad == (0, 0, 0)
    (chinese,) = one(db, "select count(*) from surveys where regexp_matches(comment, '[\u4e00-\u9fff]')")
    assert chinese > 0


def test_first_contact_resolution_lifts_csat(db):
    fcr, not_fcr = one(
        db,
        """select avg(score) filter (where first_contact_resolved), avg(score) filter (where not first_contact_resolved)
           from surveys join interactions using (interaction_id) where kind = 'csat'""",
    )
    assert fcr > not_fcr + 0.3


def test_skill_drives_csat(db):
    rows = db.execute(
        """select t.skill, avg(s.score) from surveys s join truth t using (agent_id)
           where s.kind = 'csat' group by 1"""
    ).fetchall()
    skill, csat = zip(*rows, strict=True)
    assert spearman(skill, csat) > 0.6


def test_new_hires_are_slower(db):
    rows = db.execute(
        """with c as (select channel, median(handle_seconds) m from interactions group by 1)
           select t.skill, (t.tenure_days < 90)::int, avg(ln(i.handle_seconds / c.m))
           from interactions i join c using (channel) join truth t using (agent_id)
           where not i.abandoned group by 1, 2"""
    ).fetchall()
    skill, new_hire, slowness = (np.array(x, dtype=float) for x in zip(*rows, strict=True))
    assert new_hire.sum() >= 2
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(skill), skill, new_hire]), slowness, rcond=None)
    assert coef[1] < 0  # skilled agents are quicker
    assert coef[2] > 0.1  # new hires take longer than equally skilled veterans


def test_a_weighted_score_ranks_agents_by_skill(db):
    """A reasonable scheme (z-scores within team, equal weights) recovers skill, but not perfectly."""
    rows = db.execute(
        """with a as (
             select agent_id, any_value(team_id) team_id,
                    -median(epoch(first_response_at - created_at)) fr, -avg(handle_seconds) aht,
                    avg(first_contact_resolved::int) fcr, -median(epoch(closed_at - created_at)) tat
             from interactions where not abandoned group by 1),
           s as (select agent_id, avg(score) filter (where kind = 'csat') csat,
                        avg(score) filter (where kind = 'nps') nps from surveys group by 1),
           j as (select * from a left join s using (agent_id)),
           z as (select agent_id,
                   [(fr - avg(fr) over w) / stddev(fr) over w, (aht - avg(aht) over w) / stddev(aht) over w,
                    (fcr - avg(fcr) over w) / stddev(fcr) over w, (tat - avg(tat) over w) / stddev(tat) over w,
                    (csat - avg(csat) over w) / stddev(csat) over w, (nps - avg(nps) over w) / stddev(nps) over w] zs
                 from j window w as (partition by team_id))
           select t.skill, list_avg(list_filter(zs, lambda x: x is not null)) from z join truth t using (agent_id)"""
    ).fetchall()
    skill, score = zip(*rows, strict=True)
    rho = spearman(skill, score)
    assert 0.5 <= rho < 0.98


def test_transcripts_are_remote_contacts_with_alternating_turns(db):
    rows = db.execute(
        """select m.interaction_id, count(*), min(seq), max(seq),
                  bool_and(i.channel in ('chat', 'email', 'phone', 'video') and not i.abandoned),
                  min(m."at") >= min(i.created_at), list(speaker order by seq)
           from messages m join interactions i using (interaction_id) group by 1"""
    ).fetchall()
    assert len(rows) > 20
    for _, n, lo, hi, remote, after_created, speakers in rows:
        assert 4 <= n <= 12 and lo == 1 and hi == n and remote and after_created
        assert speakers[0] == "customer" and speakers[1] == "agent"
        assert all(a != b for a, b in itertools.pairwise(speakers))


def test_skilled_agents_greet_and_close_more_often(db):
    rows = db.execute(
        """select t.skill > 0,
                  avg(regexp_matches(text, '您好|你好|Hello|Hi, this is')::int) filter (where seq = 2),
                  avg(regexp_matches(text, '还有什么可以帮您|Anything else|anything else')::int)
                    filter (where speaker = 'agent' and seq >= 4)
           from messages join truth t using (agent_id) group by 1 order by 1"""
    ).fetchall()
    (_, greet_low, close_low), (_, greet_high, close_high) = rows
    assert greet_high > greet_low and close_high > close_low


def test_qa_reviews_have_five_to_eight_items_and_one_critical(db):
    bad = one(
        db,
        """with i as (select review_id, count(*) n, count(*) filter (where critical) crit,
                             sum(score) filter (where not not_applicable) total,
                             sum("max") filter (where not not_applicable) top
                      from qa_items group by 1)
           select count(*) filter (where n not between 5 and 8), count(*) filter (where crit != 1),
                  count(*) filter (where abs(total - r.score) > 1e-9 or abs(top - r.max_score) > 1e-9),
                  count(*) filter (where r.is_calibration)
           from qa_reviews r join i using (review_id)""",
    )
    assert bad == (0, 0, 0, 0)
    methods = {r[0] for r in db.execute("select distinct method from qa_reviews").fetchall()}
    assert methods == {"recording", "mystery_shopper", "live", "scenario_simulation"}
    (per_agent_month,) = one(db, f"select count(*) / {AGENTS * MONTHS} from qa_reviews")
    assert 3 <= per_agent_month <= 5
    (needs_contact,) = one(
        db, "select count(*) from qa_reviews where method in ('recording', 'live') and interaction_id is null"
    )
    assert needs_contact == 0


def test_one_360_campaign_per_quarter_with_every_relation(db):
    campaigns = [
        r[0] for r in db.execute("select distinct campaign_id from ratings_360 order by 1").fetchall()
    ]
    assert campaigns == ["C2026Q3", "C2026Q4"]
    rows = db.execute(
        """select relation, min(n), max(n) from (
             select campaign_id, subject_agent_id, relation, count(distinct rater_id) n
             from ratings_360 group by all) group by 1"""
    ).fetchall()
    raters = {r[0]: (r[1], r[2]) for r in rows}
    assert raters["supervisor"] == (1, 1) and raters["self"] == (1, 1)
    assert raters["peer"][0] >= 3 and raters["peer"][1] <= 4
    assert raters["customer"][0] >= 4 and 1 <= raters["partner_dept"][0] <= raters["partner_dept"][1] <= 2
    assert one(db, "select min(score), max(score), min(scale_max) from ratings_360") == (1.0, 5.0, 5.0)


def test_worktime_is_about_eight_hours_per_working_day(db):
    logged, available_share, duplicates = one(
        db,
        """select avg(logged_seconds) / 3600, avg(available_seconds / logged_seconds),
                  count(*) - count(distinct (agent_id, work_date)) from worktime""",
    )
    assert 7.5 < logged < 8.5 and 0.75 < available_share < 0.95 and duplicates == 0
    (weekend_share,) = one(db, "select avg((isodow(work_date) > 5)::int) from worktime")
    assert weekend_share < 2 / 7
    (outside_work,) = one(
        db,
        """select count(*) from interactions i
           where not exists (select 1 from worktime w where w.agent_id = i.agent_id
                             and w.work_date = cast(i.created_at as date))
             and not i.abandoned""",
    )
    assert outside_work == 0


def test_growth_tables_follow_skill(db):
    adopted_high, adopted_low = one(
        db,
        """select avg(adopted::int) filter (where t.skill > 0), avg(adopted::int) filter (where t.skill <= 0)
           from suggestions join truth t using (agent_id)""",
    )
    assert adopted_high is not None and adopted_low is not None
    bad = one(
        db,
        """select count(*) filter (where attended and post_score is null),
                  count(*) filter (where not attended and post_score is not null) from trainings""",
    )
    assert bad == (0, 0)
    assert one(db, "select count(*) filter (where helpful_votes > views) from kb_contributions") == (0,)


# Truth and use


def test_read_truth_gives_back_skill_and_tenure(generated):
    store, summary = generated
    assert (store.root / "_synth" / "agents_truth.parquet").exists()
    truth = read_truth(store)
    assert truth == summary.truth
    first = truth["A0001"]
    assert isinstance(first, AgentTruth) and isinstance(first.skill, float) and first.tenure_days > 0


def test_generating_twice_into_one_store_is_refused(tmp_path):
    store = small(tmp_path, "once")
    with pytest.raises(ValueError, match="already holds generated data or interactions"):
        generate(store, agents=8, months=1, start="2026-08")


def test_progress_is_reported_up_to_the_total(tmp_path):
    calls = []
    generate(
        EventStore(tmp_path), agents=8, months=1, start="2026-08", progress=lambda d, t: calls.append((d, t))
    )
    assert len(calls) >= 3
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == calls[-1][1]


def test_read_truth_of_an_empty_store_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no synthetic organisation"):
        read_truth(EventStore(tmp_path))
