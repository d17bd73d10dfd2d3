"""Errors in PostgREST's shape: a JSON object of code, message, details and
hint, with the HTTP status PostgREST gives the same condition."""

from __future__ import annotations

import json

from psycopg import errors as pg_errors


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: str | list | None = None,
        hint: str | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.hint = hint
        # Response headers the error carries (WWW-Authenticate on a 401).
        self.headers = (
            headers if headers is not None else ([(b"www-authenticate", b"Bearer")] if status == 401 else [])
        )

    def body(self) -> bytes:
        return json.dumps(
            {"code": self.code, "details": self.details, "hint": self.hint, "message": self.message}
        ).encode()


# PostgREST's table of SQLSTATE to HTTP status, most specific first.
_EXACT = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "53400": 500,
    "P0001": 400,
    "42883": 404,
    "42P01": 404,
    "42P17": 500,
    "42501": 401,
    "57P01": 503,
}
_CLASS = {
    "08": 503,
    "09": 500,
    "0L": 403,
    "0P": 403,
    "25": 500,
    "28": 403,
    "2D": 500,
    "38": 500,
    "39": 500,
    "3B": 500,
    "40": 500,
    "53": 503,
    "54": 500,
    "55": 500,
    "57": 500,
    "58": 500,
    "F0": 500,
    "HV": 500,
    "P0": 500,
    "XX": 500,
}


def status_of(sqlstate: str, authenticated: bool = False, message: str = "") -> int:
    if sqlstate.startswith("PT") and sqlstate[2:].isdigit():
        return int(sqlstate[2:])  # RAISE ... USING ERRCODE = 'PT404' picks the status
    # As PostgREST: a missing privilege is 401 (sign in) for the anonymous
    # role and 403 for a signed-in one; a token naming a role that does not
    # exist is 401.
    if sqlstate == "42501" and authenticated:
        return 403
    if sqlstate == "22023" and message.startswith("role") and message.endswith("does not exist"):
        return 401
    if sqlstate in _EXACT:
        return _EXACT[sqlstate]
    return _CLASS.get(sqlstate[:2], 400)


def from_database(exc: pg_errors.Error, authenticated: bool = False) -> ApiError:
    diag = exc.diag
    code = exc.sqlstate or "XX000"
    message = diag.message_primary or str(exc)
    return ApiError(
        status_of(code, authenticated, message), code, message, diag.message_detail, diag.message_hint
    )


def invalid_json(details: str) -> ApiError:
    return ApiError(400, "PGRST102", "Empty or invalid json", details)


def uri_too_long(length: int, limit: int) -> ApiError:
    # PostgREST has no code of its own for it (its server answers a request
    # head over 50 KB in plain text); PGRST100 is its code for a query string
    # it cannot take, and 414 the status that says what to shorten.
    return ApiError(
        414,
        "PGRST100",
        f"The URL is longer than {limit} bytes",
        f"It is {length} bytes (path and query string).",
        "Send fewer or shorter parameters: a long in.(...) list in several requests.",
    )


def parse_error(message: str, details: str | None = None) -> ApiError:
    return ApiError(400, "PGRST100", message, details)


def unknown_column(relation: str, column: str) -> ApiError:
    return ApiError(400, "42703", f"column {relation}.{column} does not exist")


def unknown_relation(schema: str, name: str) -> ApiError:
    return ApiError(404, "PGRST205", f"Could not find the table '{schema}.{name}' in the schema cache")


def unknown_function(schema: str, name: str, args: list[str]) -> ApiError:
    return ApiError(
        404,
        "PGRST202",
        f"Could not find the function {schema}.{name}({', '.join(sorted(args))}) in the schema cache",
        None,
        "Check the function's name and the names of its arguments.",
    )
