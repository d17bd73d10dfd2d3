"""Command line: python -m tabsim [--port N] [--seed N] [--start ISO] [--speed X] [--faults SPEC]"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import UTC, datetime

from .clock import SimClock
from .model import REAL_FORM_SIZE
from .server import FaultRates, Simulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tabsim", description="A simulator of the NZ TAB racing API.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the racing day")
    parser.add_argument("--start", help="virtual start instant, ISO 8601 with offset (default: now)")
    parser.add_argument("--speed", type=float, default=1.0, help="virtual seconds per real second")
    parser.add_argument("--faults", default="", help="fault rates, e.g. 500=0.02,429=0.01,truncated=0.01")
    parser.add_argument("--no-plunge", action="store_true", help="no insider plunge race")
    parser.add_argument(
        "--form-size",
        type=int,
        default=REAL_FORM_SIZE,
        help=f"last starts per runner ({REAL_FORM_SIZE}: real-size events, about 400 KB for 14 runners)",
    )
    args = parser.parse_args(argv)
    try:
        start = datetime.fromisoformat(args.start) if args.start else None
        if start is not None and start.tzinfo is None:
            raise ValueError("--start needs an explicit offset, e.g. 2026-07-17T00:00:00+00:00")
        clock = SimClock(start, args.speed)
        faults = FaultRates.parse(args.faults)
        sim = Simulator(
            args.seed, clock, args.port, faults, plunge=not args.no_plunge, form_size=args.form_size
        ).start()
    except (ValueError, OSError) as err:
        print(f"tabsim: error: {err}", file=sys.stderr)
        return 2
    virtual0, real0, speed = clock.anchor()
    # The clock line first: whoever waits for "serving" can then read both
    # (scripts/run.sh gives the database this clock).
    print(f"tabsim: clock virtual={virtual0:.6f} real={real0:.6f} speed={speed:g}", flush=True)
    print(
        f"tabsim: serving {sim.base_url} (seed {args.seed}, {len(sim.day.meetings)} meetings, "
        f"{len(sim.day.races)} races, laid out from {datetime.fromtimestamp(sim.day.start, UTC).isoformat()}, "
        f"speed {args.speed:g}x)",
        flush=True,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    sim.stop()
    print(f"tabsim: stopped after serving {sim.total_served()} responses", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
