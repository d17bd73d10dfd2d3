# The fetcher: the only long-running Python process, with its run-time
# dependencies alone (fetcher/requirements.txt, pinned).
FROM python:3.11.14-slim-trixie

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY fetcher/requirements.txt fetcher/requirements.txt
RUN pip install --no-cache-dir -r fetcher/requirements.txt \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin raceday
COPY fetcher/ fetcher/
COPY memlimit/ memlimit/

# raceday, by number so the runtime need not resolve the name.
USER 10001:10001
# The health check reads this file's age (docker-compose.yml).
ENV FETCHER_HEARTBEAT_FILE=/tmp/fetcher.alive
STOPSIGNAL SIGTERM
CMD ["python", "-m", "fetcher"]
