# live: the push service (LISTEN -> Server-Sent Events) and the race board
# it serves, with its run-time dependencies alone (live/requirements.txt,
# pinned).
FROM python:3.11.14-slim-trixie

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY live/requirements.txt live/requirements.txt
RUN pip install --no-cache-dir -r live/requirements.txt \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin raceday
COPY live/ live/
COPY memlimit/ memlimit/
COPY web/ web/

# raceday, by number so the runtime need not resolve the name.
USER 10001:10001
EXPOSE 8080
# SIGTERM: it closes the streams (clients reconnect elsewhere and resume).
STOPSIGNAL SIGTERM
CMD ["python", "-m", "live"]
