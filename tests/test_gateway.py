"""The gateway's parts that need no server: PostgREST's grammar, SQL
composition (identifiers quoted, values only bound), the status table, the
configuration file and the statement cache; then, over HTTP on the test
database, hostile requests: each gets a 4xx in PostgREST's shape, never a 500."""

from __future__ import annotations

import json
import re
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from psycopg import sql

from gateway import config, statements
from gateway.app import Gateway
from gateway.catalog import Catalog, Column, Relation
from gateway.errors import ApiError, status_of
from gateway.grammar import parse
from gateway.relationships import target_origins
from harness import ApiServer, user_token

COLUMNS = {c: Column(c, "text", True, None) for c in ("race_id", "name", "status", "start_time")}
CATALOG = Catalog("api", {"races": Relation("races", None, COLUMNS)})
HOSTILE = "x'); DROP TABLE raceday.races; --"


def compose(pairs: list[tuple[str, str]], count: bool = False) -> tuple[bytes, dict]:
    query = parse(pairs)
    composed, _ = statements.read(
        CATALOG, statements.relation("api", "races"), "races", COLUMNS, query, "exact" if count else None
    )
    params = statements.read_params({}, query, 1000, query.limit, query.offset)
    text = composed.as_bytes(None)
    assert set(re.findall(rb"%\((\w+)\)s", text)) == {k.encode() for k in params}, (
        "one bound value per placeholder name, in the statement and in read_params() alike"
    )
    return text, params


def test_values_are_bound_never_written_into_sql():
    text, params = compose(
        [
            ("name", f"eq.{HOSTILE}"),
            ("status", f'in.({HOSTILE},"a,b")'),
            ("start_time", "not.is.null"),
            ("order", "start_time.desc.nullslast"),
        ],
        count=True,
    )
    assert HOSTILE.encode() not in text and b"DROP" not in text
    assert params == {"v0": HOSTILE, "v1": HOSTILE, "v2": "a,b", "lim": 1000, "off": 0}
    assert (
        b'NOT ("_1"."start_time" IS NULL)' in text and b'ORDER BY "_1"."start_time" DESC NULLS LAST' in text
    )


def test_identifiers_must_be_known_columns():
    name = HOSTILE.replace(".", "")  # a dot in a filter's name reaches into an embed (PGRST108)
    for bad in ([(name, "eq.1")], [("or", "(nonesuch.eq.1)")], [("select", "name,nonesuch")]):
        with pytest.raises(ApiError) as caught:
            compose(bad)
        assert (caught.value.status, caught.value.code) == (400, "42703")
    for bad in ([("select", HOSTILE)], [("order", "name;drop")], [("order", "name.sideways")]):
        with pytest.raises(ApiError) as caught:
            compose(bad)
        assert caught.value.status == 400


@pytest.mark.parametrize(
    "pairs",
    [
        [("name", "approx.1")],
        [("name", "in.1,2")],
        [("name", "is.maybe")],
        [("limit", "ten")],
        [("offset", "ten")],
        [("select", "races(name")],
        [("or", "a.eq.1")],
        [("or", "()")],
        [("and", "(a.eq.1,or(b.eq.2)")],
        [("or", "(a.approx.1)")],
        [("or", "(not.a.eq.1)")],
    ],
)
def test_grammar_errors_are_pgrst100(pairs):
    with pytest.raises(ApiError) as caught:
        parse(pairs)
    assert (caught.value.status, caught.value.code) == (400, "PGRST100")


def test_negative_limit_is_416_and_negative_offset_a_no_op():
    """As PostgREST: limit=-1 is an unsatisfiable range, offset=-4 reads from the first row."""
    with pytest.raises(ApiError) as caught:
        parse([("limit", "-1")])
    assert (caught.value.status, caught.value.code) == (416, "PGRST103")
    assert parse([("offset", "-4")]).offset == 0


def test_logic_trees_nest_and_bind_every_value():
    text, params = compose(
        [
            (
                "or",
                '(status.eq.open,and(name.like.*cup*,status.not.in.(a,"b,c")),'
                'not.or(race_id.is.null,name.eq."x)y"))',
            )
        ]
    )
    assert params == {"v0": "open", "v1": "%cup%", "v2": "a", "v3": "b,c", "v4": "x)y", "lim": 1000, "off": 0}
    assert (
        b'("_1"."status" = %(v0)s OR ("_1"."name" LIKE %(v1)s AND NOT ("_1"."status" IN (%(v2)s, %(v3)s))) '
        b'OR NOT ("_1"."race_id" IS NULL OR "_1"."name" = %(v4)s))'
    ) in text


def test_view_columns_are_traced_by_the_top_query_target_list():
    """A view column's source is its defining query's own target entry (not
    a subquery's), a plain column (resorigtbl set), not a junk entry; names
    may hold escaped spaces and braces."""
    text = (
        "({QUERY :commandType 1 :rtable ({RANGETBLENTRY :subquery {QUERY :targetList ({TARGETENTRY :expr "
        "{VAR :varno 1} :resno 1 :resname x :resorigtbl 99 :resorigcol 9 :resjunk false})} :alias <>}) "
        ":targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 2} :resno 1 :resname a\\ b\\} "
        ":ressortgroupref 0 :resorigtbl 16384 :resorigcol 2 :resjunk false} {TARGETENTRY :expr {FUNCEXPR "
        ":args ({CONST :constvalue 4 [ 1 0 0 0 ]})} :resno 2 :resname c :resorigtbl 0 :resorigcol 0 "
        ":resjunk false} {TARGETENTRY :resno 3 :resname d :resorigtbl 16385 :resorigcol 1 :resjunk true}) "
        ":havingQual <>})"
    )
    assert target_origins(text) == {1: (16384, 2)}


def test_row_cap_and_limit():
    def page(pairs):
        params = compose(pairs)[1]
        return params["lim"], params["off"]

    assert page([("limit", "5")]) == (5, 0)
    assert page([("limit", "50000"), ("offset", "7")]) == (1000, 7)
    assert page([]) == (1000, 0)


def test_like_and_select_aliases():
    text, params = compose([("name", "ilike.*cup*"), ("select", "id:race_id,name")])
    assert (
        params["v0"] == "%cup%"
        and b'"_1"."race_id" AS "id", "_1"."name" AS "name"' in text
        and b"ILIKE" in text
    )


@pytest.mark.parametrize(
    "sqlstate, status",
    [
        ("22023", 400),
        ("PT404", 404),
        ("42501", 401),
        ("25006", 405),
        ("23505", 409),
        ("57014", 500),
        ("08006", 503),
        ("P0001", 400),
        ("P0002", 500),
        ("42P01", 404),
        ("53300", 503),
    ],
)
def test_postgrest_status_table(sqlstate, status):
    assert status_of(sqlstate) == status


def test_config_file_and_overrides(tmp_path: Path):
    conf = tmp_path / "postgrest.conf"
    conf.write_text(
        '# comment\ndb-uri = "postgres://a@h/db"\ndb-schemas = "api"\ndb-anon-role = "web_anon"\n'
        "db-max-rows = 1000\nserver-port = 3000\n"
    )
    loaded = config.load(conf, {"PGRST_SERVER_PORT": "4000"})
    assert (loaded.db_uri, loaded.schema, loaded.max_rows, loaded.port) == (
        "postgres://a@h/db",
        "api",
        1000,
        4000,
    )
    with pytest.raises(config.ConfigError, match="PGRST_DB_POOL"):
        config.load(conf, {"PGRST_DB_POOL": "many"})
    with pytest.raises(config.ConfigError, match="exactly one schema"):
        config.load(conf, {"PGRST_DB_SCHEMAS": "api,other"})
    conf.write_text("this is not a setting\n")
    with pytest.raises(config.ConfigError, match=":1:"):
        config.load(conf, {})


@pytest.mark.parametrize(
    "pairs",
    [
        [("select", "a" * 64 + ":name")],
        [("select", "b" * 64)],
        [("order", "c" * 64 + ".desc")],
        [("d" * 64, "eq.1")],
        [("select", "é" * 32 + ":name")],
    ],
)
def test_names_longer_than_postgresql_takes_are_pgrst100(pairs):
    """PostgreSQL cuts a longer name short (an alias would come back cut);
    the gateway refuses it, and no client-chosen name grows its cache keys."""
    with pytest.raises(ApiError) as caught:
        parse(pairs)
    assert (caught.value.status, caught.value.code) == (400, "PGRST100")
    assert "63 bytes" in caught.value.details


def test_names_of_63_bytes_are_taken():
    text, _ = compose([("select", "a" * 63 + ":name"), ("order", "name")])
    assert b'"_1"."name" AS "' + b"a" * 63 + b'"' in text


def test_statement_cache_is_a_bounded_lru():
    """Distinct shapes (here large ones, as long in-lists make) evict the
    least recently used; a shape in steady use stays composed once."""
    gateway = Gateway(config.Config("postgresql://unused", "api", "web_anon", 1, None, "127.0.0.1", 0, None))
    builds: Counter[str] = Counter()

    def statement(name: str, size: int):
        def build():
            builds[name] += 1
            return sql.SQL("SELECT {} FROM x WHERE y IN ({})").format(
                sql.Identifier(name), sql.SQL(", ").join([sql.Placeholder()] * size)
            ), []

        return build

    # 3000 shapes of about 8 KB: 24 MB, half again the cache's 16 MB bound.
    for i in range(3000):
        gateway._sql(("hot",), statement("hot", 1), [])
        gateway._sql(("shape", i), statement(f"s{i}", 2000), [])  # about 8 KB each
    cache = gateway._statements
    assert builds["hot"] == 1, "a shape in steady use was composed again"
    held = sum(len(text) for text in cache._entries.values())
    assert len(cache) <= 4096 and held <= 16 << 20, (len(cache), held)
    assert gateway._sql(("shape", 2999), statement("s2999", 2000), [])[0] and builds["s2999"] == 1
    assert builds["s0"] == 1 and gateway._sql(("shape", 0), statement("s0", 2000), []) and builds["s0"] == 2


# -- hostile requests over HTTP ---------------------------------------------

ERROR_KEYS = {"code", "message", "details", "hint"}


@pytest.fixture(scope="module")
def gateway_api(database_url: str) -> Iterator[tuple[ApiServer, httpx.Client]]:
    """The gateway (even where PostgREST is installed) on the test database;
    no data is needed to be refused."""
    server = ApiServer(database_url, gateway=True)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield server, client
    finally:
        server.stop()


def refused(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code, body
    return body


@pytest.mark.parametrize("depth", [101, 5_000, 200_000])
def test_deeply_nested_json_body_is_pgrst102(gateway_api, depth):
    server, api = gateway_api
    body = '{"user_id": "u", "indicators": ' + "[" * depth + "]" * depth + "}"
    error = refused(
        api.post(
            "/rpc/save_alert_configs", content=body.encode(), headers={"Content-Type": "application/json"}
        ),
        400,
        "PGRST102",
    )
    assert error["message"] == "Empty or invalid json" and "nested deeper than 100 levels" in error["details"]
    assert "Traceback" not in server.output()


def test_json_body_within_the_depth_goes_through(gateway_api):
    """100 levels are taken: the function itself refuses what it cannot use."""
    _, api = gateway_api
    body = '{"indicators": ' + "[" * 99 + "]" * 99 + "}"
    response = api.post(
        "/rpc/save_alert_configs",
        content=body.encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {user_token('u')}"},
    )
    assert response.status_code == 400 and response.json()["code"] != "PGRST102", response.text


def raw_get(server: ApiServer, target: str) -> tuple[int, bytes]:
    """A GET written on the socket: httpx refuses URLs over 64 KB itself."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("length", [8_200, 60_000])
def test_overlong_url_is_414(gateway_api, length):
    server, _ = gateway_api
    status, body = raw_get(server, "/races?name=eq." + "x" * length)
    assert status == 414, body[:300]
    error = json.loads(body)
    assert set(error) == ERROR_KEYS and error["code"] == "PGRST100" and "8192 bytes" in error["message"]


def test_url_beyond_what_the_http_server_reads_is_400(gateway_api):
    """Past about 64 KB the HTTP server (uvicorn's parser) answers 400 in
    plain text before the gateway sees the request, as PostgREST's (Warp)
    does past 50 KB; the gateway goes on serving."""
    server, api = gateway_api
    assert raw_get(server, "/races?name=eq." + "x" * 1_000_000)[0] == 400
    assert api.get("/races", params={"limit": "1"}).status_code == 200


def test_url_of_8_kilobytes_is_served(gateway_api):
    _, api = gateway_api
    prefix = "/races?name=eq."
    response = api.get(prefix + "x" * (8192 - len(prefix)))
    assert response.status_code == 200 and response.json() == [], response.text[:300]


def test_overlong_alias_is_400(gateway_api):
    _, api = gateway_api
    refused(api.get("/races", params={"select": "x" * 64 + ":race_id"}), 400, "PGRST100")
    assert api.get("/races", params={"select": "x" * 63 + ":race_id"}).status_code == 200
