"""The cycle lifecycle: draft → computed → in review → published → closed.

Moves allowed and refused by state and by role, each recorded; recomputing adds a run and keeps the
old one; a closed cycle refuses every change (models, querysets, store, admin); who sees results of
which state; the cycles page.
"""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client

from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.lifecycle import CycleError
from frontdesk.web.appraisal.models import (
    Cycle,
    CycleTransition,
    IndicatorRecord,
    ScorecardRecord,
    ScorecardRun,
)

from .conftest import build_appraisal_data, load_appraisal_data
from .test_web_i18n import english_words, visible_text
from .users import PASSWORD, login, make_user, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(db):
    """The test organisation with every cycle computed and nothing reviewed or published yet."""
    data = build_appraisal_data()
    load_appraisal_data(data, publish=False)
    return data


def history(period: str) -> list[tuple[str, str, str | None, int | None]]:
    return [
        (t.from_state, t.to_state, t.by.username if t.by else None, t.run_number)
        for t in CycleTransition.objects.filter(cycle__period=period).select_related("by")
    ]


def close(period: str = "2026-10", cycle: str = "monthly") -> None:
    """Take a published fixture cycle to closed."""
    store.transition(period, cycle, "closed", by_user=user("director"))


# Moves by state -----------------------------------------------------------------------------------


def test_computing_makes_a_computed_cycle_and_records_the_change(computed):
    assert store.cycle_state("2026-10", "monthly") == "computed"
    assert store.cycle_state("2026-Q3", "quarterly") == "computed"
    assert store.cycle_state("2031-01", "monthly") is None
    assert history("2026-10") == [("draft", "computed", None, 1)]


def test_a_cycle_moves_through_review_and_publication_to_closed_each_move_recorded(computed):
    director = user("director")
    for target in ["in_review", "published", "closed"]:
        assert store.transition("2026-10", "monthly", target, by_user=director) == target
        assert store.cycle_state("2026-10", "monthly") == target
    assert history("2026-10") == [
        ("draft", "computed", None, 1),
        ("computed", "in_review", "director", None),
        ("in_review", "published", "director", None),
        ("published", "closed", "director", None),
    ]
    assert store.cycle_state("2026-09", "monthly") == "computed", "other cycles do not move"


def test_a_cycle_in_review_can_be_withdrawn_to_computed(computed):
    store.transition("2026-10", "monthly", "in_review")
    store.transition("2026-10", "monthly", "computed", note="wrong survey file")
    assert store.cycle_state("2026-10", "monthly") == "computed"
    last = CycleTransition.objects.filter(cycle__period="2026-10").last()
    assert (last.from_state, last.to_state, last.by, last.note) == (
        "in_review",
        "computed",
        None,
        "wrong survey file",
    )


@pytest.mark.parametrize(
    ("path", "target", "allowed"),
    [
        ([], "published", "in_review"),
        ([], "closed", "in_review"),
        ([], "computed", "in_review"),
        ([], "draft", "in_review"),
        ([], "archived", "in_review"),
        (["in_review"], "closed", "published or computed"),
        (["in_review"], "in_review", "published or computed"),
        (["in_review", "published"], "in_review", "closed"),
        (["in_review", "published"], "computed", "closed"),
    ],
)
def test_a_move_that_may_not_follow_is_refused_naming_the_allowed_targets(computed, path, target, allowed):
    for step in path:
        store.transition("2026-10", "monthly", step)
    before = history("2026-10")
    state = store.cycle_state("2026-10", "monthly")
    with pytest.raises(store.InvalidTransition) as refused:
        store.transition("2026-10", "monthly", target)
    assert str(refused.value) == (
        f"cycle 2026-10 (monthly) is {state}: it may go to {allowed}, not {target!r}"
    )
    assert store.cycle_state("2026-10", "monthly") == state
    assert history("2026-10") == before


def test_a_draft_becomes_computed_only_by_computing(appraisal):
    assert store.open_cycle("2026-11", "monthly") == "draft"
    assert store.open_cycle("2026-11", "monthly") == "draft", "opening twice changes nothing"
    with pytest.raises(store.InvalidTransition, match="becomes computed by computing it"):
        store.transition("2026-11", "monthly", "computed")
    cards = copy.deepcopy(appraisal.runs[1].cards)
    store.save_scorecards(cards, period="2026-11", cycle="monthly", scheme_version="2026.1")
    assert store.cycle_state("2026-11", "monthly") == "computed"
    assert history("2026-11") == [("draft", "computed", None, 1)]


def test_a_cycle_that_does_not_exist_cannot_move(db):
    with pytest.raises(store.InvalidTransition, match=r"cycle 2026-10 \(monthly\) does not exist"):
        store.transition("2026-10", "monthly", "in_review")
    with pytest.raises(ValueError, match="cycle 'weekly'"):
        store.transition("2026-10", "weekly", "in_review")


# Moves by role ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DIRECTOR])
def test_administrators_and_directors_change_states(computed, role):
    u = make_user("changer", role)
    store.transition("2026-10", "monthly", "in_review", by_user=u)
    assert history("2026-10")[-1] == ("computed", "in_review", "changer", None)


@pytest.mark.parametrize("role", [Role.LEAD, Role.QA, Role.AGENT, Role.AUDITOR, None])
def test_leads_qa_agents_auditors_and_users_without_a_role_do_not(computed, role):
    u = make_user("someone", role, teams=("T1",))
    with pytest.raises(PermissionDenied):
        store.transition("2026-10", "monthly", "in_review", by_user=u)
    assert store.cycle_state("2026-10", "monthly") == "computed"
    assert len(history("2026-10")) == 1


def test_a_superuser_without_a_profile_is_an_administrator(computed):
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    store.transition("2026-10", "monthly", "in_review", by_user=root)
    assert store.cycle_state("2026-10", "monthly") == "in_review"


# Recomputing --------------------------------------------------------------------------------------


def test_recomputing_adds_a_run_keeps_the_old_one_and_sends_the_cycle_back_to_computed(appraisal):
    assert store.cycle_state("2026-10", "monthly") == "published"
    old = ScorecardRun.objects.get(cycle__period="2026-10")
    old_totals = dict(ScorecardRecord.objects.filter(run=old).values_list("agent_id", "total"))
    cards = copy.deepcopy(appraisal.runs[1].cards)
    for c in cards:
        c.total = 50.0
    assert store.save_scorecards(cards, period="2026-10", cycle="monthly", scheme_version="2026.2") == 2
    runs = list(ScorecardRun.objects.filter(cycle__period="2026-10").order_by("number"))
    assert [(r.number, r.superseded) for r in runs] == [(1, True), (2, False)]
    assert dict(ScorecardRecord.objects.filter(run=old).values_list("agent_id", "total")) == old_totals
    assert {c.total for c in store.load_scorecards("2026-10")} == {50.0}
    assert store.cycle_state("2026-10", "monthly") == "computed", "new numbers are reviewed again"
    assert history("2026-10")[-1] == ("published", "computed", None, 2)
    store.save_scorecards(cards, period="2026-10", cycle="monthly", scheme_version="2026.3")
    assert len(history("2026-10")) == 4, "computed to computed is no change of state"
    assert ScorecardRun.objects.filter(cycle__period="2026-10").count() == 3


def test_only_one_run_of_a_cycle_can_be_current(appraisal):
    from django.db import IntegrityError, transaction

    cycle = Cycle.objects.get(period="2026-10")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScorecardRun.objects.create(cycle=cycle, number=2, scheme_version="x")


# A closed cycle -----------------------------------------------------------------------------------


def test_computing_a_closed_cycle_is_refused_with_one_line_naming_the_period(appraisal):
    close()
    cards = copy.deepcopy(appraisal.runs[1].cards)
    with pytest.raises(store.CycleClosed) as refused:
        store.save_scorecards(cards, period="2026-10", cycle="monthly", scheme_version="2026.2")
    message = str(refused.value)
    assert "2026-10" in message and "closed" in message and "\n" not in message
    assert ScorecardRun.objects.filter(cycle__period="2026-10").count() == 1
    assert store.load_scorecards("2026-10") == sorted(appraisal.runs[1].cards, key=lambda c: c.rank_org)
    store.save_scorecards(cards, period="2026-09", cycle="monthly", scheme_version="2026.2")  # still open


@pytest.mark.parametrize("target", ["computed", "in_review", "published", "closed"])
def test_a_closed_cycle_never_changes_state(appraisal, target):
    close()
    with pytest.raises(store.CycleClosed, match="2026-10"):
        store.transition("2026-10", "monthly", target, by_user=user("director"))
    assert store.cycle_state("2026-10", "monthly") == "closed"


def _rows_of_closed_cycle():
    run = ScorecardRun.objects.get(cycle__period="2026-10")
    record = ScorecardRecord.objects.filter(run=run).first()
    return run.cycle, run, record, record.indicators.first()


def test_a_closed_cycle_refuses_model_saves_and_deletes(appraisal):
    close()
    cycle, run, record, indicator = _rows_of_closed_cycle()
    changes = [
        (cycle, "state", "published"),
        (run, "scheme_version", "forged"),
        (record, "total", 100.0),
        (indicator, "value", 0.0),
    ]
    for obj, field, value in changes:
        setattr(obj, field, value)
        with pytest.raises(store.CycleClosed, match="2026-10"):
            obj.save()
        with pytest.raises(store.CycleClosed, match="2026-10"):
            obj.delete()
    assert Cycle.objects.get(pk=cycle.pk).state == "closed"
    assert ScorecardRun.objects.get(pk=run.pk).scheme_version == "2026.1"
    assert ScorecardRecord.objects.get(pk=record.pk).total == appraisal.card("2026-10", record.agent_id).total
    assert IndicatorRecord.objects.get(pk=indicator.pk).value != 0.0


def test_a_closed_cycle_refuses_queryset_updates_and_deletes(appraisal):
    close()
    before = (ScorecardRun.objects.count(), ScorecardRecord.objects.count(), IndicatorRecord.objects.count())
    querysets = [
        (Cycle.objects.filter(period="2026-10"), {"created_at": "2020-01-01T00:00:00Z"}),
        (ScorecardRun.objects.filter(cycle__period="2026-10"), {"scheme_version": "forged"}),
        (ScorecardRecord.objects.all(), {"total": 100.0}),  # mixes open and closed cycles
        (IndicatorRecord.objects.filter(scorecard__run__cycle__period="2026-10"), {"value": 0.0}),
    ]
    for qs, values in querysets:
        with pytest.raises(store.CycleClosed, match="2026-10"):
            qs.update(**values)
        with pytest.raises(store.CycleClosed, match="2026-10"):
            qs.delete()
    assert (
        ScorecardRun.objects.count(),
        ScorecardRecord.objects.count(),
        IndicatorRecord.objects.count(),
    ) == before
    assert not ScorecardRecord.objects.filter(total=100.0).exists()
    # The related managers are the same querysets.
    with pytest.raises(store.CycleClosed):
        Cycle.objects.get(period="2026-10").runs.update(superseded=True)


def test_a_closed_cycle_refuses_bulk_operations_and_rows_moved_into_it(appraisal):
    close()
    cycle, run, record, _ = _rows_of_closed_cycle()
    with pytest.raises(store.CycleClosed):
        IndicatorRecord.objects.bulk_create([IndicatorRecord(scorecard=record, code="extra", position=9)])
    record.total = 1.0
    with pytest.raises(store.CycleClosed):
        ScorecardRecord.objects.bulk_update([record], ["total"])
    with pytest.raises(store.CycleClosed):
        ScorecardRun.objects.bulk_create(
            [ScorecardRun(cycle=cycle, number=9, superseded=True, scheme_version="x")]
        )
    open_record = ScorecardRecord.objects.filter(run__cycle__period="2026-09").first()
    open_record.run = run
    with pytest.raises(store.CycleClosed):
        open_record.save()
    with pytest.raises(store.CycleClosed):
        ScorecardRecord.objects.filter(pk=open_record.pk).update(run=run)
    assert not IndicatorRecord.objects.filter(code="extra").exists()
    assert ScorecardRecord.objects.get(pk=open_record.pk).run.cycle.period == "2026-09"


def test_open_cycles_stay_editable(appraisal):
    record = ScorecardRecord.objects.filter(run__cycle__period="2026-09").first()
    record.total = 99.5
    record.save()
    assert ScorecardRecord.objects.filter(run__cycle__period="2026-09", total=99.5).count() == 1
    assert IndicatorRecord.objects.filter(scorecard=record).update(value=1.0) == 4


def test_a_state_changes_only_through_a_recorded_save(appraisal):
    with pytest.raises(CycleError, match=r"store\.transition"):
        Cycle.objects.filter(period="2026-10").update(state="closed")
    assert store.cycle_state("2026-10", "monthly") == "published"


def test_the_history_is_append_only(appraisal):
    entry = CycleTransition.objects.first()
    entry.note = "rewritten"
    for attempt in [entry.save, entry.delete, CycleTransition.objects.all().delete]:
        with pytest.raises(CycleError, match="append-only"):
            attempt()
    with pytest.raises(CycleError, match="append-only"):
        CycleTransition.objects.update(note="rewritten")
    assert not CycleTransition.objects.filter(note="rewritten").exists()


def test_a_cycle_with_a_history_and_who_moved_it_cannot_be_deleted_even_while_open(computed):
    from django.db.models import ProtectedError

    store.transition("2026-10", "monthly", "in_review", by_user=user("director"))
    with pytest.raises(ProtectedError):
        Cycle.objects.get(period="2026-10").delete()
    with pytest.raises(ProtectedError):
        user("director").delete()
    assert ScorecardRun.objects.filter(cycle__period="2026-10").exists()
    assert len(history("2026-10")) == 2


# The admin ----------------------------------------------------------------------------------------


@pytest.fixture
def root(client, appraisal) -> Client:
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    return login(client, "root")


def test_the_admin_refuses_to_change_or_delete_a_closed_cycles_rows(root, appraisal):
    close()
    cycle, run, record, indicator = _rows_of_closed_cycle()
    total = record.total
    form = {
        "run": run.pk,
        "agent": record.agent_id,
        "team": record.team_id,
        "site": record.site_id,
        "total": "100",
        "grade": "A",
        "flags": "[]",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
    }
    pages = {
        f"/admin/appraisal/scorecardrecord/{record.pk}/change/": form,
        f"/admin/appraisal/scorecardrecord/{record.pk}/delete/": {"post": "yes"},
        f"/admin/appraisal/indicatorrecord/{indicator.pk}/change/": {"scorecard": record.pk, "code": "x"},
        f"/admin/appraisal/indicatorrecord/{indicator.pk}/delete/": {"post": "yes"},
        f"/admin/appraisal/scorecardrun/{run.pk}/change/": {"scheme_version": "forged"},
        f"/admin/appraisal/scorecardrun/{run.pk}/delete/": {"post": "yes"},
        f"/admin/appraisal/cycle/{cycle.pk}/change/": {"state": "published"},
        f"/admin/appraisal/cycle/{cycle.pk}/delete/": {"post": "yes"},
    }
    for url, data in pages.items():
        assert root.post(url, data).status_code == 403, url
    bulk = root.post(
        "/admin/appraisal/scorecardrecord/",
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert ScorecardRecord.objects.get(pk=record.pk).total == total
    assert IndicatorRecord.objects.filter(pk=indicator.pk, code=indicator.code).exists()
    assert ScorecardRun.objects.get(pk=run.pk).scheme_version == "2026.1"
    assert Cycle.objects.get(pk=cycle.pk).state == "closed"
    # Still there to read, without a save button.
    page = root.get(f"/admin/appraisal/scorecardrecord/{record.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_the_admin_still_edits_an_open_cycles_scorecard(root, appraisal):
    record = ScorecardRecord.objects.filter(run__cycle__period="2026-09").first()
    page = root.get(f"/admin/appraisal/scorecardrecord/{record.pk}/change/")
    assert b'name="_save"' in page.content
    response = root.post(f"/admin/appraisal/scorecardrecord/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ScorecardRecord.objects.filter(pk=record.pk).exists()


# Who sees results of which state ------------------------------------------------------------------


def test_agents_do_not_see_results_nobody_has_published(client, computed):
    login(client, "agent")
    page = client.get("/agents/A001/")
    assert page.status_code == 200
    assert page.context["record"] is None and page.context["period_choices"] == []
    for period in ["2026-10", "2026-09", "2026-Q3"]:
        assert client.get(f"/agents/A001/?period={period}").status_code == 404
        assert client.get(f"/ranking/?period={period}").status_code == 404
    assert client.get("/ranking/").context["rows"] == []


def test_agents_see_results_from_review_on_the_appeal_window_and_once_published(client, computed):
    login(client, "agent")
    assert client.get("/agents/A001/?period=2026-10").status_code == 404, "computed is not reviewed"
    store.transition("2026-10", "monthly", "in_review")
    assert client.get("/agents/A001/?period=2026-10").status_code == 200, "in review: the appeal window"
    store.transition("2026-10", "monthly", "published")
    page = client.get("/agents/A001/")
    assert page.context["record"].run.cycle.period == "2026-10"
    assert page.context["record"].total == computed.card("2026-10", "A001").total
    assert client.get("/agents/A001/?period=2026-09").status_code == 404, "September is still computed"
    close()
    assert client.get("/agents/A001/?period=2026-10").status_code == 200, "closed results stay readable"


def test_a_recomputed_cycle_disappears_for_agents_until_published_again(client, appraisal):
    cards = copy.deepcopy(appraisal.runs[1].cards)
    store.save_scorecards(cards, period="2026-10", cycle="monthly", scheme_version="2026.2")
    login(client, "agent")
    assert client.get("/agents/A001/?period=2026-10").status_code == 404
    assert client.get("/agents/A001/").context["record"].run.cycle.period == "2026-09"


def test_leads_see_their_team_from_review_on(client, computed):
    login(client, "lead")
    assert client.get("/ranking/?period=2026-10").status_code == 404
    assert client.get("/agents/A002/?period=2026-10").status_code == 404
    store.transition("2026-10", "monthly", "in_review")
    rows = client.get("/ranking/?period=2026-10").context["rows"]
    assert sorted(r.record.agent_id for r in rows) == computed.team_members("T1")
    assert client.get("/agents/A002/?period=2026-10").status_code == 200
    assert client.get("/agents/A004/?period=2026-10").status_code == 404, "still only their own teams"


def test_directors_see_computed_results_marked_as_not_yet_reviewed(client, computed):
    login(client, "director")
    page = client.get("/ranking/?period=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    assert len(page.context["rows"]) == 6
    text = visible_text(page.content)
    assert "Computed — not yet reviewed or published" in text
    assert "Leads and agents do not see these results yet." in text


@pytest.mark.parametrize(
    ("state_path", "english", "chinese"),
    [
        ([], "Computed", "已计算"),
        (["in_review"], "In review", "复核中"),
        (["in_review", "published"], "Published", "已发布"),
        (["in_review", "published", "closed"], "Closed", "已关闭"),
    ],
)
def test_scorecard_and_ranking_show_the_cycle_state(client, computed, state_path, english, chinese):
    for step in state_path:
        store.transition("2026-10", "monthly", step)
    login(client, "director")
    for url in ["/agents/A001/?period=2026-10", "/ranking/?period=2026-10"]:
        assert english in visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content)
        zh = visible_text(client.get(url).content)
        assert chinese in zh and english_words(zh) == set()


# The cycles page ----------------------------------------------------------------------------------


def test_the_cycles_page_lists_every_cycle_with_the_moves_it_allows(client, appraisal):
    store.transition("2026-Q3", "quarterly", "closed")
    login(client, "director")
    page = client.get("/cycles/")
    assert page.status_code == 200
    rows = {r.cycle.period: r for r in page.context["rows"]}
    assert list(rows) == ["2026-10", "2026-09", "2026-Q3"]
    assert [t for t, _ in rows["2026-10"].actions] == ["closed"]
    assert rows["2026-Q3"].actions == []
    assert rows["2026-10"].current.number == 1 and rows["2026-10"].run_count == 1
    assert rows["2026-Q3"].last_change.to_state == "closed"
    assert page.content.count(b"csrfmiddlewaretoken") >= 3  # two moves and the language switch


def test_the_cycles_page_is_in_chinese_with_no_english_left(client, appraisal):
    store.save_scorecards(
        copy.deepcopy(appraisal.runs[1].cards), period="2026-10", cycle="monthly", scheme_version="2026.2"
    )
    login(client, "director")
    for url in ["/cycles/", "/cycles/2026-10/monthly/"]:
        page = client.get(url)
        assert page.status_code == 200
        assert english_words(visible_text(page.content)) == set(), url
    assert "开始复核（开放申诉期）" in visible_text(client.get("/cycles/").content)


def test_the_cycle_page_shows_every_run_and_the_whole_history(client, appraisal):
    cards = copy.deepcopy(appraisal.runs[1].cards)
    store.save_scorecards(cards, period="2026-10", cycle="monthly", scheme_version="2026.2")
    login(client, "director")
    page = client.get("/cycles/2026-10/monthly/", HTTP_ACCEPT_LANGUAGE="en")
    assert [(r.number, r.superseded, r.scorecard_count) for r in page.context["runs"]] == [
        (2, False, 6),
        (1, True, 6),
    ]
    assert [(t.from_state, t.to_state) for t in page.context["history"]] == [
        ("draft", "computed"),
        ("computed", "in_review"),
        ("in_review", "published"),
        ("published", "computed"),
    ]
    text = visible_text(page.content)
    assert "computed run #2" in text and "superseded" in text
    assert client.get("/cycles/2031-01/monthly/").status_code == 404


def test_a_director_moves_a_cycle_from_the_page(client, computed):
    login(client, "director")
    response = client.post(
        "/cycles/2026-10/monthly/transition/",
        {"to": "in_review", "next": "/cycles/"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"] == "/cycles/"
    assert store.cycle_state("2026-10", "monthly") == "in_review"
    assert history("2026-10")[-1] == ("computed", "in_review", "director", None)
    page = client.get("/cycles/", HTTP_ACCEPT_LANGUAGE="en")
    assert "2026-10 (Monthly) is now In review." in visible_text(page.content)


def test_a_move_the_state_does_not_allow_is_refused_on_the_page_with_a_message(client, computed):
    login(client, "director")
    response = client.post("/cycles/2026-10/monthly/transition/", {"to": "closed"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/cycles/"
    assert store.cycle_state("2026-10", "monthly") == "computed"
    text = visible_text(client.get("/cycles/", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "2026-10 (Monthly) is Computed: it cannot move there. Allowed: In review." in text


def test_a_closed_cycle_is_refused_on_the_page(client, appraisal):
    close()
    login(client, "director")
    client.post("/cycles/2026-10/monthly/transition/", {"to": "published"})
    assert store.cycle_state("2026-10", "monthly") == "closed"
    assert "已关闭，不可再更改" in visible_text(client.get("/cycles/").content)


def test_an_outside_next_address_is_not_followed(client, computed):
    login(client, "director")
    response = client.post(
        "/cycles/2026-10/monthly/transition/", {"to": "in_review", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/cycles/"


@pytest.mark.parametrize("username", ["lead", "agent", "auditor", "qa"])
def test_only_administrators_and_directors_move_cycles_on_the_page(client, computed, username):
    if username in ("auditor", "qa"):
        make_user(username, username, teams=("T1",))
    login(client, username)
    response = client.post("/cycles/2026-10/monthly/transition/", {"to": "in_review"})
    assert response.status_code == 403
    assert store.cycle_state("2026-10", "monthly") == "computed"


@pytest.mark.parametrize(
    ("username", "status"), [("lead", 403), ("agent", 403), ("qa", 403), ("auditor", 200)]
)
def test_the_cycles_page_is_for_those_who_oversee_the_organisation(client, computed, username, status):
    if username in ("auditor", "qa"):
        make_user(username, username, teams=("T1",))
    login(client, username)
    page = client.get("/cycles/")
    assert page.status_code == status
    if status == 200:
        assert page.context["can_change"] is False
        assert b"/transition/" not in page.content, "an auditor reads, with no buttons"


def test_the_cycles_page_needs_a_login_and_moves_need_post_and_csrf(computed):
    anonymous = Client()
    assert anonymous.get("/cycles/")["Location"].startswith("/accounts/login/")
    strict = Client(enforce_csrf_checks=True)
    login(strict, "director")
    assert strict.get("/cycles/2026-10/monthly/transition/").status_code == 405
    assert strict.post("/cycles/2026-10/monthly/transition/", {"to": "in_review"}).status_code == 403
    assert store.cycle_state("2026-10", "monthly") == "computed"


def test_the_navigation_links_the_cycles_page_for_directors_only(client, appraisal):
    assert b'href="/cycles/"' in login(client, "director").get("/ranking/").content
    client.logout()
    assert b'href="/cycles/"' not in login(client, "lead").get("/ranking/").content
