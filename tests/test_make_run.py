"""`make run` (scripts/run.sh) as a developer runs it, on a scratch cluster
of its own: the simulator at 60 times real time (run.sh takes up to 100)
with the database on its clock, so a run of seconds shows races going off
and resulting; a second run on the same database lays out a day of its own instead of moving the first
day's races, and stops polling the first day's (which its simulator never
had); the database is back on real time after each. And the
simulator's settings are checked before anything starts, with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Callable
from datetime import timedelta

import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from harness import ROOT, cluster, free_port, worker_instance

RUN = ROOT / "scripts" / "run.sh"
INSTANCE = worker_instance("makerun")
PROBE = worker_instance("probe")


def run_sh(
    env: dict[str, str], timeout: float, probe: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """scripts/run.sh in a process group of its own, killed whole if it
    overruns. probe(), if given, is called once everything runs (run.sh has
    printed where each service is), as a person would look while it runs."""
    proc = subprocess.Popen(
        ["bash", str(RUN)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out: list[str] = []
    err: list[str] = []
    running = threading.Event()

    def read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)
            if "  metrics   " in line:
                running.set()
        running.set()  # the end of its output: it will not say more

    readers = [
        threading.Thread(target=read, args=pair, daemon=True)
        for pair in ((proc.stdout, out), (proc.stderr, err))
    ]
    for reader in readers:
        reader.start()
    try:
        if probe is not None:
            assert running.wait(timeout), "run.sh never said it was running"
            if proc.poll() is None:
                probe()
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        pytest.fail(f"run.sh overran {timeout}s:\n{''.join(err)[-3000:]}")
    except BaseException:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        raise
    for reader in readers:
        reader.join(10)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "".join(out), "".join(err))


def series(url: str) -> dict[str, float]:
    """A Prometheus endpoint read with a real HTTP client: each sample's
    name (labels summed) and value."""
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, url
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[sample.name] = found.get(sample.name, 0) + sample.value
    return found


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0, "a bad setting was accepted"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("raceday: error: "), proc.stderr
    return lines[0]


@pytest.mark.parametrize(
    "setting",
    [
        {"TABSIM_SPEED": "0"},
        {"TABSIM_SPEED": "-2"},
        {"TABSIM_SPEED": "fast"},
        {"TABSIM_SPEED": "101"},
        {"TABSIM_START": "2026-07-17T09:00:00"},
        {"TABSIM_START": "tomorrow"},
        {"TABSIM_START": "2026-02-30T09:00:00Z"},
        {"RACEDAY_TABSIM_FORM_SIZE": "0"},
    ],
    ids=lambda s: "=".join(*s.items()),
)
def test_bad_simulator_settings_stop_with_one_line(setting, tmp_path):
    proc = run_sh(
        {
            "RACEDAY_INSTANCE": PROBE,
            "RACEDAY_PG_PORT": str(free_port()),
            "RACEDAY_LOG_DIR": str(tmp_path),
            **setting,
        },
        30,
    )
    line = one_error_line(proc)
    assert next(iter(setting)) in line and repr(next(iter(setting.values()))) in line


def test_simulator_settings_need_the_simulator(tmp_path):
    proc = run_sh(
        {
            "RACEDAY_INSTANCE": PROBE,
            "RACEDAY_PG_PORT": str(free_port()),
            "RACEDAY_LOG_DIR": str(tmp_path),
            "NZTAB_API_URL": "https://api.tab.co.nz/affiliates/v1",
            "TABSIM_SPEED": "20",
        },
        30,
    )
    assert "NZTAB_API_URL" in one_error_line(proc)


def test_make_run_on_a_fast_clock_results_races_and_never_mixes_days(tmp_path):
    # FETCHER_IDLE_S: the fetcher looks for due polls every 0.05 s instead of
    # 0.25 s, which at 60x would be 15 simulated seconds, as long as the
    # 15-second tier of a race's last five minutes.
    env = {
        "RACEDAY_INSTANCE": INSTANCE,
        "RACEDAY_PG_PORT": str(free_port()),
        "RACEDAY_API_PORT": str(free_port()),
        "RACEDAY_LIVE_PORT": str(free_port()),
        "RACEDAY_FETCHER_METRICS_PORT": str(free_port()),
        "RACEDAY_EXPORTER_PORT": str(free_port()),
        "RACEDAY_LOG_DIR": str(tmp_path),
        "RACEDAY_TABSIM_FORM_SIZE": "3",
        "TABSIM_SPEED": "60",
        "FETCHER_IDLE_S": "0.05",
    }
    url = f"postgresql://postgres@127.0.0.1:{env['RACEDAY_PG_PORT']}/raceday"
    try:
        cluster("destroy", instance=INSTANCE, env=env)
        # 15 s at 60x: 15 simulated minutes, in which the first races go off and are declared.
        seen: dict[str, object] = {}

        def look() -> None:
            # What an operator and the client see while it runs: health, and
            # each process's metrics (the fetcher's, live's, the pipeline's).
            api = f"http://127.0.0.1:{env['RACEDAY_API_PORT']}"
            seen["health"] = httpx.get(f"{api}/rpc/health", timeout=10)
            seen["fetcher"] = series(f"http://127.0.0.1:{env['RACEDAY_FETCHER_METRICS_PORT']}/metrics")
            seen["live"] = series(f"http://127.0.0.1:{env['RACEDAY_LIVE_PORT']}/metrics")
            seen["pipeline"] = series(f"http://127.0.0.1:{env['RACEDAY_EXPORTER_PORT']}/metrics")

        first = run_sh({**env, "DURATION": "15"}, 300, look)
        assert first.returncode == 0, first.stderr[-3000:]
        health = seen["health"]
        assert health.status_code == 200 and health.json()["status"] in ("healthy", "degraded"), health.text
        assert {
            "raceday_fetcher_polls_total",
            "raceday_fetcher_fetch_duration_seconds_count",
            "raceday_fetcher_ingest_duration_seconds_count",
        } <= seen["fetcher"].keys()
        assert {"raceday_live_connections", "raceday_live_listening"} <= seen["live"].keys()
        assert seen["live"]["raceday_live_listening"] == 1
        assert seen["pipeline"]["raceday_pipeline_up"] == 1
        assert {"raceday_pipeline_lag_seconds", "raceday_pipeline_open_races"} <= seen["pipeline"].keys()
        assert "60x; the database shares its clock" in first.stderr
        assert "the database's clock is real time again" in first.stderr
        cluster("start", instance=INSTANCE, env=env)
        with psycopg.connect(url) as conn:
            assert conn.execute(
                "SELECT clock_virtual, clock_real, clock_speed FROM raceday.settings"
            ).fetchone() == (None, None, 1)
            final = conn.execute("""
                SELECT r.race_id, (SELECT count(*) FROM staging.raw_responses s WHERE s.target = r.race_id::text
                                   AND s.generated_at BETWEEN r.start_time - interval '5 minutes' AND r.start_time)
                FROM raceday.races r
                WHERE r.status = 'final' AND EXISTS (SELECT FROM raceday.race_results x WHERE x.race_id = r.race_id)
                """).fetchall()
            assert final, "no race resulted in 15 simulated minutes"
            # The schedule ran on the simulated clock: a race's last five
            # minutes are polled every 15 simulated seconds, a quarter of a
            # real second at 60x. On real time two polls would be 15 real
            # seconds (15 simulated minutes) apart. How many polls come in
            # depends on how fast the loaded machine runs the fetcher, so it
            # takes two within a simulated minute, not a count.
            closest = conn.execute("""
                SELECT min(g.gap) FROM (
                    SELECT s.generated_at - lag(s.generated_at) OVER (PARTITION BY s.target ORDER BY s.generated_at)
                    FROM staging.raw_responses s JOIN raceday.races r ON s.target = r.race_id::text
                    WHERE s.generated_at BETWEEN r.start_time - interval '5 minutes' AND r.start_time) g(gap)
                """).fetchone()[0]
            assert closest is not None and closest <= timedelta(minutes=1), (closest, final)
            meetings = conn.execute("SELECT count(*) FROM raceday.meetings").fetchone()[0]
            scheduled = {
                t
                for (t,) in conn.execute(
                    "SELECT target FROM raceday.poll_targets WHERE kind = 'event' AND next_poll_at IS NOT NULL"
                )
            }
            assert len(scheduled) > 50
        cluster("stop", instance=INSTANCE, env=env)

        # A second run on the same database, moments later: a day of its own.
        second = run_sh({**env, "DURATION": "5"}, 300)
        assert second.returncode == 0, second.stderr[-3000:]
        assert f"stopped polling {len(scheduled)} races of other simulated days" in second.stderr
        cluster("start", instance=INSTANCE, env=env)
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT clock_virtual FROM raceday.settings").fetchone()[0] is None
            assert conn.execute("SELECT count(*) FROM raceday.meetings").fetchone()[0] == 2 * meetings
            # No race was moved: every stored poll of a race agrees on its start.
            moved = conn.execute("""
                SELECT target, array_agg(DISTINCT body::jsonb #>> '{data,race,advertised_start}')
                FROM staging.raw_responses WHERE kind = 'event' AND body IS NOT NULL
                GROUP BY target HAVING count(DISTINCT body::jsonb #>> '{data,race,advertised_start}') > 1""").fetchall()
            assert moved == []
            # The first day's races still scheduled are stopped, saying why,
            # rather than polled for 404s from a simulator that never had them.
            stopped = dict(conn.execute("SELECT target, stopped_reason FROM ops.stopped_targets").fetchall())
            assert stopped.keys() == scheduled
            assert all("make run: a race of another simulated day" in why for why in stopped.values())
            assert (
                conn.execute("SELECT count(*) FROM staging.raw_responses WHERE http_status = 404").fetchone()[
                    0
                ]
                == 0
            )
    finally:
        cluster("destroy", instance=INSTANCE, env=env, check=False)
