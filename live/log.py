"""JSON-lines logging on stdout, one object per line, as the fetcher logs
(live's image holds live/ alone, so it cannot import the fetcher's)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime


def log(level: str, event: str, **fields: object) -> None:
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": level,
        "event": event,
        **fields,
    }
    sys.stdout.write(json.dumps(record, separators=(",", ":"), default=str) + "\n")
    sys.stdout.flush()
