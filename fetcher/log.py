"""JSON-lines logging: one object per line on stdout, easy to grep and to ship."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime


def log(level: str, event: str, **fields) -> None:
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": level,
        "event": event,
        **fields,
    }
    sys.stdout.write(json.dumps(record, separators=(",", ":"), default=str) + "\n")
    sys.stdout.flush()
