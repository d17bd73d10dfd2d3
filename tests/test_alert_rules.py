"""The alert rules (docker/prometheus/rules.yml) checked and unit-tested
with promtool (Debian's prometheus package, a host package of the
toolchain): the rules and Prometheus's configuration are valid, every
rule's tests pass, every rule is shown both firing and not firing, and the
tests catch a rule whose threshold moved. Every series a rule reads is one
that raceday exports (or Prometheus itself), and docs/metrics.md describes
every rule."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS = ROOT / "docker" / "prometheus"
RULES = PROMETHEUS / "rules.yml"
RULE_TESTS = PROMETHEUS / "rules_test.yml"
PROMTOOL = shutil.which("promtool")


def promtool(*args: str | Path, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL, "no promtool: scripts/toolchain.sh installs it (Debian's prometheus package)"
    return subprocess.run(
        [str(PROMTOOL), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text())


def rules() -> list[dict]:
    return [rule for group in load(RULES)["groups"] for rule in group["rules"]]


def test_rules_and_configuration_are_valid():
    checked = promtool("check", "rules", RULES)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules())} rules found" in checked.stdout
    config = promtool("check", "config", PROMETHEUS / "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr


def test_rule_unit_tests_pass():
    tested = promtool("test", "rules", RULE_TESTS)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_rule_is_shown_firing_and_not_firing():
    cases: dict[str, set[bool]] = {}
    for test in load(RULE_TESTS)["tests"]:
        for case in test["alert_rule_test"]:
            cases.setdefault(case["alertname"], set()).add(bool(case["exp_alerts"]))
    alerts = {rule["alert"] for rule in rules()}
    assert set(cases) == alerts
    assert {name for name, seen in cases.items() if seen != {True, False}} == set()


def test_a_moved_threshold_fails_the_unit_tests(tmp_path):
    for path in (RULES, RULE_TESTS):
        shutil.copy(path, tmp_path / path.name)
    text = RULES.read_text()
    moved = text.replace("raceday_pipeline_quarantined_polls > 0", "raceday_pipeline_quarantined_polls > 1")
    assert moved != text
    (tmp_path / RULES.name).write_text(moved)
    tested = promtool("test", "rules", RULE_TESTS.name, cwd=tmp_path)
    assert tested.returncode != 0 and "QuarantinedPoll" in tested.stdout + tested.stderr


def exported_names() -> set[str]:
    """Every series name raceday's code exports (fetcher, live, exporter)."""
    names = set()
    for path in (
        "fetcher/metrics.py",
        "live/metrics.py",
        "exporter/pipeline.py",
        "deploy/ops_pipeline_metrics.sql",
    ):
        names |= {
            n for n in re.findall(r"\b(raceday_[a-z_]+)", (ROOT / path).read_text()) if not n.endswith("_")
        }
    # live's counters are named from /stats's fields.
    names |= {
        f"raceday_live_{name}"
        for name in re.findall(r'^\s+\("(\w+)", "', (ROOT / "live/metrics.py").read_text(), re.M)
    }
    return names


def test_every_series_a_rule_reads_is_exported_and_every_rule_documented():
    exported = exported_names() | {"up", "process_resident_memory_bytes"}
    docs = (ROOT / "docs" / "metrics.md").read_text()
    for rule in rules():
        read = set(re.findall(r"\b((?:raceday|process)_[a-z_]+|up)\b(?!\s*\()", rule["expr"]))
        series = {re.sub(r"_total$", "", name) for name in read}
        assert series and series <= {re.sub(r"_total$", "", n) for n in exported}, (rule["alert"], series)
        assert f"`{rule['alert']}`" in docs, f"docs/metrics.md does not describe {rule['alert']}"


def test_every_exported_series_is_documented():
    docs = (ROOT / "docs" / "metrics.md").read_text()
    exported = exported_names() - {"raceday_changes", "raceday_monitor", "raceday_owner"}
    missing = {name for name in exported if f"`{name}" not in docs}
    assert missing == set()
