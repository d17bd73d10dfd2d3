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
: "${MONITOR_PASSWORD:?MONITOR_PASSWORD must be set}"
# psql reads the passwords from its environment (\getenv), never from its
# command line, which any user of the host can see in `ps`; the script on
# its standard input holds only their names. PGPASSWORD reaches psql and
# sqitch the same way.
psql -X -q -v ON_ERROR_STOP=1 -U postgres -d "${PGDATABASE:-raceday}" <<'SQL'
-- Nor the server's log: these statements are never logged, slow or failed.
SET log_min_duration_statement = -1;
SET log_min_error_statement = panic;
SET log_statement = 'none';
\getenv authenticator AUTHENTICATOR_PASSWORD
\getenv fetcher FETCHER_PASSWORD
\getenv monitor MONITOR_PASSWORD
ALTER ROLE authenticator PASSWORD :'authenticator';
ALTER ROLE raceday_fetcher PASSWORD :'fetcher';
ALTER ROLE raceday_monitor PASSWORD :'monitor';
-- The owner may log in only because pg_cron runs its jobs as it; nobody else does.
ALTER ROLE raceday_owner PASSWORD NULL;
SQL
echo "raceday-migrate: deployed and passwords set"
