"""python -m live: serve the change feed over Server-Sent Events, and the
race board. Configuration from LIVE_* variables (see live/config.py)."""

from __future__ import annotations

import logging
import signal
import socket
import sys

import uvicorn
import uvloop

from .app import Live
from .config import ConfigError, load
from .log import log

# live ends a slow client's stream on purpose by returning mid-response;
# uvicorn then closes the connection, which is the point, and logs it as an error.
_DELIBERATE = "ASGI callable returned without completing response."
SEND_BUFFER = 128 * 1024


class _Server(uvicorn.Server):
    """Ends every stream before uvicorn waits for the connections to close:
    an event stream never ends by itself."""

    def __init__(self, config: uvicorn.Config, live: Live) -> None:
        super().__init__(config)
        self.live = live

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.live.end_streams()
        await super().shutdown(sockets)


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.create_server(
        (host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET, backlog=1024
    )
    # Both inherited by accepted connections. No Nagle: a heartbeat or a
    # small event goes out at once, not after a delayed ACK. A fixed send
    # buffer: autotuned, the kernel would hold up to megabytes for a client
    # that stopped reading before live saw it was slow (a stream needs far less).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
    sock.setblocking(False)
    return sock


async def serve() -> int:
    try:
        config = load()
    except ConfigError as err:
        print(f"live: error: {err}", file=sys.stderr)
        return 2
    try:
        sock = _listen(config.host, config.port)
    except OSError as exc:
        print(f"live: error: cannot listen on {config.host}:{config.port}: {exc.strerror}", file=sys.stderr)
        return 2
    host = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{host}:{sock.getsockname()[1]}/"
    live = Live(config, on_ready=lambda: print(f"live: serving {url}", file=sys.stderr, flush=True))
    server = _Server(
        uvicorn.Config(
            live,
            log_level="warning",
            access_log=False,
            lifespan="on",
            http="httptools",
            server_header=False,
            # a client that takes nothing, even the last chunk, does not hold the exit
            timeout_graceful_shutdown=5,
        ),
        live,
    )
    # uvicorn catches SIGTERM and SIGINT while it serves, then raises the
    # signal again for the handler it found: this one, as there is nothing
    # left to do then but exit 0.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    log(
        "info",
        "started",
        url=url,
        web_dir=str(config.web_dir),
        max_connections=config.max_connections,
        client_queue=config.client_queue,
        heartbeat_s=config.heartbeat_s,
    )
    await server.serve(sockets=[sock])
    return 0


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("uvicorn.error").addFilter(lambda record: record.getMessage() != _DELIBERATE)
    # uvloop: an event loop in C, as the gateway runs.
    return uvloop.run(serve())


if __name__ == "__main__":
    sys.exit(main())
