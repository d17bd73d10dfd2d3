"""python -m gateway [--config FILE]: serve the api schema over HTTP.

Reads PostgREST's configuration file and PGRST_* variables (PGRST_DB_URI,
PGRST_SERVER_PORT, ...), so the same settings drive either server."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from dataclasses import replace
from pathlib import Path

import uvicorn
import uvloop

from .app import Gateway
from .config import ConfigError, load


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it, a small response on a
    # kept-alive connection waits 40 ms for a delayed ACK (Nagle).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


async def serve(config_path: Path | None) -> int:
    try:
        config = load(config_path)
    except (ConfigError, OSError) as exc:
        print(f"gateway: error: {exc}", file=sys.stderr)
        return 2
    try:
        sockets = [_listen(config.host, config.port)]
        if config.admin_port is not None:
            sockets.append(_listen(config.host, config.admin_port))
    except OSError as exc:
        print(
            f"gateway: error: cannot listen on {config.host}:{config.port}: {exc.strerror}", file=sys.stderr
        )
        return 2
    port = sockets[0].getsockname()[1]
    admin = sockets[1].getsockname()[1] if len(sockets) > 1 else None
    message = (
        f"gateway: serving http://{config.host}:{port}/ (schema {config.schema}, role {config.anon_role})"
        + (f", health on http://{config.host}:{admin}/ready" if admin else "")
    )
    gateway = Gateway(
        config if admin is None else replace(config, admin_port=admin),
        on_ready=lambda: print(message, file=sys.stderr, flush=True),
    )
    server = uvicorn.Server(
        uvicorn.Config(
            gateway,
            log_level="warning",
            access_log=False,
            lifespan="on",
            http="httptools",
            server_header=False,
        )
    )
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, lambda: asyncio.ensure_future(gateway.reload()))
    await server.serve(sockets=sockets)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="a PostgREST configuration file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    # uvloop: an event loop in C, about a third of the gateway's CPU per request.
    return uvloop.run(serve(args.config))


if __name__ == "__main__":
    sys.exit(main())
