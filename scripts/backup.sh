#!/usr/bin/env bash
# `make backup FILE=...` and `make restore FILE=...`: the backup and restore of
# docs/runbook.md, for a local cluster. Usage: backup.sh backup|restore FILE
#
# The client tools are PostgreSQL 18's, from the toolchain's root, run under
# chroot as postgres like the server (cluster.sh) and connected over TCP:
# the host's pg_dump is older than the server and refuses it ("server version
# mismatch"). A backup is one tar file holding what the compose runbook
# writes: roles.sql (pg_dumpall --roles-only: roles belong to the cluster)
# and raceday.dump (pg_dump, custom format: every schema, the sqitch registry
# and pg_cron's jobs). A restore goes into a cluster whose database holds no
# raceday yet (make db-destroy, then make restore), with pg_cron's jobs held
# back until everything is in place, then `sqitch verify`.
# RACEDAY_INSTANCE and RACEDAY_PG_PORT pick the cluster, as for cluster.sh.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

INSTANCE="${RACEDAY_INSTANCE:-dev}"
DBNAME="${RACEDAY_DB:-raceday}"
CLUSTER=(bash "$RACEDAY_HOME/scripts/cluster.sh")

# The port of the running cluster, from its URL (cluster.sh says why when it is not running).
cluster_port() {
    local url
    url="$("${CLUSTER[@]}" url | tail -n 1)" || exit 1
    url="${url##*:}"
    PORT="${url%%/*}"
}

# pg18 TOOL ARGS...: a PostgreSQL 18 client tool of the root, connected to the cluster.
pg18() {
    local tool="$1"; shift
    chroot --userspec=postgres:postgres "$ROOT_DIR" "$PG_BIN/$tool" -h 127.0.0.1 -p "$PORT" -U postgres "$@"
}

sql() { pg18 psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
dump_roles() { pg18 pg_dumpall --roles-only > "$1"; }
dump_database() { pg18 pg_dump -d "$DBNAME" --format=custom > "$1"; }

cmd_backup() {
    local file="$1" tmp
    [ -n "$file" ] || die "FILE must name the backup to write, e.g. make backup FILE=raceday-$(date +%F).tar"
    [ ! -e "$file" ] || die "$file exists: a backup never overwrites a file; name another"
    if ! [ -d "$(dirname "$file")" ] || ! [ -w "$(dirname "$file")" ]; then die "cannot write in $(dirname "$file")"; fi
    cluster_port
    umask 077          # a backup holds the roles' password hashes: the owner's alone
    tmp="$(mktemp -d "$(dirname "$file")/.raceday-backup.XXXXXX")"
    # shellcheck disable=SC2064  # the directory is fixed now
    trap "rm -rf '$tmp'" EXIT
    step "backup roles" dump_roles "$tmp/roles.sql"
    step "backup database" dump_database "$tmp/raceday.dump"
    tar -C "$tmp" -cf "$tmp/backup.tar" roles.sql raceday.dump
    mv "$tmp/backup.tar" "$file"
    say "backed up the $INSTANCE cluster's roles and database $DBNAME to $file ($(du -h "$file" | cut -f1))"
}

# What the restore leaves behind if it fails half-way: say so, and what to do.
restore_failed() {
    local rc=$?
    rm -rf "$TMP"
    if [ "$rc" != 0 ] && [ "${CRON_PAUSED:-0}" = 1 ]; then
        say "the restore did not finish: pg_cron's jobs stay paused on the $INSTANCE cluster; 'make db-destroy' and restore again"
    fi
}

cmd_restore() {
    local file="$1" held errors
    [ -n "$file" ] || die "FILE must name a backup made by make backup, e.g. make restore FILE=raceday-2026-07-17.tar"
    if ! [ -f "$file" ] || ! [ -r "$file" ]; then die "cannot read $file"; fi
    [ "$(tar -tf "$file" 2>/dev/null | sort | tr '\n' ' ')" = "raceday.dump roles.sql " ] \
        || die "$file is not a raceday backup (a tar of roles.sql and raceday.dump, as make backup writes)"
    "${CLUSTER[@]}" start            # a new cluster and an empty database, when there is none
    cluster_port
    held="$(sql -d "$DBNAME" -c "SELECT string_agg(nspname, ', ') FROM pg_namespace WHERE nspname IN ('raceday', 'staging', 'sqitch')")"
    [ -z "$held" ] || die "the $INSTANCE cluster's database $DBNAME already holds $held: a restore goes into a fresh one ('make db-destroy' deletes this one and its data)"

    # The dump must be readable inside the root, where the tools run.
    TMP="$(mktemp -d "$ROOT_DIR/tmp/raceday-restore.XXXXXX")"
    trap restore_failed EXIT
    tar -C "$TMP" -xf "$file"
    local inside="${TMP#"$ROOT_DIR"}"
    chroot "$ROOT_DIR" chown -R postgres:postgres "$inside"

    # No pg_cron job may run until everything is back.
    sql -d postgres -c "ALTER SYSTEM SET cron.launch_active_jobs = off" -c "SELECT pg_reload_conf()" >/dev/null
    CRON_PAUSED=1
    # The only error allowed: the superuser exists in every cluster.
    errors="$(pg18 psql -X -q -d postgres -f "$inside/roles.sql" 2>&1 >/dev/null | grep 'ERROR' || true)"
    if [ -n "$(grep -v 'role "postgres" already exists' <<<"$errors" || true)" ]; then
        printf '%s\n' "$errors" | sed 's/^/    | /' >&2
        die "restoring the roles failed"
    fi
    step "restore database" pg18 pg_restore -d "$DBNAME" --exit-on-error --jobs=2 "$inside/raceday.dump"
    # Who may connect is the database's own property: pg_restore applies it
    # only when it creates the database, so those lines are replayed.
    step "restore database privileges" chroot --userspec=postgres:postgres "$ROOT_DIR" /bin/sh -c \
        "set -e; $PG_BIN/pg_restore --create --section=pre-data -f - $inside/raceday.dump | { grep ' ON DATABASE ' || true; } \
         | $PG_BIN/psql -h 127.0.0.1 -p $PORT -U postgres -X -q -v ON_ERROR_STOP=1 -d $DBNAME"
    sql -d postgres -c "ALTER SYSTEM RESET cron.launch_active_jobs" -c "SELECT pg_reload_conf()" >/dev/null
    CRON_PAUSED=0
    cd "$RACEDAY_HOME" || exit 1
    step "sqitch verify" sqitch verify "db:pg://postgres@127.0.0.1:$PORT/$DBNAME"
    say "restored $file into the $INSTANCE cluster (127.0.0.1:$PORT, database $DBNAME); pg_cron's jobs run again"
}

case "${1:-}" in
    backup|restore)
        [ "$(id -u)" = 0 ] || die "the PostgreSQL 18 tools run in the toolchain's root under chroot, which needs root: run this as root"
        c="$1"; shift; "cmd_$c" "${1:-}" ;;
    *) die "usage: backup.sh backup|restore FILE" ;;
esac
