"""Configuration from environment variables, validated at start: a bad value
stops the fetcher with one line naming the variable."""

from __future__ import annotations

import os
import socket
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import tab
from .body import ACCEPT_ENCODING

DEFAULT_API = "https://api.tab.co.nz/affiliates/v1"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: Annotated[str, Field(alias="RACEDAY_DATABASE_URL", min_length=1)]
    api_url: Annotated[str, Field(alias="NZTAB_API_URL", pattern=r"^https?://\S+$")] = DEFAULT_API
    contact_email: Annotated[str, Field(alias="NZTAB_FROM", pattern=r"^[^@\s]+@[^@\s]+$")] = (
        "raceday@localhost"
    )
    partner: Annotated[str, Field(alias="NZTAB_PARTNER", min_length=1)] = "raceday"
    partner_id: Annotated[str, Field(alias="NZTAB_PARTNER_ID", min_length=1)] = "raceday-dev"
    user_agent: Annotated[str, Field(alias="NZTAB_USER_AGENT", min_length=1)] = "raceday-fetcher/0.1"
    concurrency: Annotated[int, Field(alias="FETCHER_CONCURRENCY", ge=1, le=200)] = 10
    timeout_s: Annotated[float, Field(alias="FETCHER_TIMEOUT_S", gt=0, le=60)] = 5.0
    attempts: Annotated[int, Field(alias="FETCHER_ATTEMPTS", ge=1, le=10)] = 3
    backoff_s: Annotated[float, Field(alias="FETCHER_BACKOFF_S", ge=0, le=30)] = 0.5
    retry_after_cap_s: Annotated[float, Field(alias="FETCHER_RETRY_AFTER_CAP_S", ge=0, le=300)] = 10.0
    # Bounds of one attempt (fetcher/tab.py). A real event is about 400 KB; a
    # body near the cap is in memory about three times over (bytes, text,
    # the statement sent): 10 requests at once of 8 MiB bodies peaked at
    # 307 MB, of 16 MiB at 453 MB, against the container's 512 MB. Attempts
    # x deadline (+ back-off) stays under the 30 s lease, or another fetcher
    # may claim a target still being fetched.
    max_body_bytes: Annotated[int, Field(alias="FETCHER_MAX_BODY_BYTES", ge=64 << 10, le=64 << 20)] = (
        tab.MAX_BODY_BYTES
    )
    deadline_s: Annotated[float, Field(alias="FETCHER_DEADLINE_S", gt=0, le=120)] = tab.DEADLINE_S
    # A failed body (an error page, JSON that jsonb cannot hold, a body too
    # large) is stored truncated to this; staging keeps its true size.
    failed_body_bytes: Annotated[int, Field(alias="FETCHER_FAILED_BODY_BYTES", ge=0, le=64 << 20)] = (
        tab.FAILED_BODY_BYTES
    )
    idle_s: Annotated[float, Field(alias="FETCHER_IDLE_S", gt=0, le=60)] = 0.25
    db_connections: Annotated[int, Field(alias="FETCHER_DB_CONNECTIONS", ge=1, le=32)] = 2
    worker: Annotated[str, Field(alias="FETCHER_WORKER", pattern=r"^\S{1,100}$")] = (
        f"{socket.gethostname()}-{os.getpid()}"
    )
    # Touched about once a second while the loop runs: a container health
    # check reads its age to tell a live fetcher from a stuck one.
    heartbeat_file: Annotated[str | None, Field(alias="FETCHER_HEARTBEAT_FILE", min_length=1)] = None
    # Prometheus metrics (fetcher/metrics.py) on this address; port 0: none.
    # Off by default: several fetchers on one host would want the same port.
    metrics_host: Annotated[str, Field(alias="FETCHER_METRICS_HOST", min_length=1)] = "127.0.0.1"
    metrics_port: Annotated[int, Field(alias="FETCHER_METRICS_PORT", ge=0, le=65535)] = 0

    @field_validator("api_url")
    @classmethod
    def _https_unless_local(cls, value: str) -> str:
        # TAB's answers decide what raceday stores and shows: over plain HTTP
        # anyone on the path could rewrite them. Plain http only to this host
        # (the simulator, a local proxy).
        if urlsplit(value).scheme != "https" and urlsplit(value).hostname not in LOCAL_HOSTS:
            raise ValueError("must be an https:// URL (plain http:// only for localhost, 127.0.0.1 or ::1)")
        return value.rstrip("/")

    @property
    def headers(self) -> dict[str, str]:
        """TAB identifies callers by these; without them it may throttle or block."""
        return {
            "From": self.contact_email,
            "X-Partner": self.partner,
            "X-Partner-ID": self.partner_id,
            "User-Agent": self.user_agent,
            "Accept": "application/json",
            # Only what fetcher/body.py inflates under the cap.
            "Accept-Encoding": ACCEPT_ENCODING,
        }


ENV_NAMES = {f.alias for f in Config.model_fields.values()}


class ConfigError(Exception):
    pass


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
        if name == "RACEDAY_DATABASE_URL":
            shown = None  # may hold a password
        message = first["msg"].removeprefix("Value error, ")  # pydantic's prefix for a validator's own text
        raise ConfigError(f"{name}: {message}" + (f" (got {shown!r})" if shown is not None else "")) from None
