"""Configuration from environment variables, validated at start: a bad value
stops live with one line naming the variable (exit 2), as the fetcher does."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# The race board, written beside live/ in the same checkout.
DEFAULT_WEB_DIR = Path(__file__).resolve().parent.parent / "web"


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # As `authenticator`, like the API: the feed functions run as the web role.
    database_url: Annotated[str, Field(alias="RACEDAY_LIVE_DATABASE_URL", min_length=1)]
    db_role: Annotated[str, Field(alias="LIVE_DB_ROLE", pattern=r"^[a-z_][a-z0-9_]{0,62}$")] = "web_anon"
    host: Annotated[str, Field(alias="LIVE_HOST", min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(alias="LIVE_PORT", ge=0, le=65535)] = 0
    # Where the board reads the HTTP API; empty: not configured (the board's own default).
    api_url: Annotated[str, Field(alias="LIVE_API_URL", pattern=r"^(https?://\S+)?$")] = ""
    max_connections: Annotated[int, Field(alias="LIVE_MAX_CONNECTIONS", ge=1, le=1_000_000)] = 2000
    heartbeat_s: Annotated[float, Field(alias="LIVE_HEARTBEAT_S", gt=0, le=3600)] = 15.0
    # Deliveries waiting for one client (the events of a change, or of a batch
    # of changes when catching up): past it the client is too slow and is
    # dropped, so one stuck reader never holds memory or delays the others.
    client_queue: Annotated[int, Field(alias="LIVE_CLIENT_QUEUE", ge=1, le=100_000)] = 256
    db_pool: Annotated[int, Field(alias="LIVE_DB_POOL", ge=1, le=100)] = 4
    web_dir: Annotated[Path, Field(alias="LIVE_WEB_DIR")] = DEFAULT_WEB_DIR
    # debug adds one line per closed stream (path, why, how long, events sent).
    log_level: Annotated[str, Field(alias="LIVE_LOG_LEVEL", pattern=r"^(debug|info)$")] = "info"

    @field_validator("api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")


ENV_NAMES = {f.alias for f in Config.model_fields.values()}


class ConfigError(Exception):
    """One line naming the variable at fault."""


def load(environ: dict[str, str] | None = None) -> Config:
    """Reads the configuration; raises ConfigError with one line naming the variable."""
    env = os.environ if environ is None else environ
    values = {name: env[name] for name in ENV_NAMES if env.get(name, "") != ""}
    try:
        return Config.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        name = first["loc"][0] if first["loc"] else "configuration"
        shown = values.get(str(name))
        if name == "RACEDAY_LIVE_DATABASE_URL":
            shown = None  # may hold a password
        raise ConfigError(
            f"{name}: {first['msg']}" + (f" (got {shown!r})" if shown is not None else "")
        ) from None
