"""The gateway reads PostgREST's own configuration file and PGRST_* variables,
so one file configures whichever of the two serves the api schema."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

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


def read_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise ConfigError(f"{path}:{number}: cannot read this line as key = value")
        values[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
    return values


def _int(values: dict[str, str], key: str, default: int | None, low: int, high: int) -> int | None:
    raw = values.get(key)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{key} (PGRST_{key.upper().replace('-', '_')}) must be a number in {low}-{high}, not '{raw}'")
    return int(raw)


def load(path: Path | None, env: dict[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    values = read_file(path) if path else {}
    # As PostgREST does: PGRST_DB_URI overrides db-uri, and so on.
    for name, value in env.items():
        if name.startswith("PGRST_"):
            values[name[6:].lower().replace("_", "-")] = value
    schemas = [s.strip() for s in values.get("db-schemas", "public").split(",") if s.strip()]
    if len(schemas) != 1:
        raise ConfigError(f"db-schemas must name exactly one schema for the gateway, not '{values.get('db-schemas')}'")
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
    )
