"""The HTTP face of the simulator: TAB's paths under /affiliates/v1, a few
control paths under /_tabsim, and fault injection.

Faults, per request (query parameter `tabsim_fault`) or as rates for every
request (FaultRates): latency, hang (longer than any client timeout), 5xx,
429 with Retry-After, malformed JSON, truncated JSON, empty body, an
event that is valid JSON with a value of the wrong type (badvalue: the
database must quarantine it), and three that a client must bound: huge (the
answer padded with whitespace to `huge_bytes`, still valid JSON), gzipbomb
(the same padding gzip-compressed, Content-Encoding: gzip: a few KB that
inflate to `bomb_bytes`) and trickle (the answer dribbled a piece every
`trickle_every_s`, so slowly it takes `trickle_s` in all, each piece in time
for any per-read timeout). Every
response actually sent is counted, so a test can check that whatever the
simulator served reached the database; with `ledger=True` each one is also
listed (Served: who asked, what, which status), so a test can account for
every response one by one. A huge, gzipbomb or trickle response is counted
when its head is sent: a client is meant to give up on its body, and still
records the response with its status.

A request may name the instant it wants answered (query parameter
`tabsim_at`, epoch seconds) instead of the simulator's clock: a replay
keeps polls of several instants in flight (tabsim.replay, overlap).

Like TAB, it answers gzip-compressed when the request accepts gzip
(`gzip=False` turns that off): an event of 400 KB is about 40 KB on the wire.
The bounded faults (huge, gzipbomb, trickle) are sent as they are.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import random
import struct
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .clock import SimClock
from .model import NZ, REAL_FORM_SIZE, RacingDay
from .payloads import envelope, event_json, meeting_json

PREFIX = "/affiliates/v1"
FAULTS = (
    "latency",
    "hang",
    "500",
    "502",
    "503",
    "429",
    "malformed",
    "truncated",
    "empty",
    "badvalue",
    "huge",
    "gzipbomb",
    "trickle",
)
# Faults whose body a bounded client abandons: counted once their head is sent.
ABANDONED = ("huge", "gzipbomb", "trickle")


@dataclass
class FaultRates:
    """Probability of each fault on any request (0 = never)."""

    rates: dict[str, float] = field(default_factory=dict)
    latency_ms: int = 200
    hang_s: float = 30.0
    retry_after_s: int = 1
    huge_bytes: int = 32 << 20  # above the fetcher's default cap (FETCHER_MAX_BODY_BYTES)
    bomb_bytes: int = 1 << 30  # inflated; about 1 MB on the wire
    trickle_s: float = 120.0  # far beyond the fetcher's default deadline (FETCHER_DEADLINE_S)
    trickle_every_s: float = 0.2

    @classmethod
    def parse(cls, spec: str) -> FaultRates:
        """'500=0.05,429=0.02,latency=0.1' -> FaultRates."""
        rates = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, _, value = part.partition("=")
            if name not in FAULTS:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
            rates[name] = float(value)
            if not 0 <= rates[name] <= 1:
                raise ValueError(f"fault rate for {name} must be within 0..1")
        return cls(rates)

    def draw(self, rng: random.Random) -> str | None:
        for name, p in self.rates.items():
            if rng.random() < p:
                return name
        return None


@dataclass(frozen=True)
class Served:
    """One response written in full to a client: a line of the ledger."""

    at: float  # real time (time.time()) when it was written
    client: str  # the X-Partner-ID header: which fetcher asked
    path: str
    query: dict[str, str]
    kind: str
    status: int
    fault: str | None


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: ten fetcher connections opened
    # at once on a loaded machine overflow it, and a dropped SYN is retried
    # after a second, longer than the tests' connect timeout. A real API's
    # backlog is far larger.
    request_queue_size = 128


class Simulator:
    """A running simulator. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        seed: int = 1,
        clock: SimClock | None = None,
        port: int = 0,
        faults: FaultRates | None = None,
        plunge: bool = True,
        layout_start: float | None = None,
        form_size: int = REAL_FORM_SIZE,
        ledger: bool = False,
        gzip: bool = True,
    ):
        self.clock = clock or SimClock()
        self.gzip = gzip
        self.day = RacingDay(
            seed, layout_start if layout_start is not None else self.clock.now(), plunge, form_size
        )
        self.faults = faults or FaultRates()
        self.served: Counter[str] = Counter()  # "<kind> <status>" -> responses sent
        self.hung = 0
        # Off by default: a long soak would otherwise keep every response in memory.
        self.ledger: list[Served] | None = [] if ledger else None
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._stopping = threading.Event()
        self.port = port
        # Bound by start(): a simulator driven in-process (tabsim.replay) has no socket.
        self.httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self.httpd is None:
            raise RuntimeError("the simulator is not serving: call start() first")
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"

    def start(self) -> Simulator:
        self.httpd = _Server(("127.0.0.1", self.port), _handler(self))
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="tabsim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def count(self, kind: str, status: int) -> None:
        with self._lock:
            self.served[f"{kind} {status}"] += 1

    def record(self, served: Served) -> None:
        if self.ledger is not None:
            with self._lock:
                self.ledger.append(served)

    def total_served(self) -> int:
        with self._lock:
            return sum(self.served.values())

    def draw_fault(self) -> str | None:
        with self._lock:
            return self.faults.draw(self._rng)

    # -- the API ------------------------------------------------------------

    def respond(
        self, path: str, query: dict[str, str], t: float, fault: str | None = None
    ) -> tuple[str, int, str]:
        """What the API answers for `path` at virtual time `t`, with a body
        fault applied: (kind, status, body). The HTTP handler serves it; an
        in-process replay (tabsim.replay) calls it directly."""
        kind = "other"
        try:
            if path == f"{PREFIX}/racing/meetings":
                kind = "meetings"
                status, doc = self.meetings(query, t)
                body = json.dumps(doc, separators=(",", ":"))
            elif path.startswith(f"{PREFIX}/racing/meetings/"):
                kind = "meeting"
                status, doc = self.meeting(path.rsplit("/", 1)[1], t)
                body = json.dumps(doc, separators=(",", ":"))
            elif path.startswith(f"{PREFIX}/racing/events/"):
                kind = "event"
                race = self.day.races.get(path.rsplit("/", 1)[1])
                if race is None:
                    status, body = 404, error_body(404, "event not found")
                else:
                    status, body = 200, event_json(self.day, race, t, query)
            else:
                status, body = 404, error_body(404, "no such path")
        except BadRequest as err:
            status, body = 400, error_body(400, str(err))
        if fault in ("500", "502", "503"):
            status = int(fault)
            body = error_body(status, "upstream error")
        elif fault == "429":
            status, body = 429, error_body(429, "too many requests")
        elif fault == "malformed":
            body = body.replace('"', "'", 7)
        elif fault == "truncated":
            body = body[: len(body) // 2]
        elif fault == "empty":
            body = ""
        elif fault == "huge":
            # Trailing whitespace: still the same valid JSON, however large.
            body += " " * max(0, self.faults.huge_bytes - len(body.encode()))
        elif fault == "badvalue" and kind == "event" and status == 200:
            doc = json.loads(body)
            entrants = doc["data"].get("money_tracker", {}).get("entrants")
            if entrants:
                entrants[0]["hold_percentage"] = "a lot"
                body = json.dumps(doc, separators=(",", ":"))
        return kind, status, body

    def meetings(self, query: dict[str, str], t: float) -> tuple[int, dict]:
        today = datetime.fromtimestamp(t, NZ).date()

        def day_of(value: str | None, name: str) -> date:
            if value in (None, "", "today"):
                return today
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                raise BadRequest(f"{name} must be YYYY-MM-DD or today") from None

        first, last = day_of(query.get("date_from"), "date_from"), day_of(query.get("date_to"), "date_to")
        try:
            limit = int(query.get("limit", 100))
            offset = int(query.get("offset", 0))
        except ValueError:
            raise BadRequest("limit and offset must be integers") from None
        if not 1 <= limit <= 200 or offset < 0:
            raise BadRequest("limit must be 1..200 and offset >= 0")
        countries = {c for c in query.get("country", "").split(",") if c.strip()}
        categories = {c for c in query.get("category", "").split(",") if c.strip()}
        found = [
            m
            for m in self.day.meetings
            if first <= date.fromisoformat(m.date) <= last
            and (not countries or m.country in countries)
            and (not categories or m.category in categories)
        ]
        page = found[offset : offset + limit]
        params = {
            "enc": "json",
            "date_from": str(first),
            "date_to": str(last),
            "country": query.get("country", " "),
            "type": query.get("category", " "),
            "limit": limit,
            "offset": offset,
        }
        return 200, envelope(
            "Race Meetings",
            f"{PREFIX}/racing/meetings",
            params,
            {"meetings": [meeting_json(m, self.day, t) for m in page]},
            t,
        )

    def meeting(self, meeting_id: str, t: float) -> tuple[int, dict]:
        for m in self.day.meetings:
            if m.meeting_id == meeting_id:
                return 200, envelope(
                    "Get meeting by id",
                    f"{PREFIX}/racing/meetings/{meeting_id}",
                    {"enc": "json", "id": meeting_id},
                    {"meetings": [meeting_json(m, self.day, t)]},
                    t,
                )
        return 404, {"error": {"code": 404, "message": f"meeting {meeting_id} not found"}}


class BadRequest(Exception):
    pass


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a fetcher opening ten
    # connections at once, while the simulator's threads hold the GIL
    # building bodies, had SYNs dropped and saw ConnectTimeout after 1 s.
    request_queue_size = 128


@functools.lru_cache(maxsize=4)
def _padding_deflate(size: int) -> tuple[bytes, int]:
    """`size` spaces as raw deflate blocks (not final) and their CRC-32.
    Compressing a gigabyte takes seconds; a 1 MiB piece compressed once and
    repeated is a valid stream (each piece is flushed to a byte boundary and
    refers to nothing before it), so a bomb of any size costs milliseconds."""
    piece = 1 << 20
    count, rest = divmod(size, piece)

    def deflated(n: int) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return c.compress(b" " * n) + c.flush(zlib.Z_SYNC_FLUSH)

    crc = 0
    for _ in range(count):
        crc = zlib.crc32(b" " * piece, crc)
    crc = zlib.crc32(b" " * rest, crc)
    return deflated(piece) * count + (deflated(rest) if rest else b""), crc


def error_body(code: int, message: str) -> str:
    """An error answer's body, in TAB's shape."""
    return json.dumps({"error": {"code": code, "message": message}})


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip (named, or *, with q above 0)."""
    for item in header.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        if name.lower() in ("gzip", "x-gzip", "*"):
            q = next((p[2:] for p in params if p.startswith("q=")), "1")
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def gzip_bomb(body: bytes, size: int) -> bytes:
    """A gzip stream of `size` spaces followed by `body` (leading whitespace
    keeps JSON valid), a few KB per MB it inflates to."""
    padding, crc = _padding_deflate(size)
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    tail = c.compress(body) + c.flush(zlib.Z_FINISH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return (
        header + padding + tail + struct.pack("<II", zlib.crc32(body, crc), (size + len(body)) & 0xFFFFFFFF)
    )


def _handler(sim: Simulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "tabsim/1"
        # The head and the body go out in separate writes: with Nagle's
        # algorithm the body's last segment waits for the client's delayed
        # ACK, up to 40 ms a response (measured: a 42 KB body took 44 ms
        # over loopback instead of 2.5).
        disable_nagle_algorithm = True

        def log_message(self, *args) -> None:  # quiet: the fetcher logs every poll
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except ConnectionResetError:  # a client killed mid-connection (the fault matrix does that)
                self.close_connection = True

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if url.path == "/_tabsim/day":
                # Which day this is, never faulted: make run stops polling the
                # races of other days, which this simulator answers with 404.
                self._send(
                    200,
                    json.dumps(
                        {"seed": sim.day.seed, "start": sim.day.start, "race_ids": sorted(sim.day.races)}
                    ),
                    None,
                )
                return
            fault = query.pop("tabsim_fault", None) or sim.draw_fault()
            # The instant to answer for, when the asker says (a replay with polls of
            # several instants in flight); else the simulator's clock.
            at = query.pop("tabsim_at", None)
            try:
                t = sim.clock.now() if at is None else float(at)
                if not math.isfinite(t):
                    raise ValueError(at)
            except ValueError:
                self._send(
                    400,
                    error_body(400, "tabsim_at: not a finite number"),
                    None,
                )
                return
            if fault == "latency":
                time.sleep(sim.faults.latency_ms / 1000)
                fault = None
            if fault == "hang":
                with sim._lock:
                    sim.hung += 1
                sim._stopping.wait(sim.faults.hang_s)
                self.close_connection = True
                return
            if url.path == "/_tabsim/stats":
                self._send(
                    200,
                    json.dumps({"served": dict(sim.served), "hung": sim.hung, "total": sim.total_served()}),
                    None,
                )
                return
            kind, status, body = sim.respond(url.path, query, t, fault)
            if self._send(status, body, kind, fault):
                sim.record(
                    Served(
                        time.time(),
                        self.headers.get("X-Partner-ID", ""),
                        url.path,
                        query,
                        kind,
                        status,
                        fault,
                    )
                )

        def _send(self, status: int, body: str, kind: str | None, fault: str | None = None) -> bool:
            """Writes the response; False if the client was gone before it was
            written (a huge, gzipbomb or trickle response: before its head was)."""
            data = body.encode()
            encoding = None
            if fault == "gzipbomb":
                data, encoding = gzip_bomb(data, sim.faults.bomb_bytes), "gzip"
            elif (
                sim.gzip and fault not in ABANDONED and accepts_gzip(self.headers.get("Accept-Encoding", ""))
            ):
                # Level 1: a few milliseconds for an event, a tenth of its size.
                data, encoding = gzip.compress(data, compresslevel=1, mtime=0), "gzip"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            if status == 429:
                self.send_header("Retry-After", str(sim.faults.retry_after_s))
            self.end_headers()
            abandoned = fault in ABANDONED
            try:
                if abandoned:
                    self.wfile.flush()
                    if kind is not None:
                        sim.count(kind, status)
                if fault == "trickle":
                    self._trickle(data)
                else:
                    self.wfile.write(data)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up: nothing was served
                return abandoned
            if kind is not None and not abandoned:
                sim.count(kind, status)
            return True

        def _trickle(self, data: bytes) -> None:
            """The body a piece at a time, every trickle_every_s, over trickle_s in all."""
            every = sim.faults.trickle_every_s
            size = max(1, math.ceil(len(data) * every / max(sim.faults.trickle_s, every)))
            for at in range(0, len(data), size):
                if sim._stopping.wait(every):
                    self.close_connection = True
                    return
                self.wfile.write(data[at : at + size])
                self.wfile.flush()

    return Handler
