"""``frontdesk text``: the analyze contract, bad input, retraining, and the flow into qa_reviews."""

import json

import pyarrow.compute as pc
import pytest
from conftest import run_frontdesk

ZH = {"id": "z1", "turns": [
    {"speaker": "customer", "text": "你们怎么回事？等了半天都没人处理！", "at": "2026-08-03T09:00:00Z"},
    {"speaker": "agent", "text": "您好，非常抱歉让您久等了，请提供一下手机号。", "at": "2026-08-03T09:00:20Z"},
    {"speaker": "customer", "text": "13812345678", "at": "2026-08-03T09:00:40Z"},
    {"speaker": "agent", "text": "已经为您处理好了。还有什么可以帮您？", "at": "2026-08-03T09:03:00Z"},
    {"speaker": "customer", "text": "没有了，谢谢！", "at": "2026-08-03T09:03:10Z"}],
    "topic": "billing", "is_complaint": True}  # fmt: skip
EN = {"id": "e1", "lang": "en", "turns": [
    {"speaker": "customer", "text": "Hi, my card has been blocked."},
    {"speaker": "agent", "text": "Let me look."},
    {"speaker": "customer", "text": "This is ridiculous, still nothing works and I want to complain!"}]}  # fmt: skip


def _write(path, docs):
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def test_analyze_prints_one_line_per_conversation_with_the_documented_keys(tmp_path):
    f = _write(tmp_path / "in.jsonl", [ZH, EN])
    out = run_frontdesk("text", "analyze", "--input", str(f), "--format", "jsonl").stdout
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["id"] for x in lines] == ["z1", "e1"]
    for x in lines:
        assert {
            "id",
            "predicted_satisfaction",
            "greeting",
            "closing",
            "sentiment",
            "keywords",
            "flags",
        } <= set(x)
        assert {"start", "end"} <= set(x["sentiment"])
    z, e = lines
    assert z["lang"] == "zh"  # detected
    assert z["greeting"] is True and z["closing"] is True
    assert z["keywords"]["required"] == {"offer_further_help": True, "identity_check": True, "apology": True}
    assert z["reply_seconds"] == [20.0, 140.0] and "slow_reply" in z["flags"]
    assert z["sentiment"]["end"] > z["sentiment"]["start"]
    assert z["pii_masked"] == {"phone": 1}
    assert e["greeting"] is False and e["closing"] is False
    assert {"no_greeting", "no_closing", "required_missing"} <= set(e["flags"])
    assert e["sentiment"]["end"] < e["sentiment"]["start"] and "ends_worse" in e["flags"]
    assert -2 <= e["predicted_satisfaction"] < z["predicted_satisfaction"] <= 2


def test_bad_input_exits_2_naming_file_line_and_field(tmp_path):
    bad = dict(EN, turns=[{"speaker": "robot", "text": "hi"}])
    f = _write(tmp_path / "in.jsonl", [ZH, bad])
    r = run_frontdesk("text", "analyze", "--input", str(f), check=False)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"frontdesk: error: {f}:2: field turns[0].speaker: expected 'customer' or 'agent', got 'robot'"
    ]
    assert r.stdout == ""  # nothing printed before the whole file was read


def test_train_writes_a_model_that_analyze_then_uses(tmp_path):
    docs = []
    for i in range(60):
        good = i % 3 != 0
        end = (
            "Great, thank you so much, all sorted!"
            if good
            else "Useless. It is still broken and I want a refund."
        )
        docs.append({"id": f"t{i}", "satisfaction": 5 if good else 1, "turns": [
            {"speaker": "customer", "text": f"Order {i} has not arrived"},
            {"speaker": "agent", "text": "Hello, let me check that for you."},
            {"speaker": "customer", "text": end}]})  # fmt: skip
    f = _write(tmp_path / "csat.jsonl", docs)
    r = run_frontdesk(
        "text", "train", "--input", str(f), "--output", str(tmp_path / "models"), "--folds", "3"
    )
    assert "en: 60 conversations" in r.stdout and "cross-validated Spearman" in r.stdout
    assert (tmp_path / "models" / "satisfaction-en.npz").exists()
    probe = _write(tmp_path / "probe.jsonl", [docs[1], docs[0]])
    out = run_frontdesk("text", "analyze", "--input", str(probe), "--model", str(tmp_path / "models")).stdout
    good, bad = (json.loads(x) for x in out.splitlines())
    assert good["satisfaction_scale"] == [1.0, 5.0]
    assert good["predicted_satisfaction"] > 4 and bad["predicted_satisfaction"] < 2


def test_train_needs_a_satisfaction_on_every_line(tmp_path):
    f = _write(tmp_path / "csat.jsonl", [EN])
    r = run_frontdesk("text", "train", "--input", str(f), "--output", str(tmp_path / "m"), check=False)
    assert r.returncode == 2 and f"{f}:1: field satisfaction: required" in r.stderr


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from frontdesk.synth import generate
    from frontdesk.usecases.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("ws"))
    generate(ws.store(), agents=10, months=1, start="2026-08", seed=3)
    return ws


def test_apply_writes_one_transcript_auto_review_per_conversation_once(workspace):
    store = workspace.store()
    msgs = store.read("messages")
    conversations = len(set(msgs["interaction_id"].to_pylist()))
    assert conversations > 20
    r = run_frontdesk("text", "apply", "--period", "2026-08", "--workspace", str(workspace.root))
    assert f"{conversations} transcripts, {conversations} reviews written" in r.stdout
    reviews = store.read("qa_reviews")
    auto = reviews.filter(pc.equal(reviews["method"], "transcript_auto"))
    assert auto.num_rows == conversations
    assert set(auto["interaction_id"].to_pylist()) == set(msgs["interaction_id"].to_pylist())
    again = run_frontdesk("text", "apply", "--period", "2026-08", "--workspace", str(workspace.root))
    assert f"0 reviews written, {conversations} already reviewed" in again.stdout
    assert store.read("qa_reviews").num_rows == reviews.num_rows


def test_script_compliance_and_emotion_handling_come_from_the_applied_reviews(workspace):
    from frontdesk.indicators.catalog import builtin_catalog
    from frontdesk.indicators.engines import DuckDBEngine
    from frontdesk.indicators.periods import parse_period

    store = workspace.store()
    if (
        not store.read("qa_reviews")
        .filter(pc.equal(store.read("qa_reviews")["method"], "transcript_auto"))
        .num_rows
    ):
        run_frontdesk("text", "apply", "--period", "2026-08", "--workspace", str(workspace.root))
    reviews = {r["review_id"]: r for r in store.read("qa_reviews").to_pylist()}
    items = [
        i
        for i in store.read("qa_items").to_pylist()
        if reviews[i["review_id"]]["method"] == "transcript_auto"
    ]
    want_p1: dict[str, list[float]] = {}
    want_p3: dict[str, list[float]] = {}
    for i in items:
        if i["not_applicable"]:
            continue
        agent = reviews[i["review_id"]]["agent_id"]
        if i["criterion"] in ("emotion_handling", "empathy"):  # I-P3's items, never also I-P1's
            q = want_p3.setdefault(agent, [0.0, 0.0])
            q[0], q[1] = q[0] + i["score"], q[1] + i["max"]
        else:
            p = want_p1.setdefault(agent, [0.0, 0.0])
            p[0], p[1] = p[0] + i["score"], p[1] + i["max"]
    cat = builtin_catalog()
    engine = DuckDBEngine(store)
    try:
        values = engine.measures([cat["script_compliance"], cat["emotion_handling"]], parse_period("2026-08"),
                                 workspace.timezone, agent_ids=sorted(want_p1))  # fmt: skip
    finally:
        engine.close()
    for agent, (s, m) in want_p1.items():
        assert values[agent]["script_compliance"].value == pytest.approx(100 * s / m)
    # Emotion handling pools transcript items with human inspections' items, so it is at least defined.
    assert all(values[a]["emotion_handling"].value is not None for a in want_p3)
    spread = [values[a]["script_compliance"].value for a in want_p1]
    assert max(spread) - min(spread) > 3  # agents differ (the generator's greeting and closing follow skill)
