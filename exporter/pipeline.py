"""The pipeline's state as Prometheus gauges: ops.pipeline_metrics() read
as raceday_monitor, at most once per cache period whatever the number of
scrapes, so Prometheus servers (two, for redundancy) do not load the
database. When the database cannot be read, only raceday_pipeline_up (0) is
served: an old number would look like a healthy pipeline."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

QUERY = "SELECT metric, labels, value FROM ops.pipeline_metrics() ORDER BY metric, labels::text"

# What each series means (docs/metrics.md has more); a series the database
# adds later is still exported, with a pointer to the docs.
HELP = {
    "raceday_pipeline_lag_seconds": "How far the most overdue target still polled is past due, by kind.",
    "raceday_pipeline_overdue_targets": "Targets past due and not leased to a fetcher, by kind.",
    "raceday_pipeline_late_poll_streak_max": "The longest run of claims more than 15 s past due, in a row, "
    "of one target still polled, by kind.",
    "raceday_pipeline_open_races": "Races still polled whose status is open.",
    "raceday_pipeline_ingest_age_seconds": "Time since the latest successful ingest, on the schedule's clock.",
    "raceday_pipeline_stopped_targets": "Targets whose polling stopped in the last 24 hours.",
    "raceday_pipeline_quarantined_polls": "Polls of the last 24 hours stored but not transformed (quarantined).",
    "raceday_pipeline_staging_bytes": "Size of staging.raw_responses with its indexes and TOAST.",
    "raceday_pipeline_staging_rows": "Rows of staging.raw_responses (the planner's estimate).",
    "raceday_pipeline_partition_days_ahead": "NZ racing days after today with a history partition, by table.",
    "raceday_pipeline_cron_job_failed": "1 when the pg_cron job's latest run failed, by job.",
    "raceday_pipeline_cron_job_last_run_timestamp_seconds": "Start of the pg_cron job's latest run (0: never), "
    "by job.",
    "raceday_db_connections": "Sessions open on the server, by login role.",
    "raceday_db_max_connections": "The server's max_connections.",
}


class PipelineCollector(Collector):
    def __init__(self, database_url: str, cache_s: float) -> None:
        self.database_url = database_url
        self.cache_s = cache_s
        self._lock = threading.Lock()  # scrapes arrive on threads of their own
        self._conn: psycopg.Connection | None = None
        self._rows: list[tuple[str, dict, float]] = []
        self._read_at = float("-inf")
        self._ok = False
        self._seconds = 0.0
        self.reads = 0  # database reads so far (the tests count them)

    def _read(self) -> None:
        started = time.monotonic()
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(
                    self.database_url, autocommit=True, connect_timeout=5, application_name="raceday-exporter"
                )
            self._rows = [(m, labels, v) for m, labels, v in self._conn.execute(QUERY).fetchall()]
            self._ok = True
        except psycopg.Error:
            if self._conn is not None:
                self._conn.close()
            self._conn, self._rows, self._ok = None, [], False
        self.reads += 1
        self._read_at = time.monotonic()
        self._seconds = self._read_at - started

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self._lock:
            if time.monotonic() - self._read_at >= self.cache_s:
                self._read()
            rows, ok, seconds = self._rows, self._ok, self._seconds
        yield GaugeMetricFamily(
            "raceday_pipeline_up", "1 when the latest read of the database succeeded, else 0.", float(ok)
        )
        yield GaugeMetricFamily(
            "raceday_pipeline_read_duration_seconds",
            "Time of the latest read of ops.pipeline_metrics().",
            seconds,
        )
        families: dict[str, GaugeMetricFamily] = {}
        for metric, labels, value in rows:
            family = families.get(metric)
            if family is None:
                family = families[metric] = GaugeMetricFamily(
                    metric, HELP.get(metric, "See docs/metrics.md."), labels=sorted(labels)
                )
            family.add_metric([str(labels[name]) for name in sorted(labels)], value)
        yield from families.values()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
