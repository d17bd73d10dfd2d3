"""The Prometheus metrics, scraped over real HTTP and read with
prometheus_client's own text parser, against a real PostgreSQL 18:
- the fetcher, polling the simulator on a shared clock: its poll, attempt,
  ingest and claim counts agree with what the database stored; retries and
  429s are counted as the simulator sends them;
- live: connections, events sent, notifications and the fan-out delay agree
  with its /stats and with what a client received;
- the pipeline's exporter: late claims in a row, quarantined polls,
  partitions ahead, pg_cron and connections, as the database holds them,
  read once per cache period, and nothing but `up 0` when the database is
  away. Every wait is for a condition, never for time to pass."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_live import Race, SseClient

from harness import ROOT, LiveServer, free_port, ingest_meeting, share_clock, wait_for
from tabsim.model import RacingDay
from tabsim.payloads import event_json

TIMEOUT = 20
FAST = {"FETCHER_BACKOFF_S": "0.05", "FETCHER_TIMEOUT_S": "1"}


class Scrape:
    """One scrape: every sample by name, labels and value."""

    def __init__(self, url: str):
        response = httpx.get(url, timeout=5)
        assert response.status_code == 200, response.text
        self.content_type = response.headers["content-type"]
        self.types = {}
        self.samples = []
        for family in text_string_to_metric_families(response.text):
            self.types[family.name] = family.type
            self.samples.extend(family.samples)

    def has(self, name: str) -> bool:
        return any(s.name == name for s in self.samples)

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples of `name` whose labels include `labels`."""
        found = [
            s.value
            for s in self.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        ]
        assert found, f"no sample {name} {labels}"
        return sum(found)

    def labels(self, name: str, label: str) -> set[str]:
        return {s.labels[label] for s in self.samples if s.name == name}


def settle(scrape, predicate, what: str) -> Scrape:
    """Scrapes until predicate(scrape) holds (a moment with nothing in
    flight, when counts can be compared); the scrape that satisfied it."""
    last: list[Scrape] = []

    def ok() -> bool:
        try:
            last[:] = [scrape()]
        except httpx.ConnectError:  # the server is not listening yet
            return False
        return predicate(last[0])

    assert wait_for(ok, TIMEOUT, 0.05), what
    return last[0]


# -- the fetcher -------------------------------------------------------------


def stored(db, kind: str) -> tuple[int, int]:
    """(polls ingested, attempts recorded) of a kind: a repeat of the same
    data is counted on its row, and every failed attempt has a row."""
    return db.execute(
        """SELECT coalesce(sum(seen_count) FILTER (WHERE fetch_error IS NULL), 0)::int,
                                coalesce(sum(seen_count), 0)::int
                         FROM staging.raw_responses WHERE kind = %s""",
        (kind,),
    ).fetchone()


def test_fetcher_metrics_count_what_the_database_stored(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(speed=10, form_size=2)
    share_clock(clean_db, sim)
    port = free_port()
    fp = fetchers(sim.base_url, FETCHER_METRICS_PORT=str(port))
    url = f"http://127.0.0.1:{port}/metrics"
    assert wait_for(lambda: stored(clean_db, "event")[0] >= 10, TIMEOUT), "the fetcher polled no events"

    def agrees(m: Scrape) -> bool:
        return m.value("raceday_fetcher_polls_in_flight") == 0 and all(
            m.value("raceday_fetcher_polls_total", kind=kind) == stored(clean_db, kind)[0]
            for kind in ("meetings", "event")
        )

    m = settle(lambda: Scrape(url), agrees, "the fetcher's poll counts never matched the database's")
    assert m.content_type.startswith("text/plain; version=0.0.4")
    for kind in ("meetings", "event"):
        polls = m.value("raceday_fetcher_polls_total", kind=kind)
        assert polls >= 1 and polls == m.value("raceday_fetcher_polls_total", kind=kind, outcome="ok")
        # Every poll was one attempt (no faults), ingested once, timed once.
        assert m.value("raceday_fetcher_attempts_total", kind=kind) == polls
        assert m.value("raceday_fetcher_fetch_duration_seconds_count", kind=kind) == polls
        assert m.value("raceday_fetcher_ingest_duration_seconds_count", kind=kind) == polls
        assert 0 < m.value("raceday_fetcher_ingest_duration_seconds_sum", kind=kind) < polls * 10
        assert m.value("raceday_fetcher_retries_total", kind=kind) == 0
        assert m.value("raceday_fetcher_rate_limited_total", kind=kind) == 0
    total = m.value("raceday_fetcher_polls_total")
    assert m.value("raceday_fetcher_claims_total", result="ok") >= 2
    assert m.value("raceday_fetcher_claims_total", result="failed") == 0
    assert m.value("raceday_fetcher_claimed_polls_total") >= total
    # Each poll ended within its 30 s lease.
    assert m.value("raceday_fetcher_lease_remaining_seconds_count") == total
    assert m.value("raceday_fetcher_lease_remaining_seconds_bucket", le="0.0") == 0
    assert m.value("raceday_fetcher_concurrency") == 10
    assert m.labels("raceday_fetcher_db_connections", "state") == {"in_use", "idle", "closed"}
    assert m.value("raceday_fetcher_db_connections") == 2  # FETCHER_DB_CONNECTIONS
    assert m.value("raceday_fetcher_db_connections", state="closed") == 0
    assert 0 < m.value("process_resident_memory_bytes") < m.value("raceday_memory_limit_bytes")
    assert m.types["raceday_fetcher_polls"] == "counter"
    assert m.types["raceday_fetcher_ingest_duration_seconds"] == "histogram"
    assert fp.stop() == 0


def test_fetcher_counts_retries_and_429s(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(faults="429=1.0", form_size=2)
    sim.faults.retry_after_s = 0
    port = free_port()
    fp = fetchers(sim.base_url, FETCHER_METRICS_PORT=str(port), **FAST)
    url = f"http://127.0.0.1:{port}/metrics"

    def agrees(m: Scrape) -> bool:
        polls, attempts = stored(clean_db, "meetings")
        return (
            m.value("raceday_fetcher_polls_in_flight") == 0
            and attempts >= 3
            and m.value("raceday_fetcher_attempts_total", kind="meetings") == attempts
        )

    m = settle(lambda: Scrape(url), agrees, "the fetcher's attempts never matched the database's rows")
    attempts = m.value("raceday_fetcher_attempts_total", kind="meetings")
    polls = m.value("raceday_fetcher_polls_total", kind="meetings", outcome="rate_limited")
    assert polls >= 1 and m.value("raceday_fetcher_polls_total", kind="meetings") == polls
    assert m.value("raceday_fetcher_rate_limited_total", kind="meetings") == attempts
    assert m.value("raceday_fetcher_attempts_total", kind="meetings", outcome="rate_limited") == attempts
    assert (
        m.value("raceday_fetcher_retries_total", kind="meetings") == attempts - polls == 2 * polls
    )  # 3 attempts
    assert m.value("raceday_fetcher_ingest_duration_seconds_count", kind="meetings") == 0  # no body to ingest
    assert fp.stop() == 0


def test_a_taken_metrics_port_stops_the_fetcher_with_one_line(tabsim_factory, fetchers):
    sim = tabsim_factory(form_size=2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        fp = fetchers(sim.base_url, FETCHER_METRICS_PORT=str(taken.getsockname()[1]))
        assert fp.proc.wait(timeout=TIMEOUT) == 2
    fp.stop()
    assert "FETCHER_METRICS_PORT" in fp.stderr and fp.stderr.count("\n") == 1, fp.stderr


# -- live ----------------------------------------------------------------------


def test_live_metrics_agree_with_its_stats_and_its_clients(clean_db, database_url):
    live = LiveServer(database_url, LIVE_HEARTBEAT_S="0.5")
    try:
        race = Race(clean_db, seed=5)
        race.add_meeting()
        stream = SseClient(f"{live.url}/races/{race.race_id}")
        stream.wait(lambda c: c.named("hello"), "no hello")
        staging_id = race.poll(race.race.start - 1800)
        stream.wait_poll(staging_id)

        def agrees(m: Scrape) -> bool:
            return (
                m.value("raceday_live_events_sent_total") == live.stats()["events_sent"] == len(stream.events)
            )

        m = settle(lambda: Scrape(f"{live.url}/metrics"), agrees, "live's metrics never matched its /stats")
        stats = live.stats()
        assert m.value("raceday_live_connections") == stats["connections"] == 1
        assert m.value("raceday_live_events_sent_total") >= 2  # hello and the poll
        assert m.value("raceday_live_notifications_total") == stats["notifications"] >= 1
        assert m.value("raceday_live_changes_fanned_out_total") == stats["changes_fanned_out"] >= 1
        assert m.value("raceday_live_db_queries_total") == stats["db_queries"] >= 2
        assert m.value("raceday_live_clients_dropped_total") == 0
        assert m.value("raceday_live_listening") == 1
        # The poll's notification was fanned out once, and measured.
        assert m.value("raceday_live_fanout_delay_seconds_count") >= 1
        assert 0 < m.value("raceday_live_fanout_delay_seconds_sum") < 5
        assert m.value("raceday_live_db_pool_max") == 4
        assert m.labels("raceday_live_db_pool_connections", "state") == {"in_use", "idle"}
        assert 0 < m.value("process_resident_memory_bytes") < m.value("raceday_memory_limit_bytes")
        stream.close()
        assert wait_for(lambda: Scrape(f"{live.url}/metrics").value("raceday_live_connections") == 0, TIMEOUT)
    finally:
        assert live.stop() == 0


# -- the pipeline's exporter ---------------------------------------------------


class Exporter:
    """`python -m exporter` as raceday_monitor, on a free port."""

    def __init__(self, database_url: str, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/metrics"
        self.err = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(
            [os.environ.get("PYTHON", sys.executable), "-m", "exporter"],
            stdout=subprocess.DEVNULL,
            stderr=self.err,
            text=True,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "EXPORTER_PORT": str(self.port),
                "RACEDAY_EXPORTER_DATABASE_URL": database_url.replace("postgres@", "raceday_monitor@"),
                **env,
            },
        )
        assert wait_for(lambda: self.proc.poll() is not None or self._up(), TIMEOUT), (
            "the exporter did not start"
        )
        assert self.proc.poll() is None, self.stderr()

    def _up(self) -> bool:
        try:
            return httpx.get(self.url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def scrape(self) -> Scrape:
        return Scrape(self.url)

    def stderr(self) -> str:
        self.err.seek(0)
        return self.err.read()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def exporter(database_url):
    started: list[Exporter] = []

    def start(url: str = database_url, **env: str) -> Exporter:
        started.append(Exporter(url, **env))
        return started[-1]

    yield start
    assert [e.stop() for e in started] == [0] * len(started)


def claim_late(db, target: str, late_s: float) -> None:
    """Makes a target due `late_s` seconds ago, then claims it as a fetcher would."""
    db.execute(
        "UPDATE raceday.poll_targets SET next_poll_at = raceday.clock() - make_interval(secs => %s), "
        "lease_owner = NULL, lease_until = NULL WHERE target = %s",
        (late_s, target),
    )
    claimed = db.execute("SELECT target FROM raceday.claim_due_polls('test', 1000)").fetchall()
    assert (target,) in claimed


def quarantine_one(db) -> None:
    """An event poll whose transform fails (a hold percentage that is no number)."""
    day = RacingDay(21, start=time.time(), form_size=2)
    meeting = day.meetings[0]
    race = meeting.races[0]
    ingest_meeting(db, day, meeting, race.start - 3600)
    doc = json.loads(event_json(day, race, time.time(), {"with_money_tracker": "true"}))
    doc["data"]["money_tracker"]["entrants"][0]["hold_percentage"] = "a lot"
    db.execute("SELECT raceday.ingest_event(%s, %s, now())", (race.race_id, json.dumps(doc)))


def test_exporter_reports_the_pipeline_as_the_database_holds_it(clean_db, exporter):
    db = clean_db
    # A first claim plans the day: the meetings page is then a target.
    db.execute("SELECT raceday.claim_due_polls('test', 1000)")
    target = db.execute("SELECT target FROM raceday.poll_targets WHERE kind = 'meetings' LIMIT 1").fetchone()[
        0
    ]
    for _ in range(3):
        claim_late(db, target, 40)
    quarantine_one(db)
    db.execute(
        "UPDATE raceday.poll_targets SET next_poll_at = raceday.clock() - interval '90 seconds', "
        "lease_owner = NULL, lease_until = NULL WHERE target = %s",
        (target,),
    )
    m = exporter(EXPORTER_CACHE_S="0").scrape()

    assert m.value("raceday_pipeline_up") == 1
    assert m.value("raceday_pipeline_late_poll_streak_max", kind="meetings") == 3
    assert m.value("raceday_pipeline_late_poll_streak_max", kind="event") == 0
    assert 90 <= m.value("raceday_pipeline_lag_seconds", kind="meetings") < 90 + TIMEOUT
    assert m.value("raceday_pipeline_overdue_targets", kind="meetings") == 1
    assert (
        m.value("raceday_pipeline_quarantined_polls")
        == db.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
        ).fetchone()[0]
        == 1
    )
    # The meeting's races are open and scheduled; one event was ingested just now.
    assert (
        m.value("raceday_pipeline_open_races")
        == db.execute(
            "SELECT count(*) FROM raceday.poll_targets t JOIN raceday.races r USING (race_id) "
            "WHERE t.next_poll_at IS NOT NULL AND r.status = 'open'"
        ).fetchone()[0]
        > 0
    )
    assert 0 <= m.value("raceday_pipeline_ingest_age_seconds") < TIMEOUT
    assert m.value("raceday_pipeline_staging_rows") >= 0
    assert m.value("raceday_pipeline_staging_bytes") > 0
    assert m.labels("raceday_pipeline_partition_days_ahead", "table") == {
        "raceday.money_flow_history",
        "raceday.odds_history",
    }
    assert m.value("raceday_pipeline_partition_days_ahead", table="raceday.odds_history") == 7
    jobs = {name for (name,) in db.execute("SELECT jobname FROM cron.job WHERE jobname LIKE 'raceday-%'")}
    assert m.labels("raceday_pipeline_cron_job_failed", "job") == jobs and len(jobs) == 6
    assert m.value("raceday_pipeline_cron_job_failed") == 0
    assert m.value("raceday_db_connections", role="raceday_monitor") == 1
    assert m.value("raceday_db_connections", role="postgres") >= 1
    assert m.value("raceday_db_max_connections") == int(db.execute("SHOW max_connections").fetchone()[0])

    # One claim on time ends the streak.
    claim_late(db, target, 0)
    assert (
        exporter(EXPORTER_CACHE_S="0")
        .scrape()
        .value("raceday_pipeline_late_poll_streak_max", kind="meetings")
        == 0
    )


def test_exporter_reads_the_database_once_per_cache_period(clean_db, exporter):
    cached = exporter(EXPORTER_CACHE_S="300")
    before = cached.scrape().value("raceday_pipeline_quarantined_polls")
    quarantine_one(clean_db)
    # Within the period every scrape is served the first read; a second
    # exporter without a cache reads the change.
    assert cached.scrape().value("raceday_pipeline_quarantined_polls") == before
    assert exporter(EXPORTER_CACHE_S="0").scrape().value("raceday_pipeline_quarantined_polls") == before + 1


def test_exporter_serves_only_up_0_when_the_database_is_away(exporter):
    away = exporter(f"postgresql://postgres@127.0.0.1:{free_port()}/raceday", EXPORTER_CACHE_S="0")
    m = away.scrape()
    assert m.value("raceday_pipeline_up") == 0
    assert not m.has("raceday_pipeline_quarantined_polls") and not m.has("raceday_db_connections")


def test_exporter_role_may_read_the_metrics_and_nothing_else(database_url):
    import psycopg

    with psycopg.connect(database_url.replace("postgres@", "raceday_monitor@"), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM ops.pipeline_metrics()").fetchone()[0] > 10
        for query in (
            "SELECT * FROM ops.failed_polls",
            "SELECT * FROM raceday.poll_targets",
            "SELECT * FROM staging.raw_responses",
            "SELECT * FROM api.races",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(query)
