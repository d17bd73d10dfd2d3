"""The memory a process may use, for the `raceday_memory_limit_bytes` gauge
that the fetcher, live and the exporter each export (the MemoryHigh alert
divides resident memory by it). One small package, copied into each
service's image, so the three read the limit the same way."""

from __future__ import annotations


def memory_limit_bytes() -> float:
    """Its cgroup's memory limit (a container's `memory:`), or the machine's
    memory when there is none; NaN when neither can be read."""
    machine = float("nan")
    try:
        with open("/proc/meminfo") as meminfo:
            machine = float(meminfo.readline().split()[1]) * 1024  # MemTotal, in kB
    except (OSError, IndexError, ValueError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as limit:
                value = limit.read().strip()
        except OSError:
            continue
        if value.isdigit():
            return min(float(value), machine) if machine == machine else float(value)
    return machine
