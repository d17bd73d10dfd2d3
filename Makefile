# The two commands are `make run` and `make test`; the rest are conveniences
# around the local PostgreSQL 18 cluster. Everything lives in scripts/.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run test schema shadow bench instructions soak test-faults test-fuzz toolchain db-start db-stop db-status db-url db-destroy psql backup restore archive restore-day api-url live-url token

help:
	@echo "make run         build or reuse the toolchain, start and deploy the database, run raceday (DURATION=N: for N seconds;"
	@echo "                 TABSIM_SPEED=20 TABSIM_START=<ISO 8601 with offset>: the simulated day's speed and start)"
	@echo "make test        the same setup, then every test (PYTEST_ARGS=... to pass pytest options)"
	@echo "make schema      deploy into a throw-away cluster and write the deployed schema to docs/schema.sql (commit it)"
	@echo "make shadow      CANDIDATE=<git rev> [HOURS=N] [EXPECT=raceday.odds_history,...]: the candidate's schema replays"
	@echo "                 the running database's last N hours (default 2) in a throw-away cluster; every derived row"
	@echo "                 that differs is reported, and any outside EXPECT fails it (docs/shadow.md)"
	@echo "make bench       the pipeline and the API measured, each figure beside its goal (BENCH_ARGS=... e.g. --hours 1)"
	@echo "make instructions  the backend's instructions per poll of one race, counted by callgrind (POLLS=10):"
	@echo "                 for changes too small for make bench on a machine whose speed drifts"
	@echo "make soak        the full soak: a simulated day at 20x for 10 minutes, lag and memory judged (bench/results/)"
	@echo "make test-faults the whole fault matrix: every combination of the four faults (16 runs, about 15 minutes)"
	@echo "make test-fuzz   the fuzz tests at full length, with a random seed"
	@echo "make toolchain   build or reuse PostgreSQL 18, sqitch and the Python environment"
	@echo "make db-start    start this checkout's database and deploy pending changes"
	@echo "make db-stop     stop it"
	@echo "make db-status   is it running, where"
	@echo "make db-url      print its libpq URL (last line)"
	@echo "make db-destroy  stop it and delete its data"
	@echo "make psql        psql on it"
	@echo "make backup      FILE=x.tar: its roles and database, with PostgreSQL 18's pg_dump (one tar file)"
	@echo "make restore     FILE=x.tar: a backup into a fresh cluster (make db-destroy first), pg_cron held back, verified"
	@echo "make archive     archive the dev database's finished days and detached partitions, verified (ARCHIVE_DIR=...)"
	@echo "make restore-day DAY=YYYY-MM-DD: that NZ racing day from its archive into staging, replayed (ARCHIVE_DIR=...)"
	@echo "make api-url     print the base URL of the API that make run serves"
	@echo "make live-url    print the URL of the race board and live stream that make run serves"
	@echo "make token       USER=<id>: a signed development token for that user (Authorization: Bearer <token>)"

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh $(PYTEST_ARGS)

# docs/schema.sql: what a DBA reads to review a schema change; make test fails
# when it no longer matches the deploy.
schema:
	@bash scripts/schema.sh

shadow:
	@bash scripts/shadow.sh "$(CANDIDATE)" "$(HOURS)" "$(EXPECT)"

bench:
	@bash scripts/bench.sh $(BENCH_ARGS)

instructions:
	@POLLS="$(POLLS)" bash scripts/instructions.sh

# On the test suite's throw-away cluster: the soak empties the database it is given.
# -n 0: in one process, as -s shows the soak's figures only there.
soak:
	@RACEDAY_SOAK=full bash scripts/test.sh -q -s -n 0 tests/test_soak.py -k keeps_up

# make test runs a bounded form of both: all faults together in one run, and
# the fuzz tests with fewer examples and a fixed seed.
test-faults:
	@RACEDAY_FAULT_MATRIX=full bash scripts/test.sh tests/test_fault_matrix.py $(PYTEST_ARGS)

test-fuzz:
	@RACEDAY_FUZZ=full bash scripts/test.sh -q tests/test_ingest_fuzz.py tests/test_api_fuzz.py $(PYTEST_ARGS)

toolchain:
	@bash scripts/toolchain.sh

db-start: toolchain
	@bash scripts/cluster.sh start && bash scripts/cluster.sh deploy

db-stop:
	@bash scripts/cluster.sh stop

db-status:
	@bash scripts/cluster.sh status

db-url:
	@bash scripts/cluster.sh url

db-destroy:
	@bash scripts/cluster.sh destroy

psql:
	@bash scripts/cluster.sh psql

backup:
	@bash scripts/backup.sh backup "$(FILE)"

restore: toolchain
	@bash scripts/backup.sh restore "$(FILE)"

archive: toolchain
	@ARCHIVE_DIR="$(ARCHIVE_DIR)" bash scripts/archive.sh run

restore-day: toolchain
	@ARCHIVE_DIR="$(ARCHIVE_DIR)" bash scripts/archive.sh restore "$(DAY)"

api-url:
	@bash -c 'source scripts/lib.sh && echo "$$API_URL"'

live-url:
	@bash -c 'source scripts/lib.sh && echo "$$LIVE_URL"'

# The token is the only line on stdout, for $$(make token USER=alice).
token:
	@bash scripts/toolchain.sh >&2
	@bash -c 'source scripts/lib.sh && "$$VENV_DIR/bin/python" scripts/token.py "$(USER)"'
