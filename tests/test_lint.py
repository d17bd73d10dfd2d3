"""The linters of make test: ruff over the Python, shellcheck over the shell
scripts (plpgsql_check over the PL/pgSQL is tests/test_plpgsql_check.py).
Each test fails with the linter's own output; docs/lint.md says how to run
them alone and how to silence a finding with its reason.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from harness import ROOT

RUFF = str(Path(sys.executable).parent / "ruff")
# Not the project's: caches, logs, results, the browser test's screenshots.
SHELL_SHEBANG = re.compile(r"#!\s*\S*/(env\s+)?(ba)?sh\b")
SKIPPED = {".git", ".raceday", ".hypothesis", ".pytest_cache", "__pycache__", "results", "output"}


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def shell_scripts() -> list[str]:
    """Every *.sh, and every other file whose first line runs sh or bash (.ci/run)."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
        for name in sorted(files):
            path = Path(folder, name)
            if name.endswith(".sh") or SHELL_SHEBANG.match(first_line(path)):
                found.append(str(path.relative_to(ROOT)))
    return found


def first_line(path: Path) -> str:
    with path.open("rb") as f:
        return f.readline(200).decode("utf-8", "replace")


def test_ruff_check():
    result = run(RUFF, "check", "--no-cache", ".")
    assert result.returncode == 0, f"ruff check . found problems:\n{result.stdout}{result.stderr}"


def test_ruff_format():
    result = run(RUFF, "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, (
        f"ruff format --check . would reformat (run `ruff format .`):\n{result.stdout}{result.stderr}"
    )


def test_shellcheck():
    scripts = shell_scripts()
    assert {"scripts/lib.sh", "scripts/toolchain.sh", "docker/migrate.sh", ".ci/run"} <= set(scripts), scripts
    result = run("shellcheck", *scripts)
    assert result.returncode == 0, (
        f"shellcheck found problems (settings in .shellcheckrc):\n{result.stdout}{result.stderr}"
    )
