"""/rpc/health when the database cannot answer it.

api.health() judges raceday from inside the database; when the gateway
cannot reach the database at all it cannot call it, so it answers for it:
503, as PostgREST answers then (PGRST000-PGRST003), with PostgREST's error
fields and the health shape the client reads (status down, the database
check failed), so one parser serves both answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from .errors import ApiError

PATH = "/rpc/health"
# PostgREST's codes for a database it cannot reach (or whose pool it waited on in vain).
DATABASE_UNREACHABLE = {"PGRST000", "PGRST001", "PGRST002", "PGRST003"}


def answers_for(path: str, error: ApiError) -> bool:
    return path == PATH and error.code in DATABASE_UNREACHABLE


def down(error: ApiError) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = {
        "status": "down",
        "checked_at": datetime.now(UTC).isoformat(),
        "checks": [{"name": "database", "value": "unreachable", "threshold": None, "verdict": "down"}],
        "code": error.code,
        "message": error.message,
        "details": error.details,
        "hint": error.hint,
    }
    return 503, [(b"cache-control", b"no-store")], json.dumps(body).encode()
