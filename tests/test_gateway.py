"""The gateway's parts that need no server: PostgREST's grammar, SQL
composition (identifiers quoted, values only bound), the status table and
the configuration file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway import config, statements
from gateway.catalog import Column
from gateway.errors import ApiError, status_of
from gateway.grammar import parse

COLUMNS = {c: Column(c, "text", True, None) for c in ("race_id", "name", "status", "start_time")}
HOSTILE = "x'); DROP TABLE raceday.races; --"


def compose(pairs: list[tuple[str, str]], count: bool = False) -> tuple[bytes, list]:
    query = parse(pairs)
    statements.check_columns(query, COLUMNS, "races")
    composed, params = statements.read(statements.relation("api", "races"), query, 1000, count)
    assert statements.read_params([], query, 1000, count) == params
    text = composed.as_bytes(None)
    assert text.count(b"%s") == len(params), "one bound value per placeholder, in _where() and where_values() alike"
    return text, params


def test_values_are_bound_never_written_into_sql():
    text, params = compose([("name", f"eq.{HOSTILE}"), ("status", f"in.({HOSTILE},\"a,b\")"),
                            ("start_time", "not.is.null"), ("order", "start_time.desc.nullslast")], count=True)
    assert HOSTILE.encode() not in text and b"DROP" not in text
    assert params == [HOSTILE, HOSTILE, "a,b", HOSTILE, HOSTILE, "a,b", 1000, 0]
    assert b'NOT ("start_time" IS NULL)' in text and b'ORDER BY "start_time" DESC NULLS LAST' in text


def test_identifiers_must_be_known_columns():
    with pytest.raises(ApiError) as caught:
        compose([(HOSTILE, "eq.1")])
    assert (caught.value.status, caught.value.code) == (400, "42703")
    for bad in ([("select", HOSTILE)], [("order", "name;drop")], [("order", "name.sideways")]):
        with pytest.raises(ApiError) as caught:
            compose(bad)
        assert caught.value.status == 400


@pytest.mark.parametrize("pairs", [[("name", "approx.1")], [("name", "in.1,2")], [("name", "is.maybe")],
                                   [("limit", "-1")], [("offset", "ten")], [("select", "races(name)")],
                                   [("or", "(a.eq.1)")]])
def test_grammar_errors_are_pgrst100(pairs):
    with pytest.raises(ApiError) as caught:
        parse(pairs)
    assert (caught.value.status, caught.value.code) == (400, "PGRST100")


def test_row_cap_and_limit():
    assert compose([("limit", "5")])[1][-2:] == [5, 0]
    assert compose([("limit", "50000"), ("offset", "7")])[1][-2:] == [1000, 7]
    assert compose([])[1][-2:] == [1000, 0]


def test_like_and_select_aliases():
    text, params = compose([("name", "ilike.*cup*"), ("select", "id:race_id,name")])
    assert params[0] == "%cup%" and b'"race_id" AS "id", "name"' in text and b"ILIKE" in text


@pytest.mark.parametrize("sqlstate, status", [("22023", 400), ("PT404", 404), ("42501", 401), ("25006", 405),
                                              ("23505", 409), ("57014", 500), ("08006", 503), ("P0001", 400),
                                              ("P0002", 500), ("42P01", 404), ("53300", 503)])
def test_postgrest_status_table(sqlstate, status):
    assert status_of(sqlstate) == status


def test_config_file_and_overrides(tmp_path: Path):
    conf = tmp_path / "postgrest.conf"
    conf.write_text('# comment\ndb-uri = "postgres://a@h/db"\ndb-schemas = "api"\ndb-anon-role = "web_anon"\n'
                    'db-max-rows = 1000\nserver-port = 3000\n')
    loaded = config.load(conf, {"PGRST_SERVER_PORT": "4000"})
    assert (loaded.db_uri, loaded.schema, loaded.max_rows, loaded.port) == ("postgres://a@h/db", "api", 1000, 4000)
    with pytest.raises(config.ConfigError, match="PGRST_DB_POOL"):
        config.load(conf, {"PGRST_DB_POOL": "many"})
    with pytest.raises(config.ConfigError, match="exactly one schema"):
        config.load(conf, {"PGRST_DB_SCHEMAS": "api,other"})
    conf.write_text("this is not a setting\n")
    with pytest.raises(config.ConfigError, match=":1:"):
        config.load(conf, {})
