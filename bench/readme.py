"""The README's benchmark section: the latest full run's per-poll figures
beside their goals, the Node implementation's and those the work on the
per-poll cost started from. `make bench` rewrites it after a run of every
scenario over the whole day; `python -m bench.readme [results.json]` does it
by hand from a results file (default: the newest)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = Path(__file__).resolve().parent / "results"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
# The sections of the machine's probe at the start and end of a run (bench.__main__.probe).
PROBE = "the machine's speed"

# (label, section prefix, figure names, goal, Node, before): "before" is make
# bench at commit 82c82a9, before the work on the per-poll cost.
ROWS = [
    ("one race, end to end p50 / p95", "one race", ["end to end p50", "end to end p95"], "<= 10 / <= 14 ms",
     "12 / 27", "19.8 / 24.0"),
    ("one race: fetch / ingest / transform / commit p50", "one race",
     ["fetch p50", "ingest p50", "transform p50", "commit p50"], "", "4 / - / 3 / 5", "5.4 / 8.9 / 5.1 / 0.7"),
    ("ten races at once, odds moving: end to end p95, failed polls", "ten races",
     ["end to end p95", "failed polls"], "<= 60 ms, 0 %", "99 ms (odds unchanged); 31 % failed (odds moving)",
     "114.6 ms, 0 %"),
    ("the day in the database alone, 2 connections", "the day again, in the database alone",
     ["polls per second"], ">= 200 polls/s", "-", "94"),
    ("its floor: parse, repeat key, store, commit; no transform", "the day's floor",
     ["polls per second"], "", "-", "-"),
    ("the day, real path (the simulator on the same 2 cores)", "the day at full speed, real path",
     ["polls per second"], ">= 120 polls/s", "-", "54"),
]  # fmt: skip


def figure(results: dict, prefix: str, name: str) -> dict | None:
    return next(
        (f for f in results["figures"] if f["section"].startswith(prefix) and f["name"] == name), None
    )


def section(results: dict) -> str:
    lines = [
        START,
        "| figure | goal | Node | before (82c82a9) | now |",
        "|---|---|---|---|---|",
    ]
    for label, prefix, names, goal, node, before in ROWS:
        found = [figure(results, prefix, name) for name in names]
        now = " / ".join(f"{f['value']:,.1f}" if f else "-" for f in found)
        missed = any(f and f["verdict"] == "MISSED" for f in found)
        lines.append(f"| {label} | {goal} | {node} | {before} | {now}{' (missed)' if missed else ''} |")
    probes = [f["value"] for f in results["figures"] if f["section"].startswith(PROBE)]
    speed = (
        f" The machine's probe (a real-size event parsed as jsonb): {' ms, then '.join(f'{v:.2f}' for v in probes)} ms;"
        " figures compare only between runs of like probes."
        if probes
        else ""
    )
    lines += [
        "",
        f"`make bench` of {results['started'][:16].replace('T', ' ')} UTC at commit {results['commit']}, "
        f"{results['machine']['cpus']} cores; every figure is in docs/bench.md and the run's JSON.{speed}",
        END,
    ]
    return "\n".join(lines)


def update(results_path: Path, readme: Path = README) -> None:
    results = json.loads(results_path.read_text())
    text = readme.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(head + section(results) + tail)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else max(RESULTS.glob("*.json"), default=None)
    if path is None:
        print("bench.readme: no results in bench/results: run make bench first", file=sys.stderr)
        return 1
    update(path)
    print(f"bench.readme: README.md's benchmark section now shows {path.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
