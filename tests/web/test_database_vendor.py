"""The web tests run on the database DATABASE_URL names: SQLite by default, PostgreSQL in CI's second run."""

import os

from django.db import connection


def test_the_tests_run_on_the_database_that_was_asked_for(db):
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone()[0] == 1
