"""Archive files: a table's rows as PostgreSQL's COPY text, zstd-compressed,
beside a JSON manifest (day, kind, row count, sizes, the file's sha256 and,
for raw responses, each body's). Writing streams: a day never sits in
memory whole."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

LEVEL = 10  # docs/archive.md: size and time at levels 3-19 on a simulated day
# What COPY's text format escapes, besides the backslash itself.
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


@dataclass
class Manifest:
    day: str
    kind: str
    columns: list[str]
    rows: int = 0
    bytes: int = 0
    raw_bytes: int = 0
    sha256: str = ""
    bodies: dict[str, str] = field(default_factory=dict)  # raw: id -> sha256 of the body as received

    @property
    def file(self) -> str:
        return f"{self.kind}/{self.day}.copy.zst"

    def dump(self) -> str:
        return json.dumps({"format": "PostgreSQL COPY text, zstd", **self.__dict__}, indent=1)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        data.pop("format", None)
        return cls(**data)


def manifest_path(directory: Path, kind: str, day: str) -> Path:
    return directory / kind / f"{day}.manifest.json"


def decode_field(text: str) -> str | None:
    """One field of a COPY text line, unescaped; None for \\N. Split at the
    escaped backslashes first: every backslash left then starts an escape.
    String methods only, which run at C speed over 500 KB bodies."""
    if text == "\\N":
        return None
    if "\\" not in text:
        return text
    parts = text.split("\\\\")
    for i, part in enumerate(parts):
        if "\\" in part:
            for escaped, char in _ESCAPES.items():
                part = part.replace("\\" + escaped, char)
            parts[i] = part
    return "\\".join(parts)


def body_hashes(line: bytes, columns: list[str]) -> tuple[str, str] | None:
    """(id, sha256 of the body) of a raw line: the body as received, or the
    text kept when it was not JSON; None when it has neither."""
    fields = line.rstrip(b"\n").decode().split("\t")
    row = dict(zip(columns, fields, strict=True))
    body = decode_field(row["body"])
    if body is None:
        body = decode_field(row["body_raw"])
    if body is None:
        return None
    return decode_field(row["id"]), hashlib.sha256(body.encode()).hexdigest()


def _atomic_replace(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)
    dir_fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write(directory: Path, manifest: Manifest, chunks) -> Manifest:
    """Writes the COPY text `chunks` (bytes) to the manifest's file, then the
    manifest, each under a temporary name renamed once on disk."""
    final = directory / manifest.file
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_suffix(".tmp")
    digest = hashlib.sha256()
    pending = b""

    class Hashing:
        """The file object zstandard writes to: hashes what reaches the disk."""

        def __init__(self, f):
            self.f = f

        def write(self, data):
            digest.update(data)
            manifest.bytes += len(data)
            return self.f.write(data)

    manifest.rows = manifest.raw_bytes = manifest.bytes = 0
    with (
        open(tmp, "wb") as f,
        zstandard.ZstdCompressor(level=LEVEL).stream_writer(Hashing(f), closefd=False) as z,
    ):
        for chunk in chunks:
            chunk = bytes(chunk)
            manifest.raw_bytes += len(chunk)
            z.write(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            manifest.rows += len(lines)
            if manifest.kind == "raw":
                for line in lines:
                    hashed = body_hashes(line, manifest.columns)
                    if hashed:
                        manifest.bodies[hashed[0]] = hashed[1]
    if pending:
        raise ValueError(f"{manifest.file}: the COPY stream did not end with a whole line")
    manifest.sha256 = digest.hexdigest()
    _atomic_replace(tmp, final)
    mtmp = manifest_path(directory, manifest.kind, manifest.day).with_suffix(".tmp")
    mtmp.write_text(manifest.dump())
    _atomic_replace(mtmp, manifest_path(directory, manifest.kind, manifest.day))
    return manifest


def read_lines(path: Path):
    """The COPY text lines of an archive file, decompressed as they are read."""
    with open(path, "rb") as f, zstandard.ZstdDecompressor().stream_reader(f) as z:
        pending = b""
        while chunk := z.read(1 << 20):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line + b"\n"
        if pending:
            raise ValueError(f"{path}: ends within a line")


def verify(directory: Path, kind: str, day: str, expected_sha256: str | None = None) -> Manifest:
    """Reads an archive back whole: its sha256 against the manifest's (and
    the database's, if given), its rows counted, each raw body hashed again.
    ValueError says what does not match; OSError if a file is missing."""
    manifest = Manifest.load(manifest_path(directory, kind, day))
    path = directory / manifest.file
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    if digest.hexdigest() != manifest.sha256:
        raise ValueError(
            f"{manifest.file}: sha256 {digest.hexdigest()} is not the manifest's {manifest.sha256}"
        )
    if expected_sha256 is not None and expected_sha256 != manifest.sha256:
        raise ValueError(f"{manifest.file}: the manifest's sha256 is not the one the database recorded")
    rows, seen = 0, 0
    try:
        for line in read_lines(path):
            rows += 1
            if kind == "raw" and (hashed := body_hashes(line, manifest.columns)):
                seen += 1
                if manifest.bodies.get(hashed[0]) != hashed[1]:
                    raise ValueError(
                        f"{manifest.file}: the body of response {hashed[0]} does not match its sha256"
                    )
    except zstandard.ZstdError as err:
        raise ValueError(f"{manifest.file}: not a whole zstd stream: {err}") from err
    if rows != manifest.rows:
        raise ValueError(f"{manifest.file}: {rows} rows, the manifest says {manifest.rows}")
    if kind == "raw" and seen != len(manifest.bodies):
        raise ValueError(f"{manifest.file}: {seen} bodies, the manifest lists {len(manifest.bodies)}")
    return manifest
