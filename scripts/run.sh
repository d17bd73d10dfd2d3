#!/usr/bin/env bash
# `make run`: build or reuse the toolchain, start the local database and
# deploy, start the TAB simulator (unless NZTAB_API_URL points at a real API),
# the fetcher, the API and live (the push service and the race board), then
# keep them running until Ctrl-C, or for DURATION seconds. Stops, on the way
# out, whatever it started itself.
source "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-}"
[ -z "$DURATION" ] || [[ "$DURATION" =~ ^[0-9]+$ ]] || die "DURATION must be a number of seconds, not '$DURATION'"

bash "$RACEDAY_HOME/scripts/toolchain.sh"

started_db=0
if ! bash "$RACEDAY_HOME/scripts/cluster.sh" url >/dev/null 2>&1; then started_db=1; fi
sim_pid=""
fetcher_pid=""
api_pid=""
live_pid=""

stop_all() {
    trap - INT TERM EXIT
    say "stopping"
    # The fetcher first: it finishes its polls, which need the simulator and the database.
    if [ -n "$fetcher_pid" ]; then kill -TERM "$fetcher_pid" 2>/dev/null; wait "$fetcher_pid" 2>/dev/null || true; fi
    if [ -n "$live_pid" ]; then kill -TERM "$live_pid" 2>/dev/null; wait "$live_pid" 2>/dev/null || true; fi
    if [ -n "$api_pid" ]; then kill -TERM "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null || true; fi
    if [ -n "$sim_pid" ]; then kill -TERM "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; fi
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
        > "$LOG_DIR/tabsim.log" 2>&1 &
    sim_pid=$!
    for _ in $(seq 50); do grep -q 'serving' "$LOG_DIR/tabsim.log" 2>/dev/null && break; sleep 0.1; done
    NZTAB_API_URL="$(grep -o 'http://[^ ]*' "$LOG_DIR/tabsim.log" | head -1)"
    [ -n "$NZTAB_API_URL" ] || { tail -5 "$LOG_DIR/tabsim.log" >&2; die "the TAB simulator did not start; log: $LOG_DIR/tabsim.log"; }
    source_name="TAB simulator"
else
    source_name="TAB API"
fi
export NZTAB_API_URL

# The fetcher logs in as its own role, which may only claim and ingest.
RACEDAY_DATABASE_URL="${DB_URL/postgres@/raceday_fetcher@}" "$VENV_DIR/bin/python" -m fetcher \
    > "$LOG_DIR/fetcher.log" 2> "$LOG_DIR/fetcher.err" &
fetcher_pid=$!
sleep 1
if ! kill -0 "$fetcher_pid" 2>/dev/null; then
    cat "$LOG_DIR/fetcher.err" >&2
    fetcher_pid=""
    die "the fetcher stopped at start; log: $LOG_DIR/fetcher.log"
fi

# The API: PostgREST when its binary is here, else the gateway; both read
# docker/postgrest.conf with these PGRST_* overrides.
export PGRST_DB_URI="${DB_URL/postgres@/authenticator@}" PGRST_SERVER_PORT="$API_PORT" \
       PGRST_ADMIN_SERVER_PORT="$((API_PORT + 1))"
POSTGREST_BIN="${POSTGREST_BIN:-$(command -v postgrest || true)}"
if [ -n "$POSTGREST_BIN" ]; then
    "$POSTGREST_BIN" "$RACEDAY_HOME/docker/postgrest.conf" > "$LOG_DIR/api.log" 2>&1 &
    api_name="PostgREST"
else
    "$VENV_DIR/bin/python" -m gateway --config "$RACEDAY_HOME/docker/postgrest.conf" > "$LOG_DIR/api.log" 2>&1 &
    api_name="gateway"
fi
api_pid=$!
for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$((API_PORT + 1))/ready" && break
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.1
done
if ! curl -fs -o /dev/null "http://127.0.0.1:$((API_PORT + 1))/ready"; then
    tail -5 "$LOG_DIR/api.log" >&2
    die "the $api_name did not become ready on $API_URL (RACEDAY_API_PORT picks another port); log: $LOG_DIR/api.log"
fi

# live: one LISTEN connection as the API's role; the board it serves reads the API.
RACEDAY_LIVE_DATABASE_URL="${DB_URL/postgres@/authenticator@}" LIVE_PORT="$LIVE_PORT" LIVE_API_URL="$API_URL" \
    "$VENV_DIR/bin/python" -m live > "$LOG_DIR/live.log" 2>&1 &
live_pid=$!
for _ in $(seq 100); do
    curl -fs -o /dev/null "${LIVE_URL}ready" && break
    kill -0 "$live_pid" 2>/dev/null || break
    sleep 0.1
done
if ! curl -fs -o /dev/null "${LIVE_URL}ready"; then
    tail -5 "$LOG_DIR/live.log" >&2
    die "live did not become ready on $LIVE_URL (RACEDAY_LIVE_PORT picks another port); log: $LOG_DIR/live.log"
fi

say "running:"
say "  database  $DB_URL   (make psql)"
say "  source    $NZTAB_API_URL   ($source_name)"
say "  api       $API_URL   ($api_name; OpenAPI at /, health on port $((API_PORT + 1)))"
say "  live      $LIVE_URL   (the race board; SSE at /races/<race_id> and /upcoming)"
say "  fetcher   pid $fetcher_pid, one JSON line per poll in $LOG_DIR/fetcher.log"
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
