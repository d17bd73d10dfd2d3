#!/usr/bin/env bash
# `make run`: build or reuse the toolchain, start the local database and
# deploy, start the TAB simulator (unless NZTAB_API_URL points at a real API),
# the fetcher, the API and live (the push service and the race board), then
# keep them running until Ctrl-C, or for DURATION seconds. Stops, on the way
# out, whatever it started itself.
#
# The simulator runs TABSIM_SPEED times real time from TABSIM_START (default:
# now), and the database shares its clock (raceday.settings.clock_*) while the
# run lasts, so its schedule and the simulated day agree; on the way out the
# database is handed back to real time. Each run lays out a day of its own
# (the simulator's ids derive from the seed and the day's start), so an
# earlier run's races are never mixed with this one's.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-}"
[ -z "$DURATION" ] || [[ "$DURATION" =~ ^[0-9]+$ ]] || die "DURATION must be a number of seconds, not '$DURATION'"
TABSIM_SPEED="${TABSIM_SPEED:-}"
TABSIM_START="${TABSIM_START:-}"
TABSIM_FORM_SIZE="${RACEDAY_TABSIM_FORM_SIZE:-15}"
if [ -n "${NZTAB_API_URL:-}" ] && [ -n "$TABSIM_SPEED$TABSIM_START" ]; then
    die "TABSIM_SPEED and TABSIM_START set the simulator's clock; with NZTAB_API_URL set there is no simulator: unset one or the other"
fi
# Up to 100x: beyond it a race's 15 s polls come faster than a fetcher on a laptop keeps up with.
if [ -n "$TABSIM_SPEED" ] && ! { [[ "$TABSIM_SPEED" =~ ^([0-9]+([.][0-9]*)?|[.][0-9]+)$ ]] \
        && awk -v s="$TABSIM_SPEED" 'BEGIN{exit !(s > 0 && s <= 100)}'; }; then
    die "TABSIM_SPEED must be a number of simulated seconds per real second above 0 and at most 100, not '$TABSIM_SPEED'"
fi
# ISO 8601 with an explicit offset, as the simulator takes it: a bare local time would be ambiguous.
if [ -n "$TABSIM_START" ] && ! { [[ "$TABSIM_START" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}[T\ ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] \
        && date -d "$TABSIM_START" +%s >/dev/null 2>&1; }; then
    die "TABSIM_START must be an instant in ISO 8601 with its offset, e.g. 2026-07-17T09:00:00+12:00, not '$TABSIM_START'"
fi
if ! [[ "$TABSIM_FORM_SIZE" =~ ^[0-9]{1,3}$ ]] || [ "$TABSIM_FORM_SIZE" -lt 1 ] || [ "$TABSIM_FORM_SIZE" -gt 200 ]; then
    die "RACEDAY_TABSIM_FORM_SIZE must be a number of past starts per runner in 1-200, not '$TABSIM_FORM_SIZE'"
fi

bash "$RACEDAY_HOME/scripts/toolchain.sh"

started_db=0
# `url` fails when the cluster is not running: then this run starts it, and stops it at the end.
if ! bash "$RACEDAY_HOME/scripts/cluster.sh" url >/dev/null 2>&1; then started_db=1; fi
sim_pid=""
fetcher_pid=""
api_pid=""
live_pid=""
exporter_pid=""
archive_pid=""
DB_URL=""

# The database's clock: the simulator's (virtual start, real start, speed), or real time.
set_db_clock() {
    if [ $# -eq 3 ]; then
        psql -X -q -v ON_ERROR_STOP=1 -d "$DB_URL" -v v="$1" -v r="$2" -v s="$3" <<'SQL'
UPDATE raceday.settings SET clock_virtual = to_timestamp(:'v'), clock_real = to_timestamp(:'r'), clock_speed = :'s';
-- A new simulated day: its meetings now, not at the refresh an earlier run scheduled on its own clock.
UPDATE raceday.poll_targets SET next_poll_at = raceday.clock()
WHERE kind = 'meetings' AND day = raceday.nz_racing_day(raceday.clock()) AND next_poll_at > raceday.clock();
SQL
    else
        psql -X -q -v ON_ERROR_STOP=1 -d "$DB_URL" \
            -c "UPDATE raceday.settings SET clock_virtual = NULL, clock_real = NULL, clock_speed = 1"
    fi
}

# Races of other simulated days (earlier runs, laid out from other instants)
# are answered 404 by this simulator: stop polling those still scheduled,
# saying why (ops.stopped_targets), and resume this day's races that an
# earlier run stopped (the same seed and TABSIM_START lay out the same day).
own_day_only() {
    local day
    day="$(curl -fsS "${NZTAB_API_URL%/affiliates/v1}/_tabsim/day")" || return 1
    psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB_URL" -v day="$day" <<'SQL'
CREATE TEMP TABLE own_day AS
SELECT array(SELECT jsonb_array_elements_text(d -> 'race_ids'))::uuid[] AS ids,
       format('make run: a race of another simulated day than this run''s (seed %s, laid out from %s)',
              d ->> 'seed', to_timestamp((d ->> 'start')::bigint)) AS reason
FROM (SELECT :'day'::jsonb AS d) j;
SELECT format('stopped polling %s races of other simulated days; resumed %s of this one',
    (SELECT count(raceday.stop_polling(t.target, o.reason)) FROM raceday.poll_targets t, own_day o
     WHERE t.kind = 'event' AND t.next_poll_at IS NOT NULL AND t.stopped_at IS NULL AND t.race_id <> ALL (o.ids)),
    (SELECT count(raceday.resume_polling(t.target)) FROM raceday.poll_targets t, own_day o
     WHERE t.kind = 'event' AND t.stopped_reason LIKE '%make run: %' AND t.race_id = ANY (o.ids)));
SQL
}

stop_all() {
    trap - INT TERM EXIT
    say "stopping"
    # The fetcher first: it finishes its polls, which need the simulator and the database.
    if [ -n "$fetcher_pid" ]; then kill -TERM "$fetcher_pid" 2>/dev/null; wait "$fetcher_pid" 2>/dev/null || true; fi
    if [ -n "$archive_pid" ]; then kill -TERM "$archive_pid" 2>/dev/null; wait "$archive_pid" 2>/dev/null || true; fi
    if [ -n "$live_pid" ]; then kill -TERM "$live_pid" 2>/dev/null; wait "$live_pid" 2>/dev/null || true; fi
    if [ -n "$exporter_pid" ]; then kill -TERM "$exporter_pid" 2>/dev/null; wait "$exporter_pid" 2>/dev/null || true; fi
    if [ -n "$api_pid" ]; then kill -TERM "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null || true; fi
    if [ -n "$sim_pid" ]; then kill -TERM "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; fi
    # Nothing polls any more: the database goes back to real time (pg_cron's jobs and the next run see it).
    if [ -n "$DB_URL" ]; then
        if set_db_clock; then say "the database's clock is real time again"
        else say "could not hand the database back to real time: UPDATE raceday.settings SET clock_virtual = NULL, clock_real = NULL, clock_speed = 1"; fi
    fi
    if [ "$started_db" = 1 ]; then bash "$RACEDAY_HOME/scripts/cluster.sh" stop; fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$RACEDAY_HOME/scripts/cluster.sh" start
bash "$RACEDAY_HOME/scripts/cluster.sh" deploy
DB_URL="$(bash "$RACEDAY_HOME/scripts/cluster.sh" url)"
export PYTHONPATH="$RACEDAY_HOME${PYTHONPATH:+:$PYTHONPATH}"

if [ -z "${NZTAB_API_URL:-}" ]; then
    "$VENV_DIR/bin/python" -m tabsim --port "${RACEDAY_TABSIM_PORT:-0}" --seed "${RACEDAY_TABSIM_SEED:-1}" \
        --speed "${TABSIM_SPEED:-1}" ${TABSIM_START:+--start "$TABSIM_START"} --form-size "$TABSIM_FORM_SIZE" \
        > "$LOG_DIR/tabsim.log" 2>&1 &
    sim_pid=$!
    for _ in $(seq 50); do grep -q 'serving' "$LOG_DIR/tabsim.log" 2>/dev/null && break; sleep 0.1; done
    NZTAB_API_URL="$(grep -o 'http://[^ ]*' "$LOG_DIR/tabsim.log" | head -1)"
    [ -n "$NZTAB_API_URL" ] || { tail -5 "$LOG_DIR/tabsim.log" >&2; die "the TAB simulator did not start; log: $LOG_DIR/tabsim.log"; }
    read -r clock_virtual clock_real clock_speed < <(sed -n 's/^tabsim: clock virtual=\([0-9.]*\) real=\([0-9.]*\) speed=\([0-9.e+-]*\)$/\1 \2 \3/p' "$LOG_DIR/tabsim.log") || true
    [ -n "${clock_speed:-}" ] || die "the TAB simulator did not say its clock; log: $LOG_DIR/tabsim.log"
    # Before the fetcher's first claim: the schedule must run on the simulated day's time from the start.
    set_db_clock "$clock_virtual" "$clock_real" "$clock_speed" || die "could not give the database the simulator's clock"
    retired="$(own_day_only)" || die "could not stop polling the races of earlier simulated days"
    source_name="TAB simulator, $(sed -n 's/^tabsim: serving [^ ]* (\(.*\))$/\1/p' "$LOG_DIR/tabsim.log"); the database shares its clock"
else
    # A real API runs on real time, whatever an earlier run that did not stop cleanly left behind.
    set_db_clock || die "could not set the database's clock to real time"
    source_name="TAB API"
fi
export NZTAB_API_URL

# The fetcher logs in as its own role, which may only claim and ingest.
RACEDAY_DATABASE_URL="${DB_URL/postgres@/raceday_fetcher@}" FETCHER_METRICS_PORT="$RUN_FETCHER_METRICS_PORT" \
    "$VENV_DIR/bin/python" -m fetcher \
    > "$LOG_DIR/fetcher.log" 2> "$LOG_DIR/fetcher.err" &
fetcher_pid=$!
sleep 1
if ! kill -0 "$fetcher_pid" 2>/dev/null; then
    cat "$LOG_DIR/fetcher.err" >&2
    fetcher_pid=""
    die "the fetcher stopped at start; log: $LOG_DIR/fetcher.log"
fi

# wait_ready URL PID LOG MESSAGE: up to 10 s for URL to answer 200 while PID
# lives; else the log's tail and MESSAGE, and exit.
wait_ready() {
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    curl -fs -o /dev/null "$1" && return 0
    tail -5 "$3" >&2
    die "$4; log: $3"
}

# The API: PostgREST when its binary is here, else the gateway; both read
# docker/postgrest.conf with these PGRST_* overrides.
export PGRST_DB_URI="${DB_URL/postgres@/authenticator@}" PGRST_SERVER_PORT="$API_PORT" \
       PGRST_ADMIN_SERVER_PORT="$((API_PORT + 1))" PGRST_JWT_SECRET="$JWT_SECRET"
# JWT_AUD: tokens that carry an aud claim must name it (make token adds it).
[ -z "${JWT_AUD:-}" ] || export PGRST_JWT_AUD="$JWT_AUD"
POSTGREST_BIN="${POSTGREST_BIN:-$(command -v postgrest || true)}"
if [ -n "$POSTGREST_BIN" ]; then
    "$POSTGREST_BIN" "$RACEDAY_HOME/docker/postgrest.conf" > "$LOG_DIR/api.log" 2>&1 &
    api_name="PostgREST"
else
    "$VENV_DIR/bin/python" -m gateway --config "$RACEDAY_HOME/docker/postgrest.conf" > "$LOG_DIR/api.log" 2>&1 &
    api_name="gateway"
fi
api_pid=$!
wait_ready "http://127.0.0.1:$((API_PORT + 1))/ready" "$api_pid" "$LOG_DIR/api.log" \
    "the $api_name did not become ready on $API_URL (RACEDAY_API_PORT picks another port)"

# live: one LISTEN connection as the API's role; the board it serves reads the API.
RACEDAY_LIVE_DATABASE_URL="${DB_URL/postgres@/authenticator@}" LIVE_PORT="$LIVE_PORT" LIVE_API_URL="$API_URL" \
    "$VENV_DIR/bin/python" -m live > "$LOG_DIR/live.log" 2>&1 &
live_pid=$!
wait_ready "${LIVE_URL}ready" "$live_pid" "$LOG_DIR/live.log" \
    "live did not become ready on $LIVE_URL (RACEDAY_LIVE_PORT picks another port)"

# The pipeline's state for Prometheus, read as raceday_monitor (one per deployment).
RACEDAY_EXPORTER_DATABASE_URL="${DB_URL/postgres@/raceday_monitor@}" EXPORTER_PORT="$RUN_EXPORTER_PORT" \
    "$VENV_DIR/bin/python" -m exporter > "$LOG_DIR/exporter.log" 2>&1 &
exporter_pid=$!
wait_ready "http://127.0.0.1:$RUN_EXPORTER_PORT/metrics" "$exporter_pid" "$LOG_DIR/exporter.log" \
    "the exporter did not start on port $RUN_EXPORTER_PORT (RACEDAY_EXPORTER_PORT picks another port)"

# The archive (docs/archive.md): the finished days and detached partitions
# of the dev database, hourly, into ARCHIVE_DIR, as compose's archive service.
"$VENV_DIR/bin/python" -m archive --url "$DB_URL" --dir "${ARCHIVE_DIR:-$RACEDAY_HOME/.raceday/archive}" \
    run --every 3600 > "$LOG_DIR/archive.log" 2>&1 &
archive_pid=$!

say "running:"
say "  database  $DB_URL   (make psql)"
say "  source    $NZTAB_API_URL   ($source_name)"
say "  api       $API_URL   ($api_name; OpenAPI at /, health at /rpc/health and on port $((API_PORT + 1)); make token USER=<id> signs in)"
say "  live      $LIVE_URL   (the race board; SSE at /races/<race_id> and /upcoming)"
say "  archive   hourly into ${ARCHIVE_DIR:-$RACEDAY_HOME/.raceday/archive}, log $LOG_DIR/archive.log (make restore-day)"
say "  fetcher   pid $fetcher_pid, one JSON line per poll in $LOG_DIR/fetcher.log"
say "  metrics   http://127.0.0.1:$RUN_FETCHER_METRICS_PORT/metrics (fetcher), ${LIVE_URL}metrics (live), http://127.0.0.1:$RUN_EXPORTER_PORT/metrics (pipeline); docs/metrics.md"
[ -z "${retired:-}" ] || say "  schedule  $retired (ops.stopped_targets)"
if [ -n "$DURATION" ]; then
    say "for ${DURATION}s"
    sleep "$DURATION" & wait $!
else
    say "Ctrl-C stops everything"
    while kill -0 "$fetcher_pid" 2>/dev/null; do sleep 1 & wait $!; done
    fetcher_pid=""
    die "the fetcher stopped; log: $LOG_DIR/fetcher.log"
fi
say "the fetcher made $(grep -c '"event":"poll"' "$LOG_DIR/fetcher.log" || true) polls"
