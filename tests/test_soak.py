"""The soak, short: a simulated half hour of racing (60 s at 30x) through the
whole system (the simulator with real-size events, two fetcher processes, the
API and 20 clients reading it) keeps up and stays within bounds: the
pipeline's lag does not grow and stays low, no process's own memory grows beyond the bound,
every API request is answered 200, and both fetchers run to the end and exit
0. It runs bench/soak.py's code and verdicts (see that file for what each
verdict measures and why). RACEDAY_SOAK=full runs the full ten minutes and
writes its figures to bench/results/ as bench/soak.py does."""

from __future__ import annotations

import io
import os

from bench.soak import SoakConfig, report, run_soak, write_result

FULL = os.environ.get("RACEDAY_SOAK") == "full"


def test_soak_keeps_up_and_stays_bounded(clean_db, database_url):
    # The short form runs the same simulated half hour as it did at 20x (so
    # as many polls for a leak per poll to show), on a faster clock.
    cfg = SoakConfig() if FULL else SoakConfig(minutes=1, speed=30, sample_s=4)
    out = io.StringIO()
    result = run_soak(database_url, cfg, out=out)
    report(result, cfg, out=out)
    if FULL:
        print(f"written: {write_result(result)}", file=out)
    print(out.getvalue())  # the figures, for -s and for a failure's report

    verdicts = {v["name"]: v for v in result["verdicts"]}
    # Every process class was measured: a verdict that is missing cannot fail.
    expected = {
        "ran",
        "lag does not grow",
        "lag stays low",
        "api answers",
        "work done",
        "memory of api",
        "memory of soak (simulator, clients)",
        "memory of pg postmaster",
        "memory of pg fetcher backends",
        "memory of pg api backends",
        "memory of pg other",
        *(f"memory of soak-fetcher-{i}" for i in (1, 2)),
        *(f"soak-fetcher-{i} runs" for i in (1, 2)),
    }
    assert expected <= set(verdicts), f"verdicts missing: {expected - set(verdicts)}\n{out.getvalue()}"
    failed = [f"{v['name']}: {v['detail']}" for v in verdicts.values() if not v["ok"]]
    assert failed == [], "\n".join(failed) + "\n" + out.getvalue()

    # The polls reached the client's tables, cleanly (the simulator injected no faults).
    assert result["fetch_errors"] == 0 and result["transform_errors"] == 0, out.getvalue()
    assert clean_db.execute("SELECT count(*) FROM raceday.money_flow_history").fetchone()[0] > 0


def synthetic(lags: list[float], fetcher_mb: list[float], status: str = "200", exit_code: int = 0) -> dict:
    """What run_soak returns, made up: the verdicts are judged on it alone."""
    samples = [
        {
            "t_s": 10.0 * (i + 1),
            "lag_s": lag,
            "exited": {},
            "memory": {"soak-fetcher-1": {"n": 1, "max_mb": mb, "sum_mb": mb, "shm_mb": 0}},
        }
        for i, (lag, mb) in enumerate(zip(lags, fetcher_mb, strict=True))
    ]
    return {
        "samples": samples,
        "polls": 1000,
        "api": {"requests": 1000, "statuses": {status: 1000}, "failures": []},
        "fetchers": {"soak-fetcher-1": {"exit": exit_code, "polls": 1000, "log_levels": {}, "stderr": ""}},
    }


def test_verdicts_fail_on_growth_errors_and_exits():
    """The judge the soak relies on fails each way it must: lag that keeps
    growing or stays high, memory that keeps growing, an answer other than 200, a fetcher
    that did not exit 0; and passes a run that stayed flat."""
    from bench.soak import verdicts

    cfg = SoakConfig(minutes=2, sample_s=10)
    flat = [5.0] * 12
    failed = lambda result: sorted(v["name"] for v in verdicts(result, cfg) if not v["ok"])  # noqa: E731
    assert failed(synthetic(flat, [50.0] * 12)) == []
    assert failed(synthetic([5.0 + 20 * i for i in range(12)], [50.0] * 12)) == [
        "lag does not grow",
        "lag stays low",
    ]
    # Overloaded but steady: polls come late, each next one counts from then.
    assert failed(synthetic([100.0] * 12, [50.0] * 12)) == ["lag stays low"]
    assert failed(synthetic(flat, [50.0 + 8 * i for i in range(12)])) == ["memory of soak-fetcher-1"]
    assert failed(synthetic(flat, [50.0] * 12, status="503")) == ["api answers"]
    assert failed(synthetic(flat, [50.0] * 12, exit_code=1)) == ["soak-fetcher-1 runs"]
    # A spike in the warm-up (every race's first poll at once) is not growth.
    assert failed(synthetic([300.0, 120.0] + flat[2:], [50.0] * 12)) == []
