# The pipeline's exporter: the pipeline's state from the database for
# Prometheus (exporter/), with its run-time dependencies alone
# (exporter/requirements.txt, pinned). One per deployment.
FROM python:3.11.14-slim-trixie

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY exporter/requirements.txt exporter/requirements.txt
RUN pip install --no-cache-dir -r exporter/requirements.txt \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin raceday
COPY exporter/ exporter/
COPY memlimit/ memlimit/

# raceday, by number so the runtime need not resolve the name.
USER 10001:10001
EXPOSE 9188
STOPSIGNAL SIGTERM
CMD ["python", "-m", "exporter"]
