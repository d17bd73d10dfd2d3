"""GET /rpc/health, as the client and a load balancer see it: healthy while
a simulated day runs, degraded when the fetcher stops while races are open
(the database's clock moved on, no poll landed), down with 503 when nothing
has landed for half an hour, and down with 503 from the API itself when the
database cannot be reached (the connection between them cut)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from harness import ApiServer, FetcherProcess, empty_database, free_port, share_clock, wait_for

CHECKS = [
    "database",
    "newest_ingest_age_s",
    "pipeline_lag_s",
    "fetch_error_rate_pct",
    "quarantined_last_hour",
]


class Day:
    def __init__(self, conn: psycopg.Connection, fetcher: FetcherProcess, api: httpx.Client):
        self.conn, self.fetcher, self.api = conn, fetcher, api


@pytest.fixture(scope="module")
def day(database_url: str) -> Iterator[Day]:
    """A simulated day at 5 times real time, polled by a fetcher, served by the API."""
    from tabsim.clock import SimClock
    from tabsim.server import Simulator

    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_database(conn)
        sim = Simulator(13, SimClock(speed=5), form_size=2).start()
        fetcher = FetcherProcess(database_url, sim.base_url, "fetcher-health", FETCHER_IDLE_S="0.02")
        server = ApiServer(database_url)
        try:
            share_clock(conn, sim)
            with httpx.Client(base_url=server.url, timeout=10) as api:
                yield Day(conn, fetcher, api)
        finally:
            server.stop()
            fetcher.kill()
            sim.stop()
            empty_database(conn)


def health(api: httpx.Client) -> tuple[int, dict, dict[str, dict]]:
    response = api.get("/rpc/health")
    body = response.json()
    assert response.headers["cache-control"] == "no-store", response.headers
    return response.status_code, body, {c["name"]: c for c in body.get("checks", [])}


def test_healthy_while_the_day_runs(day):
    """Once the fetcher has caught up with the first round of polls (each
    race once, then the schedule), every check passes."""

    def caught_up() -> bool:
        open_races, lag = day.conn.execute(
            "SELECT (SELECT count(*) FROM raceday.races WHERE status = 'open'), "
            "(SELECT extract(epoch FROM coalesce(max(overdue_by), interval '0')) FROM ops.pipeline_lag)"
        ).fetchone()
        return open_races > 0 and lag < 30

    assert wait_for(caught_up, 90, interval=0.5), "the fetcher never caught up with the day"
    status, body, checks = health(day.api)
    assert (status, body["status"]) == (200, "healthy"), body
    assert list(checks) == CHECKS and body["open_races"] > 0
    assert all(c["verdict"] == "ok" for c in checks.values()), checks
    assert checks["database"]["value"] == "up"
    ingest = checks["newest_ingest_age_s"]
    assert ingest["value"] is not None and ingest["value"] <= ingest["threshold"]["degraded"], ingest
    assert ingest["threshold"]["down"] == 1800


def move_clock(conn: psycopg.Connection, ahead: str) -> None:
    """The schedule's clock, stood still `ahead` of where it is now."""
    conn.execute(
        "UPDATE raceday.settings SET clock_virtual = raceday.clock() + %s::interval, clock_real = now(), "
        "clock_speed = 1e-9",
        (ahead,),
    )


def test_degraded_when_the_fetcher_stops_while_races_are_open(day):
    assert day.fetcher.stop() == 0
    move_clock(day.conn, "20 minutes")
    status, body, checks = health(day.api)
    assert (status, body["status"]) == (200, "degraded"), body
    assert body["open_races"] > 0
    ingest = checks["newest_ingest_age_s"]
    assert ingest["verdict"] == "degraded" and 1200 <= ingest["value"] < 1800, ingest
    assert checks["pipeline_lag_s"]["verdict"] == "degraded" and checks["database"]["verdict"] == "ok"


def test_down_with_503_when_nothing_lands_for_half_an_hour(day):
    move_clock(day.conn, "20 minutes")
    status, body, checks = health(day.api)
    assert (status, body["status"]) == (503, "down"), body
    assert (
        checks["newest_ingest_age_s"]["verdict"] == "down" and checks["newest_ingest_age_s"]["value"] > 1800
    )


class Cuttable:
    """A TCP relay between the API and the database that can be cut, as a
    failed database host or network looks to the API: established
    connections dropped, new ones refused."""

    def __init__(self, target_port: int):
        self.target_port, self.port = target_port, free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.open()

    def open(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        # shutdown, then close: close alone leaves the socket listening while
        # the thread blocked in accept() holds it, and the port taken for open().
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.sockets.clear()


def test_down_with_503_when_the_database_cannot_be_reached(database_url: str, day):
    day.conn.execute("UPDATE raceday.settings SET clock_virtual = NULL, clock_real = NULL, clock_speed = 1")
    parts = urlsplit(database_url)
    relay = Cuttable(parts.port)
    via_relay = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{relay.port}"))
    server = ApiServer(via_relay)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            status, body, _ = health(api)
            assert "open_races" in body, "the database answers through the relay"
            relay.cut()
            for _ in range(2):  # a pooled connection found broken, then none to be had
                status, body, checks = health(api)
                assert (status, body["status"]) == (503, "down"), body
                assert body["code"] in ("PGRST001", "PGRST003"), body
                assert checks["database"]["verdict"] == "down"
            assert not server.ready()
            relay.open()
            assert wait_for(lambda: "open_races" in api.get("/rpc/health").json(), 30), (
                "the API answered from the database again once it could reach it"
            )
    finally:
        server.stop()
        relay.cut()
