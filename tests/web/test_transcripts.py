"""The transcript page (insights/transcripts.py) by role, with the Django test client over a real
event store: personal data never shown, greeting / closing / required / forbidden phrases marked in
place, customer sentiment labelled per turn, predicted satisfaction and flags; the same visibility
as the agent's scorecard (404 otherwise); the link from I-P1 / I-P3 evidence rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
from django.template.loader import render_to_string
from django.test import Client

from frontdesk.indicators.engines.base import Evidence, EvidenceRow
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.text.analysis import Mark
from frontdesk.text.model import shipped_model
from frontdesk.text.rules import DEFAULT_RULES, find
from frontdesk.text.sentiment import turn_sentiment
from frontdesk.usecases.workspace import init_workspace
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.evidence import evidence_rows, interaction_of_record
from frontdesk.web.insights.transcripts import mood_of, pieces

from .conftest import PASSWORD
from .test_appeals import make_user

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)
PHONE = "13812345678"
ID_CARD = "11010519491231002X"
BANK_CARD = "6222 0212 3456 7890 128"  # UnionPay, grouped
EMAIL = "li.na@example.com"
SECRETS = (PHONE, ID_CARD, BANK_CARD, BANK_CARD.replace(" ", ""), EMAIL, "li.na@")

# interaction → (agent, topic, complaint, turns); turns are (speaker, text)
CONVERSATIONS = {
    "CZ1": ("A001", "billing", False, [
        ("customer", f"你好，我的手机号是{PHONE}，这个月账单怎么多扣了钱？"),
        ("agent", "您好，很高兴为您服务，请您提供身份证号核实一下身份。"),
        ("customer", f"身份证{ID_CARD}，银行卡{BANK_CARD}，邮箱{EMAIL}"),
        ("agent", "已经为您处理好了，请问还有什么可以帮您？"),
        ("customer", "好的，谢谢，问题解决了！"),
    ]),
    "CE2": ("A004", None, True, [
        ("customer", "Hi, I would like to change my booking date, please."),
        ("agent", "Calm down, it is not my problem."),
        ("customer", "Terrible. I want to file a complaint, this is unacceptable!"),
        ("bot", f"Survey link sent to {EMAIL}"),
    ]),
    "CZ3": ("A002", None, False, [
        ("customer", "我想改一下预订的日期。"),
        ("agent", "已经帮您修改好了。"),
        ("customer", "好的。"),
    ]),
}  # fmt: skip


def write_world(root) -> None:
    """A workspace whose event store holds the conversations above and their interactions."""
    init_workspace(root)
    store = EventStore(root / "events")
    inter, msgs = [], []
    for n, (iid, (agent, topic, complaint, turns)) in enumerate(CONVERSATIONS.items()):
        start = T0 + timedelta(hours=n)
        inter.append(dict(interaction_id=iid, channel="chat", agent_id=agent, created_at=start,
                          first_response_at=start + timedelta(seconds=20), topic=topic,
                          is_complaint=complaint, abandoned=False))  # fmt: skip
        for seq, (speaker, text) in enumerate(turns, start=1):
            msgs.append(dict(interaction_id=iid, seq=seq, at=start + timedelta(seconds=20 * seq), speaker=speaker,
                             agent_id=agent if speaker == "agent" else None, text=text))  # fmt: skip
    store.write("interactions", pa.Table.from_pylist(inter, schema=TABLES["interactions"].schema))
    store.write("messages", pa.Table.from_pylist(msgs, schema=TABLES["messages"].schema))
    # An interaction without a transcript.
    store.write("interactions", pa.Table.from_pylist(
        [dict(interaction_id="NOTEXT", channel="phone", agent_id="A001", created_at=T0, abandoned=False)],
        schema=TABLES["interactions"].schema))  # fmt: skip


@pytest.fixture
def world(appraisal, settings, tmp_path):
    """The web test organisation (logins director, lead of T1, agent A001) plus a QA reviewer of
    T1, an agent A004 in T2 and an auditor; the transcripts in the workspace's event store."""
    make_user("qa", Role.QA, teams=("T1",))
    make_user("agent4", Role.AGENT, agent="A004")
    make_user("auditor", Role.AUDITOR)
    write_world(tmp_path)
    settings.WORKSPACE = tmp_path
    return tmp_path


def client_as(username: str | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


def page(username: str, interaction_id: str, language: str = "en") -> str:
    response = client_as(username, language).get(f"/interactions/{interaction_id}/transcript/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def marked(html: str, kind: str) -> list[str]:
    """The texts marked with ``kind`` on the page (inner text of the mark elements)."""
    return re.findall(rf'<mark class="[^"]*\bmark-{kind}\b[^"]*" title="[^"]*">([^<]*)</mark>', html)


# Who may see it ------------------------------------------------------------------------------------

WHO = {
    # user → {interaction: status}; A001, A002 in T1 (the lead's and QA reviewer's team), A004 in T2
    "director": {"CZ1": 200, "CE2": 200, "CZ3": 200},
    "auditor": {"CZ1": 200, "CE2": 200, "CZ3": 200},
    "lead": {"CZ1": 200, "CE2": 404, "CZ3": 200},
    "qa": {"CZ1": 200, "CE2": 404, "CZ3": 200},
    "agent": {"CZ1": 200, "CE2": 404, "CZ3": 404},
    "agent4": {"CZ1": 404, "CE2": 200, "CZ3": 404},
}


@pytest.mark.parametrize("username", list(WHO))
def test_each_role_sees_the_transcripts_of_the_agents_whose_scorecards_it_may_read(world, username):
    client = client_as(username)
    got = {iid: client.get(f"/interactions/{iid}/transcript/").status_code for iid in WHO[username]}
    assert got == WHO[username]
    # Unknown interactions, and interactions without a transcript, answer the same 404.
    assert client.get("/interactions/NOPE/transcript/").status_code == 404
    assert client.get("/interactions/NOTEXT/transcript/").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(world):
    response = Client().get("/interactions/CZ1/transcript/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_a_refused_transcript_shows_nothing_of_it(world):
    body = client_as("agent").get("/interactions/CE2/transcript/").content.decode()
    assert "ridiculous" not in body and "Calm down" not in body and "Liu Yang" not in body


def test_no_store_answers_404(appraisal, settings):
    settings.WORKSPACE = None
    assert client_as("director").get("/interactions/CZ1/transcript/").status_code == 404


# What it shows -------------------------------------------------------------------------------------


def test_personal_data_is_masked_in_every_turn(world):
    for iid, user in (("CZ1", "director"), ("CE2", "director")):
        html = page(user, iid)
        for secret in SECRETS:
            assert secret not in html, (iid, secret)
    html = page("director", "CZ1")
    assert "我的手机号是[PHONE]" in html
    assert "身份证[ID]，银行卡[CARD]，邮箱[EMAIL]" in html
    assert "Survey link sent to [EMAIL]" in page("director", "CE2")  # a bot's turn too
    # The page says how much was masked.
    assert "phone number × 1, ID-card number × 1, bank card × 1, e-mail address × 1" in html


def test_a_compliant_chinese_chat_has_its_phrases_marked(world):
    html = page("agent", "CZ1")
    assert marked(html, "greeting") == ["您好", "很高兴为您服务"]
    # 还有什么可以帮 is both the closing and the default topic's offer of further help.
    assert (
        '<mark class="mark-closing mark-required" title="closing, required phrase">还有什么可以帮</mark>'
        in html
    )
    # billing requires an identity check: 身份 and 核实 are both identity-check phrases.
    assert set(marked(html, "required")) >= {"核实", "身份", "还有什么可以帮"}
    assert marked(html, "forbidden") == []
    assert 'data-greeting="yes"' in html and 'data-closing="yes"' in html
    assert "✓ Identity check" in html and "✓ Offer of further help" in html
    assert "data-flag=" not in html  # no flags
    # Sentiment: the first customer turn asks why money was taken; the last one is thankful.
    moods = re.findall(r'<span class="mood mood-(\w+)" title', html)
    assert moods == ["neutral", "positive", "positive"]
    end = turn_sentiment(CONVERSATIONS["CZ1"][3][4][1], "zh", shipped_model("zh"))
    assert f'<span aria-hidden="true">▲</span> positive +{end:.2f}' in html
    sat = float(re.search(r'data-satisfaction="([^"]+)"', html).group(1))
    assert -2 <= sat <= 2  # the shipped model's scale: STC-3's −2 … +2


def test_a_rude_english_chat_is_flagged(world):
    html = page("director", "CE2")
    assert marked(html, "forbidden") == ["Calm down", "not my problem"]  # shown as written
    assert 'data-greeting="no"' in html
    flags = set(re.findall(r'data-flag="(\w+)"', html))
    assert {"no_greeting", "no_closing", "required_missing", "forbidden_phrase", "ends_worse"} <= flags
    assert "✗ Apology" in html  # a complaint requires an apology
    assert "✗ Rude language" in html
    # A mild start (−0.13) and an angry end (−0.77): the customer ended worse.
    moods = re.findall(r'<span class="mood mood-(\w+)" title', html)
    assert moods == ["neutral", "negative"]
    end = turn_sentiment(CONVERSATIONS["CE2"][3][2][1], "en", shipped_model("en"))
    assert f'<span aria-hidden="true">▼</span> negative −{abs(end):.2f}' in html
    assert "turn-bot turn-other" in html  # the bot's turn is shown, not analysed


def test_the_page_in_chinese(world):
    html = page("agent", "CZ1", language="zh-hans")
    assert "对话记录" in html and "预测满意度" in html
    assert "✓ 身份核验" in html and "✓ 主动询问其他需求" in html
    assert 'title="问候">您好</mark><span class="mark-tag">问候</span>' in html
    assert '<span class="speaker">客户</span>' in html and '<span class="speaker">客服</span>' in html
    assert "▲</span> 积极" in html and "在线客服 · billing" in html


# The pieces of a turn -------------------------------------------------------------------------------


def test_marks_map_back_to_the_original_text():
    # Full-width letters and doubled spaces: the matcher reads "hello there", the page shows the original.
    text = "Ｈｅｌｌｏ  there, anything   else?"
    found = find(text, DEFAULT_RULES.greeting.phrases["en"], "en")
    marks = [Mark(s, e, "greeting", "greeting", p) for s, e, p in found]
    marks += [Mark(s, e, "closing", "closing", p) for s, e, p in find(text, ("anything else",), "en")]
    out = pieces(text, marks, "en")
    assert [(p.text, p.kinds) for p in out] == [
        ("Ｈｅｌｌｏ", ("greeting",)),
        ("  there, ", ()),
        ("anything   else", ("closing",)),
        ("?", ()),
    ]
    # Word-segmented Chinese (spaces between characters) is matched without them, shown with them.
    text = "您 好 ， 请问 还有 什么 可以 帮 您"
    marks = [Mark(s, e, "greeting", "greeting", p) for s, e, p in find(text, ("您好",), "zh")]
    marks += [Mark(s, e, "closing", "closing", p) for s, e, p in find(text, ("还有什么可以帮",), "zh")]
    out = pieces(text, marks, "zh")
    assert [p.text for p in out if p.kinds] == ["您 好", "还有 什么 可以 帮"]
    assert "".join(p.text for p in out) == text


def test_moods_are_labelled_by_threshold():
    assert [mood_of(x) for x in (None, -0.5, -0.2, 0.0, 0.19, 0.2, 0.9)] == [
        None, "negative", "negative", "neutral", "neutral", "positive", "positive"
    ]  # fmt: skip


# The link from the evidence ---------------------------------------------------------------------------


def test_evidence_of_automatic_reviews_links_to_the_transcript(world):
    assert interaction_of_record("TA-CZ1:greeting") == "CZ1"
    assert interaction_of_record("TA-I0042:required:identity_check") == "I0042"
    assert interaction_of_record("TA-a:b:forbidden:rude_language") == "a:b"
    assert interaction_of_record("R17:greeting") is None  # a person's review
    assert interaction_of_record("TA-CZ1") is None  # a review, not an item
    found = Evidence(
        indicator="script_compliance",
        agent_id="A001",
        period="2026-10",
        labels=("score",),
        rows=[EvidenceRow("TA-CZ1:greeting", T0, (1.0,)), EvidenceRow("R17:empathy", T0, (0.5,))],
        total=2,
        page=1,
        page_size=25,
    )
    rows = evidence_rows(found, UTC)
    assert [r.transcript for r in rows] == ["CZ1", None]
    html = render_to_string("appraisal/_evidence.html", {"evidence": found, "rows": rows, "zone": UTC})
    assert '<a href="/interactions/CZ1/transcript/"' in html
    assert html.count("/transcript/") == 1
