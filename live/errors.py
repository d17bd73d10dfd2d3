"""Errors in PostgREST's shape, {"code", "message", "details", "hint"}, so a
client reads live's refusals as it reads the API's."""

from __future__ import annotations

import json


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = json.dumps({"code": code, "details": details, "hint": hint, "message": message}).encode()


def bad_uuid(text: str) -> ApiError:
    """What PostgreSQL (and so the API) answers for the same value."""
    return ApiError(400, "22P02", f'invalid input syntax for type uuid: "{text}"')


def race_not_found(race_id: str) -> ApiError:
    """As api.race_feed raises it (PT404: PostgREST's status 404)."""
    return ApiError(404, "PT404", f"race {race_id} not found")


def bad_cursor(text: str) -> ApiError:
    return ApiError(400, "PGRST100", f"Last-Event-ID must be a change id N or N:part, not {text[:40]!r}")


def not_found() -> ApiError:
    return ApiError(404, "PGRST125", "Invalid path specified in request URL")


def bad_method(method: str) -> ApiError:
    return ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")


def too_many_streams(limit: int) -> ApiError:
    # 53300 is PostgreSQL's too_many_connections, which PostgREST answers with 503.
    return ApiError(
        503,
        "53300",
        "too many live streams open",
        f"{limit} streams is this server's limit (LIVE_MAX_CONNECTIONS)",
        "Retry later, or connect to another live server.",
    )


def database_unavailable(details: str | None = None) -> ApiError:
    return ApiError(
        503,
        "PGRST001",
        "the live feed is not connected to the database; retrying",
        details,
        "Retry in a few seconds.",
    )


def shutting_down() -> ApiError:
    # 57P01 is PostgreSQL's admin_shutdown.
    return ApiError(
        503,
        "57P01",
        "live is shutting down",
        None,
        "Reconnect: another live server, or this one once restarted, resumes the stream.",
    )


def database_error(sqlstate: str | None, message: str) -> ApiError:
    return ApiError(500, sqlstate or "XX000", message)
