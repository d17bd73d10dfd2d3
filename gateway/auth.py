"""Who a request runs as, decided as PostgREST decides it.

No `Authorization: Bearer` header: the anonymous role. A token: its
signature is checked with jwt-secret (HS256, HS384 or HS512, by PyJWT), then
its claims as PostgREST checks them (exp, nbf and iat with 30 s of clock
skew; aud against jwt-aud, where a token without aud is for every audience),
and the request runs as the role its role claim names (jwt-role-claim-key,
`.role` by default; the anonymous role when the token names none), with the
claims in request.jwt.claims for the transaction. A bad token is refused
with 401, PostgREST's code (PGRST301 cannot be decoded or verified,
PGRST303 a claim fails) and a `WWW-Authenticate: Bearer error="invalid_token"`
header; a token with no secret configured is PGRST300.

PyJWT verifies the signature only: its own claim checks differ from
PostgREST's (it requires aud when an audience is set, it has no skew by
default), and a client must get the same answer from either server."""

from __future__ import annotations

import json
import math
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt
from psycopg import sql

from .errors import ApiError

SKEW_S = 30
# Tokens whose signature was verified, as PostgREST's jwt-cache keeps them:
# a client sends the same token with every request, and verifying it (base64,
# JSON, HMAC) costs more than the rest of the request's Python. The claims are
# still checked on every request (exp passes while the token is cached).
CACHE_SIZE = 1000
ALGORITHMS = ["HS256", "HS384", "HS512"]
# A role claim key: .role, .app_metadata.role, ."https://example.com/role", .roles[0]
_KEY_PART = re.compile(r'\.(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_$@-]+))|\[(\d+)\]')


@dataclass(frozen=True)
class Identity:
    role: str
    claims: str  # JSON text for request.jwt.claims
    authenticated: bool  # runs as a role other than the anonymous one (42501 is then 403, not 401)


def claim_path(key: str) -> list[str | int]:
    """PostgREST's jwt-role-claim-key as a path of object keys and array indexes."""
    path: list[str | int] = []
    position = 0
    while position < len(key):
        m = _KEY_PART.match(key, position)
        if not m:
            raise ValueError(f"jwt-role-claim-key: cannot read '{key}' from position {position}")
        if m.group(3) is not None:
            path.append(int(m.group(3)))
        else:
            path.append(m.group(1) if m.group(1) is not None else m.group(2))
        position = m.end()
    if not path:
        raise ValueError("jwt-role-claim-key is empty")
    return path


def _invalid(code: str, message: str, details: str | None = None) -> ApiError:
    header = 'Bearer error="invalid_token", error_description=' + json.dumps(message)
    return ApiError(401, code, message, details, None, [(b"www-authenticate", header.encode())])


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (the scheme in
    any case); None for no header or another scheme, which are anonymous."""
    if authorization is None:
        return None
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return rest.strip()


class Authenticator:
    def __init__(
        self, secret: bytes | None, audience: str | None, role_claim_key: str, anon_role: str
    ) -> None:
        self.secret = secret
        self.audience = audience
        self.role_path = claim_path(role_claim_key)
        self.anon = Identity(anon_role, json.dumps({"role": anon_role}), False)
        self.anon_role = anon_role
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def identify(self, authorization: str | None, now: float | None = None) -> Identity:
        token = bearer_token(authorization)
        if token is None:
            return self.anon
        if token == "":
            raise _invalid("PGRST301", "Empty JWT is sent in Authorization header")
        if self.secret is None:
            raise ApiError(500, "PGRST300", "Server lacks JWT secret")
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            self._verified[token] = claims
            if len(self._verified) > CACHE_SIZE:
                self._verified.popitem(last=False)
        problem = self._claims_problem(claims, time.time() if now is None else now)
        if problem:
            raise _invalid("PGRST303", problem)
        role = self._role(claims)
        return Identity(role, json.dumps({**claims, "role": role}), role != self.anon_role)

    def _verify(self, token: str) -> dict[str, Any]:
        """The claims of a token whose signature holds; PGRST301 (or 303) otherwise."""
        parts = token.count(".") + 1
        if parts != 3:
            raise _invalid("PGRST301", f"Expected 3 parts in JWT; got {parts}")
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=ALGORITHMS,
                options={
                    "verify_signature": True,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                    "verify_sub": False,
                    "verify_jti": False,
                    "require": [],
                },
            )
        except jwt.InvalidSignatureError:
            raise _invalid("PGRST301", "JWT cryptographic operation failed") from None
        except jwt.InvalidAlgorithmError as exc:
            raise _invalid("PGRST301", "Wrong or unsupported encoding algorithm", str(exc)) from None
        except jwt.InvalidTokenError:
            raise _invalid("PGRST301", "JWT couldn't be decoded") from None
        if not isinstance(claims, dict):
            raise _invalid("PGRST303", "Parsing claims failed")
        return claims

    def _claims_problem(self, claims: dict[str, Any], now: float) -> str | None:
        """The first claim that fails, in PostgREST's order, as its message; None when all pass."""
        current = math.floor(now)
        for name, late in (("exp", False), ("nbf", True), ("iat", True)):
            value = claims.get(name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"The JWT '{name}' claim must be a number"
            at = math.floor(value)
            if not late and current - SKEW_S > at:
                return "JWT expired"
            if late and current + SKEW_S < at:
                return "JWT not yet valid" if name == "nbf" else "JWT issued at future"
        aud = claims.get("aud")
        if aud is None:
            return None
        if isinstance(aud, str):
            auds = [aud]
        elif isinstance(aud, list) and all(isinstance(a, str) for a in aud):
            auds = aud
        else:
            return "The JWT 'aud' claim must be a string or an array of strings"
        if self.audience is not None and auds and self.audience not in auds:
            return "JWT not in audience"
        return None

    def _role(self, claims: dict[str, Any]) -> str:
        value: Any = claims
        for part in self.role_path:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                return self.anon_role
        return value if isinstance(value, str) else json.dumps(value)


def switch_statement(role: str, settings: list[tuple[str, str]]) -> bytes:
    """One statement sets the role, its settings and the token's claims (the
    one parameter), so a request is BEGIN, this, the query (and, for a
    function, what it set for the response), COMMIT, sent at once in a pipeline."""
    return (
        sql.SQL("SELECT {}")
        .format(
            sql.SQL(", ").join(
                [
                    *(
                        sql.SQL("pg_catalog.set_config({}, {}, true)").format(sql.Literal(k), sql.Literal(v))
                        for k, v in [("role", role), *settings]
                    ),
                    sql.SQL("pg_catalog.set_config('request.jwt.claims', %s, true)"),
                ]
            )
        )
        .as_bytes(None)
    )
