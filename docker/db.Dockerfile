# The database: the PostgreSQL project's official image, plus pg_cron,
# PL/Python 3 and pgTAP from the PostgreSQL project's own Debian packages
# (the image already trusts their apt repository). The versions are the local
# toolchain's; tests/test_compose.py fails when the two drift apart.
FROM postgres:18.6-trixie

ARG PG_CRON_VERSION=1.6.8
ARG PGTAP_VERSION=1.3.4

# PL/Python is built with the server, so it takes the server's exact version
# (PG_VERSION, set by the base image).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        "postgresql-18-cron=${PG_CRON_VERSION}-*" \
        "postgresql-18-pgtap=${PGTAP_VERSION}-*" \
        "postgresql-plpython3-${PG_MAJOR}=${PG_VERSION}" \
 && rm -rf /var/lib/apt/lists/*

# The settings the local cluster uses too, included by the first-start hook.
COPY docker/postgresql.conf /etc/postgresql/raceday.conf
COPY docker/db-init.sh /docker-entrypoint-initdb.d/10-raceday.sh
