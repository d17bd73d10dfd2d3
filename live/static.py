"""The race board's static files (web/): a fixed set of content types, and
nothing outside the directory."""

from __future__ import annotations

from pathlib import Path

TYPES = {
    ".html": b"text/html; charset=utf-8",
    ".js": b"text/javascript; charset=utf-8",
    ".css": b"text/css; charset=utf-8",
    ".svg": b"image/svg+xml",
    ".png": b"image/png",
    ".json": b"application/json; charset=utf-8",
}


def lookup(web_dir: Path, path: str) -> tuple[bytes, bytes] | None:
    """(content type, body) of the file a request path names (already
    percent-decoded by the server), or None: no such file, a type not served,
    a hidden name, or a path that leads out of the directory (.., a symlink).
    The files are a few kilobytes: read whole, per request, so an edit shows
    at once."""
    relative = path.lstrip("/") or "index.html"
    if any(part.startswith(".") for part in relative.split("/")):
        return None
    try:
        root = web_dir.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or target.suffix not in TYPES or not target.is_file():
            return None
        return TYPES[target.suffix], target.read_bytes()
    except (OSError, ValueError):  # unreadable, or a NUL byte in the path
        return None
