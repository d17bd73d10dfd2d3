"""What a function sets for its response, as PostgREST honours it: the
response.status and response.headers settings of its transaction."""

from __future__ import annotations

import json

from .errors import ApiError

# What a function set for the response, read in its transaction before COMMIT.
RESPONSE_SETTINGS = (
    b"SELECT pg_catalog.current_setting('response.status', true), "
    b"pg_catalog.current_setting('response.headers', true)"
)


def response_settings(row: tuple[str | None, str | None]) -> tuple[int | None, list[tuple[bytes, bytes]]]:
    """response.status and response.headers as PostgREST reads them: a status
    code, and a JSON array of one-key objects; anything else is a 500."""
    raw_status, raw_headers = row
    status = None
    if raw_status:
        if not raw_status.strip().isdigit() or not 100 <= int(raw_status) <= 599:
            raise ApiError(
                500, "PGRST112", "Invalid response.status", f"It is '{raw_status}': a status code is 100-599."
            )
        status = int(raw_status)
    headers: list[tuple[bytes, bytes]] = []
    if raw_headers:
        try:
            items = json.loads(raw_headers)
            if not isinstance(items, list):
                raise ValueError
            for item in items:
                if not isinstance(item, dict) or len(item) != 1:
                    raise ValueError
                ((name, value),) = item.items()
                if not isinstance(value, str):
                    raise ValueError
                headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        except (ValueError, UnicodeEncodeError):
            raise ApiError(
                500,
                "PGRST111",
                "Invalid response.headers",
                "response.headers must be a JSON array of objects, each with one header and its string value.",
            ) from None
    return status, headers
