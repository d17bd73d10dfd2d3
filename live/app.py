"""The HTTP side: the two event streams (/races/{id}, /upcoming), health,
counters (/stats, and /metrics for Prometheus), the board's configuration
and its static files. Errors are JSON in PostgREST's shape, as the API
answers them."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import psycopg

from . import errors, sse, static
from .config import Config
from .errors import ApiError
from .hub import CLOSE, HEARTBEAT, Hub, Subscriber
from .log import log
from .metrics import CONTENT_TYPE, Metrics

JSON = b"application/json; charset=utf-8"
CORS = (b"access-control-allow-origin", b"*")  # as the API: the board may be served from elsewhere
SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
    CORS,
]  # no-buffering: nginx would hold events back
Headers = list[tuple[bytes, bytes]]


class Live:
    def __init__(self, config: Config, on_ready: Callable[[], None] | None = None) -> None:
        self.config = config
        self.hub = Hub(config, on_ready)
        self.stats = self.hub.stats
        self.metrics = Metrics(self.stats, self.hub.pool, lambda: self.hub.listening)
        self.hub.on_fanout = self.metrics.fanout_seconds.observe
        self._config_json = json.dumps({"api_url": config.api_url, "live_url": ""}).encode()

    # -- ASGI ------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        try:
            if method == "OPTIONS":
                await _respond(
                    send,
                    200,
                    b"",
                    [
                        (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
                        (b"access-control-allow-headers", b"Accept, Cache-Control, Last-Event-ID"),
                        (b"access-control-max-age", b"86400"),
                    ],
                )
            elif path == "/upcoming" or path.startswith("/races/"):
                if method != "GET":
                    raise errors.bad_method(method)
                await self._stream(scope, receive, send, _race_id(path))
            elif method not in ("GET", "HEAD"):
                raise errors.bad_method(method)
            elif path == "/live":
                await _respond(send, 200, b"")
            elif path == "/ready":
                await _respond(send, 200 if self.hub.listening else 503, b"")
            elif path == "/stats":
                await _respond(send, 200, json.dumps(self.stats.as_dict()).encode())
            elif path == "/metrics":
                await _respond(send, 200, self.metrics.render(), [(b"content-type", CONTENT_TYPE)])
            elif path == "/config.json":
                await _respond(send, 200, self._config_json)
            elif (found := static.lookup(self.config.web_dir, path)) is not None:
                content_type, body = found  # uvicorn leaves the body out of a HEAD answer
                await _respond(send, 200, body, [(b"content-type", content_type)])
            else:
                raise errors.not_found()
        except ApiError as exc:
            await _respond(send, exc.status, exc.body)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.hub.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.hub.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def end_streams(self) -> None:
        """Before the server waits for connections to close: a stream never ends by itself."""
        await self.hub.end_streams()

    # -- event streams -----------------------------------------------------------
    async def _stream(self, scope: dict[str, Any], receive: Any, send: Any, race_id: str | None) -> None:
        resume = _last_event_id(scope)
        if self.stats.connections >= self.config.max_connections:
            raise errors.too_many_streams(self.config.max_connections)
        if self.hub.closing:
            raise errors.shutting_down()
        if not self.hub.listening:
            raise errors.database_unavailable()
        self.stats.connections += 1
        try:
            try:
                sub = await self.hub.subscribe(race_id, scope["path"])
            except psycopg.OperationalError as exc:
                raise errors.database_unavailable(str(exc).strip()[:200]) from None
            except psycopg.Error as exc:
                raise errors.database_error(exc.sqlstate, str(exc).strip()[:200]) from None
            started = time.monotonic()
            try:
                if self.hub.closing:  # SIGTERM came while it subscribed: its stream would be cut
                    raise errors.shutting_down()
                reason = await self._run(sub, receive, send, resume)
            finally:
                self.hub.unsubscribe(sub)
            if self.config.log_level == "debug":
                log(
                    "debug",
                    "client_closed",
                    path=sub.path,
                    reason=reason,
                    events=sub.sent,
                    seconds=round(time.monotonic() - started, 3),
                )
        finally:
            self.stats.connections -= 1

    async def _run(self, sub: Subscriber, receive: Any, send: Any, resume: sse.Key | None) -> str:
        """Writes the stream until the client goes, is dropped, or the server
        stops; returns which."""
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        writer = sub.writer = asyncio.create_task(self._write(sub, send, resume))
        gone = asyncio.create_task(_disconnected(receive))
        done, _ = await asyncio.wait((writer, gone), return_when=asyncio.FIRST_COMPLETED)
        for task in (writer, gone):
            task.cancel()
        await asyncio.gather(writer, gone, return_exceptions=True)
        if gone in done:
            return "disconnected"
        if writer.cancelled():  # cut by the hub: too slow, or not taking its last chunk at shutdown
            _abort(send)
            return "dropped" if sub.dropped else "cut"
        if writer.exception() is not None:
            # The database failed mid-replay, most likely: the client reconnects with its last id.
            log("warning", "stream_failed", path=sub.path, error=repr(writer.exception())[:200])
            return "failed"
        return "closed"

    async def _write(self, sub: Subscriber, send: Any, resume: sse.Key | None) -> None:
        """The stream's body: `retry`, then hello or the replay from the
        database, then what the hub queues. A stream that ends normally
        (shutdown) sends its last chunk; any other end is a cancellation."""
        if resume is None:
            cursor = sub.feed.cursor
            assert cursor is not None
            floor: sse.Key = (cursor, sse.LAST_PART)
            await self._send(send, sub, [sse.RETRY, sse.hello(sub.feed.race_id, cursor)], 1)
        elif sub.feed.cursor is not None and resume[0] > sub.feed.cursor:
            # An id this feed never gave (the database was rebuilt, or the id
            # is another stream's): nothing to replay from, so the client is
            # told to reload, and follows the feed from where it stands.
            floor = (sub.feed.cursor, sse.LAST_PART)
            await self._send(
                send, sub, [sse.RETRY, sse.reset_ahead(sub.feed.race_id, resume[0], sub.feed.cursor)], 1
            )
        else:
            await self._send(send, sub, [sse.RETRY], 0)
            floor = await self._replay(sub, send, resume)
            if floor is None:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
        sub.replaying = False
        while True:
            items = [await sub.queue.get()]
            while not sub.queue.empty():
                items.append(sub.queue.get_nowait())
            chunks, events, end = [], 0, False
            for item in items:
                if item is CLOSE:
                    end = True
                    break
                if not item.events:  # a heartbeat or a resync
                    chunks.append(item.data)
                    events += item is not HEARTBEAT
                elif item.events[0][0] > floor:  # the usual case: all of it is new
                    chunks.append(item.data)
                    events += len(item.events)
                    floor = item.events[-1][0]
                else:  # read by the replay, or before the hello's cursor
                    fresh = [(k, payload) for k, payload in item.events if k > floor]
                    if fresh:
                        chunks.extend(payload for _, payload in fresh)
                        events += len(fresh)
                        floor = fresh[-1][0]
            if chunks:
                await self._send(send, sub, chunks, events)
            if end:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return

    async def _replay(self, sub: Subscriber, send: Any, resume: sse.Key) -> sse.Key | None:
        """Sends every event after `resume` from the database and returns the
        last key sent (None: the stream is closing). Changes fanned out
        meanwhile wait in the queue; if it overflowed, some were discarded:
        the database is read again from where this replay got to."""
        key = resume
        while True:
            sub.overflowed = False
            # `N:k` re-reads change N for its parts after k; `N`, from N + 1.
            after = key[0] if key[1] == sse.LAST_PART else max(key[0] - 1, 0)
            async for batch, _ in self.hub.events(sub.feed.race_id, after):
                chunks = [payload for k, payload in batch if k > key]
                if chunks:
                    key = batch[-1][0]
                    await self._send(send, sub, chunks, len(chunks))
            if not sub.overflowed:
                return key
            while not sub.queue.empty():  # older than what the next read returns
                item = sub.queue.get_nowait()
                if item is CLOSE:
                    return None
                if not item.events and item is not HEARTBEAT:  # a resync: still owed
                    await self._send(send, sub, [item.data], 1)

    async def _send(self, send: Any, sub: Subscriber, chunks: list[bytes], events: int) -> None:
        await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
        self.stats.events_sent += events
        sub.sent += events


def _abort(send: Any) -> None:
    """Resets a cut client's connection at once. ASGI has no way to: uvicorn
    would close it only once the client took what it was sent, which a
    client that stopped reading never does, and its socket and buffers would
    stay; a reset (linger 0) also discards what the kernel still holds, and
    tells a client that is only slow to reconnect with its last id. `send`
    is uvicorn's cycle's own method, which holds the transport; under another
    server the connection is closed the ASGI way, when the handler returns."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _disconnected(receive: Any) -> None:
    """Returns when the client has gone (the request has no body to read)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _respond(send: Any, status: int, body: bytes, headers: Headers | None = None) -> None:
    headers = headers or []
    if not any(name == b"content-type" for name, _ in headers):
        headers = [(b"content-type", JSON), *headers]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [CORS, *headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _race_id(path: str) -> str | None:
    """The race of /races/{id} in canonical form (the key of its feed); None
    for /upcoming."""
    if path == "/upcoming":
        return None
    raw = path.removeprefix("/races/")
    if not raw or "/" in raw:
        raise errors.not_found()
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise errors.bad_uuid(raw) from None


def _last_event_id(scope: dict[str, Any]) -> sse.Key | None:
    """The header (what EventSource sends when it reconnects) wins over the
    query string (a client that cannot set headers)."""
    text = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"last-event-id"), "")
    if not text.strip():
        values = parse_qs(scope["query_string"].decode("latin-1")).get("last_event_id", [""])
        text = values[-1]
    if not text.strip():
        return None
    key = sse.parse_cursor(text)
    if key is None:
        raise errors.bad_cursor(text)
    return key
