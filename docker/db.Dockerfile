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

# glibc's malloc hands each allocation over 128 KB (a 400 KB response, its
# parsed document, their copies) to a fresh mmap, and gives it back on free: the
# kernel then zeroes and maps those pages again for every poll, 12 % of a
# backend's time on an ingest (perf). Kept in the heap instead, they are
# reused. scripts/cluster.sh starts the local cluster with this line too.
ENV GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864

# The settings the local cluster uses too, included by the first-start hook.
COPY docker/postgresql.conf /etc/postgresql/raceday.conf
COPY docker/db-init.sh /docker-entrypoint-initdb.d/10-raceday.sh
