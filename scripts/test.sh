#!/usr/bin/env bash
# `make test`: build or reuse the toolchain, then every test (pgTAP files and
# pytest suites) through pytest. The suite starts its own throw-away cluster
# and removes it at the end; arguments go to pytest.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

bash "$RACEDAY_HOME/scripts/toolchain.sh"
say "running the tests"
cd "$RACEDAY_HOME"
exec "$VENV_DIR/bin/python" -m pytest "$@"
