"""The soak: a simulated racing day run faster than real time through the
whole system, watching that polling keeps up and that no process grows.

    python bench/soak.py DATABASE_URL [--minutes 10] [--speed 20] [--fetchers 2] [--clients 20]
                         [--form-size 15] [--sample 10] [--think 1.0]

Empties the database's raceday data, then runs for --minutes: the simulator
(in this process) with a clock --speed times real time, shared with the
database; --fetchers `python -m fetcher` processes; the API as `make run`
starts it (PostgREST if its binary is found, else the gateway); and
--clients API clients (threads) that read what the client app reads: the
upcoming races, a live race's entrants and money-flow timeline, then that
timeline's new rows and the entrants again every --think seconds, moving to
another race now and then.

Every --sample seconds it prints one line: pipeline lag, polls, API
requests, errors and p95, and the memory of every process. At the end it
prints a table, writes bench/results/soak-<timestamp>.json and exits 1 if a
verdict fails:

  lag       the pipeline's lag is the oldest overdue poll (ops.pipeline_lag:
            max overdue_by of event targets), in *simulated* seconds, the
            schedule's own unit: a 15-second tier polled 30 s late is stale by
            race time whatever the speed. After the warm-up (the first fifth
            of the run, when every race of the day wants its first poll at
            once), the samples are cut in thirds; the mean of the last third
            may exceed the mean of the first by --lag-tolerance (30 simulated
            seconds: two intervals of the fastest tier, 1.5 s real at 20x) and
            no more. A pipeline that does not keep up falls behind by a
            growing amount, `speed` simulated seconds per real second, which
            this catches within a minute or two; the day's load itself grows
            as meetings open, so keeping up under it is the point.
            The schedule also degrades gracefully: an overdue race is polled
            late and its next poll counts from then, and slow tiers overdue by
            more than their interval are spread out (raceday.spread_overdue),
            so an overloaded pipeline can hold a large lag steady rather than
            grow it (seen at 80x with one fetcher: ~100 simulated seconds,
            flat). Hence a second bound: the mean lag after the warm-up may
            not exceed --lag-bound (60 simulated seconds, four intervals of
            the fastest tier; a run that keeps up measures a few seconds).
  memory    each process's own memory is its PSS without shared memory
            (Pss - Pss_Shmem from /proc/<pid>/smaps_rollup): PostgreSQL's
            shared buffers are shared memory and would otherwise count as the
            backends' growth while the buffer cache fills, up to
            shared_buffers. Per process class (each fetcher, the API, this
            process, the postmaster, and the largest PostgreSQL process of
            each kind of backend), the mean of the last third may exceed the
            mean of the first third (after the warm-up) by --memory-growth
            (25 MB) and no more: a leak of anything per poll or per request
            (a 400 KB body, a row set) passes that within minutes; caches that
            fill once do so during the warm-up. Workers that live for one job
            (autovacuum, pg_cron jobs) are reported but not judged.
  api       every request answered 200 (a 5xx, any other status, or no
            answer at all fails).
  fetchers  every fetcher runs to the end and exits 0 when stopped.
  work      at least one poll and one API request per sample interval were
            made on average, so a soak that did nothing cannot pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tabsim.clock import SimClock  # noqa: E402
from tabsim.model import REAL_FORM_SIZE  # noqa: E402
from tabsim.server import Simulator  # noqa: E402
from tests.harness import ApiServer, FetcherProcess, empty_database, share_clock  # noqa: E402


@dataclass
class SoakConfig:
    minutes: float = 10
    speed: float = 20
    fetchers: int = 2
    clients: int = 20
    form_size: int = REAL_FORM_SIZE  # last starts per runner: real-size events (~400 KB)
    seed: int = 5
    sample_s: float = 10
    think_s: float = 1.0  # a client's pause between two requests
    warmup: float = 0.2  # share of the run left out of the verdicts
    lag_tolerance_s: float = 30  # simulated seconds the lag may grow by
    lag_bound_s: float = 60  # simulated seconds the mean lag may reach
    memory_growth_mb: float = 25


# -- memory of processes ---------------------------------------------------


def own_memory_kb(pid: int) -> tuple[int, int] | None:
    """(PSS without shared memory, shared memory PSS) of a process in kB, or
    None when it is gone or not visible (another PID namespace)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            lines = f.read().splitlines()[1:]  # the first names the range rolled up
    except OSError:
        return None
    kb = {
        k: int(v.split()[0])
        for k, _, v in (line.partition(":") for line in lines)
        if v.strip().endswith("kB")
    }
    return kb["Pss"] - kb.get("Pss_Shmem", 0), kb.get("Pss_Shmem", 0)


def parent_pid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def children(ppid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and parent_pid(int(entry)) == ppid:
            found.append(int(entry))
    return found


# Workers that live for one job (autovacuum, a pg_cron job, a parallel query):
# their memory ends with them, and one vacuuming a large table in the last
# third would look like growth. Reported, not judged.
TRANSIENT = "pg transient workers"


def postgres_classes(db: psycopg.Connection, postmaster: int | None) -> dict[str, list[int]]:
    """PostgreSQL's processes by kind: the postmaster, the fetchers' and the
    API's backends, and the rest (checkpointer, walwriter, autovacuum, pg_cron,
    io workers, this soak's own connection)."""
    if postmaster is None:
        return {}
    kinds = {
        pid: (btype, app)
        for pid, btype, app in db.execute("SELECT pid, backend_type, application_name FROM pg_stat_activity")
    }
    classes: dict[str, list[int]] = {
        "pg postmaster": [postmaster],
        "pg fetcher backends": [],
        "pg api backends": [],
        "pg other": [],
        TRANSIENT: [],
    }
    for pid in children(postmaster):
        btype, app = kinds.get(pid, ("", ""))
        if btype == "client backend" and app == "raceday-fetcher":
            classes["pg fetcher backends"].append(pid)
        elif btype == "client backend" and app != "raceday-soak":
            classes["pg api backends"].append(pid)
        elif btype in ("", "autovacuum worker", "parallel worker") or (
            btype.startswith("pg_cron") and btype != "pg_cron launcher"
        ):
            classes[TRANSIENT].append(pid)  # not listed yet (just forked) counts here too
        else:
            classes["pg other"].append(pid)
    return classes


def memory_sample(processes: dict[str, list[int]]) -> dict[str, dict]:
    """Per class: processes, the largest one's own memory, the sum of own
    memory, and the shared memory PSS (MB)."""
    out = {}
    for name, pids in processes.items():
        seen = [m for m in (own_memory_kb(p) for p in pids) if m is not None]
        if not seen:
            continue
        out[name] = {
            "n": len(seen),
            "max_mb": round(max(m[0] for m in seen) / 1024, 1),
            "sum_mb": round(sum(m[0] for m in seen) / 1024, 1),
            "shm_mb": round(sum(m[1] for m in seen) / 1024, 1),
        }
    return out


# -- API clients -------------------------------------------------------------


@dataclass
class ApiStats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies_ms: list[float] = field(default_factory=list)  # every request, in order
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # the first few, for the report

    def record(self, path: str, status: str, ms: float) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status != "200" and len(self.failures) < 20:
                self.failures.append(f"{status} {path}")


class Client(threading.Thread):
    """One user of the client app: picks a race running now (by the
    simulated clock), opens its screen, then polls what is new."""

    def __init__(
        self, n: int, base: str, clock: SimClock, stats: ApiStats, think_s: float, stop: threading.Event
    ):
        super().__init__(name=f"soak-client-{n}", daemon=True)
        self.base, self.clock, self.stats, self.think_s, self.stop_event = base, clock, stats, think_s, stop
        self.rng = random.Random(n)

    def get(self, http: httpx.Client, path: str, **params) -> list[dict] | None:
        t0 = time.perf_counter()
        try:
            response = http.get(path, params=params)
            status = str(response.status_code)
        except httpx.HTTPError as err:
            self.stats.record(path, f"no answer ({type(err).__name__})", (time.perf_counter() - t0) * 1000)
            return None
        body = response.json() if status == "200" else None
        self.stats.record(path, status, (time.perf_counter() - t0) * 1000)
        return body

    def pause(self) -> bool:
        return not self.stop_event.wait(self.think_s * self.rng.uniform(0.5, 1.5))

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            # Clients arrive over the first sample, not all at once.
            if self.stop_event.wait(self.rng.uniform(0, self.think_s * 3)):
                return
            while not self.stop_event.is_set():
                try:
                    self.session(http)
                except Exception as err:  # a body that is not what the contract says: count it, go on
                    self.stats.record("(session)", f"client error ({type(err).__name__})", 0.0)
                    self.pause()

    def session(self, http: httpx.Client) -> None:
        self.get(http, "/rpc/upcoming_races")
        now = datetime.fromtimestamp(self.clock.now() - 300, UTC).isoformat()
        live = self.get(
            http,
            "/races",
            start_time=f"gte.{now}",
            status="in.(open,closed,interim)",
            order="start_time",
            limit="6",
            select="race_id,name,race_number,start_time,status,meeting_name",
        )
        if not live:
            live = self.get(http, "/races", order="start_time.desc", limit="6", select="race_id")
        if not live or not self.pause():
            return
        race = self.rng.choice(live)["race_id"]
        self.get(http, "/entrants", race_id=f"eq.{race}", order="runner_number")
        rows = self.get(
            http, "/money_flow_timeline", race_id=f"eq.{race}", order="entrant_id,time_interval.desc"
        )
        newest = max((r["created_at"] for r in rows or []), default="-infinity")
        for k in range(self.rng.randint(10, 30)):
            if not self.pause():
                return
            new = self.get(
                http,
                "/money_flow_timeline",
                race_id=f"eq.{race}",
                created_at=f"gt.{newest}",
                order="created_at,id",
            )
            if new:
                newest = new[-1]["created_at"]
            if k % 3 == 2:
                self.get(http, "/entrants", race_id=f"eq.{race}", order="runner_number")


# -- the fetchers --------------------------------------------------------------


class Fetcher(FetcherProcess):
    """`python -m fetcher`, its log counted as it grows (and not kept: the
    soak's own memory is judged)."""

    def __init__(self, database_url: str, api_url: str, worker: str):
        super().__init__(database_url, api_url, worker)
        self.polls = 0
        self.levels: dict[str, int] = {}
        self.fetch_ms: list[float] = []
        self.ingest_ms: list[float] = []
        self.bytes = 0

    def read_log(self) -> None:
        for record in self.new_logs():
            self.levels[record.get("level", "?")] = self.levels.get(record.get("level", "?"), 0) + 1
            if record.get("event") == "poll":
                self.polls += 1
                self.fetch_ms.append(record.get("fetch_ms", 0))
                self.ingest_ms.append(record.get("ingest_ms", 0))
                self.bytes += record.get("bytes", 0)

    def stop(self) -> int | None:
        """Its exit code once stopped, None if it had to be killed."""
        try:
            code = super().stop(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        self.read_log()
        return code

    def stderr_tail(self) -> str:
        return self.stderr[-2000:]


# -- the run ---------------------------------------------------------------------

LAG_SQL = """
SELECT coalesce(extract(epoch FROM max(overdue_by)), 0)::float AS lag_s,
       count(*) FILTER (WHERE overdue_by > interval '0') AS overdue,
       count(*) AS polled_races,
       (SELECT count(*) FROM raceday.races r
        WHERE r.status IN ('open', 'closed', 'interim')
          AND r.start_time BETWEEN raceday.clock() - interval '1 hour' AND raceday.clock() + interval '15 minutes'
          AND raceday.clock() - r.last_poll_time
              > 2 * raceday.poll_interval(r.status, r.start_time, raceday.clock())) AS stale_live
FROM ops.pipeline_lag
"""


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def run_soak(database_url: str, cfg: SoakConfig, out=sys.stdout) -> dict:
    """Runs the soak and returns what it measured (samples, totals,
    verdicts); starts and stops every process it needs."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    db = psycopg.connect(database_url, autocommit=True, application_name="raceday-soak")
    sim = api = None
    fetchers: list[Fetcher] = []
    clients: list[Client] = []
    stop = threading.Event()
    stats = ApiStats()
    samples: list[dict] = []
    try:
        empty_database(db)
        sim = Simulator(cfg.seed, SimClock(speed=cfg.speed), form_size=cfg.form_size).start()
        share_clock(db, sim)
        fetchers = [Fetcher(database_url, sim.base_url, f"soak-fetcher-{i + 1}") for i in range(cfg.fetchers)]
        api = ApiServer(database_url)
        api_kind = api.kind
        clients = [Client(i, api.url, sim.clock, stats, cfg.think_s, stop) for i in range(cfg.clients)]
        for c in clients:
            c.start()
        backend = db.execute("SELECT pg_backend_pid()").fetchone()[0]
        postmaster = parent_pid(backend)
        say(
            f"soak: {cfg.minutes:g} min at {cfg.speed:g}x ({cfg.minutes * cfg.speed / 60:.1f} simulated hours), "
            f"{cfg.fetchers} fetchers, {cfg.clients} clients of the {api_kind}, form size {cfg.form_size}, "
            f"sample every {cfg.sample_s:g} s"
        )

        t0 = time.monotonic()
        end = t0 + cfg.minutes * 60
        next_at = t0 + cfg.sample_s
        polls_before, requests_before = 0, 0
        while True:
            time.sleep(max(0.0, next_at - time.monotonic()))
            now = time.monotonic()
            lag_s, overdue, polled, stale = db.execute(LAG_SQL).fetchone()
            for f in fetchers:
                f.read_log()
            polls = sum(f.polls for f in fetchers)
            with stats.lock:
                latencies = stats.latencies_ms[requests_before:]
                requests = len(stats.latencies_ms)
                errors = sum(n for s, n in stats.statuses.items() if s != "200")
            processes = {
                "soak (simulator, clients)": [os.getpid()],
                "api": [api.proc.pid],
                **{f.worker: [f.proc.pid] for f in fetchers},
                **postgres_classes(db, postmaster),
            }
            exited = {f.worker: f.proc.returncode for f in fetchers if f.proc.poll() is not None}
            sample = {
                "t_s": round(now - t0, 1),
                "simulated": sim.clock.now_dt().isoformat(timespec="seconds"),
                "lag_s": round(lag_s, 1),
                "overdue": overdue,
                "polled_races": polled,
                "stale_live": stale,
                "polls": polls,
                "polls_per_s": round((polls - polls_before) / cfg.sample_s, 1),
                "requests": requests,
                "requests_per_s": round(len(latencies) / cfg.sample_s, 1),
                "p95_ms": round(pct(latencies, 0.95) or 0, 1),
                "errors": errors,
                "memory": memory_sample(processes),
                "exited": exited,
            }
            samples.append(sample)
            polls_before, requests_before = polls, requests
            mem = sample["memory"]
            say(
                f"{sample['t_s']:6.0f}s sim {sample['simulated'][11:19]}  lag {lag_s:6.1f} s ({overdue} due)  "
                f"stale {stale}  polls {sample['polls_per_s']:5.1f}/s  api {sample['requests_per_s']:5.1f}/s "
                f"p95 {sample['p95_ms']:6.1f} ms err {errors}  MB: "
                + " ".join(f"{short(k)} {v['max_mb']:.0f}" for k, v in mem.items())
            )
            if exited:
                say(f"soak: fetcher exited: {exited}")
                break
            next_at += cfg.sample_s
            if next_at > end + 0.5:
                break
    finally:
        stop.set()
        for c in clients:
            c.join(35)
        codes = {f.worker: f.stop() for f in fetchers}
        if api is not None:
            api.stop()
        if sim is not None:
            sim.stop()
    try:
        stored = db.execute("""SELECT count(*) FILTER (WHERE fetch_error IS NOT NULL),
                                      count(*) FILTER (WHERE transform_error IS NOT NULL),
                                      pg_database_size(current_database())
                               FROM staging.raw_responses""").fetchone()
    finally:
        db.close()
    result = {
        "config": asdict(cfg),
        "api_kind": api_kind,
        "samples": samples,
        "fetchers": {
            f.worker: {
                "exit": codes[f.worker],
                "polls": f.polls,
                "log_levels": f.levels,
                "stderr": f.stderr_tail() if codes[f.worker] != 0 else "",
            }
            for f in fetchers
        },
        "polls": sum(f.polls for f in fetchers),
        "fetch_ms_p95": pct([x for f in fetchers for x in f.fetch_ms], 0.95),
        "ingest_ms_p95": pct([x for f in fetchers for x in f.ingest_ms], 0.95),
        "kb_per_poll": round(sum(f.bytes for f in fetchers) / max(1, sum(f.polls for f in fetchers)) / 1024),
        "fetch_errors": stored[0],
        "transform_errors": stored[1],
        "database_mb": round(stored[2] / 2**20),
        "api": {
            "requests": len(stats.latencies_ms),
            "statuses": stats.statuses,
            "failures": stats.failures,
            "p50_ms": pct(stats.latencies_ms, 0.5),
            "p95_ms": pct(stats.latencies_ms, 0.95),
            "max_ms": max(stats.latencies_ms, default=None),
        },
    }
    result["verdicts"] = verdicts(result, cfg)
    return result


def short(name: str) -> str:
    return {
        "soak (simulator, clients)": "soak",
        "pg postmaster": "pm",
        "pg fetcher backends": "pgf",
        "pg api backends": "pga",
        "pg other": "pgo",
        TRANSIENT: "pgt",
    }.get(name, name.replace("soak-fetcher-", "f"))


# -- verdicts --------------------------------------------------------------------


def thirds(samples: list[dict], warmup: float) -> tuple[list[dict], list[dict]]:
    """The first and last third of the samples after the warm-up."""
    steady = samples[int(len(samples) * warmup) :]
    n = max(1, len(steady) // 3)
    return steady[:n], steady[-n:]


def classes(samples: list[dict]) -> list[str]:
    """Every process class seen, in the order first seen."""
    return list(dict.fromkeys(name for s in samples for name in s["memory"]))


def verdicts(result: dict, cfg: SoakConfig) -> list[dict]:
    samples = result["samples"]
    checks = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"name": name, "ok": bool(ok), "detail": detail})

    duration = cfg.minutes * 60
    ran = samples[-1]["t_s"] if samples else 0
    check("ran", ran >= duration - cfg.sample_s, f"{ran:.0f} s of {duration:.0f} s")
    if len(samples) < 3:
        check("samples", False, f"only {len(samples)} samples: too short to judge")
        return checks
    first, last = thirds(samples, cfg.warmup)
    lag_first = statistics.mean(s["lag_s"] for s in first)
    lag_last = statistics.mean(s["lag_s"] for s in last)
    check(
        "lag does not grow",
        lag_last <= lag_first + cfg.lag_tolerance_s,
        f"mean lag {lag_first:.1f} s -> {lag_last:.1f} s simulated (tolerance +{cfg.lag_tolerance_s:g} s)",
    )
    steady = samples[int(len(samples) * cfg.warmup) :]
    lag_steady = statistics.mean(s["lag_s"] for s in steady)
    check(
        "lag stays low",
        lag_steady <= cfg.lag_bound_s,
        f"mean lag after the warm-up {lag_steady:.1f} s simulated (bound {cfg.lag_bound_s:g} s)",
    )
    for name in classes(samples):
        a = [s["memory"][name]["max_mb"] for s in first if name in s["memory"]]
        b = [s["memory"][name]["max_mb"] for s in last if name in s["memory"]]
        if not a or not b or name == TRANSIENT:
            continue
        growth = statistics.mean(b) - statistics.mean(a)
        check(
            f"memory of {name}",
            growth <= cfg.memory_growth_mb,
            f"{statistics.mean(a):.1f} -> {statistics.mean(b):.1f} MB (bound +{cfg.memory_growth_mb:g} MB)",
        )
    api = result["api"]
    bad = {s: n for s, n in api["statuses"].items() if s != "200"}
    check(
        "api answers",
        not bad and api["requests"] > 0,
        f"{api['requests']} requests, non-200: {bad or 'none'} {api['failures'][:3] or ''}".strip(),
    )
    for worker, f in result["fetchers"].items():
        check(
            f"{worker} runs",
            f["exit"] == 0 and not any(s.get("exited") for s in samples),
            f"exit {f['exit']}, {f['polls']} polls, log levels {f['log_levels']}"
            + (f", stderr: {f['stderr'][-300:]}" if f["stderr"] else ""),
        )
    intervals = max(1, len(samples))
    check(
        "work done",
        result["polls"] >= intervals and api["requests"] >= intervals,
        f"{result['polls']} polls, {api['requests']} requests",
    )
    return checks


# -- the report ------------------------------------------------------------------


def report(result: dict, cfg: SoakConfig, out=sys.stdout) -> None:
    def say(text: str = "") -> None:
        print(text, file=out)

    samples = result["samples"]
    if not samples:
        say("no samples")
    else:
        first, last = thirds(samples, cfg.warmup)
        steady = samples[int(len(samples) * cfg.warmup) :]
        lags = [s["lag_s"] for s in samples]
        say()
        say(
            f"{'pipeline lag (simulated s)':<34} {'start':>8} {'warm':>8} {'end':>8} {'max':>8} {'mean 1/3':>9} "
            f"{'mean 3/3':>9}"
        )
        say(
            f"{'oldest overdue poll':<34} {lags[0]:8.1f} {steady[0]['lag_s']:8.1f} {lags[-1]:8.1f} {max(lags):8.1f} "
            f"{statistics.mean(s['lag_s'] for s in first):9.1f} {statistics.mean(s['lag_s'] for s in last):9.1f}"
        )
        say(
            f"{'  max after warm-up':<34} {max(s['lag_s'] for s in steady):8.1f}   "
            f"(real s = simulated / {cfg.speed:g}); stale live races at the end: {samples[-1]['stale_live']}"
        )
        say()
        say(
            f"{'memory, own PSS (MB)':<34} {'start':>8} {'warm':>8} {'end':>8} {'max':>8} {'mean 1/3':>9} "
            f"{'mean 3/3':>9} {'growth':>7}"
        )
        for name in classes(samples):
            series = [s["memory"][name]["max_mb"] for s in samples if name in s["memory"]]
            a = [s["memory"][name]["max_mb"] for s in first if name in s["memory"]]
            b = [s["memory"][name]["max_mb"] for s in last if name in s["memory"]]
            if not a or not b:
                continue
            warm = next((s["memory"][name]["max_mb"] for s in steady if name in s["memory"]), series[0])
            n = samples[-1]["memory"].get(name, {}).get("n", 0)
            label = f"{name} (largest of {n})" if name.startswith("pg ") and name != "pg postmaster" else name
            label = "pg transient (not judged)" if name == TRANSIENT else label
            say(
                f"{label:<34} {series[0]:8.1f} {warm:8.1f} {series[-1]:8.1f} {max(series):8.1f} "
                f"{statistics.mean(a):9.1f} {statistics.mean(b):9.1f} {statistics.mean(b) - statistics.mean(a):+7.1f}"
            )
        shm = [sum(v["shm_mb"] for k, v in s["memory"].items() if k.startswith("pg ")) for s in samples]
        say(
            f"{'pg shared memory (PSS, all)':<34} {shm[0]:8.1f} {'':>8} {shm[-1]:8.1f} {max(shm):8.1f}"
            "   (bounded by shared_buffers)"
        )
        seconds = samples[-1]["t_s"]
        api = result["api"]
        say()
        say(
            f"polls: {result['polls']} ({result['polls'] / seconds:.1f}/s), {result['kb_per_poll']} KB each, "
            f"fetch p95 {result['fetch_ms_p95'] or 0:.0f} ms, ingest p95 {result['ingest_ms_p95'] or 0:.0f} ms; "
            f"fetch errors {result['fetch_errors']}, quarantined {result['transform_errors']}; "
            f"database {result['database_mb']} MB"
        )
        say(
            f"api ({result['api_kind']}): {api['requests']} requests ({api['requests'] / seconds:.1f}/s), "
            f"p50 {api['p50_ms'] or 0:.1f} ms, p95 {api['p95_ms'] or 0:.1f} ms, max {api['max_ms'] or 0:.0f} ms, "
            f"statuses {api['statuses']}"
        )
    say()
    for v in result["verdicts"]:
        say(f"{'ok  ' if v['ok'] else 'FAIL'} {v['name']}: {v['detail']}")


def write_result(result: dict) -> Path:
    """bench/results/soak-<UTC timestamp>.json (bench/results is not committed)."""
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"soak-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, indent=1, default=str))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = SoakConfig()
    parser.add_argument("database_url")
    parser.add_argument("--minutes", type=float, default=defaults.minutes)
    parser.add_argument("--speed", type=float, default=defaults.speed)
    parser.add_argument("--fetchers", type=int, default=defaults.fetchers)
    parser.add_argument("--clients", type=int, default=defaults.clients)
    parser.add_argument("--form-size", type=int, default=defaults.form_size)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--sample", type=float, default=defaults.sample_s, help="seconds between samples")
    parser.add_argument(
        "--think", type=float, default=defaults.think_s, help="a client's pause between requests"
    )
    parser.add_argument(
        "--lag-tolerance", type=float, default=defaults.lag_tolerance_s, help="simulated seconds"
    )
    parser.add_argument("--lag-bound", type=float, default=defaults.lag_bound_s, help="simulated seconds")
    parser.add_argument(
        "--memory-growth", type=float, default=defaults.memory_growth_mb, help="MB per process"
    )
    args = parser.parse_args()
    cfg = SoakConfig(
        minutes=args.minutes,
        speed=args.speed,
        fetchers=args.fetchers,
        clients=args.clients,
        form_size=args.form_size,
        seed=args.seed,
        sample_s=args.sample,
        think_s=args.think,
        lag_tolerance_s=args.lag_tolerance,
        lag_bound_s=args.lag_bound,
        memory_growth_mb=args.memory_growth,
    )
    result = run_soak(args.database_url, cfg)
    report(result, cfg)
    print(f"\nwritten: {write_result(result).relative_to(ROOT)}")
    return 0 if all(v["ok"] for v in result["verdicts"]) else 1


if __name__ == "__main__":
    sys.exit(main())
