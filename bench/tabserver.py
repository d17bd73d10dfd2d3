"""The TAB simulator in a process of its own, its clock set by the bench.

Real-size events take the simulator a few milliseconds of Python to render;
in the bench's own process that work would compete for the interpreter with
the client being measured. A forked child serves them instead, and reads
virtual time from shared memory, so the bench decides what instant every
answer describes (a clock that stands still while the pipeline catches up).

TAB answers an event from its cache; rendering it is TAB's work, not the
fetcher's. So where the bench times a poll piece by piece (bench.polls), it
has the child render the answers it is about to ask for first (prepare()),
and the fetch figure is the fetcher's own: the request and 400 KB over
loopback, read under the cap. The day's real path renders on request: there
the simulator's work shares the two cores, as the figure says."""

from __future__ import annotations

import multiprocessing as mp
import signal
import sys
import threading
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


class PreparedSimulator(Simulator):
    """Answers a request rendered ahead by prepare() from that, once; any other as usual."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ready: dict[tuple, tuple[str, int, str]] = {}

    @staticmethod
    def _key(path: str, query: dict[str, str], t: float) -> tuple:
        return path, tuple(sorted(query.items())), t

    def prepare(self, paths: list[str], query: dict[str, str], t: float) -> None:
        ready = {self._key(path, query, t): self.respond(path, query, t) for path in paths}
        with self._lock:
            self.ready = ready  # the answers of one instant: the previous ones are not asked for again

    def respond(self, path: str, query: dict[str, str], t: float, fault: str | None = None):
        if fault is None:
            with self._lock:
                answer = self.ready.pop(self._key(path, query, t), None)
            if answer is not None:
                return answer
        return super().respond(path, query, t, fault)


def _serve(value, conn, requests, seed: int, layout_start: float, form_size: int) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Uncompressed: over loopback gzip costs the fetcher as much CPU as it
    # saves in reads (1.5 ms either way for 400 KB), and compressing on
    # request would charge TAB's work to the bench's two cores.
    sim = PreparedSimulator(
        seed, SharedClock(value), layout_start=layout_start, form_size=form_size, gzip=False
    ).start()
    conn.send(sim.httpd.server_address[1])  # the parent learns the port, and that it serves
    conn.close()

    def prepare() -> None:
        while True:
            paths, query, t = requests.recv()
            sim.prepare(paths, query, t)
            requests.send(True)

    threading.Thread(target=prepare, name="prepare", daemon=True).start()
    while True:
        signal.pause()


class TabServer:
    """Start with the racing day's layout; set(t) moves every answer to instant t."""

    def __init__(self, seed: int, layout_start: float, form_size: int):
        ctx = mp.get_context("fork")
        self._value = ctx.Value("d", layout_start, lock=False)
        parent, child = ctx.Pipe(duplex=False)
        self._requests, requests = ctx.Pipe()
        self.proc = ctx.Process(
            target=_serve,
            args=(self._value, child, requests, seed, layout_start, form_size),
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

    def prepare(self, paths: list[str], query: dict[str, str], t: float) -> None:
        """Has the answers to GET `paths` (under PREFIX) with `query` at instant
        t rendered now, so that serving them costs only the sending."""
        self._requests.send((paths, query, t))
        if not self._requests.poll(60):
            raise RuntimeError("the simulator did not render within 60 s")
        self._requests.recv()

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
