"""The mapping expression language: ``add_seconds``, one-line errors naming the mapping entry and
the function, and the size and depth limits checked when a mapping is read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
from conftest import run_frontdesk

from frontdesk.ingest import IngestError, import_files, parse_mapping
from frontdesk.ingest.expressions import (
    MAX_CHARS,
    MAX_DEPTH,
    Context,
    ExpressionError,
    compile_expression,
    evaluate,
)
from frontdesk.store.eventstore import EventStore

T0 = datetime(2026, 10, 3, 9, 0, tzinfo=UTC)
DEEP_NOT = "not " * 3000 + "is_vip"
LONG_SUM = " + ".join(["handle_seconds"] * 50_001)


def _ctx(**fields: pa.Array) -> Context:
    n = len(next(iter(fields.values())))
    return Context(dict(fields), {}, "UTC", "dmy", n)


def _eval(text: str, **fields: pa.Array) -> list:
    return evaluate(compile_expression(text), _ctx(**fields)).to_pylist()


def test_add_seconds_adds_whole_and_decimal_seconds_and_keeps_the_type():
    ts = pa.array([T0, T0, None], pa.timestamp("us", tz="UTC"))
    ints = pa.array([90, None, 5], pa.int64())
    floats = pa.array([1.5, -0.25, 2.0], pa.float64())
    out = evaluate(compile_expression("add_seconds(created_at, n)"), _ctx(created_at=ts, n=ints))
    assert out.type == pa.timestamp("us", tz="UTC")
    assert out.to_pylist() == [T0 + timedelta(seconds=90), None, None]  # null in either: null
    assert _eval("add_seconds(created_at, f)", created_at=ts, f=floats) == [
        T0 + timedelta(seconds=1.5),
        T0 - timedelta(seconds=0.25),
        None,
    ]
    assert _eval("add_seconds(created_at, 60)", created_at=ts) == [T0 + timedelta(minutes=1)] * 2 + [None]
    assert _eval("add_seconds(created_at, None)", created_at=ts) == [None] * 3
    ms = pa.array([T0], pa.timestamp("ms", tz="UTC"))
    out = evaluate(compile_expression("add_seconds(t, 2)"), _ctx(t=ms))
    assert out.type == pa.timestamp("ms", tz="UTC") and out.to_pylist() == [T0 + timedelta(seconds=2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("add_seconds(topic, 5)", "add_seconds(): the first argument must be a time"),
        ("add_seconds(created_at, topic)", "add_seconds(): the second argument must be a number of seconds"),
        (
            "add_seconds(created_at, 1e300)",
            "add_seconds(): the result is beyond the times that can be stored",
        ),
        ("add_seconds(created_at)", "add_seconds() takes 2 arguments"),
        ("created_at == 5", "'==' cannot be applied to time and number values"),
    ],
)
def test_evaluation_errors_are_one_line_in_the_languages_words(text, message):
    fields = {"created_at": pa.array([T0], pa.timestamp("us", tz="UTC")), "topic": pa.array(["x"])}
    with pytest.raises(ExpressionError) as e:
        evaluate(compile_expression(text), _ctx(**fields))
    assert str(e.value).startswith(message) and "\n" not in str(e.value)
    assert "kernel" not in str(e.value) and "Function" not in str(e.value)


CALLS = "Call,Agent,Start,ASA (s)\nC1,A1,2026-10-03 09:00,42\nC2,A1,2026-10-03 09:10,\nC3,A1,,7.5\n"
COLUMNS = (
    '[tables.interactions.columns]\n"Call" = "interaction_id"\n"Agent" = "agent_id"\n"Start" = "created_at"\n'
)


def _import(tmp_path, mapping_text: str):
    path = tmp_path / "calls.csv"
    path.write_text(CALLS)
    store = EventStore(tmp_path / "events")
    report = import_files(store, [path], parse_mapping(mapping_text, "calls.toml"), tmp_path / "imports")
    return report, {r["interaction_id"]: r for r in store.read("interactions").to_pylist()}


@pytest.mark.parametrize(
    "mapping_text",
    [
        # the speed of answer read from its source column
        COLUMNS
        + '[tables.interactions.derived]\nfirst_response_at = "add_seconds(created_at, number(col(\\"ASA (s)\\")))"\n',
        # or mapped to a canonical field first and read by its name
        COLUMNS + '"ASA (s)" = "wait_seconds"\n'
        '[tables.interactions.derived]\nfirst_response_at = "add_seconds(created_at, wait_seconds)"\n',
    ],
)
def test_a_call_centres_speed_of_answer_feeds_the_first_response(tmp_path, mapping_text):
    report, rows = _import(tmp_path, 'timezone = "UTC"\n' + mapping_text)
    assert rows["C1"]["first_response_at"] == T0 + timedelta(seconds=42)
    assert rows["C2"]["first_response_at"] is None  # no speed of answer: no first response
    assert "C3" not in rows and report.tables["interactions"].refused == 1  # no created_at


def test_an_import_names_the_mapping_entry_and_the_function(tmp_path):
    bad = COLUMNS + '[tables.interactions.derived]\nfirst_response_at = "add_seconds(col(\\"Start\\"), 30)"\n'
    with pytest.raises(IngestError) as e:
        _import(tmp_path, bad)
    text = str(e.value)
    assert "\n" not in text
    assert "tables.interactions.derived.first_response_at" in text
    assert "add_seconds(): the first argument must be a time" in text and "not text" in text


def test_the_limits_are_documented_values():
    assert (MAX_CHARS, MAX_DEPTH) == (2000, 50)
    compile_expression(" + ".join(["handle_seconds"] * 50))  # 50 deep: allowed
    compile_expression("not " * 49 + "is_vip")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (DEEP_NOT, "characters long; at most 2,000"),
        (LONG_SUM, "characters long; at most 2,000"),
        ("not " * 60 + "is_vip", "nests more than 50 levels deep"),
        (" + ".join(["wait_seconds"] * 60), "nests more than 50 levels deep"),
        ("(" * 300 + "is_vip" + ")" * 300, "not an expression"),
    ],
)
def test_too_long_or_too_deep_is_refused_when_the_mapping_is_read(text, message):
    doc = f'[tables.interactions.derived]\nis_complaint = "{text}"\n'
    with pytest.raises(IngestError) as e:
        parse_mapping(doc, "big.toml")
    assert e.value.to_json()["code"] == "bad_mapping"
    assert message in str(e.value) and "\n" not in str(e.value) and len(str(e.value)) < 300
    assert "tables.interactions.derived.is_complaint" in str(e.value)


@pytest.mark.parametrize("text", [DEEP_NOT, LONG_SUM], ids=["deep-not", "long-sum"])
def test_the_cli_dry_run_exits_2_with_one_line(tmp_path, text):
    ws = tmp_path / "ws"
    run_frontdesk("init", "--workspace", str(ws))
    (tmp_path / "calls.csv").write_text(CALLS)
    mapping = tmp_path / "big.toml"
    mapping.write_text(COLUMNS + f'[tables.interactions.derived]\nis_complaint = "{text}"\n')
    r = run_frontdesk(
        "import", "--workspace", str(ws), str(tmp_path / "calls.csv"), "--mapping", str(mapping), "--dry-run",
        check=False,
    )  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "tables.interactions.derived.is_complaint" in r.stderr and "at most 2,000" in r.stderr


def test_a_result_of_the_wrong_type_is_one_line_naming_the_entry(tmp_path):
    bad = COLUMNS + '[tables.interactions.derived]\nhandle_seconds = "created_at"\n'
    with pytest.raises(IngestError) as e:
        _import(tmp_path, bad)
    assert str(e.value).endswith(
        "tables.interactions.derived.handle_seconds = 'created_at': the result is time; the field holds number"
    )
