#!/bin/sh
# Run once by the image's entrypoint, when it creates the cluster: include
# raceday's settings (pg_cron preloaded, UTC, logging). The entrypoint then
# restarts the server, which loads pg_cron. Extensions, roles and schemas
# are the migrate service's work (sqitch), not this hook's.
set -eu
echo "include '/etc/postgresql/raceday.conf'" >> "$PGDATA/postgresql.conf"
