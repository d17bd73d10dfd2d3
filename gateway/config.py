"""The gateway reads PostgREST's own configuration file and PGRST_* variables,
so one file configures whichever of the two serves the api schema."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from pathlib import Path

# PostgREST's file takes values from the environment: jwt-secret = "$(PGRST_JWT_SECRET)"; $$ is a $.
_ENV = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
_LINE = re.compile(r'^\s*([a-z0-9-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^#\s]+))\s*(?:#.*)?$')


class ConfigError(Exception):
    """One line naming the setting at fault."""


@dataclass(frozen=True)
class Config:
    db_uri: str
    schema: str
    anon_role: str
    pool: int
    max_rows: int | None
    host: str
    port: int
    admin_port: int | None
    # JWT (PostgREST's jwt-secret, jwt-secret-is-base64, jwt-aud, jwt-role-claim-key);
    # no secret: a request with a token is refused (PGRST300), one without runs anonymous.
    jwt_secret: bytes | None = None
    jwt_aud: str | None = None
    jwt_role_claim_key: str = ".role"


def read_file(path: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise ConfigError(f"{path}:{number}: cannot read this line as key = value")
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        values[m.group(1)] = _ENV.sub(lambda e: "$" if e.group(0) == "$$" else env.get(e.group(1), ""), raw)
    return values


def _int(values: dict[str, str], key: str, default: int | None, low: int, high: int) -> int | None:
    raw = values.get(key)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(
            f"{key} (PGRST_{key.upper().replace('-', '_')}) must be a number in {low}-{high}, not '{raw}'"
        )
    return int(raw)


def load(path: Path | None, env: dict[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    values = read_file(path, env) if path else {}
    # As PostgREST does: PGRST_DB_URI overrides db-uri, and so on.
    for name, value in env.items():
        if name.startswith("PGRST_"):
            values[name[6:].lower().replace("_", "-")] = value
    schemas = [s.strip() for s in values.get("db-schemas", "public").split(",") if s.strip()]
    if len(schemas) != 1:
        raise ConfigError(
            f"db-schemas must name exactly one schema for the gateway, not '{values.get('db-schemas')}'"
        )
    if not values.get("db-uri"):
        raise ConfigError("db-uri (PGRST_DB_URI) must be set: the authenticator's libpq URI")
    if not values.get("db-anon-role"):
        raise ConfigError("db-anon-role (PGRST_DB_ANON_ROLE) must be set")
    return Config(
        db_uri=values["db-uri"],
        schema=schemas[0],
        anon_role=values["db-anon-role"],
        pool=_int(values, "db-pool", 10, 1, 1000) or 10,
        max_rows=_int(values, "db-max-rows", None, 1, 10_000_000),
        host=values.get("server-host", "127.0.0.1"),
        port=_int(values, "server-port", 3000, 0, 65535) or 0,
        admin_port=_int(values, "admin-server-port", None, 0, 65535),
        jwt_secret=_jwt_secret(values),
        jwt_aud=values.get("jwt-aud") or None,
        jwt_role_claim_key=values.get("jwt-role-claim-key") or values.get("role-claim-key") or ".role",
    )


def _jwt_secret(values: dict[str, str]) -> bytes | None:
    """jwt-secret as PostgREST takes it: text (or base64 with
    jwt-secret-is-base64), at least 32 characters; empty: none."""
    raw = values.get("jwt-secret", "")
    if not raw:
        return None
    if raw.startswith("@"):
        try:
            raw = Path(raw[1:]).read_text().strip()
        except OSError as exc:
            raise ConfigError(
                f"jwt-secret (PGRST_JWT_SECRET): cannot read {raw[1:]}: {exc.strerror}"
            ) from None
    if len(raw) < 32:
        raise ConfigError("jwt-secret (PGRST_JWT_SECRET) must be at least 32 characters")
    if values.get("jwt-secret-is-base64", "false").lower() in ("true", "1", "yes", "on"):
        try:
            return base64.b64decode(raw, validate=True)
        except ValueError:
            raise ConfigError(
                "jwt-secret (PGRST_JWT_SECRET) is not base64, but jwt-secret-is-base64 says it is"
            ) from None
    return raw.encode()
