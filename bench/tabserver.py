"""The TAB simulator in a process of its own, its clock set by the bench.

Real-size events take the simulator a few milliseconds of Python to render;
in the bench's own process that work would compete for the interpreter with
the client being measured. A forked child serves them instead, and reads
virtual time from shared memory, so the bench decides what instant every
answer describes (a clock that stands still while the pipeline catches up)."""

from __future__ import annotations

import multiprocessing as mp
import signal
import sys
from datetime import UTC, datetime

from tabsim.clock import SimClock
from tabsim.server import Simulator


class SharedClock(SimClock):
    """Virtual time = a shared double the parent sets; it does not run by itself."""

    def __init__(self, value):
        super().__init__()
        self._value = value

    def now(self) -> float:
        return self._value.value


def _serve(value, conn, seed: int, layout_start: float, form_size: int) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sim = Simulator(seed, SharedClock(value), layout_start=layout_start, form_size=form_size).start()
    conn.send(sim.httpd.server_address[1])  # the parent learns the port, and that it serves
    conn.close()
    while True:
        signal.pause()


class TabServer:
    """Start with the racing day's layout; set(t) moves every answer to instant t."""

    def __init__(self, seed: int, layout_start: float, form_size: int):
        ctx = mp.get_context("fork")
        self._value = ctx.Value("d", layout_start, lock=False)
        parent, child = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(
            target=_serve,
            args=(self._value, child, seed, layout_start, form_size),
            daemon=True,
            name="tabsim",
        )
        self.proc.start()
        child.close()
        if not parent.poll(60):
            self.stop()
            raise RuntimeError("the simulator did not start within 60 s")
        self.port = parent.recv()
        parent.close()
        # The same racing day, for the bench to pick races from (not served).
        self.sim = Simulator(
            seed,
            SimClock(datetime.fromtimestamp(layout_start, UTC)),
            layout_start=layout_start,
            form_size=form_size,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/affiliates/v1"

    def set(self, t: float) -> None:
        self._value.value = t

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
