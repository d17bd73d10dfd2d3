"""The HTTP side: routes a request to a relation, a function or the OpenAPI
description, runs its one statement in a transaction as the role its token
names (auth.py; the anonymous role without one), and answers in PostgREST's
shapes (JSON, Content-Range, errors, a function's response.status and
response.headers)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import parse_qsl

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from . import catalog as catalog_module
from . import health, openapi, statements
from .auth import Authenticator, Identity, switch_statement
from .cache import StatementCache
from .config import Config
from .errors import ApiError, from_database, invalid_json, unknown_function, unknown_relation, uri_too_long
from .grammar import parse
from .response import RESPONSE_SETTINGS, response_settings

log = logging.getLogger("gateway")

MAX_BODY = 1 << 20
# Longer URLs (path and query string) are refused before anything reads them.
# PostgREST's server (Warp) allows 50 KB of request line and headers together;
# the client's longest URL is well under 1 KB.
MAX_URL = 8192
# Deeper request bodies are refused: the client's are 3 levels deep; Python's
# parser gives up near 1,000 and its encoder (binding a value) sooner.
MAX_JSON_DEPTH = 100
JSON = b"application/json; charset=utf-8"
SINGLE = "application/vnd.pgrst.object+json"


class Gateway:
    def __init__(self, config: Config, on_ready: Any = None) -> None:
        self.config = config
        self.on_ready = on_ready
        self.pool = AsyncConnectionPool(
            config.db_uri,
            min_size=config.pool,
            max_size=config.pool,
            open=False,
            kwargs={"autocommit": True, "application_name": "raceday-gateway"},
            reconnect_timeout=0,
        )
        self.catalog: catalog_module.Catalog | None = None
        self.openapi = b"{}"
        self.auth = Authenticator(
            config.jwt_secret, config.jwt_aud, config.jwt_role_claim_key, config.anon_role
        )
        # Per role: the statement that switches to it and sets its settings and the claims.
        self._switch: dict[str, bytes] = {}
        self._openapi: dict[str, bytes] = {}
        self._statements = StatementCache()

    # -- lifecycle ---------------------------------------------------------
    async def start(self) -> None:
        await self.pool.open(wait=False)
        await self.reload()
        if self.on_ready:
            self.on_ready()

    async def stop(self) -> None:
        await self.pool.close()

    async def reload(self) -> None:
        """(Re)load the schema cache; waits for the database as PostgREST does."""
        delay = 0.5
        while True:
            try:
                async with self.pool.connection(timeout=10) as conn:
                    cat = await catalog_module.load(conn, self.config.schema, self.config.anon_role)
                    cur = await conn.execute(
                        "SELECT obj_description(%s::regnamespace, 'pg_namespace')", [self.config.schema]
                    )
                    row = await cur.fetchone()
                break
            except (psycopg.OperationalError, PoolTimeout) as exc:
                log.warning(
                    json.dumps(
                        {
                            "event": "database_unavailable",
                            "error": str(exc).strip()[:200],
                            "retry_in_s": delay,
                        }
                    )
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8)
        self._switch = {role: switch_statement(role, settings) for role, settings in cat.roles.items()}
        self._statements.clear()
        self.catalog = cat
        self._description = row[0] if row else None
        self._openapi = {}
        self.openapi = self._document(self.config.anon_role)
        log.info(
            json.dumps(
                {
                    "event": "schema_cache_loaded",
                    "relations": len(cat.relations),
                    "functions": len(cat.functions),
                }
            )
        )

    # -- ASGI --------------------------------------------------------------
    def _document(self, role: str) -> bytes:
        """The OpenAPI description as a role sees it: what it may read and call
        (PostgREST's openapi-mode follow-privileges)."""
        document = self._openapi.get(role)
        if document is None and self.catalog is not None:
            cat = self.catalog
            mine = catalog_module.Catalog(
                cat.schema,
                {k: r for k, r in cat.relations.items() if role in r.roles},
                {k: f for k, f in cat.functions.items() if role in f.roles},
            )
            document = json.dumps(openapi.document(mine, self._description)).encode()
            if role in cat.roles:
                self._openapi[role] = document
        return document or b"{}"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if (
            self.config.admin_port is not None
            and scope.get("server", (None, None))[1] == self.config.admin_port
        ):
            status, headers, body = await self._admin(scope["path"])
        else:
            try:
                status, headers, body = await self._handle(scope, receive)
            except ApiError as exc:
                if health.answers_for(scope["path"], exc):
                    status, headers, body = health.down(exc)
                else:
                    status, headers, body = exc.status, exc.headers, exc.body()
            except Exception:  # a bug of the gateway: answer like PostgREST, log it
                log.exception("unexpected error")
                status, headers, body = 500, [], ApiError(500, "PGRST000", "internal gateway error").body()
        if not any(name == b"content-type" for name, _ in headers):
            headers = [(b"content-type", JSON), *headers]
        # As PostgREST does by default: the web client may be served from elsewhere.
        headers = [(b"access-control-allow-origin", b"*"), *headers]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": headers + [(b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _admin(self, path: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if path == "/live":
            return 200, [], b""
        if path == "/ready":
            try:
                async with self.pool.connection(timeout=2) as conn:
                    await conn.execute("SELECT 1")
                return (200 if self.catalog else 503), [], b""
            except (psycopg.Error, PoolTimeout):
                return 503, [], b""
        return 404, [], b""

    async def _handle(
        self, scope: dict[str, Any], receive: Any
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        method = scope["method"]
        path = scope["path"]
        url_length = len(scope.get("raw_path") or path.encode()) + len(scope["query_string"])
        if url_length > MAX_URL:
            raise uri_too_long(url_length, MAX_URL)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if method == "OPTIONS":
            return (
                200,
                [
                    (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
                    (b"access-control-allow-headers", b"Accept, Authorization, Content-Type, Prefer, Range"),
                ],
                b"",
            )
        identity = self.auth.identify(headers.get("authorization"))
        if self.catalog is None:
            raise ApiError(503, "PGRST002", "Could not query the database for the schema cache. Retrying.")
        cat = self.catalog
        if path == "/":
            if method not in ("GET", "HEAD"):
                raise ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")
            return (
                200,
                [(b"content-type", b"application/openapi+json; charset=utf-8")],
                self._document(identity.role),
            )
        pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True, encoding="utf-8")
        count = _count_preference(headers.get("prefer", ""))
        media = _negotiate(headers.get("accept", ""))
        page = _range(headers.get("range"), method)
        parts = path[1:].split("/")
        if len(parts) == 2 and parts[0] == "rpc":
            function = cat.functions.get(parts[1])
            if function is None:
                raise unknown_function(cat.schema, parts[1], [k for k, _ in pairs])
            if method in ("GET", "HEAD"):
                query = parse(pairs, {a.name for a in function.arguments})
                arguments: dict[str, Any] = dict(query.other)
                from_json = False
            elif method == "POST":
                query = parse(pairs, set())
                arguments = await self._json_body(receive, headers)
                from_json = True
            else:
                raise ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")
            statements.check_rpc_query(query, function, cat.schema)
            names, values = statements.call_values(cat.schema, function, arguments, from_json)
            read_only = method != "POST"
            if not function.columns:
                key = ("scalar", function.name, tuple(names))
                statement = self._sql(
                    key,
                    lambda: statements.scalar(statements.call(cat.schema, function, arguments, from_json)),
                    values,
                )
                return await self._respond(
                    statement, 0, None, "json", read_only, identity, bare=True, rpc=path
                )
            # A function returning one row answers an object, as PostgREST does.
            if not function.returns_set and media == "json":
                media = "single"
            max_rows = self.config.max_rows if function.returns_set else None
            count = count if function.returns_set else None
            target = (function.relation, function.columns)
            return await self._read(
                ("rpc", function.name, tuple(names)),
                lambda: statements.call(cat.schema, function, arguments, from_json),
                values,
                target,
                query,
                max_rows,
                count,
                media,
                page,
                read_only,
                identity,
                rpc=path,
            )
        if len(parts) == 1 and parts[0] in cat.relations:
            if method not in ("GET", "HEAD"):
                raise ApiError(
                    405,
                    "PGRST117",
                    f"Unsupported HTTP method: {method}",
                    None,
                    "This server serves reads of relations; writes go through /rpc functions.",
                )
            rel = cat.relations[parts[0]]
            query = parse(pairs)
            return await self._read(
                ("relation", rel.name),
                lambda: statements.relation(cat.schema, rel.name),
                {},
                (rel.name, rel.columns),
                query,
                self.config.max_rows,
                count,
                media,
                page,
                True,
                identity,
            )
        raise unknown_relation(cat.schema, path[1:])

    async def _read(
        self,
        key: tuple,
        source: Any,
        values: dict[str, Any],
        target: tuple,
        query: Any,
        max_rows: int | None,
        count: str | None,
        media: str,
        page: tuple[int, int | None] | None,
        read_only: bool,
        identity: Identity,
        rpc: str | None = None,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """A read of a relation or of a function's rows: its page (limit and
        offset within the Range header's), its count as the Prefer header asks."""
        cat = self.catalog
        assert cat is not None
        relation, columns = target
        offset, limit = query.offset, query.limit
        if page is not None:  # the Range header and limit/offset: the rows both take
            low, high = page
            q_high = None if limit is None else offset + limit - 1
            offset = max(offset, low)
            ends = [h for h in (high, q_high) if h is not None]
            limit = max(min(ends) - offset + 1, 0) if ends else None
        body = statements.CSV if media == "csv" else "json"
        mode = {"exact": "exact", "estimated": "bounded" if self.config.max_rows else "exact"}.get(
            count or ""
        )
        shape = statements.shape(query)
        statement = self._sql(
            (*key, mode, body, shape),
            lambda: statements.read(cat, source(), relation, columns, query, mode, body, key[1]),
            statements.read_params(
                values,
                query,
                max_rows,
                limit,
                offset,
                self.config.max_rows + 1 if mode == "bounded" and self.config.max_rows else None,
            ),
        )
        plan = None
        if count == "planned" or (count == "estimated" and self.config.max_rows):
            plan = self._sql(
                (*key, "explain", shape),
                lambda: statements.explain(cat, source(), relation, columns, query),
                statement[1],
            )
        return await self._respond(statement, offset, count, media, read_only, identity, plan=plan, rpc=rpc)

    def _sql(self, key: tuple, build: Any, params: list[Any]) -> tuple[bytes, list[Any]]:
        """The SQL of a query's shape, composed once: composing it again for
        every request cost about a sixth of the gateway's CPU."""
        text = self._statements.get(key)
        if text is None:
            composed, _ = build()
            text = composed.as_bytes(None)
            self._statements.put(key, text)
        return text, params

    async def _json_body(self, receive: Any, headers: dict[str, str]) -> dict[str, Any]:
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise ApiError(413, "PGRST102", f"The request body is larger than {MAX_BODY} bytes")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        if not raw.strip():
            return {}
        content_type = headers.get("content-type", "application/json").split(";")[0].strip()
        if content_type not in ("application/json", ""):
            raise ApiError(
                415, "PGRST107", f"The content type {content_type} is not accepted; send application/json"
            )
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise invalid_json(str(exc)) from None
        except RecursionError:
            raise invalid_json(f"nested deeper than {MAX_JSON_DEPTH} levels") from None
        if _deeper_than(body, MAX_JSON_DEPTH):
            raise invalid_json(f"nested deeper than {MAX_JSON_DEPTH} levels")
        if not isinstance(body, dict):
            raise ApiError(
                400, "PGRST102", "The body of a function call must be a JSON object of its arguments"
            )
        return body

    async def _respond(
        self,
        statement: tuple[bytes, dict[str, Any]],
        offset: int,
        count: str | None,
        media: str,
        read_only: bool,
        identity: Identity,
        bare: bool = False,
        plan: tuple[bytes, dict[str, Any]] | None = None,
        rpc: str | None = None,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """rpc: the path of a function call, whose response.status and
        response.headers settings shape the answer."""
        text, params = statement
        switch = self._switch.get(identity.role) or switch_statement(identity.role, [])
        authenticated = identity.authenticated
        estimate = None
        try:
            # A health check answers within a load balancer's patience.
            async with self.pool.connection(timeout=3 if rpc == health.PATH else 10) as conn:
                try:
                    async with conn.pipeline():
                        await conn.execute(b"BEGIN READ ONLY" if read_only else b"BEGIN")
                        await conn.execute(switch, [identity.claims])
                        explained = await conn.execute(plan[0], plan[1]) if plan else None
                        cur = await conn.execute(text, params)
                        gucs = await conn.execute(RESPONSE_SETTINGS) if rpc else None
                        await conn.execute(b"COMMIT")
                    if explained is not None:
                        estimate = int(_plan_rows((await explained.fetchone())[0]))
                    total, rows, body = await cur.fetchone()
                    response = await gucs.fetchone() if gucs else None
                except psycopg.Error:
                    if not conn.broken:
                        await conn.execute(b"ROLLBACK")
                    raise
        except PoolTimeout:
            raise ApiError(504, "PGRST003", "Timed out acquiring connection from connection pool.") from None
        except psycopg.OperationalError as exc:
            if exc.sqlstate:
                raise from_database(exc, authenticated) from None
            raise ApiError(
                503, "PGRST001", "Database client error. Retrying the connection.", str(exc).strip()[:200]
            ) from None
        except psycopg.DataError as exc:
            if exc.sqlstate:
                raise from_database(exc, authenticated) from None
            # Refused by the driver before it reached the server (a NUL in a
            # value): PostgreSQL would have answered 22021.
            raise ApiError(400, "22021", str(exc).strip()) from None
        except psycopg.Error as exc:
            raise from_database(exc, authenticated) from None
        status_set, extra = response_settings(response) if response else (None, [])
        if bare:
            return status_set or 200, extra, body.encode()
        if media == "single":
            if rows != 1:
                raise ApiError(
                    406,
                    "PGRST116",
                    "Cannot coerce the result to a single JSON object",
                    f"The result contains {rows} rows",
                )
            return (
                status_set or 200,
                [(b"content-type", b"application/vnd.pgrst.object+json; charset=utf-8"), *extra],
                json.dumps(json.loads(body)[0]).encode(),
            )
        if count == "planned" or (
            count == "estimated" and estimate is not None and total > self.config.max_rows
        ):
            total = (
                estimate  # estimated: exact up to db-max-rows (counted up to one more), the planner's beyond
            )
        content_range = f"{offset}-{offset + rows - 1}" if rows else "*"
        content_range += f"/{'*' if total is None else total}"
        status = 200
        if total is not None:
            if offset > total:
                raise ApiError(
                    416,
                    "PGRST103",
                    "Requested range not satisfiable",
                    f"An offset of {offset} was requested, but there are only {total} rows.",
                    headers=[(b"content-range", f"*/{total}".encode())],
                )
            if rows < total:
                status = 206
        headers = [(b"content-range", content_range.encode()), *extra]
        if media == "csv":
            headers.append((b"content-type", b"text/csv; charset=utf-8"))
        return status_set or status, headers, body.encode()


def _plan_rows(plan: Any) -> float:
    document = json.loads(plan) if isinstance(plan, str) else plan
    return document[0]["Plan"]["Plan Rows"]


def _count_preference(prefer: str) -> str | None:
    """Prefer: count=exact|planned|estimated (among other preferences)."""
    for item in prefer.split(","):
        key, _, value = item.strip().partition("=")
        if key == "count" and value in ("exact", "planned", "estimated"):
            return value
    return None


_MEDIA = {
    "application/json": "json",
    "application/*": "json",
    "*/*": "json",
    "": "json",
    SINGLE: "single",
    "text/csv": "csv",
    "text/*": "csv",
}


def _negotiate(accept: str) -> str:
    """The first media type of the Accept header the gateway produces, by
    quality then order; none: 406 (PGRST107), as PostgREST answers."""
    offered = []
    for position, item in enumerate(accept.split(",")):
        kind, *params = [p.strip() for p in item.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        offered.append((-quality, position, kind.lower()))
    for quality, _, kind in sorted(offered):
        if quality < 0 and kind in _MEDIA:
            return _MEDIA[kind]
        if kind == "" and quality == -1.0:
            return "json"
    raise ApiError(
        406,
        "PGRST107",
        "None of these media types are available: "
        + ", ".join(item.split(";")[0].strip() for item in accept.split(",")),
    )


def _range(header: str | None, method: str) -> tuple[int, int | None] | None:
    """Range: items first-[last] (GET and HEAD): the rows asked for; a header
    of another form is ignored, as PostgREST ignores it."""
    if header is None or method not in ("GET", "HEAD"):
        return None
    value = header.strip()
    if value.startswith("items="):
        value = value[6:]
    low, dash, high = value.partition("-")
    if not dash or not low.isdigit() or (high and not high.isdigit()) or len(low) > 18 or len(high) > 18:
        return None
    if high and int(high) < int(low):
        raise ApiError(
            416,
            "PGRST103",
            "Requested range not satisfiable",
            "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
        )
    return int(low), int(high) if high else None


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value nests more than `limit` arrays or objects
    (iteratively: a recursive walk is what fails on deep values)."""
    if not isinstance(value, (dict, list)):
        return False
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False
