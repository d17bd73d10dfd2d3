#!/bin/sh
# The migrate service: deploy every pending sqitch change (each verified),
# then give the login roles their passwords from the environment, and exit.
# Passwords are secrets of the deployment, never part of the plan. With
# arguments, runs sqitch with them instead (e.g. `revert --to @v0.3.0`).
set -eu
: "${PGHOST:?PGHOST must name the database host}"
: "${PGPASSWORD:?PGPASSWORD must hold the postgres password}"
target="db:pg://postgres@${PGHOST}:${PGPORT:-5432}/${PGDATABASE:-raceday}"
export SQITCH_FULLNAME="${SQITCH_FULLNAME:-raceday migrate}" SQITCH_EMAIL="${SQITCH_EMAIL:-raceday@localhost}"

if [ $# -gt 0 ]; then
    exec sqitch "$@" "$target"
fi

sqitch deploy --verify "$target"

: "${AUTHENTICATOR_PASSWORD:?AUTHENTICATOR_PASSWORD must be set}"
: "${FETCHER_PASSWORD:?FETCHER_PASSWORD must be set}"
psql -X -q -v ON_ERROR_STOP=1 -U postgres -d "${PGDATABASE:-raceday}" \
     -v authenticator="$AUTHENTICATOR_PASSWORD" -v fetcher="$FETCHER_PASSWORD" <<'SQL'
ALTER ROLE authenticator PASSWORD :'authenticator';
ALTER ROLE raceday_fetcher PASSWORD :'fetcher';
-- The owner may log in only because pg_cron runs its jobs as it; nobody else does.
ALTER ROLE raceday_owner PASSWORD NULL;
SQL
echo "raceday-migrate: deployed and passwords set"
