#!/usr/bin/env bash
# `make instructions`: the backend's instructions per poll of one race,
# counted by valgrind's callgrind (bench/instructions.py says how). For
# changes of a few per cent, which this machine's drifting speed hides from
# `make bench`: run it before and after, on the two commits.
#
# A cluster of its own ("instr") is filled and stopped; each script then runs
# in a single-user backend under callgrind, inside the PostgreSQL root, on a
# copy of the data directory. valgrind is installed into the root the first
# time, and /proc is mounted there while it runs (valgrind reads it).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

POLLS="${POLLS:-10}"
[[ "$POLLS" =~ ^[1-9][0-9]{0,2}$ ]] || die "POLLS must be a count of polls from 1 to 999, not '$POLLS'"

bash "$RACEDAY_HOME/scripts/toolchain.sh"
require_root

valgrind_package() {
    if [ -x "$ROOT_DIR/usr/bin/valgrind" ]; then echo "present"; return 0; fi
    chroot "$ROOT_DIR" /bin/sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind'
}
step "valgrind in the postgresql root" valgrind_package

export RACEDAY_INSTANCE=instr
RACEDAY_PG_PORT="$(PYTHONPATH="$RACEDAY_HOME" "$VENV_DIR/bin/python" -c 'from tests.harness import free_port; print(free_port())')"
export RACEDAY_PG_PORT
WORK="/srv/raceday/$CHECKOUT_ID-instructions"   # as seen inside the root
HOST_WORK="$ROOT_DIR$WORK"
OUT="$LOG_DIR/instructions"
PROC_MOUNTED=""
cleanup() {
    [ -n "$PROC_MOUNTED" ] && umount "$ROOT_DIR/proc"
    rm -rf "$HOST_WORK"
    bash "$RACEDAY_HOME/scripts/cluster.sh" destroy
}
trap cleanup EXIT

bash "$RACEDAY_HOME/scripts/cluster.sh" destroy
bash "$RACEDAY_HOME/scripts/cluster.sh" start
bash "$RACEDAY_HOME/scripts/cluster.sh" deploy
rm -rf "$OUT" && mkdir -p "$OUT"
say "filling the database: the race's first polls (a minute or two)"
(cd "$RACEDAY_HOME" && PYTHONPATH="$RACEDAY_HOME" "$VENV_DIR/bin/python" -m bench.instructions prepare \
    --url "$(bash "$RACEDAY_HOME/scripts/cluster.sh" url)" --dir "$OUT" --polls "$POLLS")
bash "$RACEDAY_HOME/scripts/cluster.sh" stop

if ! mountpoint -q "$ROOT_DIR/proc"; then
    mount -t proc proc "$ROOT_DIR/proc"
    PROC_MOUNTED=1
fi
DATA_DIR="$ROOT_DIR/srv/raceday/$CHECKOUT_ID-$RACEDAY_INSTANCE/data"
for run in base measured; do
    say "counting: $run.sql under callgrind"
    rm -rf "$HOST_WORK" && mkdir -p "$HOST_WORK"
    cp -a "$DATA_DIR" "$HOST_WORK/data"
    rm -f "$HOST_WORK/data/postmaster.pid"
    cp "$OUT/$run.sql" "$HOST_WORK/in.sql"
    chroot "$ROOT_DIR" chown -R postgres:postgres "$WORK"
    chroot --userspec=postgres:postgres "$ROOT_DIR" /bin/sh -c "cd $WORK && valgrind --tool=callgrind \
        --toggle-collect=PortalRun --callgrind-out-file=$WORK/callgrind.out \
        $PG_BIN/postgres --single -j -D $WORK/data -c unix_socket_directories=$WORK raceday \
        < in.sql > backend.log 2> valgrind.log" \
        || { tail -n 15 "$HOST_WORK/valgrind.log" >&2; die "the single-user backend failed under callgrind"; }
    if grep -q "ERROR:" "$HOST_WORK/backend.log"; then
        grep -m 3 "ERROR:" "$HOST_WORK/backend.log" >&2
        die "an ingest failed in $run.sql"
    fi
    cp "$HOST_WORK/callgrind.out" "$OUT/$run.out"
    chroot "$ROOT_DIR" callgrind_annotate --threshold=100 "$WORK/callgrind.out" > "$OUT/$run.txt" 2>/dev/null || true
done
cd "$RACEDAY_HOME"
PYTHONPATH="$RACEDAY_HOME" "$VENV_DIR/bin/python" -m bench.instructions report --dir "$OUT" --polls "$POLLS"
