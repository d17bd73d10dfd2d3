"""Bad input at the ingest functions: whatever body TAB sends, it is kept
and nothing breaks.

Realistic meetings and event responses from the simulator are mutated by
hypothesis (keys dropped, values of the wrong type, numbers beyond any
column, NUL and surrogate escapes, deep nesting, bytes that are not UTF-8,
truncation) and handed to the database exactly as the fetcher hands them:
through `fetcher.db.Database.ingest`, as `raceday_fetcher`. For every
example the call returns, and the body is in `staging.raw_responses`:
either as the body, the very text received, and processed (transformed or
quarantined with its error), or, when jsonb cannot hold it, as text
recorded as a failed fetch. Which of the two is predicted independently
from the body (Python's JSON parser and PostgreSQL's documented limits),
so valid JSON can never silently end up as an "invalid JSON" failure. The
fetcher's backend answers on the same pid after every example and the
server never restarted.

`RACEDAY_FUZZ_EXAMPLES` sets the number of examples (default 200, fixed
seed); `RACEDAY_FUZZ=full` runs 2000 with a random seed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fetcher.db import Claim, Database
from fetcher.tab import FAILED_BODY_BYTES, Attempt, failed_body_text
from harness import empty_database

FULL = os.environ.get("RACEDAY_FUZZ") == "full"
EXAMPLES = int(os.environ.get("RACEDAY_FUZZ_EXAMPLES", 2000 if FULL else 200))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FULL,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
# One ingest may take long on a 10 MB body; one that never returns is the bug
# this bound catches (a statement error retried as a lost connection).
CALL_TIMEOUT_S = 60
EVENT_QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true", "with_will_pays": "true"}
WORKER = "fuzz"

# PostgreSQL's numeric: at most 131072 digits before the point, 16383 after.
NUMERIC_INT_DIGITS, NUMERIC_FRAC_DIGITS = 131072, 16383
# jsonb's parser recurses per level; within this depth it always succeeds
# (measured: 10,000 levels parse, 50,000 exceed the default 2 MB stack).
SAFE_DEPTH = 10_000


# -- realistic payloads from the simulator ---------------------------------


class Corpus:
    """A racing day's meetings page and the events of its first meeting's
    races at several moments (open, closed, interim, final), as the
    simulator serves them: (race id, body), and when each was served (it is
    handed over as received then: the database bounds generated_time by the
    receipt)."""

    def __init__(self) -> None:
        from tabsim.clock import SimClock
        from tabsim.server import PREFIX, Simulator

        start = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
        self.sim = Simulator(11, SimClock(start), layout_start=start.timestamp(), form_size=2)
        meeting = self.sim.day.meetings[0]
        self.day = meeting.date
        self.races = [race.race_id for race in meeting.races]
        self.meetings_query = {"date_from": self.day, "date_to": self.day, "limit": "100", "offset": "0"}
        self.meetings_at = meeting.races[0].start - 3600
        _, _, self.meetings = self.sim.respond(
            PREFIX + "/racing/meetings", self.meetings_query, self.meetings_at
        )
        # Spread over the races, as a day's polls are: the sweep reprocesses
        # a race with all its polls while the fuzzing goes on.
        self.served_at: dict[str, float] = {}
        self.events = []
        for race in meeting.races:
            for dt in (-3000, -200, 30, 400, 1500):
                body = self.sim.respond(
                    f"{PREFIX}/racing/events/{race.race_id}", EVENT_QUERY, race.start + dt
                )[2]
                self.events.append((race.race_id, body))
                self.served_at[body] = race.start + dt


CORPUS = Corpus()

# Bulky form data that raceday keeps only raw: mutated as a whole, not inside.
NOISE = {"past_performances", "flucs", "speedmap", "overall", "weight", "prize_monies", "tote_trends_data"}


@st.composite
def path_in(draw, doc) -> tuple:
    """A key or index below doc: each level as likely as the next, so the
    envelope and the race get as much attention as the hundreds of runner
    fields (and the bulky form data is mutated as a whole, not inside)."""
    path: tuple = ()
    node = doc
    while True:
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        path += (key,)
        child = node[key]
        if key in NOISE or not isinstance(child, (dict, list)) or not child or draw(st.booleans()):
            return path
        node = child


class Raw:
    """JSON text spliced into the document as it is (numbers and escapes
    that Python's json module would not write)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:60]!r})"


RAW_NUMBERS = [
    "1e308",
    "-1e308",
    "1" + "0" * 400,
    "-" + "9" * 400,
    "-0",
    "-0.0",
    "0e0",
    "1e-400",
    "4.9e-324",
    "1E+2",
    "123456789012345678901234567890.123456789",
    "1e131071",
    "1e1000000",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
]
RAW_STRINGS = [
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\ud83d\\ude00"',
    '"\\u00e9"',
    '"a\\nb\\tc"',
    '"\\"q\\""',
    '"\\/"',
    '"\\uffff"',
]
WEIRD_STRINGS = [
    "",
    " ",
    "NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "1e308",
    "null",
    "true",
    "0x10",
    "12abc",
    "2026-02-30T25:61:00Z",
    "2026-11-22T10:00:00.123456789123Z",
    "00000000-0000-0000-0000-000000000000",
    "Open",
    "FINAL",
    "Abandoned ",
    "'; DROP TABLE staging.raw_responses; --",
    "%s",
    "\\",
    "a" * 5000,
]


def nested(depth: int, kind: str):
    """An array or object `depth` levels deep, as raw text."""
    if kind == "array":
        return Raw("[" * depth + "1" + "]" * depth)
    return Raw('{"a":' * depth + "1" + "}" * depth)


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
bad_value = st.one_of(
    json_value,
    # Fresh containers each time: a later edit may change them in place.
    st.builds(dict),
    st.builds(list),
    st.builds(lambda: [{}]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(RAW_NUMBERS).map(Raw),
    st.sampled_from(RAW_STRINGS).map(Raw),
    st.sampled_from(WEIRD_STRINGS),
    st.builds(nested, st.sampled_from([2, 50, 1000, 5000]), st.sampled_from(["array", "object"])),
)


@st.composite
def mutated_document(draw, text: str):
    """The document with 1-5 edits at paths that exist in it."""
    doc = json.loads(text)
    for _ in range(draw(st.integers(1, 5))):
        if not isinstance(doc, (dict, list)) or not doc:
            break
        path = draw(path_in(doc))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        op = draw(st.sampled_from(["drop", "set", "set", "set", "wrap"]))
        if op == "drop":
            del parent[path[-1]]
        elif op == "wrap":  # an object where an array was, and so on
            parent[path[-1]] = draw(st.sampled_from([{"x": parent[path[-1]]}, [parent[path[-1]]]]))
        else:
            parent[path[-1]] = draw(bad_value)
    if draw(st.integers(0, 9)) == 0:  # now and then the whole document is replaced
        doc = draw(
            st.one_of(
                bad_value, st.builds(lambda: {"data": None}), st.builds(lambda: {"header": {}, "data": {}})
            )
        )
    return doc


def serialise(doc, ascii_only: bool) -> str:
    raws: list[str] = []

    def mark(value):
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"\x02RAW{len(raws) - 1}\x02"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(doc), ensure_ascii=ascii_only, separators=(",", ":"))
    return re.sub(
        r'"\\u0002RAW(\d+)\\u0002"|"\x02RAW(\d+)\x02"', lambda m: raws[int(m.group(1) or m.group(2))], text
    )


@st.composite
def body_bytes(draw, kind: str) -> tuple[str | None, bytes, float]:
    """A race id (for an event), a response body: a mutated document,
    sometimes damaged as bytes, and when its original was served."""
    race_id, base = (None, CORPUS.meetings) if kind == "meetings" else draw(st.sampled_from(CORPUS.events))
    at = CORPUS.meetings_at if kind == "meetings" else CORPUS.served_at[base]
    body = serialise(draw(mutated_document(base)), ascii_only=draw(st.booleans())).encode()
    damage = draw(st.sampled_from(["none"] * 6 + ["truncate", "nul", "bad-utf8", "bom", "empty", "garbage"]))
    if damage == "truncate":
        body = body[: draw(st.integers(0, max(0, len(body) - 1)))]
    elif damage == "nul":
        at = draw(st.integers(0, len(body)))
        body = body[:at] + b"\x00" + body[at:]
    elif damage == "bad-utf8":
        at = draw(st.integers(0, len(body)))
        body = (
            body[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]))
            + body[at:]
        )
    elif damage == "bom":
        body = b"\xef\xbb\xbf" + body
    elif damage == "empty":
        body = draw(st.sampled_from([b"", b" ", b"\n"]))
    elif damage == "garbage":
        body = body + draw(st.sampled_from([b"}", b",", b"x", b"<html>", b"{}"]))
    return race_id, body, at


# -- what PostgreSQL's jsonb can hold, judged without PostgreSQL ----------


def depth_of(text: str) -> int:
    """Deepest nesting of arrays and objects outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def fits_numeric(token: str) -> bool:
    try:
        number = Decimal(token)
    except InvalidOperation:
        return False
    if number == 0:
        return True
    sign, digits, exponent = number.as_tuple()
    return number.adjusted() < NUMERIC_INT_DIGITS and max(0, -exponent) <= NUMERIC_FRAC_DIGITS


def jsonb_can_hold(text: str) -> bool | None:
    """True or False when certain, None when it depends on the server's stack."""
    if depth_of(text) > SAFE_DEPTH:
        return None
    strings_ok = True

    def check_string(value: str) -> str:
        nonlocal strings_ok
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate escape
            strings_ok = False
        if "\x00" in value:
            strings_ok = False
        return value

    def walk(doc):  # iterative: documents may be deep
        stack = [doc]
        while stack:
            value = stack.pop()
            if isinstance(value, str):
                check_string(value)
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, dict):
                stack.extend(value.keys())
                stack.extend(value.values())

    numbers_ok = True

    def number(token: str):
        nonlocal numbers_ok
        numbers_ok &= fits_numeric(token)
        return 0

    def no_constants(token: str):
        raise ValueError(f"{token} is not JSON")

    try:
        doc = json.loads(text, parse_float=number, parse_int=number, parse_constant=no_constants)
    except (ValueError, RecursionError):
        # RecursionError: deeper than Python parses; within SAFE_DEPTH jsonb does.
        return None if depth_of(text) > 900 else False
    walk(doc)
    return strings_ok and numbers_ok


# -- the database side ------------------------------------------------------


class Ingest:
    """The fetcher's database layer on one connection, on one event loop."""

    def __init__(self, database_url: str):
        self.loop = asyncio.new_event_loop()
        self.db = Database(database_url.replace("postgres@", "raceday_fetcher@"), 1)

    def run(self, coro):
        return self.loop.run_until_complete(asyncio.wait_for(coro, CALL_TIMEOUT_S))

    def backend_pid(self) -> int:
        return self.run(self.db.call("SELECT pg_backend_pid()", ()))[0][0]

    def ingest(self, kind: str, body: bytes, at: float, race_id: str | None = None) -> tuple[int, str | None]:
        """Hands a body over as received at `at` (epoch seconds)."""
        if kind == "event":
            claim = Claim(race_id, "event", f"/racing/events/{race_id}", EVENT_QUERY)
        else:
            claim = Claim(f"meetings:{CORPUS.day}:0", "meetings", "/racing/meetings", CORPUS.meetings_query)
        attempt = Attempt(1, "http://tab.invalid" + claim.path, 200, body, None, 1.0)
        return self.run(
            self.db.ingest(claim, body, datetime.fromtimestamp(at, UTC), attempt.meta(WORKER, True))
        )

    def close(self) -> None:
        self.run(self.db.close())
        self.loop.close()


@pytest.fixture
def fuzz(database_url: str, clean_db: psycopg.Connection) -> Iterator[tuple[Ingest, psycopg.Connection]]:
    """The fetcher's layer on a clean database that knows the corpus's day;
    afterwards the server has not restarted and the fetcher's backend is
    the one it started with."""
    conn = clean_db
    started = conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
    ing = Ingest(database_url)
    pid = ing.backend_pid()
    sid, why = ing.ingest("meetings", CORPUS.meetings.encode(), CORPUS.meetings_at)
    assert why is None and conn.execute(
        "SELECT transform_error FROM staging.raw_responses WHERE id = %s", (sid,)
    ).fetchone() == (None,)
    assert conn.execute(
        "SELECT count(*) FROM raceday.races WHERE race_id = ANY(%s::uuid[])", (CORPUS.races,)
    ).fetchone()[0] == len(CORPUS.races), "the corpus's races are not in scope"
    try:
        yield ing, conn
        assert ing.backend_pid() == pid, "the fetcher's backend went away"
    finally:
        ing.close()
    assert conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0] == started, "the server restarted"
    empty_database(conn)  # pgTAP files that may run later expect empty tables


def check_stored(
    ing: Ingest, conn: psycopg.Connection, kind: str, body: bytes, at: float, race_id: str | None = None
) -> str:
    """Ingests one body, received at `at`, and checks where and how it was kept; returns the outcome."""
    pid = ing.backend_pid()
    staging_id, why = ing.ingest(kind, body, at, race_id)
    assert ing.backend_pid() == pid, "the backend serving the ingest died"
    text = body.decode("utf-8", errors="replace")
    row = conn.execute(
        """SELECT kind, http_status, body IS NOT NULL, processed_at IS NOT NULL, transform_error,
                                 fetch_error, body_raw, body_bytes
                          FROM staging.raw_responses WHERE id = %s""",
        (staging_id,),
    ).fetchone()
    assert row is not None, f"staging id {staging_id} was not stored"
    stored_kind, status, has_body, processed, transform_error, fetch_error, body_raw, size = row
    assert stored_kind == kind and status == 200
    expected = jsonb_can_hold(text)
    if why is None:
        assert expected is not False, "a body jsonb cannot hold was stored as a body"
        assert has_body and fetch_error is None and processed, "a stored body was not transformed"
        # Unchanged: the very text received, or (a repeat: the same text but
        # for generated_time) the row holding it. Compared by the text, not
        # by the data: a body may have none, or differ only in its header.
        assert conn.execute(
            """SELECT body = %s
                                      OR content_hash = staging.content_hash(%s, %s::jsonb #>> '{header,generated_time}')
                               FROM staging.raw_responses WHERE id = %s""",
            (text, text, text, staging_id),
        ).fetchone()[0]
        return "quarantined" if transform_error else "processed"
    assert expected is not True, f"valid JSON was recorded as a failure: {why}"
    assert why.startswith("invalid JSON") and fetch_error == why
    # Kept as text, up to the fetcher's bound on failed bodies, with its true size.
    assert not has_body and body_raw == failed_body_text(body, FAILED_BODY_BYTES) and size == len(body)
    return "failure"


@pytest.mark.parametrize("kind", ["event", "meetings"])
def test_mutated_payload_is_kept_and_processed_or_quarantined(fuzz, kind):
    ing, conn = fuzz
    outcomes: dict[str, int] = {}

    @FUZZ
    @given(polled=body_bytes(kind))
    def one(polled: tuple[str | None, bytes, float]) -> None:
        outcome = check_stored(ing, conn, kind, polled[1], polled[2], polled[0])
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    one()
    print(f"{kind}: {outcomes}")
    # The strategies reach every outcome; a fuzzer that only ever produced
    # one kind of body would prove little.
    if EXAMPLES >= 100:
        assert set(outcomes) == {"processed", "quarantined", "failure"}, outcomes


@pytest.mark.parametrize("depth", [10_000, 100_000, 1_000_000])
@pytest.mark.parametrize("shape", ["array", "object"])
def test_deep_nesting_is_kept(fuzz, depth, shape):
    """Deep nesting inside a real event: jsonb holds 10,000 levels; deeper
    is kept as text, and the call returns instead of retrying for ever."""
    ing, conn = fuzz
    race_id, text = CORPUS.events[1]
    doc = json.loads(text)
    doc["data"]["race"]["comment"] = nested(depth, shape)
    outcome = check_stored(ing, conn, "event", serialise(doc, True).encode(), CORPUS.served_at[text], race_id)
    assert outcome == ("failure" if depth > SAFE_DEPTH * 4 else "processed")


@pytest.mark.parametrize("valid", [True, False])
def test_ten_megabyte_body_is_kept(fuzz, valid):
    """A 10 MB event: as valid JSON it is stored and transformed; cut short
    it is kept as text, its first MiB (FETCHER_FAILED_BODY_BYTES), with its
    size."""
    ing, conn = fuzz
    race_id, text = CORPUS.events[1]
    doc = json.loads(text)
    doc["data"]["padding"] = ["x" * 1000] * 10_000
    body = serialise(doc, True).encode()
    if not valid:
        body = body[:-2]
    assert len(body) > 10_000_000
    outcome = check_stored(ing, conn, "event", body, CORPUS.served_at[text], race_id)
    assert outcome == ("processed" if valid else "failure")
    if valid:
        assert (
            conn.execute(
                "SELECT count(*) FROM raceday.poll_quality q JOIN staging.raw_responses r "
                "ON r.id = q.staging_id WHERE r.body_bytes = %s",
                (len(body),),
            ).fetchone()[0]
            == 1
        )


@pytest.mark.parametrize("limit", ['"abc"', "1e308", "{}", "-5", "null"])
def test_meetings_page_with_a_bad_limit_echo_is_stored(fuzz, limit):
    """TAB's echo of the page limit is read outside the transform; a value
    that is no positive integer once failed the whole ingest, and the
    fetcher kept valid JSON as an "invalid JSON" failure."""
    ing, conn = fuzz
    doc = json.loads(CORPUS.meetings)
    doc["params"]["limit"] = Raw(limit)
    doc["data"]["meetings"][0]["name"] += " (again)"  # new data: not a repeat of the fixture's page
    assert (
        check_stored(ing, conn, "meetings", serialise(doc, True).encode(), CORPUS.meetings_at) == "processed"
    )
