"""The report cache the data-quality and effect-evaluation pages share: hits, least recently used
out first, and the event-store state that keys it."""

from frontdesk.web.insights.report_cache import ReportCache, store_state


def test_a_hit_does_not_recompute_and_the_least_recently_used_goes_first():
    calls = []
    cache = ReportCache(size=2)

    def compute(key):
        return lambda: calls.append(key) or f"report {key}"

    assert cache.get("a", compute("a")) == "report a"
    assert cache.get("b", compute("b")) == "report b"
    assert cache.get("a", compute("a")) == "report a"  # a hit: "a" is now the most recent
    cache.get("c", compute("c"))  # evicts "b", the least recently used
    assert len(cache) == 2
    cache.get("a", compute("a"))
    cache.get("b", compute("b"))
    assert calls == ["a", "b", "c", "b"]


def test_the_store_state_changes_when_a_file_is_added(tmp_path):
    events = tmp_path / "events"
    assert store_state(events) == (0, 0)
    (events / "interactions" / "month=2026-10").mkdir(parents=True)
    (events / "interactions" / "month=2026-10" / "b1.parquet").write_bytes(b"x")
    (events / "interactions" / "month=2026-10" / ".b2.parquet").write_bytes(b"x")  # a temp file: not counted
    count, newest = store_state(events)
    assert count == 1 and newest > 0
