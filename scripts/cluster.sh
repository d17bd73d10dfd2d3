#!/usr/bin/env bash
# Lifecycle of a local PostgreSQL 18 cluster run as `postgres` inside the sid
# root (see toolchain.sh). Usage: cluster.sh init|start|stop|status|url|psql|deploy|destroy|clone SOURCE
#
# RACEDAY_INSTANCE picks the cluster: `dev` (make run, make psql), `test`
# (the test suite's own, thrown away after each run), `bench` (make bench's,
# durable like dev) or another short name
# with an explicit RACEDAY_PG_PORT (scratch clusters of tests). Data and socket live in
# the root under /srv/raceday/<checkout id>-<instance>; the server listens on
# 127.0.0.1 only, on a per-checkout port unless RACEDAY_PG_PORT says otherwise.
# RACEDAY_STOP_MODE=immediate makes `stop` a crash (the fault tests restart
# a cluster that way); the default is a fast, clean shutdown.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

INSTANCE="${RACEDAY_INSTANCE:-dev}"
case "$INSTANCE" in
    dev)  PORT="${RACEDAY_PG_PORT:-$CHECKOUT_PORT}" ;;
    test) PORT="${RACEDAY_TEST_PG_PORT:-$((CHECKOUT_PORT + 1))}" ;;
    *)    [[ "$INSTANCE" =~ ^[a-z][a-z0-9]{0,15}$ ]] \
              || die "RACEDAY_INSTANCE must be dev, test or a short lower-case name, not '$INSTANCE'"
          PORT="${RACEDAY_PG_PORT:-}"
          [ -n "$PORT" ] || die "RACEDAY_PG_PORT must be set for the cluster '$INSTANCE'" ;;
esac
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1024 ] && [ "$PORT" -le 65535 ] && [ "$PORT" != 5432 ] \
    || die "RACEDAY_PG_PORT must be a port number in 1024-65535 other than 5432, not '$PORT'"
STOP_MODE="${RACEDAY_STOP_MODE:-fast}"
[[ "$STOP_MODE" =~ ^(smart|fast|immediate)$ ]] || die "RACEDAY_STOP_MODE must be smart, fast or immediate, not '$STOP_MODE'"
DBNAME="${RACEDAY_DB:-raceday}"
[[ "$DBNAME" =~ ^[a-z_][a-z0-9_]*$ ]] || die "RACEDAY_DB must be a lower-case SQL identifier, not '$DBNAME'"

SRV="/srv/raceday/$CHECKOUT_ID-$INSTANCE"   # as seen inside the root
HOST_SRV="$ROOT_DIR$SRV"                    # as seen from the host
DATA="$SRV/data"
PGLOG="$HOST_SRV/postgresql.log"
URL="postgresql://postgres@127.0.0.1:$PORT/$DBNAME"
export PGCONNECT_TIMEOUT=5

in_root() { chroot --userspec=postgres:postgres "$ROOT_DIR" /bin/sh -c "cd /srv && $*"; }

need_toolchain() {
    require_root
    [ -f "$ROOT_DIR/.complete" ] || die "the PostgreSQL 18 root is not built yet: run 'make toolchain' (or make run / make test)"
    command -v psql >/dev/null || die "psql not found on this machine: run 'make toolchain'"
}

is_running() { [ -f "$HOST_SRV/data/postmaster.pid" ] && in_root "$PG_BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_config() {
    # Rewritten at every start so a changed port or setting takes effect: the
    # settings production uses (docker/postgresql.conf), then where to listen.
    {
        echo "# Written by scripts/cluster.sh at each start from docker/postgresql.conf; edit those, not this file."
        cat "$RACEDAY_HOME/docker/postgresql.conf"
        cat <<CONF

# this local cluster
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SRV'
cron.database_name = '$DBNAME'
CONF
        if [ "$INSTANCE" != dev ] && [ "$INSTANCE" != bench ]; then
            # Test clusters are thrown away after each run: durability buys nothing.
            # (The bench's cluster keeps it: its figures are production's.)
            printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n'
        fi
    } > "$HOST_SRV/data/conf.d/raceday.conf"
}

cmd_init() {
    need_toolchain
    if [ -f "$HOST_SRV/data/PG_VERSION" ]; then return 0; fi
    if [ -e "$HOST_SRV/data" ] && [ -n "$(ls -A "$HOST_SRV/data" 2>/dev/null)" ]; then
        die "data directory $HOST_SRV/data exists but holds no cluster: remove it with 'make db-destroy' and start again"
    fi
    mkdir -p "$HOST_SRV"
    chroot "$ROOT_DIR" chown postgres:postgres "$SRV"
    in_root "$PG_BIN/initdb -D $DATA -U postgres -A trust --encoding=UTF8 --locale=C.UTF-8" > "$LOG_DIR/initdb-$INSTANCE.log" 2>&1 \
        || die "initdb failed; log: $LOG_DIR/initdb-$INSTANCE.log"
    mkdir -p "$HOST_SRV/data/conf.d"
    echo "include_dir = 'conf.d'" >> "$HOST_SRV/data/postgresql.conf"
    # Loopback only, and trust: this cluster is a developer's, reachable from
    # nowhere else. Production uses scram passwords (docker-compose).
    cat > "$HOST_SRV/data/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
HBA
    chroot "$ROOT_DIR" chown -R postgres:postgres "$SRV"
    say "initialised the $INSTANCE cluster in $HOST_SRV/data"
}

cmd_start() {
    need_toolchain
    if ! is_running && port_taken "$PORT"; then
        die "port $PORT on 127.0.0.1 is in use by another program: set RACEDAY_PG_PORT to a free port"
    fi
    cmd_init
    [ -r "$HOST_SRV/data/PG_VERSION" ] && in_root "test -r $DATA/PG_VERSION -a -w $DATA" \
        || die "data directory $HOST_SRV/data is not readable and writable by postgres: fix its ownership (chown -R postgres) or remove it with 'make db-destroy'"
    if is_running; then
        say "$INSTANCE cluster already running on 127.0.0.1:$PORT"
    else
        write_config
        # The server's malloc settings, as the production image sets them (docker/db.Dockerfile).
        local tunables
        tunables="$(sed -n 's/^ENV GLIBC_TUNABLES=//p' "$RACEDAY_HOME/docker/db.Dockerfile")"
        if ! in_root "GLIBC_TUNABLES=$tunables $PG_BIN/pg_ctl -D $DATA -l $SRV/postgresql.log -w -t 60 start" > "$LOG_DIR/pg_ctl-$INSTANCE.log" 2>&1; then
            tail -n 5 "$PGLOG" 2>/dev/null | sed 's/^/    | /' >&2
            die "PostgreSQL did not start; server log: $PGLOG"
        fi
        say "$INSTANCE cluster started on 127.0.0.1:$PORT (log: $PGLOG)"
    fi
    psql -q -X -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -At \
        -c "select 1 from pg_database where datname = '$DBNAME'" | grep -q 1 \
        || psql -q -X -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "create database $DBNAME" \
        || die "could not create database $DBNAME on port $PORT"
}

cmd_deploy() {
    need_toolchain
    is_running || die "the $INSTANCE cluster is not running: run 'make db-start'"
    cd "$RACEDAY_HOME"
    SQITCH_FULLNAME="${SQITCH_FULLNAME:-raceday}" SQITCH_EMAIL="${SQITCH_EMAIL:-raceday@localhost}" \
        sqitch --quiet deploy --verify "db:pg://postgres@127.0.0.1:$PORT/$DBNAME" > "$LOG_DIR/deploy-$INSTANCE.log" 2>&1 \
        || { tail -n 15 "$LOG_DIR/deploy-$INSTANCE.log" | sed 's/^/    | /' >&2; die "sqitch deploy failed; log: $LOG_DIR/deploy-$INSTANCE.log"; }
    say "deployed: $(psql -X -h 127.0.0.1 -p "$PORT" -U postgres -d "$DBNAME" -At -c "select count(*) || ' changes, last ' || max(change) filter (where committed_at = (select max(committed_at) from sqitch.changes)) from sqitch.changes")"
}

cmd_stop() {
    require_root
    if [ -d "$HOST_SRV/data" ] && is_running; then
        in_root "$PG_BIN/pg_ctl -D $DATA -m $STOP_MODE -w -t 60 stop" > "$LOG_DIR/pg_ctl-$INSTANCE.log" 2>&1 \
            || die "PostgreSQL did not stop; server log: $PGLOG"
        say "$INSTANCE cluster stopped"
    else
        say "$INSTANCE cluster is not running"
    fi
}

# A report, not a check: it succeeds whether the cluster runs or not (scripts
# that need to know ask `url`, which fails when it is not running).
cmd_status() {
    need_toolchain
    if is_running; then
        echo "$INSTANCE cluster: running on 127.0.0.1:$PORT, data $HOST_SRV/data"
        psql -X -h 127.0.0.1 -p "$PORT" -U postgres -d "$DBNAME" -At -c "select version()" 2>/dev/null || true
    else
        local state=stopped hint=""
        [ -f "$HOST_SRV/data/PG_VERSION" ] || state="not created yet"
        [ "$INSTANCE" != dev ] || hint=", 'make db-start' starts it"
        echo "$INSTANCE cluster: $state$hint (port $PORT, data $HOST_SRV/data)"
    fi
}

cmd_url() {
    need_toolchain
    is_running || die "the $INSTANCE cluster is not running: run 'make db-start'"
    echo "$URL"
}

cmd_psql() {
    need_toolchain
    is_running || die "the $INSTANCE cluster is not running: run 'make db-start'"
    if [ $# -eq 0 ]; then
        # An interactive session (make psql) starts in ops, saying what it holds.
        echo "raceday: the ops views (search_path ops, raceday, api, public):" >&2
        psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d "$DBNAME" -At -c "
            SELECT format('  %-14s %s', c.relname, obj_description(c.oid, 'pg_class'))
            FROM pg_class c WHERE c.relnamespace = 'ops'::regnamespace AND c.relkind = 'v' ORDER BY 1" >&2 || true
        export PGOPTIONS="-c search_path=ops,raceday,api,public"
    fi
    exec psql -X -h 127.0.0.1 -p "$PORT" -U postgres -d "$DBNAME" "$@"
}

# A new cluster made a copy of another of this checkout's, stopped (the tests
# deploy one cluster and copy it for each scratch cluster: a copy takes a
# second, a deploy ten). `start` then gives it its own port.
cmd_clone() {
    need_toolchain
    local source="${1:-}"
    [[ "$source" =~ ^[a-z][a-z0-9]{0,15}$ ]] || die "usage: cluster.sh clone SOURCE (the name of a stopped cluster)"
    local from="$ROOT_DIR/srv/raceday/$CHECKOUT_ID-$source/data"
    [ -f "$from/PG_VERSION" ] && [ ! -f "$from/postmaster.pid" ] \
        || die "the $source cluster does not exist or is running: clone copies a stopped cluster"
    [ ! -e "$HOST_SRV/data" ] || die "the $INSTANCE cluster exists already: destroy it first"
    mkdir -p "$HOST_SRV"
    cp -a "$from" "$HOST_SRV/data"
    chroot "$ROOT_DIR" chown postgres:postgres "$SRV"
    say "the $INSTANCE cluster is a copy of the $source cluster"
}

cmd_destroy() {
    cmd_stop
    rm -rf "$HOST_SRV"
    say "$INSTANCE cluster removed"
}

case "${1:-}" in
    init|start|stop|status|url|psql|deploy|destroy|clone) c="$1"; shift; "cmd_$c" "$@" ;;
    *) die "usage: cluster.sh init|start|stop|status|url|psql|deploy|destroy|clone SOURCE" ;;
esac
