"""live: the change feed pushed over Server-Sent Events, against a real
PostgreSQL 18 and a real `python -m live` over HTTP.

Polls are ingested by hand, with the simulator's payloads, so each test
decides exactly which changes exist; every wait is for an event, with a
generous timeout, never for time to pass.
- A poll arrives as a `poll` event, a status change as `status`, races
  added by a meetings list as `race` on /upcoming; a repeated or quarantined
  poll announces nothing.
- A client resumes with its Last-Event-ID across a restart of live, and
  across a restart of PostgreSQL, receiving every event exactly once.
- 200 clients on one race cost the database what one costs.
- A client that stops reading is dropped; the others miss nothing.
- The HTTP surface: the connection cap, health, CORS, errors in PostgREST's
  shape, static files, and a bad configuration.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator

import httpx
import psycopg
import pytest

from harness import ROOT, LiveServer, cluster, ingest_meeting, own_cluster, wait_for, worker_instance
from tabsim.model import RacingDay
from tabsim.payloads import event_json

TIMEOUT = 30  # seconds any one wait may take before the test fails
QUERY = {"with_money_tracker": "true"}


# -- an SSE client -----------------------------------------------------------


def parse_sse(lines: Iterable[str]) -> Iterator[dict]:
    """Events of a stream as dicts of their fields (data decoded as JSON);
    a comment line as {"comment": text}."""
    fields: dict = {}
    for line in lines:
        if not line:
            if fields:
                if "data" in fields:
                    fields["data"] = json.loads(fields["data"])
                yield fields
            fields = {}
        elif line.startswith(":"):
            yield {"comment": line[1:].strip()}
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            fields[name] = fields[name] + "\n" + value if name == "data" and name in fields else value


def key(event: dict) -> tuple[int, int]:
    change, _, part = event["id"].partition(":")
    return int(change), int(part)


class SseClient:
    """A stream read in a thread; its events are collected for the test to
    wait on. It stops at the next line after close() (live's heartbeat
    bounds that wait)."""

    def __init__(self, url: str, headers: dict[str, str] | None = None):
        self.events: list[dict] = []
        self.comments = 0
        self.retry: str | None = None  # the reconnection delay the server asked for
        self.status: int | None = None
        self.headers: httpx.Headers | None = None
        self.ended = False
        self._stop = False
        self._client = httpx.Client(timeout=httpx.Timeout(TIMEOUT, read=None))
        self._thread = threading.Thread(target=self._read, args=(url, headers or {}), daemon=True)
        self._thread.start()
        assert wait_for(lambda: self.status is not None or self.ended, TIMEOUT), f"no answer from {url}"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self.headers = response.headers
                self.status = response.status_code
                for item in parse_sse(response.iter_lines()):
                    if self._stop:
                        return
                    if "comment" in item:
                        self.comments += 1
                    elif "retry" in item:
                        self.retry = item["retry"]
                    elif "event" in item:
                        self.events.append(item)
        except httpx.HTTPError:
            pass
        finally:
            self.ended = True

    def named(self, name: str) -> list[dict]:
        return [e for e in self.events if e["event"] == name]

    def wait(self, predicate, what: str) -> None:
        assert wait_for(lambda: predicate(self), TIMEOUT, 0.02), (
            f"{what}; got {[e['id'] for e in self.events]}"
        )

    def wait_poll(self, staging_id: int) -> dict:
        """The poll event of one ingested poll."""
        self.wait(
            lambda c: any(e["data"]["staging_id"] == staging_id for e in c.named("poll")),
            f"no poll event for staging id {staging_id}",
        )
        return next(e for e in self.named("poll") if e["data"]["staging_id"] == staging_id)

    def feed_events(self) -> list[dict]:
        return [e for e in self.events if e["event"] not in ("hello", "resync")]

    def close(self) -> None:
        self._stop = True
        self._thread.join(TIMEOUT)
        self._client.close()


# -- data --------------------------------------------------------------------


@pytest.fixture
def live_server(database_url):
    """Starts live processes on the test database; after the test all are
    stopped with SIGTERM, and each must exit 0."""
    started: list[LiveServer] = []

    def start(url: str = database_url, **env: str) -> LiveServer:
        server = LiveServer(url, **{"LIVE_HEARTBEAT_S": "0.5", **env})
        started.append(server)
        return server

    yield start
    codes = [server.stop() for server in started]
    assert codes == [0] * len(started), f"live exited with {codes} on SIGTERM"


class Race:
    """The first race of a simulated day, polled by hand (add_meeting first)."""

    def __init__(self, db: psycopg.Connection, seed: int):
        self.db = db
        self.day = RacingDay(seed, start=time.time(), form_size=3)
        self.meeting = self.day.meetings[0]
        self.race = self.meeting.races[0]
        self.race_id = self.race.race_id

    def add_meeting(self) -> None:
        ingest_meeting(self.db, self.day, self.meeting, self.race.start - 3600)

    def body(self, t: float) -> str:
        return event_json(self.day, self.race, t, QUERY)

    def ingest(self, body: str) -> int:
        """Ingests an event body as the fetcher would, received when TAB
        generated it (generated_time is bounded by the receipt); its staging id."""
        return self.db.execute(
            "SELECT raceday.ingest_event(%s, %s, %s::timestamptz)",
            (self.race_id, body, json.loads(body)["header"]["generated_time"]),
        ).fetchone()[0]

    def poll(self, t: float) -> int:
        return self.ingest(self.body(t))

    def announced(self, staging_id: int) -> bool:
        return self.db.execute(
            "SELECT EXISTS (SELECT FROM raceday.change_feed WHERE staging_id = %s)", (staging_id,)
        ).fetchone()[0]

    def feed(self, after: int = 0) -> list[tuple[str, str]]:
        """(id, event) of the race's feed after a change, read from the database."""
        rows = self.db.execute(
            "SELECT change_id, part, event FROM api.race_feed(%s, %s, 5000)", (self.race_id, after)
        ).fetchall()
        return [(f"{c}:{p}", e) for c, p, e in rows]


def ids(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["id"], e["event"]) for e in events]


def cursor_of(hello: dict) -> int:
    assert hello["event"] == "hello", hello
    return int(hello["id"])


def increasing(events: list[dict]) -> bool:
    return all(key(a) < key(b) for a, b in itertools.pairwise(events))


# -- 1. what a change sends --------------------------------------------------


def test_polls_status_and_new_races_arrive_as_events(quiet_db, live_server):
    live = live_server()
    race = Race(quiet_db, seed=11)
    upcoming = SseClient(f"{live.url}/upcoming")
    assert upcoming.status == 200
    assert upcoming.headers["content-type"] == "text/event-stream"
    assert upcoming.headers["cache-control"] == "no-cache" and upcoming.headers["x-accel-buffering"] == "no"
    assert upcoming.headers["access-control-allow-origin"] == "*"
    upcoming.wait(lambda c: c.named("hello"), "no hello on /upcoming")
    assert upcoming.retry == "2000"
    assert upcoming.events[0] == {"event": "hello", "id": "0", "data": {"cursor": 0}}

    race.add_meeting()  # the meetings list adds its races
    n = len(race.meeting.races)
    upcoming.wait(lambda c: len(c.named("race")) == n, f"not {n} race events on /upcoming")
    assert {e["data"]["race_id"] for e in upcoming.named("race")} == {r.race_id for r in race.meeting.races}

    stream = SseClient(f"{live.url}/races/{race.race_id}")
    stream.wait(lambda c: c.events, "no hello on the race's stream")
    hello = stream.events[0]
    cursor = quiet_db.execute("SELECT api.feed_cursor(%s)", (race.race_id,)).fetchone()[0]
    assert hello == {"event": "hello", "id": str(cursor), "data": {"race_id": race.race_id, "cursor": cursor}}

    # Two polls 45 s apart: the money and odds move between them.
    polls = [stream.wait_poll(race.poll(race.race.start - 900 + 45 * i)) for i in range(2)]
    for event in polls:
        data = event["data"]
        assert data["race_id"] == race.race_id and key(event)[0] == data["change_id"]
        assert data["timeline"] and {r["race_id"] for r in data["timeline"]} == {race.race_id}
        assert {r["entrant_id"] for r in data["timeline"]} <= {r.entrant_id for r in race.race.runners}
        # The rows a client would fetch from the API for that poll, no more, no fewer.
        (expected,) = quiet_db.execute(
            "SELECT array_agg(id ORDER BY id) FROM api.money_flow_timeline "
            "WHERE race_id = %s AND event_timestamp = %s",
            (race.race_id, data["observed_at"]),
        ).fetchone()
        assert sorted(r["id"] for r in data["timeline"]) == expected
    money = [{r["entrant_id"]: r["win_pool_amount"] for r in p["data"]["timeline"]} for p in polls]
    assert money[0] != money[1]

    # The start: the race closes.
    closed = race.poll(race.race.actual_start + 20)
    stream.wait(lambda c: any(e["data"]["status"] == "closed" for e in c.named("status")), "no status event")
    stream.wait_poll(closed)
    upcoming.wait(
        lambda c: any(
            e["data"]["race_id"] == race.race_id and e["data"]["status"] == "closed"
            for e in c.named("status")
        ),
        "no status event on /upcoming",
    )
    assert increasing(stream.events[1:]) and increasing(upcoming.events[1:])
    assert ids(stream.feed_events()) == race.feed(cursor)
    stream.wait(lambda c: c.comments > 0, "no heartbeat")  # every 0.5 s here
    stream.close()
    upcoming.close()


# -- 2. what sends nothing ----------------------------------------------------


def test_repeated_and_quarantined_polls_send_nothing(quiet_db, live_server):
    live = live_server()
    race = Race(quiet_db, seed=12)
    race.add_meeting()
    stream = SseClient(f"{live.url}/races/{race.race_id}")
    stream.wait(lambda c: c.events, "no hello")
    body = race.body(race.race.start - 600)
    first = race.ingest(body)
    stream.wait_poll(first)
    notified = live.stats()["notifications"]

    assert race.ingest(body) == first  # the same body again: a repeat, stored once
    bad_value = json.loads(race.body(race.race.start - 570))
    bad_value["data"]["runners"][0]["runner_number"] = "x"
    no_race = json.loads(race.body(race.race.start - 540))
    del no_race["data"]["race"]
    quarantined = [race.ingest(json.dumps(bad_value)), race.ingest(json.dumps(no_race))]
    errors = quiet_db.execute(
        "SELECT transform_error FROM staging.raw_responses WHERE id = ANY(%s)", (quarantined,)
    ).fetchall()
    assert all(e is not None for (e,) in errors), errors

    last = race.poll(race.race.start - 510)  # a good poll after them
    stream.wait_poll(last)
    polls = [e["data"]["staging_id"] for e in stream.named("poll")]
    assert polls == [first, last]
    assert ids(stream.feed_events()) == race.feed(cursor_of(stream.events[0]))
    assert live.stats()["notifications"] == notified + 1
    stream.close()


# -- 3. resume across a restart of live ---------------------------------------


def test_resume_after_a_restart_of_live_misses_nothing(quiet_db, live_server):
    race = Race(quiet_db, seed=13)
    race.add_meeting()
    first = live_server()
    before = SseClient(f"{first.url}/races/{race.race_id}")
    before.wait(lambda c: c.events, "no hello")
    start = race.race.start - 900
    for i in range(2):
        before.wait_poll(race.poll(start + 30 * i))
    assert first.stop() == 0  # SIGTERM: streams closed, exit 0
    assert wait_for(lambda: before.ended, TIMEOUT)
    last_id = before.events[-1]["id"]

    # While live is down: more polls, and the start.
    missed = [race.poll(start + 30 * i) for i in range(2, 5)] + [race.poll(race.race.actual_start + 15)]
    assert all(race.announced(s) for s in missed)

    second = live_server()
    after = SseClient(f"{second.url}/races/{race.race_id}", {"Last-Event-ID": last_id})
    after.wait(
        lambda c: all(any(e["data"]["staging_id"] == s for e in c.named("poll")) for s in missed),
        "missed polls not replayed",
    )
    # And live again after the replay: the result is in (Interim).
    interim = race.poll(race.race.actual_start + 90)
    assert race.announced(interim)
    after.wait_poll(interim)
    # Each event exactly once, in order: after hello's cursor, the first stream then the second.
    assert ids(before.feed_events() + after.events) == race.feed(cursor_of(before.events[0]))
    assert not after.named("hello")

    # An id the feed never gave (a rebuilt database): the client is told to reload, then follows the feed.
    ahead = SseClient(f"{second.url}/races/{race.race_id}", {"Last-Event-ID": "999999999"})
    ahead.wait(lambda c: c.named("reset"), "no reset for an id ahead of the feed")
    assert (
        ahead.events[0]["id"] == str(key(after.events[-1])[0])
        and "ahead" in ahead.events[0]["data"]["reason"]
    )
    ahead.close()

    # `N:k`: the parts of change N after k. The query string serves clients that set no header.
    change, part = key(after.events[0])
    partial = SseClient(f"{second.url}/races/{race.race_id}?last_event_id={change}:{part}")
    partial.wait(lambda c: len(c.events) == len(after.events) - 1, "not the events after N:k")
    assert ids(partial.events) == ids(after.events[1:])
    for client in (before, after, partial):
        client.close()


# -- 4. resume across a restart of PostgreSQL ---------------------------------


def test_database_restart_replays_what_was_missed_then_resyncs(live_server):
    with own_cluster(worker_instance("live")) as (env, url):
        with psycopg.connect(url, autocommit=True) as conn:
            race = Race(conn, seed=14)
            race.add_meeting()
            live = live_server(url)
            stream = SseClient(f"{live.url}/races/{race.race_id}")
            stream.wait(lambda c: c.events, "no hello")
            start = race.race.start - 900
            stream.wait_poll(race.poll(start))
            # Live may not log in again until the missed polls are in: it is
            # made to miss them whatever its timing (sessions in place stay).
            conn.execute("ALTER ROLE authenticator NOLOGIN")
        cluster("stop", instance=worker_instance("live"), env=env)
        assert wait_for(lambda: not live.ready(), TIMEOUT), "/ready still 200 with the database down"
        assert live.logs("database_unavailable")
        cluster("start", instance=worker_instance("live"), env=env)
        with psycopg.connect(url, autocommit=True) as conn:
            race.db = conn
            missed = [race.poll(start + 30 * i) for i in range(1, 4)]
            refused = httpx.get(f"{live.url}/races/{race.race_id}", timeout=TIMEOUT)
            assert refused.status_code == 503 and set(refused.json()) == {
                "code",
                "message",
                "details",
                "hint",
            }
            assert len(stream.named("poll")) == 1  # nothing can have arrived yet
            conn.execute("ALTER ROLE authenticator LOGIN")

            stream.wait(lambda c: c.named("resync"), "no resync")
            assert stream.named("resync")[0]["data"] == {"reason": "database connection restored"}
            # The missed polls were read from the database before the resync.
            replayed = stream.events[: stream.events.index(stream.named("resync")[0])]
            assert [e["data"]["staging_id"] for e in replayed if e["event"] == "poll"][1:] == missed
            assert live.ready() and live.logs("database_reconnected")
            stream.wait_poll(race.poll(start + 120))
            # Every event once, in order.
            assert ids(stream.feed_events()) == race.feed(cursor_of(stream.events[0]))
            stream.close()


# -- 5. many clients, one query -----------------------------------------------

CLIENTS, POLLS = 200, 3


async def watch(client: httpx.AsyncClient, url: str, polls: int) -> list[str]:
    """Reads a stream until `polls` poll events came; their ids."""
    seen: list[str] = []
    async with client.stream("GET", url) as response:
        assert response.status_code == 200
        lines: list[str] = []
        async for line in response.aiter_lines():
            lines.append(line)
            if line:
                continue
            for event in parse_sse(lines):
                if event.get("event") == "poll":
                    seen.append(event["id"])
            lines = []
            if len(seen) == polls:
                return seen
    return seen


def test_two_hundred_clients_cost_one_query_per_change(quiet_db, live_server):
    live = live_server(LIVE_HEARTBEAT_S="15")
    race = Race(quiet_db, seed=15)
    race.add_meeting()

    async def scenario() -> list[list[str]]:
        limits = httpx.Limits(max_connections=CLIENTS + 10, max_keepalive_connections=0)
        async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(TIMEOUT, read=TIMEOUT)) as client:
            tasks = [
                asyncio.create_task(watch(client, f"{live.url}/races/{race.race_id}", POLLS))
                for _ in range(CLIENTS)
            ]
            deadline = time.monotonic() + TIMEOUT
            while live.stats()["connections"] < CLIENTS and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            before = live.stats()
            assert before["connections"] == CLIENTS
            for i in range(POLLS):
                await asyncio.to_thread(race.poll, race.race.start - 900 + 30 * i)
            results = await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
            after = live.stats()
            changes = after["changes_fanned_out"] - before["changes_fanned_out"]
            assert changes == POLLS
            assert after["notifications"] - before["notifications"] == POLLS
            # However many watch: at most two feed queries per change.
            assert after["db_queries"] - before["db_queries"] <= 2 * POLLS, (before, after)
            assert after["events_sent"] - before["events_sent"] >= CLIENTS * POLLS
            return results

    results = asyncio.run(scenario())
    assert len(results) == CLIENTS
    expected = [i for i, e in race.feed() if e == "poll"]
    assert all(seen == expected for seen in results)
    assert live.stats()["clients_dropped"] == 0


# -- 6. a client that stops reading -------------------------------------------


def stream_ends(sock: socket.socket) -> bool:
    """Reads what is left: True once the server closed or reset the connection."""
    sock.settimeout(TIMEOUT)
    try:
        while sock.recv(1 << 16):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


def test_a_client_that_stops_reading_is_dropped_and_others_miss_nothing(quiet_db, live_server):
    live = live_server(LIVE_CLIENT_QUEUE="4", LIVE_HEARTBEAT_S="1")
    race = Race(quiet_db, seed=16)
    race.add_meeting()
    path = f"/races/{race.race_id}"
    stuck = socket.socket()
    # A small receive window, so the server's buffers fill after a few events.
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.connect(("127.0.0.1", live.port))
    stuck.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())  # and never reads
    reader = SseClient(f"{live.url}{path}")
    reader.wait(lambda c: c.events, "no hello")
    assert wait_for(lambda: live.stats()["connections"] == 2, TIMEOUT)

    polled = []
    for i in range(120):  # each poll event is about 15 KB
        staging_id = race.poll(race.race.start - 3000 + 15 * i)
        if race.announced(staging_id):
            polled.append(staging_id)
            reader.wait_poll(staging_id)
        if live.stats()["clients_dropped"]:
            break
    assert live.stats()["clients_dropped"] == 1, "the stuck client was never dropped"
    (dropped,) = live.logs("client_dropped")
    assert dropped["reason"] == "slow" and dropped["path"] == path and dropped["queued"] == 4
    assert wait_for(lambda: live.stats()["connections"] == 1, TIMEOUT)
    assert stream_ends(stuck), "the stuck client's connection is still open"

    polled.append(race.poll(race.race.start - 3000 + 15 * 120))
    reader.wait_poll(polled[-1])
    assert [e["data"]["staging_id"] for e in reader.named("poll")] == polled
    assert ids(reader.feed_events()) == race.feed(cursor_of(reader.events[0]))
    stuck.close()
    reader.close()


# -- 7. the HTTP surface --------------------------------------------------------


def error_body(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"code", "message", "details", "hint"}, body
    return body


def test_connection_cap_health_cors_and_errors(quiet_db, live_server, tmp_path):
    web = tmp_path / "web"
    (web / "js").mkdir(parents=True)
    (web / "index.html").write_text("<!doctype html><title>board</title>")
    (web / "js" / "board.js").write_text("export const x = 1;")
    (web / "notes.txt").write_text("not served")
    (tmp_path / "secret.json").write_text("{}")
    live = live_server(LIVE_MAX_CONNECTIONS="2", LIVE_WEB_DIR=str(web), LIVE_API_URL="http://127.0.0.1:3000/")
    race = Race(quiet_db, seed=17)
    race.add_meeting()
    http = httpx.Client(base_url=live.url, timeout=TIMEOUT)
    get = http.get

    streams = [SseClient(f"{live.url}/upcoming"), SseClient(f"{live.url}/races/{race.race_id}")]
    third = get("/upcoming")
    assert third.status_code == 503 and error_body(third)["code"] == "53300"
    assert third.headers["access-control-allow-origin"] == "*"
    streams.pop().close()
    assert wait_for(lambda: live.stats()["connections"] == 1, TIMEOUT)
    streams.append(SseClient(f"{live.url}/upcoming"))
    assert streams[-1].status == 200

    assert get("/live").status_code == 200 and get("/ready").status_code == 200
    bad = get("/races/not-a-uuid")
    assert bad.status_code == 400 and error_body(bad)["code"] == "22P02"
    streams.pop().close()  # room for the next two
    assert wait_for(lambda: live.stats()["connections"] == 1, TIMEOUT)
    unknown = get("/races/5b4b8d4e-7a7c-4d67-9b0c-2e0f8a6c1d3e")
    assert unknown.status_code == 404 and error_body(unknown)["code"] == "PT404"
    cursor = get(f"/races/{race.race_id}", headers={"Last-Event-ID": "yesterday"})
    assert cursor.status_code == 400 and error_body(cursor)["code"] == "PGRST100"
    preflight = http.options(
        "/upcoming",
        headers={
            "Origin": "http://board.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "last-event-id",
        },
    )
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "last-event-id" in preflight.headers["access-control-allow-headers"].lower()
    assert get("/live").headers["access-control-allow-origin"] == "*"

    # The board: its files with their types, nothing else.
    page = get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!doctype html>")
    script = get("/js/board.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    for path in ("/notes.txt", "/missing.js", "/%2e%2e/secret.json", "/js/../../secret.json"):
        assert get(path).status_code == 404, path
    assert get("/config.json").json() == {"api_url": "http://127.0.0.1:3000", "live_url": ""}
    for stream in streams:
        stream.close()
    http.close()


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        (
            {
                "RACEDAY_LIVE_DATABASE_URL": "postgresql://authenticator@127.0.0.1:1/raceday",
                "LIVE_PORT": "http",
            },
            "LIVE_PORT",
        ),
        ({}, "RACEDAY_LIVE_DATABASE_URL"),
        (
            {"RACEDAY_LIVE_DATABASE_URL": "postgresql://u:secret@h/d", "LIVE_CLIENT_QUEUE": "0"},
            "LIVE_CLIENT_QUEUE",
        ),
    ],
)
def test_a_bad_configuration_stops_live_with_one_line(env, variable):
    clean = {
        k: v for k, v in os.environ.items() if k != "RACEDAY_LIVE_DATABASE_URL" and not k.startswith("LIVE_")
    }
    proc = subprocess.run(
        [os.environ.get("PYTHON", sys.executable), "-m", "live"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"live: error: {variable}"), proc.stderr
    assert "secret" not in proc.stderr and proc.stdout == ""
