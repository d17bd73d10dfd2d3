# Shared by the toolchain and cluster scripts: configuration, paths, progress
# and error reporting. Sourced, never run. Plain bash because it must work
# before anything (the Python environment included) is installed. Its
# variables are used by the scripts that source it (SC2034 cannot see that).
# shellcheck shell=bash disable=SC2034

set -euo pipefail

RACEDAY_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

# Bump when the recipe of the sid root changes: a new directory is built and
# the old one is left alone (delete it by hand: it is a directory of $CACHE_DIR).
ROOT_RECIPE=1
# Packages added to the list later are installed into an existing root by
# toolchain.sh (no rebuild); a fresh root gets them all from debootstrap.
# plpgsql_check lints every PL/pgSQL function (tests/test_plpgsql_check.py).
ROOT_PACKAGES="postgresql-18,postgresql-18-cron,postgresql-18-pgtap,postgresql-plpython3-18,postgresql-18-plpgsql-check"
# Packages the host needs: debootstrap builds the root, sqitch + DBD::Pg deploy,
# the PostgreSQL client runs sqitch's scripts and `make psql`.
# curl asks the API whether it is ready. chromium and chromium-driver run the
# race board's browser test (tests/test_board.py) in a real browser, Debian's
# build, so nothing downloads a browser or a driver. shellcheck lints the
# shell scripts (tests/test_lint.py). prometheus brings promtool, which checks
# the alert rules and runs their unit tests (tests/test_alert_rules.py).
# nodejs runs the API's conformance test through the client library the
# client uses (tests/client, pinned by its package-lock.json).
HOST_PACKAGES="debootstrap sqitch libdbd-pg-perl postgresql-client python3-venv ca-certificates curl chromium chromium-driver shellcheck prometheus nodejs"

CACHE_DIR="${RACEDAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/raceday}"
ROOT_DIR="$CACHE_DIR/pg18-sid-r$ROOT_RECIPE"
PG_BIN=/usr/lib/postgresql/18/bin

# The Python environment is keyed by the pinned requirements and the host's
# Python, so a change to either builds a new one and the old stays valid.
VENV_DIR="$CACHE_DIR/venv-$(cat "$RACEDAY_HOME/requirements.txt" "$RACEDAY_HOME/fetcher/requirements.txt" \
    "$RACEDAY_HOME/live/requirements.txt" "$RACEDAY_HOME/exporter/requirements.txt" \
    "$RACEDAY_HOME/archive/requirements.txt" <(python3 -V 2>&1) | sha1sum | cut -c1-10)"

# The client library's node_modules, keyed by its lock file and the host's Node.
NODE_DIR="$CACHE_DIR/node-$(cat "$RACEDAY_HOME/tests/client/package-lock.json" <(node --version 2>&1) \
    | sha1sum | cut -c1-10)"

# Each checkout gets its own clusters: their names and default ports derive
# from the checkout's absolute path, so a CI clone and a working copy on the
# same machine never share data or a port.
CHECKOUT_ID="$(printf '%s' "$RACEDAY_HOME" | sha1sum | cut -c1-10)"
# Even ports in 20000-39998: the dev cluster takes it, tests take the next one.
CHECKOUT_PORT=$(( 20000 + (0x${CHECKOUT_ID:0:6} % 10000) * 2 ))

# The API (PostgREST or the gateway) of the dev cluster: 20000 above it, and
# its health endpoints (/live, /ready) on the next port.
API_PORT="${RACEDAY_API_PORT:-$((CHECKOUT_PORT + 20000))}"
[[ "$API_PORT" =~ ^[0-9]+$ ]] && [ "$API_PORT" -ge 1024 ] && [ "$API_PORT" -le 65534 ] \
    || { printf 'raceday: error: RACEDAY_API_PORT must be a port number in 1024-65534, not %s\n' "'$API_PORT'" >&2; exit 1; }
API_URL="http://127.0.0.1:$API_PORT/"
# live (the push service and the race board) of the dev cluster: two above the API.
LIVE_PORT="${RACEDAY_LIVE_PORT:-$((API_PORT + 2))}"
[[ "$LIVE_PORT" =~ ^[0-9]+$ ]] && [ "$LIVE_PORT" -ge 1024 ] && [ "$LIVE_PORT" -le 65535 ] \
    || { printf 'raceday: error: RACEDAY_LIVE_PORT must be a port number in 1024-65535, not %s\n' "'$LIVE_PORT'" >&2; exit 1; }
LIVE_URL="http://127.0.0.1:$LIVE_PORT/"
# Prometheus metrics during make run: the fetcher's, and the pipeline's state
# from the database (the exporter); live serves its own at /metrics.
RUN_FETCHER_METRICS_PORT="${RACEDAY_FETCHER_METRICS_PORT:-$((API_PORT + 3))}"
RUN_EXPORTER_PORT="${RACEDAY_EXPORTER_PORT:-$((API_PORT + 4))}"
for port in "$RUN_FETCHER_METRICS_PORT" "$RUN_EXPORTER_PORT"; do
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] \
        || { printf 'raceday: error: RACEDAY_FETCHER_METRICS_PORT and RACEDAY_EXPORTER_PORT must be port numbers in 1024-65535, not %s\n' "'$port'" >&2; exit 1; }
done

# The secret the API verifies tokens with (PGRST_JWT_SECRET) and `make token`
# signs them with. The default is for development only: anyone can read it here.
JWT_SECRET="${JWT_SECRET:-raceday-development-secret-do-not-use-in-production}"
export JWT_SECRET

# RACEDAY_LOG_DIR: elsewhere (the tests of the scripts keep a developer's logs intact).
LOG_DIR="${RACEDAY_LOG_DIR:-$RACEDAY_HOME/.raceday/log}"
mkdir -p "$LOG_DIR"

_t0=$(date +%s.%N)
elapsed() { awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}'; }

say() { printf 'raceday: %s\n' "$*" >&2; }

# One clear line, then exit: no stack traces for configuration problems.
die() { printf 'raceday: error: %s\n' "$*" >&2; exit 1; }

# step NAME CMD...: runs CMD with its output in a log file, prints the step's
# name and elapsed time, and on failure names the step, its log and its tail.
step() {
    local name="$1"; shift
    local log="$LOG_DIR/${name// /-}.log"
    local s; s=$(date +%s.%N)
    printf 'raceday: [%s] %s ...\n' "$(elapsed)" "$name" >&2
    if "$@" >"$log" 2>&1; then
        printf 'raceday: [%s] %s done (%s)\n' "$(elapsed)" "$name" \
            "$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}')" >&2
    else
        local rc=$?
        printf 'raceday: step "%s" failed (exit %d); log: %s\n' "$name" "$rc" "$log" >&2
        tail -n 15 "$log" | sed 's/^/    | /' >&2
        exit "$rc"
    fi
}

require_root() {
    [ "$(id -u)" = 0 ] || die "the local PostgreSQL runs in a chroot, which needs root: run this as root"
}
