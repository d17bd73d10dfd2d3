"""The simulator's clock: real time, or a virtual time that starts at a chosen
instant and runs `speed` times faster than real time. The database can be
given the same clock (raceday.settings) so a simulated hour takes minutes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SimClock:
    def __init__(self, start: datetime | None = None, speed: float = 1.0):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._lock = threading.Lock()
        self.speed = speed
        self._virtual0 = (start or datetime.now(UTC)).timestamp()
        self._real0 = time.time()

    def now(self) -> float:
        """Virtual now, epoch seconds."""
        with self._lock:
            return self._virtual0 + (time.time() - self._real0) * self.speed

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def set(self, at: datetime, speed: float | None = None) -> None:
        with self._lock:
            self._virtual0 = at.timestamp()
            self._real0 = time.time()
            if speed is not None:
                if speed <= 0:
                    raise ValueError("speed must be positive")
                self.speed = speed

    def anchor(self) -> tuple[float, float, float]:
        """(virtual start, real start, speed): what the database needs to share this clock."""
        with self._lock:
            return self._virtual0, self._real0, self.speed


# The database's schedule reads its clock from raceday.settings (raceday.clock()):
# a virtual instant at a real instant, running `speed` times real time.


def set_database_clock(conn, virtual: float, real: float | None = None, speed: float = 1.0) -> None:
    """Gives the database a clock that read `virtual` (epoch seconds) at the
    real instant `real` (default: the database's now) and runs `speed` times
    real time."""
    conn.execute(
        "UPDATE raceday.settings SET clock_virtual = to_timestamp(%s), "
        "clock_real = coalesce(to_timestamp(%s), now()), clock_speed = %s",
        (virtual, real, speed),
    )


def share_database_clock(conn, clock: SimClock) -> None:
    """Gives the database this clock, so the schedule and the simulated
    racing day agree on what time it is."""
    set_database_clock(conn, *clock.anchor())


def freeze_database_clock(conn, at: float) -> None:
    """A database clock that stands still at `at` (the schedule needs a
    positive speed, so it moves by nanoseconds)."""
    set_database_clock(conn, at, speed=1e-9)


def real_database_clock(conn) -> None:
    """Hands the database's clock back to real time."""
    conn.execute("UPDATE raceday.settings SET clock_virtual = NULL, clock_real = NULL, clock_speed = 1")
