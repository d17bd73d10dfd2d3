"""The HTTP API fuzzed from its own OpenAPI document: no request makes it
answer 5xx.

The API (PostgREST, or the gateway where no `postgrest` binary is found)
serves a database holding a replayed stretch of a simulated racing day.
schemathesis reads the Swagger 2.0 document the API serves at `/` and
generates requests for every path and method it lists: valid ones
(filters, `select`, `order`, `limit`, function arguments of the right
types) and invalid ones (wrong types, missing arguments, odd bodies). Each
answer is below 500, and every 4xx is a JSON error in PostgREST's shape
(`code` and `message`), so a client can tell what it did wrong.

`RACEDAY_FUZZ_EXAMPLES` sets the examples per operation (default 100, fixed
seed); `RACEDAY_FUZZ=full` runs 500 per operation with a random seed.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from harness import ApiServer, empty_database, replay

FULL = os.environ.get("RACEDAY_FUZZ") == "full"
EXAMPLES = int(os.environ.get("RACEDAY_FUZZ_EXAMPLES", 500 if FULL else 100))
REPLAY_HOURS = 0.25


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[ApiServer]:
    """The API over a database holding the last quarter hour of a simulated
    day (meetings, races, runners, money flow, alerts), replayed as the
    fetcher would have stored it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_database(conn)
    replay(database_url, REPLAY_HOURS, seed=5, form_size=2, min_polls=50)
    server = ApiServer(database_url)
    try:
        yield server
    finally:
        server.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            empty_database(conn)  # pgTAP files that may run later expect empty tables


@pytest.fixture(scope="module")
def api_schema(api: ApiServer):
    return schemathesis.openapi.from_url(api.url + "/")


def operations(api_schema) -> list:
    return [result.ok() for result in api_schema.get_all_operations()]


# schemathesis' own pytest integration (from_fixture, parametrize) needs the
# schema at collection, before the API runs, or breaks on pytest 9 (it sets
# Node._nodeid); its public strategies do the same generation here.
def test_no_request_gets_a_server_error(api, api_schema, subtests):
    statuses: Counter[int] = Counter()
    for operation in operations(api_schema):
        with subtests.test(operation.label):
            check_operation(api, operation, statuses)
    print(f"answers by status: {dict(sorted(statuses.items()))}")
    # Both sides were reached: requests the API served and requests it refused.
    assert statuses[200] > 0 and sum(n for code, n in statuses.items() if 400 <= code < 500) > 0, statuses


def check_operation(api: ApiServer, operation, statuses: Counter[int]) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not FULL,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def one(case) -> None:
        response = case.call(base_url=api.url, timeout=30)
        statuses[response.status_code] += 1
        where = (
            f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300} -> "
            f"{response.status_code}: {response.text[:500]}"
        )
        if case.path == "/rpc/health" and response.status_code == 503:
            # No poll lands here: past half an hour, down (503) is health's true answer.
            assert case.method == "HEAD" or json.loads(response.text)["status"] == "down", where
            return
        assert response.status_code < 500, where
        if response.status_code >= 400 and case.method != "HEAD":
            error = json.loads(response.text)
            assert isinstance(error, dict) and error.get("code") and error.get("message"), where

    one()


def test_the_document_lists_the_client_contract(api_schema):
    """The fuzzing above covers what the client reads; a document that lost
    its paths would make it pass on nothing."""
    paths = set(api_schema.raw_schema["paths"])
    assert {
        "/meetings",
        "/races",
        "/entrants",
        "/money_flow_timeline",
        "/rpc/upcoming_races",
        "/rpc/race_alerts_for",
        "/rpc/health",
    } <= paths, paths
