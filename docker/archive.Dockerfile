# The archive: each finished NZ racing day's raw responses and each detached
# history partition written to a zstd file on the archives volume and
# verified, hourly (archive/, docs/archive.md), with its run-time
# dependencies alone (archive/requirements.txt, pinned). One per deployment.
FROM python:3.11.14-slim-trixie

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY archive/requirements.txt archive/requirements.txt
# /archive belongs to raceday, so a new named volume mounted there does too.
RUN pip install --no-cache-dir -r archive/requirements.txt \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin raceday \
 && mkdir /archive && chown 10001:10001 /archive
COPY archive/ archive/

# raceday, by number so the runtime need not resolve the name.
USER 10001:10001
STOPSIGNAL SIGTERM
CMD ["python", "-m", "archive", "run", "--every", "3600"]
