"""The tests in this folder run against a database filled by a simulated
racing day (the `simulated_day` fixture of tests/conftest.py). Its pgTAP
files do too: this `_pgtap_runner` replaces pytest-pgtap's for them."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from pytest_pgtap.pgtap import Runner


@pytest.fixture(scope="session")
def _pgtap_runner(simulated_day) -> Iterator[Runner]:
    with psycopg.connect(simulated_day.url, autocommit=True) as conn:
        yield Runner(conn)
