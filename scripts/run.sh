#!/usr/bin/env bash
# `make run`: build or reuse the toolchain, start the local database and
# deploy, then keep the system running until Ctrl-C, or for DURATION seconds.
# Stops, on the way out, whatever it started itself.
source "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-}"
[ -z "$DURATION" ] || [[ "$DURATION" =~ ^[0-9]+$ ]] || die "DURATION must be a number of seconds, not '$DURATION'"

bash "$RACEDAY_HOME/scripts/toolchain.sh"

started_db=0
if ! bash "$RACEDAY_HOME/scripts/cluster.sh" status >/dev/null 2>&1; then started_db=1; fi

stop_all() {
    trap - INT TERM EXIT
    say "stopping"
    if [ "$started_db" = 1 ]; then bash "$RACEDAY_HOME/scripts/cluster.sh" stop; fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$RACEDAY_HOME/scripts/cluster.sh" start
bash "$RACEDAY_HOME/scripts/cluster.sh" deploy

say "running:"
say "  database  $(bash "$RACEDAY_HOME/scripts/cluster.sh" url)   (make psql)"
if [ -n "$DURATION" ]; then
    say "for ${DURATION}s"
    sleep "$DURATION" & wait $!
else
    say "Ctrl-C stops everything"
    while true; do sleep 3600 & wait $!; done
fi
