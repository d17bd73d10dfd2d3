#!/usr/bin/env bash
# `make shadow CANDIDATE=<git rev> [HOURS=N] [EXPECT=table,...]`: deploys the
# schema at a candidate revision (its sqitch plan and scripts) into a
# throw-away cluster, replays the running database's stored responses of the
# last N hours through it and reports every derived row that differs
# (python -m shadow; docs/shadow.md). Exits non-zero on a difference in a
# table not named in EXPECT.
#
# The running database is the dev cluster's unless RACEDAY_SHADOW_SOURCE
# names another (a superuser libpq URL).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CANDIDATE="${1:-${CANDIDATE:-}}"
HOURS="${2:-${HOURS:-2}}"
EXPECT="${3:-${EXPECT:-}}"
[ -n "$CANDIDATE" ] || die "usage: make shadow CANDIDATE=<git rev> [HOURS=N] [EXPECT=schema.table,...]"
REV="$(git -C "$RACEDAY_HOME" rev-parse --verify --quiet "$CANDIDATE^{commit}")" \
    || die "CANDIDATE '$CANDIDATE' is not a commit of this repository"
[[ "$HOURS" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "HOURS must be a number of hours, not '$HOURS'"

bash "$RACEDAY_HOME/scripts/toolchain.sh"
SOURCE="${RACEDAY_SHADOW_SOURCE:-$(bash "$RACEDAY_HOME/scripts/cluster.sh" url | tail -n 1)}"

# The candidate's plan and scripts, as committed at that revision.
TMP="$(mktemp -d)"
PORT="$("$VENV_DIR/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
shadow_cluster() { RACEDAY_INSTANCE=shadow RACEDAY_PG_PORT="$PORT" bash "$RACEDAY_HOME/scripts/cluster.sh" "$@"; }
# shellcheck disable=SC2317  # run by the trap
cleanup() { shadow_cluster destroy >/dev/null 2>&1 || true; rm -rf "$TMP"; }
trap cleanup EXIT
# plpython/: deploy scripts read the PL/Python modules from it.
git -C "$RACEDAY_HOME" archive "$REV" sqitch.plan sqitch.conf deploy revert verify reworked plpython | tar -x -C "$TMP"

say "deploying ${CANDIDATE} (${REV:0:10}) into a throw-away cluster"
shadow_cluster destroy >/dev/null 2>&1 || true
shadow_cluster start
(cd "$TMP" && SQITCH_FULLNAME="${SQITCH_FULLNAME:-raceday}" SQITCH_EMAIL="${SQITCH_EMAIL:-raceday@localhost}" \
    sqitch --quiet deploy --verify "db:pg://postgres@127.0.0.1:$PORT/raceday") > "$LOG_DIR/deploy-shadow.log" 2>&1 \
    || { tail -n 15 "$LOG_DIR/deploy-shadow.log" | sed 's/^/    | /' >&2; die "the candidate did not deploy; log: $LOG_DIR/deploy-shadow.log"; }

cd "$RACEDAY_HOME"
set +e
"$VENV_DIR/bin/python" -m shadow --source "$SOURCE" --shadow "postgresql://postgres@127.0.0.1:$PORT/raceday" \
    --hours "$HOURS" --expect-change "$EXPECT"
rc=$?
set -e
exit "$rc"
