"""Fetching from the TAB API politely: identification headers, a timeout,
and up to N attempts with exponential back-off and jitter on network errors,
timeouts, 429 (honouring Retry-After) and 5xx; never a retry on other 4xx.

Every attempt that got an answer, or none, becomes an Attempt: the caller
hands each one to the database, so nothing the API sent is lost."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx


@dataclass
class Attempt:
    number: int
    url: str
    status: int | None          # None: no response (network error, timeout)
    body: bytes
    error: str | None           # why the attempt failed, if it did
    fetch_ms: float
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500

    def meta(self, worker: str, final: bool) -> dict:
        """What staging keeps beside the body: where it came from, which attempt, by whom."""
        return {"url": self.url, "http_status": self.status, "attempt": self.number,
                "worker": worker, "bytes": len(self.body), "final": final}

    def failure_meta(self, worker: str, final: bool) -> dict:
        """meta() of a failed attempt: with its error and, if any, the body as text."""
        meta = self.meta(worker, final) | {"error": self.error}
        if self.body:
            meta["body"] = self.body.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        return meta

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None            # an HTTP date: fall back to our own back-off


async def fetch(client: httpx.AsyncClient, url: str, params: dict[str, str], attempts: int, backoff_s: float,
                retry_after_cap_s: float, on_failed_attempt: Callable[[Attempt], Awaitable[None]]) -> Attempt:
    """Fetches with retries; failed attempts before the last go to on_failed_attempt."""
    for number in range(1, attempts + 1):
        started = time.perf_counter()
        try:
            response = await client.get(url, params=params)
            body = response.content
            status = response.status_code
            error = None if 200 <= status < 300 else f"HTTP {status}"
            attempt = Attempt(number, str(response.url), status, body, error,
                              (time.perf_counter() - started) * 1000,
                              retry_after_seconds(response.headers.get("Retry-After")))
        except httpx.TimeoutException as err:
            attempt = Attempt(number, url, None, b"", f"timeout: {type(err).__name__}",
                              (time.perf_counter() - started) * 1000)
        except httpx.TransportError as err:
            attempt = Attempt(number, url, None, b"", f"network: {type(err).__name__}: {err}",
                              (time.perf_counter() - started) * 1000)
        if attempt.ok or not attempt.retryable or number == attempts:
            return attempt
        await on_failed_attempt(attempt)
        delay = backoff_s * 2 ** (number - 1) * random.uniform(0.5, 1.5)
        if attempt.retry_after is not None:
            delay = min(max(delay, attempt.retry_after), retry_after_cap_s)
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")
