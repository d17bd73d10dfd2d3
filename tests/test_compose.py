"""The production stack, checked without Docker (no engine runs here): the
compose file against the Compose specification's JSON schema, the
Dockerfiles with hadolint, the image's PostgreSQL and extension versions
against the local toolchain's, and the promises of docker-compose.yml
(health checks, restarts, limits, secrets, nothing published beyond the
host) one by one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from ruamel.yaml import YAML

from harness import toolchain_root

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILES = sorted((ROOT / "docker").glob("*.Dockerfile"))
BIN = Path(sys.executable).parent


def compose() -> dict:
    return YAML(typ="safe").load(COMPOSE.read_text())


def run(*cmd: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120)


def test_compose_file_follows_the_compose_specification():
    proc = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", COMPOSE)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_rejects_a_broken_compose_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text().replace("restart: unless-stopped", "restart: [always]", 1))
    proc = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", broken)
    assert proc.returncode != 0 and "restart" in proc.stdout


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_passes_hadolint(dockerfile):
    proc = run(BIN / "hadolint", "--no-color", dockerfile)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hadolint_finds_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian:latest\nRUN apt-get update && apt-get install -y curl\n")
    proc = run(BIN / "hadolint", "--no-color", bad)
    assert proc.returncode != 0 and "DL3007" in proc.stdout and "DL3008" in proc.stdout


def test_every_service_is_built_or_pinned_and_every_dockerfile_is_used():
    services = compose()["services"]
    built = {s["build"]["dockerfile"] for s in services.values() if "build" in s}
    assert built == {f"docker/{p.name}" for p in DOCKERFILES}
    for name, service in services.items():
        if "build" not in service:
            assert re.fullmatch(r"[\w./-]+:v?\d+(\.\d+)+", service["image"]), f"{name}: image not pinned"


def test_files_the_dockerfiles_copy_exist():
    for dockerfile in DOCKERFILES:
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY") and "--from" not in line:
                for source in line.split()[1:-1]:
                    assert (ROOT / source).exists(), f"{dockerfile.name}: COPY {source}: no such file"


def dockerfile_args(name: str) -> dict[str, str]:
    text = (ROOT / "docker" / name).read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.M))
    args["FROM"] = re.search(r"^FROM (\S+)$", text, re.M).group(1)
    return args


def root_versions() -> dict[str, str]:
    """Debian package versions of the local toolchain's root, upstream part only."""
    lines = (toolchain_root() / ".versions").read_text().splitlines()
    return {name: version.rsplit("-", 1)[0] for name, version in (line.split("\t") for line in lines)}


def test_image_versions_match_the_local_toolchain(database_url):
    image = dockerfile_args("db.Dockerfile")
    local = root_versions()
    postgres = re.fullmatch(r"postgres:(\d+\.\d+)-\w+", image["FROM"]).group(1)
    assert postgres == local["postgresql-18"]
    assert image["PG_CRON_VERSION"] == local["postgresql-18-cron"]
    assert image["PGTAP_VERSION"] == local["postgresql-18-pgtap"]
    assert local["postgresql-plpython3-18"] == postgres  # built with the server
    assert dockerfile_args("migrate.Dockerfile")["FROM"] == image["FROM"]  # same psql as the server
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SHOW server_version").fetchone()[0].split()[0] == postgres
        assert (
            conn.execute(
                "SELECT default_version FROM pg_available_extensions WHERE name = 'pgtap'"
            ).fetchone()[0]
            == image["PGTAP_VERSION"]
        )


def test_the_image_and_the_local_cluster_share_one_settings_file(db):
    assert "COPY docker/postgresql.conf" in (ROOT / "docker" / "db.Dockerfile").read_text()
    settings = dict(
        re.findall(r"^(\w[\w.]*) = '?([^'\n]*?)'?$", (ROOT / "docker" / "postgresql.conf").read_text(), re.M)
    )
    assert len(settings) >= 8
    # What the local server read from its copy, and whether it took effect.
    seen = {
        name: (setting, applied)
        for name, setting, applied in db.execute(
            "SELECT name, setting, applied FROM pg_file_settings WHERE sourcefile LIKE '%/conf.d/raceday.conf' "
            "ORDER BY seqno"
        )
    }
    for name, value in settings.items():
        if name == "cron.database_name":
            continue  # the local cluster names its own database
        assert seen.get(name) == (value, True), (
            f"{name}: the local cluster has {seen.get(name)}, the file {value}"
        )


def test_long_running_services_restart_are_limited_and_checked():
    for name, service in compose()["services"].items():
        assert service["deploy"]["resources"]["limits"]["memory"], name
        assert service["deploy"]["resources"]["limits"]["cpus"], name
        assert "logging" in service, name
        if name == "migrate":
            assert service["restart"] == "no"  # runs once, then exits
            continue
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD", name


def test_start_order_waits_for_health_and_for_the_migration():
    services = compose()["services"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("postgrest", "fetcher", "live", "exporter"):
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}


def test_nothing_is_published_beyond_the_host():
    for name, service in compose()["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_every_variable_is_in_env_example_and_secrets_are_required():
    text = COMPOSE.read_text()
    used = set(re.findall(r"\$\{(\w+)", text))
    required = set(re.findall(r"\$\{(\w+):\?", text))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?(\w+)=", example, re.M))
    assert used <= listed, f"missing from .env.example: {sorted(used - listed)}"
    blank = set(re.findall(r"^(\w+)=$", example, re.M))
    assert required == blank, "every required variable, and only those, is left blank in .env.example"
    assert {"POSTGRES_PASSWORD", "AUTHENTICATOR_PASSWORD", "FETCHER_PASSWORD", "MONITOR_PASSWORD"} <= required
    assert "/.env" in (ROOT / ".gitignore").read_text().split()


def test_migrate_sets_a_password_for_every_login_role(db):
    """Every login role a client uses gets its password from .env; the owner,
    which may log in for pg_cron's jobs only (connection limit 0), gets none."""
    roles = dict(db.execute("SELECT rolname, rolconnlimit FROM pg_roles WHERE rolcanlogin AND NOT rolsuper"))
    script = (ROOT / "docker" / "migrate.sh").read_text()
    passwords = dict(re.findall(r"ALTER ROLE (\w+) PASSWORD (\S+);", script))
    assert set(roles) == set(passwords)
    assert (
        {r for r, limit in roles.items() if limit == 0}
        == {r for r, p in passwords.items() if p == "NULL"}
        == {"raceday_owner"}
    )


def test_postgrest_runs_the_committed_configuration():
    service = compose()["services"]["postgrest"]
    assert "./docker/postgrest.conf:/etc/postgrest.conf:ro" in service["volumes"]
    assert service["command"] == ["postgrest", "/etc/postgrest.conf"]


# -- least privilege: capabilities, setuid, processes, a read-only root ----

# What the db's entrypoint needs (it starts as root, hands the data directory
# to postgres and switches to it with gosu); no other service adds any.
DB_CAPABILITIES = {"CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"}


def test_every_service_drops_every_capability_and_adds_back_only_what_it_needs_with_a_reason():
    text = COMPOSE.read_text()
    for name, service in compose()["services"].items():
        assert service.get("cap_drop") == ["ALL"], f"{name}: cap_drop: [ALL]"
        added = set(service.get("cap_add", []))
        assert added <= (DB_CAPABILITIES if name == "db" else set()), f"{name} adds {sorted(added)}"
        for cap in added:
            assert re.search(rf"^\s+- {cap}\s+# \w+", text, re.M), f"{name}: cap_add {cap} says no why"
    assert set(compose()["services"]["db"]["cap_add"]) == DB_CAPABILITIES


def test_no_service_gains_privileges_and_each_has_a_process_limit():
    for name, service in compose()["services"].items():
        assert "no-new-privileges:true" in service.get("security_opt", []), name
        assert isinstance(service.get("pids_limit"), int) and 0 < service["pids_limit"] <= 1024, name


def tmpfs_paths(service: dict) -> set[str]:
    entries = service.get("tmpfs", [])
    return {entry.split(":")[0] for entry in ([entries] if isinstance(entries, str) else entries)}


def test_every_root_file_system_is_read_only_and_writes_go_to_tmpfs_or_the_volume():
    services = compose()["services"]
    for name, service in services.items():
        assert service.get("read_only") is True, f"{name}: read_only"
        assert tmpfs_paths(service) <= {"/tmp", "/var/run/postgresql"}, name
    # The db writes its data to the volume and its socket to a tmpfs.
    assert "pgdata:/var/lib/postgresql" in services["db"]["volumes"]
    assert "/var/run/postgresql" in tmpfs_paths(services["db"])
    # The fetcher's health check reads a heartbeat file it must be able to write.
    heartbeat = re.search(
        r"FETCHER_HEARTBEAT_FILE=(\S+)", (ROOT / "docker" / "fetcher.Dockerfile").read_text()
    )
    assert str(Path(heartbeat.group(1)).parent) in tmpfs_paths(services["fetcher"])


def test_no_password_on_a_command_line_in_compose():
    for name, service in compose()["services"].items():
        for key in ("command", "entrypoint", "healthcheck"):
            assert "PASSWORD" not in str(service.get(key, "")), f"{name}: {key} holds a password"


def scram_matches(verifier: str, password: str) -> bool:
    """Whether a SCRAM-SHA-256 verifier (pg_authid.rolpassword) is that password's."""
    import base64
    import hashlib
    import hmac

    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return (
        method == "SCRAM-SHA-256"
        and base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key
    )


def test_migrate_passes_no_password_on_a_command_line(db, database_url, tmp_path):
    """docker/migrate.sh run as the migrate service runs it, with sqitch
    stubbed and psql wrapped to record its command line (what `ps` shows)
    before running the real one against the test database: no password is
    on any command line, and the login roles get the passwords given."""
    port = re.search(r":(\d+)/", database_url).group(1)
    argv = tmp_path / "argv"
    stubs = tmp_path / "bin"
    stubs.mkdir()
    (stubs / "sqitch").write_text(f'#!/bin/sh\necho "sqitch $*" >> {argv}\n')
    (stubs / "psql").write_text(
        f'#!/bin/sh\necho "psql $*" >> {argv}\n'
        f'PGHOST=127.0.0.1 PGPORT={port} exec {shutil.which("psql")} "$@"\n'
    )
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    secrets = {
        "PGPASSWORD": "pg0secret0",
        "AUTHENTICATOR_PASSWORD": "au1secret1",
        "FETCHER_PASSWORD": "fe2secret2",
        "MONITOR_PASSWORD": "mo3secret3",
    }
    try:
        proc = subprocess.run(
            ["sh", str(ROOT / "docker" / "migrate.sh")],
            capture_output=True,
            text=True,
            timeout=60,
            env={
                **os.environ,
                "PATH": f"{stubs}:{os.environ['PATH']}",
                "PGHOST": "db",
                "PGDATABASE": "raceday",
                **secrets,
            },
        )
        assert proc.returncode == 0, proc.stderr
        command_lines = argv.read_text()
        assert "sqitch deploy --verify" in command_lines and "psql " in command_lines
        assert [s for s in secrets.values() if s in command_lines] == []
        set_to = dict(
            db.execute(
                "SELECT rolname, rolpassword FROM pg_authid "
                "WHERE rolname IN ('authenticator', 'raceday_fetcher', 'raceday_monitor')"
            ).fetchall()
        )
        assert scram_matches(set_to["authenticator"], secrets["AUTHENTICATOR_PASSWORD"])
        assert scram_matches(set_to["raceday_fetcher"], secrets["FETCHER_PASSWORD"])
        assert scram_matches(set_to["raceday_monitor"], secrets["MONITOR_PASSWORD"])
    finally:
        # The test cluster trusts local logins; leave the roles as deployed.
        db.execute("ALTER ROLE authenticator PASSWORD NULL")
        db.execute("ALTER ROLE raceday_fetcher PASSWORD NULL")
        db.execute("ALTER ROLE raceday_monitor PASSWORD NULL")


def test_the_runbook_keeps_env_to_its_owner():
    assert "chmod 600 .env" in (ROOT / "docs" / "runbook.md").read_text()
    assert "chmod 600 .env" in (ROOT / ".env.example").read_text()


# -- monitoring: Prometheus scrapes every service where it serves metrics ----


def test_the_monitoring_profile_scrapes_every_service_on_its_metrics_port():
    services = compose()["services"]
    assert {n for n, s in services.items() if "monitoring" in s.get("profiles", [])} == {
        "exporter",
        "prometheus",
    }
    scrape = YAML(typ="safe").load((ROOT / "docker" / "prometheus" / "prometheus.yml").read_text())
    targets = {job["job_name"]: job["static_configs"][0]["targets"] for job in scrape["scrape_configs"]}
    env = {name: service.get("environment", {}) for name, service in services.items()}
    assert targets["fetcher"] == [f"fetcher:{env['fetcher']['FETCHER_METRICS_PORT']}"]
    assert targets["live"] == [f"live:{env['live']['LIVE_PORT']}"]
    assert targets["exporter"] == [f"exporter:{env['exporter']['EXPORTER_PORT']}"]
    assert targets["postgrest"] == [f"postgrest:{env['postgrest']['PGRST_ADMIN_SERVER_PORT']}"]
    # Reachable from Prometheus's container, but published to no one.
    assert env["fetcher"]["FETCHER_METRICS_HOST"] == env["exporter"]["EXPORTER_HOST"] == "0.0.0.0"
    assert env["postgrest"]["PGRST_ADMIN_SERVER_HOST"] == "0.0.0.0"
    mounts = services["prometheus"]["volumes"]
    for mount in mounts:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).is_file(), mount
    assert {Path(m.split(":")[1]).name for m in mounts if m.startswith("./")} == {
        "prometheus.yml",
        *scrape["rule_files"],
    }
