"""live's metrics in Prometheus's text format, for GET /metrics: the
counters of /stats (the same numbers, read when scraped), the database
pool's use, the delay from a notification to its events being queued for
the clients, and the process's own (memory, CPU, file descriptors). Every
name is listed, with its meaning, in docs/metrics.md."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from memlimit import memory_limit_bytes

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

    from .hub import Stats

CONTENT_TYPE = CONTENT_TYPE_LATEST.encode()
# Seconds from a notification to its events in every watcher's queue: one
# feed query, usually a few milliseconds.
FANOUT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)

# /stats's counters: (name, help). `connections` is a gauge (streams open now).
COUNTERS = (
    ("events_sent", "Events written to clients (not heartbeats)."),
    ("clients_dropped", "Streams ended because the client was too slow to take its events."),
    ("db_queries", "Feed queries: fan-out reads, replays, a new feed's cursor."),
    ("notifications", "Notifications received on the raceday_changes channel."),
    ("changes_fanned_out", "Changes read by the fan-out and queued for a feed's subscribers."),
)


class _StatsCollector(Collector):
    """The hub's counters and the pool's state, read at each scrape."""

    def __init__(self, stats: Stats, pool: AsyncConnectionPool, listening: Callable[[], bool]) -> None:
        self.stats, self.pool, self.listening = stats, pool, listening

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        yield GaugeMetricFamily("raceday_live_connections", "Event streams open now.", self.stats.connections)
        for name, text in COUNTERS:
            yield CounterMetricFamily(f"raceday_live_{name}", text, getattr(self.stats, name))
        yield GaugeMetricFamily(
            "raceday_live_listening", "1 while the LISTEN connection is up, else 0.", float(self.listening())
        )
        pool = self.pool.get_stats()
        size, idle = pool.get("pool_size", 0), pool.get("pool_available", 0)
        connections = GaugeMetricFamily(
            "raceday_live_db_pool_connections", "The feed queries' pool by state.", labels=["state"]
        )
        connections.add_metric(["in_use"], size - idle)
        connections.add_metric(["idle"], idle)
        yield connections
        yield GaugeMetricFamily(
            "raceday_live_db_pool_max", "The pool's size (LIVE_DB_POOL).", self.pool.max_size
        )
        yield GaugeMetricFamily(
            "raceday_live_db_pool_waiting",
            "Feed queries waiting for a pooled connection.",
            pool.get("requests_waiting", 0),
        )


class Metrics:
    """One registry per live process, served by Live at /metrics."""

    def __init__(self, stats: Stats, pool: AsyncConnectionPool, listening: Callable[[], bool]) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(_StatsCollector(stats, pool, listening))
        ProcessCollector(registry=self.registry)
        Gauge(
            "raceday_memory_limit_bytes",
            "Memory the process may use: its cgroup's limit, else the machine's.",
            registry=self.registry,
        ).set_function(memory_limit_bytes)
        self.fanout_seconds = Histogram(
            "raceday_live_fanout_delay_seconds",
            "From a notification to its events queued for every watcher of the feed.",
            buckets=FANOUT_BUCKETS,
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
