"""The pgTAP files are written against an empty test database with default
settings. Under pytest-xdist they may follow any module on the same worker,
so each starts from one, whatever ran before it."""

from __future__ import annotations

import psycopg
import pytest

from harness import empty_database


@pytest.fixture(autouse=True)
def empty_tables(pgtap_connection: psycopg.Connection) -> None:
    empty_database(pgtap_connection)
