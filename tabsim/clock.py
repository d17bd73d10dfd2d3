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
