"""For transactional tests on SQLite that write ledger rows (browser tests): the append-only
triggers refuse the DELETE that Django's flush uses after the test. This fixture empties the
ledger first with the DELETE triggers lifted for that moment only, then puts them back, so the
flush that follows succeeds. PostgreSQL flushes with TRUNCATE and needs none of this.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.db import connection

_triggers = importlib.import_module("ehub.ledger.migrations.0002_ledger_triggers")
TABLES_CHILD_FIRST = ["ledger_posting", "ledger_journalentry", "ledger_ledgeraccount"]


def ledger_empty_on_sqlite() -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in _triggers.SQLITE_BACKWARD:
            cursor.execute(statement)
        for table in TABLES_CHILD_FIRST:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for statement in _triggers.SQLITE_FORWARD:
            cursor.execute(statement)


@pytest.fixture
def ledger_flushable(transactional_db: None) -> Iterator[None]:
    yield
    ledger_empty_on_sqlite()
