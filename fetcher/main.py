"""The fetcher's loop: claim what is due, fetch it (bounded concurrency, one
request per target at a time), hand every outcome to the database, repeat.
SIGTERM or SIGINT: stop claiming, finish what is in flight, hand back the
leases, exit 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from datetime import UTC, datetime

import httpx

from . import config as config_mod
from . import metrics
from .db import Claim, Database
from .log import log
from .tab import Attempt, fetch


class Fetcher:
    def __init__(self, cfg: config_mod.Config):
        self.cfg = cfg
        self.db = Database(cfg.database_url, cfg.db_connections, cfg.failed_body_bytes)
        self.stopping = asyncio.Event()
        self.in_flight: dict[str, asyncio.Task] = {}
        self.polls = 0
        self.beat = float("-inf")
        metrics.watch(lambda: len(self.in_flight), cfg.concurrency, self.db.pool_use)

    async def run(self) -> int:
        limits = httpx.Limits(
            max_connections=self.cfg.concurrency, max_keepalive_connections=self.cfg.concurrency
        )
        async with httpx.AsyncClient(
            headers=self.cfg.headers, timeout=self.cfg.timeout_s, limits=limits
        ) as client:
            self.client = client
            log(
                "info",
                "started",
                worker=self.cfg.worker,
                api=self.cfg.api_url,
                concurrency=self.cfg.concurrency,
            )
            delay = 0.2
            while not self.stopping.is_set():
                self._heartbeat()
                free = self.cfg.concurrency - len(self.in_flight)
                claims: list[Claim] = []
                if free > 0:
                    try:
                        claims = await self.db.claim(self.cfg.worker, free)
                        metrics.CLAIMS.labels("ok").inc()
                        metrics.CLAIMED.inc(len(claims))
                        delay = 0.2
                    except Exception as err:  # the database is away: wait, keep what is in flight
                        metrics.CLAIMS.labels("failed").inc()
                        log(
                            "warning",
                            "claim_failed",
                            error=str(err).strip().splitlines()[0] if str(err) else type(err).__name__,
                            retry_in_s=round(delay, 2),
                        )
                        await self._sleep(delay)
                        delay = min(delay * 2, 5.0)
                        continue
                for claim in claims:
                    if claim.target in self.in_flight:  # never two requests for one target
                        continue
                    task = asyncio.create_task(self._poll(claim))
                    self.in_flight[claim.target] = task
                    task.add_done_callback(lambda _t, key=claim.target: self.in_flight.pop(key, None))
                if not claims:
                    await self._sleep(self.cfg.idle_s)
                elif len(self.in_flight) >= self.cfg.concurrency:
                    await asyncio.wait(list(self.in_flight.values()), return_when=asyncio.FIRST_COMPLETED)
            log("info", "stopping", in_flight=len(self.in_flight))
            if self.in_flight:
                await asyncio.gather(*self.in_flight.values(), return_exceptions=True)
        released = await self.db.release(self.cfg.worker)
        await self.db.close()
        log("info", "stopped", worker=self.cfg.worker, polls=self.polls, leases_released=released)
        return 0

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if self.cfg.heartbeat_file and now - self.beat >= 1.0:
            self.beat = now
            try:
                with open(self.cfg.heartbeat_file, "a"):
                    os.utime(self.cfg.heartbeat_file)
            except OSError as err:
                log("warning", "heartbeat_failed", file=self.cfg.heartbeat_file, error=str(err))

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def _record_failure(self, claim: Claim, attempt: Attempt, final: bool) -> int:
        if not final:  # a retried attempt; the last one is observed by _poll
            metrics.observe_attempt(claim.kind, attempt)
        return await self.db.failure(
            claim, datetime.now(UTC), attempt.failure_meta(self.cfg.worker, final, self.cfg.failed_body_bytes)
        )

    async def _poll(self, claim: Claim) -> None:
        url = self.cfg.api_url + claim.path
        try:
            attempt = await fetch(
                self.client,
                url,
                claim.query,
                self.cfg.attempts,
                self.cfg.backoff_s,
                self.cfg.retry_after_cap_s,
                lambda failed: self._record_failure(claim, failed, final=False),
                max_body_bytes=self.cfg.max_body_bytes,
                deadline_s=self.cfg.deadline_s,
                keep=self.cfg.failed_body_bytes,
            )
            received = datetime.now(UTC)
            metrics.observe_attempt(claim.kind, attempt)
            started = time.perf_counter()
            error = attempt.error
            if attempt.ok:
                try:
                    with metrics.INGEST_SECONDS.labels(claim.kind).time():
                        staging_id, error = await self.db.ingest(
                            claim, attempt.body, received, attempt.meta(self.cfg.worker, True)
                        )
                except Exception as err:
                    # The database refused the ingest itself (a bug in it): the
                    # body is still kept, as a failure carrying the error.
                    error = f"ingest error: {type(err).__name__}: {str(err).strip().splitlines()[0]}"
                    attempt.error = error
                    staging_id = await self._record_failure(claim, attempt, final=True)
            else:
                staging_id = await self._record_failure(claim, attempt, final=True)
            self.polls += 1
            metrics.POLLS.labels(claim.kind, metrics.poll_outcome(attempt, error)).inc()
            if claim.lease_until is not None:
                metrics.LEASE_LEFT.observe((claim.lease_until - datetime.now(UTC)).total_seconds())
            log(
                "info" if error is None else "warning",
                "poll",
                target=claim.target,
                kind=claim.kind,
                status=attempt.status,
                bytes=attempt.true_size,
                fetch_ms=round(attempt.fetch_ms, 1),
                ingest_ms=round((time.perf_counter() - started) * 1000, 1),
                attempt=attempt.number,
                staging_id=staging_id,
                **({"error": error} if error else {}),
            )
        except Exception as err:  # a bug here must not kill the loop; the lease expires
            log("error", "poll_crashed", target=claim.target, error=f"{type(err).__name__}: {err}")


def main() -> int:
    try:
        cfg = config_mod.load()
    except config_mod.ConfigError as err:
        print(f"fetcher: error: {err}", file=sys.stderr)
        return 2

    async def runner() -> int:
        fetcher = Fetcher(cfg)
        if cfg.metrics_port:
            try:
                metrics.serve(cfg.metrics_host, cfg.metrics_port)
            except OSError as err:
                print(
                    f"fetcher: error: FETCHER_METRICS_PORT: cannot listen on {cfg.metrics_host}:"
                    f"{cfg.metrics_port}: {err.strerror}",
                    file=sys.stderr,
                )
                return 2
            log("info", "metrics", url=f"http://{cfg.metrics_host}:{cfg.metrics_port}/metrics")
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, fetcher.stopping.set)
        return await fetcher.run()

    return asyncio.run(runner())
