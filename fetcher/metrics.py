"""The fetcher's metrics in Prometheus's text format, served on a port of
its own (FETCHER_METRICS_PORT) by prometheus_client's HTTP server, in a
thread beside the event loop. The loop only counts and observes; every name
is listed, with its meaning, in docs/metrics.md."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from memlimit import memory_limit_bytes

from .tab import Attempt

# Seconds. A real event takes about 0.1-0.5 s to fetch and 10-150 ms to
# ingest; the top buckets reach the deadline (8 s) and the role's statement
# timeout (10 s).
FETCH_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16)
INGEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
LEASE_BUCKETS = (-5, 0, 5, 10, 15, 20, 25, 30)

POLLS = Counter(
    "raceday_fetcher_polls", "Polls handed to the database, by kind and outcome.", ["kind", "outcome"]
)
ATTEMPTS = Counter("raceday_fetcher_attempts", "HTTP attempts, by kind and outcome.", ["kind", "outcome"])
RETRIES = Counter("raceday_fetcher_retries", "Attempts after a poll's first (retries), by kind.", ["kind"])
RATE_LIMITED = Counter("raceday_fetcher_rate_limited", "Answers of 429 Too Many Requests, by kind.", ["kind"])
FETCH_SECONDS = Histogram(
    "raceday_fetcher_fetch_duration_seconds",
    "Time of one HTTP attempt, connection to last byte, by kind.",
    ["kind"],
    buckets=FETCH_BUCKETS,
)
INGEST_SECONDS = Histogram(
    "raceday_fetcher_ingest_duration_seconds",
    "Time of one ingest call (a 2xx body handed to the database), by kind.",
    ["kind"],
    buckets=INGEST_BUCKETS,
)
CLAIMS = Counter("raceday_fetcher_claims", "Calls of raceday.claim_due_polls, by result.", ["result"])
CLAIMED = Counter("raceday_fetcher_claimed_polls", "Targets leased to this fetcher.")
LEASE_LEFT = Histogram(
    "raceday_fetcher_lease_remaining_seconds",
    "Lease left when a poll was handed over; below 0 another fetcher may have taken the target.",
    buckets=LEASE_BUCKETS,
)
IN_FLIGHT = Gauge("raceday_fetcher_polls_in_flight", "Polls being fetched or ingested now.")
CONCURRENCY = Gauge(
    "raceday_fetcher_concurrency", "Polls this fetcher runs at once at most (FETCHER_CONCURRENCY)."
)
DB_CONNECTIONS = Gauge(
    "raceday_fetcher_db_connections", "The fetcher's database connections by state.", ["state"]
)


def attempt_outcome(attempt: Attempt) -> str:
    """One word for how an HTTP attempt ended (a label of a few values)."""
    if attempt.abandoned == "too_large":
        return "too_large"
    if attempt.abandoned == "deadline" or (attempt.error or "").startswith("timeout"):
        return "timeout"
    if attempt.status is None:
        return "network"
    if attempt.status == 429:
        return "rate_limited"
    if attempt.error and attempt.error.startswith("undecodable"):
        return "undecodable"
    if 200 <= attempt.status < 300:
        return "ok"
    return f"http_{attempt.status // 100}xx"


def poll_outcome(attempt: Attempt, error: str | None) -> str:
    """How a poll ended: ok, or why not (an HTTP failure, a body jsonb
    cannot hold, an ingest the database refused)."""
    if error is None:
        return "ok"
    if error.startswith("invalid JSON"):
        return "invalid_body"
    if error.startswith("ingest error"):
        return "ingest_error"
    return attempt_outcome(attempt)


def observe_attempt(kind: str, attempt: Attempt) -> None:
    ATTEMPTS.labels(kind, attempt_outcome(attempt)).inc()
    FETCH_SECONDS.labels(kind).observe(attempt.fetch_ms / 1000)
    if attempt.number > 1:
        RETRIES.labels(kind).inc()
    if attempt.status == 429:
        RATE_LIMITED.labels(kind).inc()


def watch(in_flight: Callable[[], int], concurrency: int, pool: Callable[[], tuple[int, int, int]]) -> None:
    """Gauges read when scraped: polls in flight, and the pool as
    (in use, idle and open, not open)."""
    IN_FLIGHT.set_function(in_flight)
    CONCURRENCY.set(concurrency)
    for index, state in enumerate(("in_use", "idle", "closed")):
        DB_CONNECTIONS.labels(state).set_function(lambda i=index: pool()[i])
    # Every label of a few values starts at 0, so rate() sees the first one.
    for kind in ("meetings", "event"):
        POLLS.labels(kind, "ok")
        ATTEMPTS.labels(kind, "ok")
        RETRIES.labels(kind)
        RATE_LIMITED.labels(kind)
        FETCH_SECONDS.labels(kind)
        INGEST_SECONDS.labels(kind)
    for result in ("ok", "failed"):
        CLAIMS.labels(result)


def serve(host: str, port: int) -> tuple[object, object]:
    """Starts the HTTP server in a daemon thread; returns what
    start_http_server returns (the server and its thread)."""
    return start_http_server(port, addr=host)


MEMORY_LIMIT = Gauge(
    "raceday_memory_limit_bytes", "Memory the process may use: its cgroup's limit, else the machine's."
)
MEMORY_LIMIT.set_function(memory_limit_bytes)
