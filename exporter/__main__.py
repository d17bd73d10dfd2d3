"""python -m exporter: the pipeline's state for Prometheus (exporter/pipeline.py)
at http://EXPORTER_HOST:EXPORTER_PORT/metrics, read from the database as
raceday_monitor (RACEDAY_EXPORTER_DATABASE_URL). Run one per deployment.
SIGTERM or SIGINT stops it (exit 0); a bad setting stops it at start with
one line naming the variable (exit 2)."""

from __future__ import annotations

import os
import signal
import sys
import threading

from prometheus_client import CollectorRegistry, Gauge, ProcessCollector, start_http_server

from memlimit import memory_limit_bytes

from .pipeline import PipelineCollector


def _setting(name: str, default: str, convert, low: float, high: float):
    raw = os.environ.get(name, "") or default
    try:
        value = convert(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SystemExit(f"exporter: error: {name}: must be a number within {low:g}..{high:g} (got {raw!r})")
    return value


def main() -> int:
    url = os.environ.get("RACEDAY_EXPORTER_DATABASE_URL", "")
    if not url:
        print("exporter: error: RACEDAY_EXPORTER_DATABASE_URL: must be set", file=sys.stderr)
        return 2
    try:
        host = os.environ.get("EXPORTER_HOST", "") or "127.0.0.1"
        port = _setting("EXPORTER_PORT", "9188", int, 0, 65535)
        cache_s = _setting("EXPORTER_CACHE_S", "5", float, 0, 300)
    except SystemExit as err:
        print(err, file=sys.stderr)
        return 2
    registry = CollectorRegistry()
    collector = PipelineCollector(url, cache_s)
    registry.register(collector)
    ProcessCollector(registry=registry)
    Gauge(
        "raceday_memory_limit_bytes",
        "Memory the process may use: its cgroup's limit, else the machine's.",
        registry=registry,
    ).set_function(memory_limit_bytes)
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as err:
        print(f"exporter: error: cannot listen on {host}:{port}: {err.strerror}", file=sys.stderr)
        return 2
    print(f"exporter: serving http://{host}:{server.server_port}/metrics", file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    collector.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
