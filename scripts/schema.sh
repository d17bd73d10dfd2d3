#!/usr/bin/env bash
# The deployed schema as one file to read: docs/schema.sql.
#   schema.sh          (make schema) deploys sqitch.plan into a throw-away
#                      cluster and writes docs/schema.sql from it;
#   schema.sh dump URL writes the same text for the database at URL to
#                      stdout (tests/test_schema_snapshot.py compares it).
#
# PostgreSQL 18's pg_dump --schema-only of staging, raceday, api and ops:
# tables, views, functions, triggers, indexes, comments, owners and grants.
# Normalised so that the same plan always gives the same bytes: no dated
# history partitions (the housekeeping makes them, one per NZ racing day),
# no sqitch registry (its own schema), no pg_dump header, version lines,
# random \restrict key or session SETs, and pg_dump's three-line comment
# blocks folded into one line. pg_dump orders objects by kind and name.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

SCHEMAS=(staging raceday api ops)
OUT="$RACEDAY_HOME/docs/schema.sql"
# raceday.money_flow_history_20261207 and the like: the daily partitions,
# attached or detached (the same names tests/test_sqitch_plan.py filters).
PARTITIONS="raceday.*_history_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]"

header() {
    cat <<'HEAD'
-- The deployed schema of raceday: staging, raceday, api and ops, as
-- PostgreSQL 18's pg_dump --schema-only prints them after a deploy of
-- sqitch.plan. Written by `make schema` (scripts/schema.sh); do not edit.
-- make test fails when the deployed schema and this file differ.
--
-- To read, not to run: sqitch deploys the database (deploy/).
-- Left out: the daily partitions of raceday.money_flow_history and
-- raceday.odds_history (raceday.maintain_partitions, the housekeeping, makes
-- one per NZ racing day), the sqitch registry, roles (deploy/roles.sql) and
-- extensions (deploy/extensions.sql).

HEAD
}

# pg_dump runs in the sid root as postgres, like the server: the host's
# pg_dump is older than the server and refuses it.
dump() {
    local url="$1" args=() s
    for s in "${SCHEMAS[@]}"; do args+=(--schema="$s"); done
    [ "$(id -u)" = 0 ] || die "pg_dump runs in the toolchain's root under chroot, which needs root: run this as root"
    [ -x "$ROOT_DIR$PG_BIN/pg_dump" ] || die "PostgreSQL 18 is not built yet: run 'make toolchain'"
    header
    chroot --userspec=postgres:postgres "$ROOT_DIR" "$PG_BIN/pg_dump" --dbname="$url" --schema-only \
        --no-statistics "${args[@]}" --exclude-table="$PARTITIONS" | normalise
}

# The header and the session settings pg_dump writes go; so does any run of
# blank lines beyond one. "--\n-- Name: x; Type: ...\n--" becomes one line.
normalise() {
    perl -0777 -pe '
        s/^\\(un)?restrict \S+\n//mg;
        s/^--\n-- (PostgreSQL database dump|PostgreSQL database dump complete)\n--\n//mg;
        s/^-- Dumped (from database|by pg_dump) version .*\n//mg;
        s/^SET (statement_timeout|lock_timeout|idle_in_transaction_session_timeout|transaction_timeout|client_encoding|standard_conforming_strings|check_function_bodies|xmloption|client_min_messages|row_security|default_tablespace|default_table_access_method) = .*;\n//mg;
        s/^SELECT pg_catalog\.set_config\(\x27search_path\x27, \x27\x27, false\);\n//mg;
        s/^--\n(-- Name: [^\n]*)\n--\n/$1\n/mg;
        s/\n{3,}/\n\n/g;
        s/\A\n+//;
        s/\n+\z/\n/;
    '
}

write() {
    bash "$RACEDAY_HOME/scripts/toolchain.sh"
    # A cluster of its own, deployed from nothing: the file shows the plan,
    # not whatever a developer's database has become.
    export RACEDAY_INSTANCE=schema
    RACEDAY_PG_PORT="$("$VENV_DIR/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    export RACEDAY_PG_PORT
    trap 'bash "$RACEDAY_HOME/scripts/cluster.sh" destroy >/dev/null 2>&1 || true' EXIT
    bash "$RACEDAY_HOME/scripts/cluster.sh" destroy >/dev/null 2>&1
    step "schema cluster" bash "$RACEDAY_HOME/scripts/cluster.sh" start
    step "schema deploy" bash "$RACEDAY_HOME/scripts/cluster.sh" deploy
    local url
    url=$(bash "$RACEDAY_HOME/scripts/cluster.sh" url | tail -n 1)
    dump "$url" > "$OUT.tmp"
    mv "$OUT.tmp" "$OUT"
    say "wrote docs/schema.sql ($(wc -l < "$OUT") lines); commit it with the change that altered it"
}

case "${1:-write}" in
    write) write ;;
    dump)  [ -n "${2:-}" ] || die "usage: schema.sh dump URL"; dump "$2" ;;
    *)     die "usage: schema.sh [write | dump URL]" ;;
esac
