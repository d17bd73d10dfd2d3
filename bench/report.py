"""Figures, their goals, the printed table and the JSON file.

A figure is one number with its unit, the goal it is held to (if the issue
sets one), and the earlier Node implementation's number on this machine
where one was measured, so every line reads "ours, goal, then theirs"."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


def pct(values: list[float], p: float) -> float:
    """The p-quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p * (len(ordered) - 1)))))]


def spread(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": pct(values, 0.50),
        "p95": pct(values, 0.95),
        "p99": pct(values, 0.99),
        "max": max(values) if values else float("nan"),
    }


@dataclass
class Figure:
    section: str
    name: str
    value: float
    unit: str
    goal: str = ""  # e.g. "<= 6"; empty: reported, not held to a goal
    node: str = ""  # the earlier Node implementation, where measured

    @property
    def verdict(self) -> str:
        if not self.goal:
            return ""
        op, target = self.goal.split()
        ok = {
            "<=": self.value <= float(target),
            ">=": self.value >= float(target),
            "<": self.value < float(target),
            "==": self.value == float(target),
        }[op]
        return "met" if ok else "MISSED"


class Report:
    def __init__(self, settings: dict):
        self.started = datetime.now(UTC)
        self.settings = settings
        self.figures: list[Figure] = []
        self.details: dict[str, object] = {}

    def add(self, section: str, name: str, value: float, unit: str, goal: str = "", node: str = "") -> None:
        self.figures.append(Figure(section, name, float(value), unit, goal, node))

    def add_spread(
        self,
        section: str,
        name: str,
        values: list[float],
        goals: dict[str, str] | None = None,
        node: dict[str, str] | None = None,
    ) -> None:
        """p50, p95, p99 and max of per-poll milliseconds."""
        s = spread(values)
        for key in ("p50", "p95", "p99", "max"):
            self.add(
                section, f"{name} {key}", s[key], "ms", (goals or {}).get(key, ""), (node or {}).get(key, "")
            )

    def table(self) -> str:
        lines, section = [], None
        width = max((len(f.name) for f in self.figures), default=10)
        for f in self.figures:
            if f.section != section:
                section = f.section
                lines.append(f"\n{section}")
                lines.append(f"  {'figure':<{width}}  {'value':>12}  {'goal':<10} {'':<7} {'Node':>10}")
            value = f"{f.value:,.2f}" if f.value < 1000 else f"{f.value:,.0f}"
            lines.append(
                f"  {f.name:<{width}}  {value:>9} {f.unit:<3}  {f.goal:<10} {f.verdict:<7} {f.node:>10}"
            )
        missed = [f for f in self.figures if f.verdict == "MISSED"]
        met = [f for f in self.figures if f.verdict == "met"]
        lines.append(
            f"\ngoals: {len(met)} met, {len(missed)} missed"
            + (
                "".join(
                    f"\n  missed: {f.section}: {f.name} = {f.value:,.2f} {f.unit} (goal {f.goal})"
                    for f in missed
                )
            )
        )
        return "\n".join(lines)

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.started:%Y%m%dT%H%M%SZ}.json"
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=directory
        ).stdout.strip()
        path.write_text(
            json.dumps(
                {
                    "started": self.started.isoformat(),
                    "finished": datetime.now(UTC).isoformat(),
                    "commit": commit,
                    "machine": {
                        "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                        "system": platform.platform(),
                    },
                    "settings": self.settings,
                    "figures": [asdict(f) | {"verdict": f.verdict} for f in self.figures],
                    "details": self.details,
                },
                indent=2,
                default=str,
            )
            + "\n"
        )
        return path
