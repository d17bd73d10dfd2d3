#!/usr/bin/env bash
# make archive / make restore-day: python -m archive on this checkout's dev
# database, the archive directory ARCHIVE_DIR (default .raceday/archive).
# Usage: archive.sh run | archive.sh restore YYYY-MM-DD
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

DIR="${ARCHIVE_DIR:-$RACEDAY_HOME/.raceday/archive}"
case "${1:-}" in
    run) args=(run) ;;
    restore)
        [[ "${2:-}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "DAY must be an NZ racing day as YYYY-MM-DD, not '${2:-}'"
        [ -f "$DIR/raw/$2.manifest.json" ] || die "no archive of $2 in $DIR (ARCHIVE_DIR=... names another directory)"
        args=(restore "$2") ;;
    *) die "usage: archive.sh run | archive.sh restore YYYY-MM-DD" ;;
esac
URL="$(bash "$RACEDAY_HOME/scripts/cluster.sh" url | tail -n 1)"
cd "$RACEDAY_HOME"
exec "$VENV_DIR/bin/python" -m archive --url "$URL" --dir "$DIR" "${args[@]}"
