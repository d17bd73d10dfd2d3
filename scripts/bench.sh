#!/usr/bin/env bash
# `make bench`: build or reuse the toolchain, install wrk (the API's load
# generator, from Debian's packages), start a fresh durable cluster of the
# bench's own, deploy, and run `python -m bench` on it; arguments go to it.
# The cluster is removed at the end: the day's data is gigabytes.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

bash "$RACEDAY_HOME/scripts/toolchain.sh"

wrk_package() {
    if command -v wrk >/dev/null; then echo "present: $(command -v wrk)"; return 0; fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk
}
step "wrk" wrk_package

export RACEDAY_INSTANCE=bench
RACEDAY_PG_PORT="$(PYTHONPATH="$RACEDAY_HOME" "$VENV_DIR/bin/python" -c 'from tests.harness import free_port; print(free_port())')"
export RACEDAY_PG_PORT
cleanup() { bash "$RACEDAY_HOME/scripts/cluster.sh" destroy; }
trap cleanup EXIT
bash "$RACEDAY_HOME/scripts/cluster.sh" destroy
bash "$RACEDAY_HOME/scripts/cluster.sh" start
bash "$RACEDAY_HOME/scripts/cluster.sh" deploy
URL="$(bash "$RACEDAY_HOME/scripts/cluster.sh" url)"
cd "$RACEDAY_HOME"
PYTHONPATH="$RACEDAY_HOME" "$VENV_DIR/bin/python" -m bench --url "$URL" "$@"
