"""The Server-Sent Events wire format of spec-live: each event encoded to
bytes once, then written as is to every client that receives it."""

from __future__ import annotations

import json
import re

# A part number above any real one: the cursor `N` (no part) means every part
# of change N was seen, i.e. N:LAST_PART.
LAST_PART = 2**31 - 1

Key = tuple[int, int]  # (change_id, part): the order of the feed

_CURSOR = re.compile(r"(\d{1,18})(?::(\d{1,9}))?", re.ASCII)

RETRY = b"retry: 2000\n\n"  # EventSource waits 2 s before reconnecting
HEARTBEAT = b": heartbeat\n\n"  # a comment: keeps proxies and idle timeouts from closing the stream


def event(name: str, event_id: str, data: str) -> bytes:
    """One event. jsonb prints no raw newline, but a data line must not hold
    one, so any is split into data lines as the format requires."""
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {name}\nid: {event_id}\n{lines}\n".encode()


def feed_event(key: Key, name: str, data: str) -> bytes:
    return event(name, f"{key[0]}:{key[1]}", data)


def hello(race_id: str | None, cursor: int) -> bytes:
    body = {"cursor": cursor} if race_id is None else {"race_id": race_id, "cursor": cursor}
    return event("hello", str(cursor), json.dumps(body, separators=(",", ":")))


def reset_ahead(race_id: str | None, asked: int, cursor: int) -> bytes:
    """A reset for a Last-Event-ID past the feed; its id is the feed's cursor,
    so the client's next reconnection resumes from there."""
    body = {"reason": f"last event id {asked} is ahead of this feed (at {cursor}): reload"}
    if race_id is not None:
        body = {"race_id": race_id, **body}
    return event("reset", str(cursor), json.dumps(body, separators=(",", ":")))


def resync(reason: str) -> bytes:
    """No id: a client's Last-Event-ID stays that of the last feed event."""
    return f"event: resync\ndata: {json.dumps({'reason': reason})}\n\n".encode()


def parse_cursor(text: str) -> Key | None:
    """`N:k` or `N` (every part of N seen) as a key; None when malformed."""
    m = _CURSOR.fullmatch(text.strip())
    if m is None:
        return None
    return int(m.group(1)), LAST_PART if m.group(2) is None else int(m.group(2))
