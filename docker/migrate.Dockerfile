# The migration: sqitch with the plan and its scripts, run once per
# `docker compose up` (docker/migrate.sh). Built on the database's own base
# image so psql, which runs sqitch's scripts, is PostgreSQL 18's.
FROM postgres:18.6-trixie

# sqitch from Debian's stable release, which changes only for fixes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends "sqitch=1.*" "libdbd-pg-perl=3.*" \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /raceday
COPY sqitch.conf sqitch.plan ./
COPY deploy/ deploy/
COPY revert/ revert/
COPY verify/ verify/
COPY reworked/ reworked/
# PL/Python modules are read from here by their sqitch changes.
COPY plpython/ plpython/
COPY docker/migrate.sh /usr/local/bin/raceday-migrate

# postgres, by number (the base image creates it as 999).
USER 999:999
ENTRYPOINT ["raceday-migrate"]
