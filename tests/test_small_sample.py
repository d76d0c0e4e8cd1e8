"""Small samples are judged once, in scoring, by the scheme's min_n (the catalogue's is the default)."""

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scheme import load_scheme, parse_scheme
from frontdesk.scoring.scores import AgentInfo, score_agent
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

CAT = builtin_catalog()
T0 = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
GRADES = "grades:\n  - {code: A, min: 85}\n  - {code: B, min: 0}\n"


@pytest.fixture
def csat(tmp_path):
    """A1's CSAT for October 2026 as the engine measures it: four answers, catalogue min_n 20."""
    store = EventStore(tmp_path)
    store.write(
        "surveys",
        pa.Table.from_pylist(
            [dict(survey_id=f"S{i}", agent_id="A1", kind="csat", score=s, scale_max=5.0, submitted_at=T0)
             for i, s in enumerate([5, 4, 5, 4])],
            schema=TABLES["surveys"].schema,
        ),
    )  # fmt: skip
    engine = DuckDBEngine(store)
    try:
        yield engine.measures([CAT["csat"]], parse_period("2026-10"), "Asia/Shanghai")["A1"]
    finally:
        engine.close()


def _flags(measures, scheme) -> list[str]:
    return (
        score_agent(AgentInfo("A1", "x", "T1"), measures, scheme, CAT, "2026-10", "monthly")
        .indicators["csat"]
        .flags
    )


def test_the_engine_reports_n_and_leaves_the_judgement_to_scoring(csat):
    m = csat["csat"]
    assert (m.value, m.n) == (100.0, 4) and CAT["csat"].min_n == 20
    assert "small_sample" not in m.flags


def test_without_a_schemes_min_n_the_catalogues_decides(csat):
    assert "small_sample" in _flags(csat, load_scheme())  # the default scheme sets no min_n for csat


def test_a_schemes_lower_min_n_is_not_overruled_by_the_catalogue(csat):
    scheme = parse_scheme(
        "scheme: t\nversion: '1'\ndimensions:\n  - code: quality\n    weight: 100\n    indicators:\n"
        "      - {code: csat, weight: 100, target: 95, floor: 60, min_n: 3}\n" + GRADES,
        "t.yaml",
    )
    assert "small_sample" not in _flags(csat, scheme)
