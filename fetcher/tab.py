"""Fetching from the TAB API politely: identification headers, a timeout,
and up to N attempts with exponential back-off and jitter on network errors,
timeouts, 429 (honouring Retry-After) and 5xx; never a retry on other 4xx.

Each attempt is bounded twice, so a broken or hostile server cannot hold a
poll or the process's memory: its decoded body may not pass a size cap
(fetcher/body.py), and the whole request (connect, headers, body) has a
deadline, which also ends a server that trickles bytes just fast enough to
beat the per-read timeout. A body too large is not retried (the same URL
would send it again; the target backs off as after any failure); a deadline
missed is retried like any timeout.

Every attempt that got an answer, or none, becomes an Attempt: the caller
hands each one to the database, so nothing the API sent is lost (a failed
body is kept truncated, with its true size)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from .body import BodyTooLarge, BodyUndecodable, CappedBody

# Defaults of the bounds (fetcher/config.py sets them from the environment).
MAX_BODY_BYTES = 8 << 20
DEADLINE_S = 8.0
FAILED_BODY_BYTES = 1 << 20
# staging.raw_responses.body_bytes is an integer: a declared size beyond it is recorded as its maximum.
_INT4_MAX = 2**31 - 1


def failed_body_text(body: bytes, keep: int) -> str:
    """A failed body as staging keeps it: its first `keep` bytes as text
    (a character cut in two becomes U+FFFD), NUL replaced (text cannot hold it)."""
    return bytes(body[:keep]).decode("utf-8", errors="replace").replace("\x00", "\ufffd")


@dataclass
class Attempt:
    number: int
    url: str
    status: int | None  # None: no response (network error, timeout)
    body: bytes
    error: str | None  # why the attempt failed, if it did
    fetch_ms: float
    retry_after: float | None = None
    size: int | None = None  # the body's true size when `body` holds only its head
    abandoned: str | None = None  # "too_large" or "deadline": the body was not read to its end

    @property
    def retryable(self) -> bool:
        if self.abandoned == "too_large":
            return False
        if self.abandoned == "deadline":
            return True
        return self.status is None or self.status == 429 or self.status >= 500

    @property
    def true_size(self) -> int:
        return self.size if self.size is not None else len(self.body)

    def meta(self, worker: str, final: bool) -> dict:
        """What staging keeps beside the body: where it came from, which attempt, by whom."""
        return {
            "url": self.url,
            "http_status": self.status,
            "attempt": self.number,
            "worker": worker,
            "bytes": min(self.true_size, _INT4_MAX),
            "final": final,
        }

    def failure_meta(self, worker: str, final: bool, keep: int = FAILED_BODY_BYTES) -> dict:
        """meta() of a failed attempt: with its error and, if any, the first
        `keep` bytes of the body as text ("bytes" stays the true size)."""
        meta = self.meta(worker, final) | {"error": self.error}
        if self.body:
            meta["body"] = failed_body_text(self.body, keep)
        return meta

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own back-off


async def attempt_once(
    client: httpx.AsyncClient,
    url: str,
    params: dict[str, str],
    number: int,
    max_body_bytes: int = MAX_BODY_BYTES,
    deadline_s: float = DEADLINE_S,
    keep: int = FAILED_BODY_BYTES,
) -> Attempt:
    """One GET, its body read under the cap, all of it within the deadline."""
    started = time.perf_counter()
    reader = CappedBody(max_body_bytes, keep)
    status, final_url, retry_after = None, url, None
    abandoned, size = None, None

    def elapsed() -> float:
        return (time.perf_counter() - started) * 1000

    try:
        async with asyncio.timeout(deadline_s):
            async with client.stream("GET", url, params=params) as response:
                status, final_url = response.status_code, str(response.url)
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                body = await reader.read(response)
        error = None if 200 <= status < 300 else f"HTTP {status}"
    except BodyTooLarge as err:
        body, size, error, abandoned = err.head, err.size, str(err), "too_large"
    except BodyUndecodable as err:
        body, error = bytes(reader.data[:keep]), f"undecodable: {err}"
    except TimeoutError:
        # The deadline: whatever arrived is kept (its head), with how much it was.
        body, size, abandoned = bytes(reader.data[:keep]), len(reader.data), "deadline"
        error = f"timeout: no complete response within the {deadline_s:g} s deadline"
    except (httpx.TimeoutException, httpx.TransportError) as err:
        # No complete response, as before the body was streamed: no status
        # (whatever status line came is not an answer), retried.
        status, final_url = None, url
        body, size = bytes(reader.data[:keep]), len(reader.data)
        error = (
            f"timeout: {type(err).__name__}"
            if isinstance(err, httpx.TimeoutException)
            else f"network: {type(err).__name__}: {err}"
        )
    return Attempt(number, final_url, status, body, error, elapsed(), retry_after, size, abandoned)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    params: dict[str, str],
    attempts: int,
    backoff_s: float,
    retry_after_cap_s: float,
    on_failed_attempt: Callable[[Attempt], Awaitable[None]],
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    deadline_s: float = DEADLINE_S,
    keep: int = FAILED_BODY_BYTES,
) -> Attempt:
    """Fetches with retries; failed attempts before the last go to on_failed_attempt."""
    for number in range(1, attempts + 1):
        attempt = await attempt_once(client, url, params, number, max_body_bytes, deadline_s, keep)
        if attempt.ok or not attempt.retryable or number == attempts:
            return attempt
        await on_failed_attempt(attempt)
        delay = backoff_s * 2 ** (number - 1) * random.uniform(0.5, 1.5)
        if attempt.retry_after is not None:
            delay = min(max(delay, attempt.retry_after), retry_after_cap_s)
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")
