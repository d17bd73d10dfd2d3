"""Reading a response body with a cap on its decoded size.

httpx's own decoding inflates each network read (up to 64 KiB) in one call,
and deflate inflates about 1000:1: one read of a gzip bomb would be 64 MB in
memory before anyone could count it. So the raw bytes are read here and
inflated with zlib's max_length, never more than the cap allows, and the
read stops as soon as the body is known to be too large.
"""

from __future__ import annotations

import zlib

import httpx

# Advertised to the server: what this module can inflate within a bound.
ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLarge(Exception):
    """The decoded body passed the cap. `head` is what was read, `size` the
    body's size as far as it is known: the declared Content-Length of an
    uncompressed body, else the decoded bytes counted before the read
    stopped (a lower bound)."""

    def __init__(self, cap: int, head: bytes, size: int):
        super().__init__(f"body larger than {cap} bytes")
        self.head = head
        self.size = size


class BodyUndecodable(Exception):
    """A Content-Encoding this module does not inflate, or a corrupt stream."""


class _Inflater:
    def __init__(self, encoding: str):
        self.encoding = encoding
        if encoding in ("gzip", "x-gzip"):
            self.zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self.zlib = zlib.decompressobj()  # zlib-wrapped; raw deflate is tried on the first error
        else:
            raise BodyUndecodable(f"unsupported Content-Encoding: {encoding[:50]}")
        self.started = False

    def inflate(self, data: bytes, max_length: int) -> tuple[bytes, bytes]:
        """Up to max_length bytes of output, and the input left over."""
        try:
            out = self.zlib.decompress(data, max_length)
        except zlib.error as err:
            if self.encoding == "deflate" and not self.started:
                # Some servers send raw deflate under "deflate" (httpx does the same).
                self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self.started = True
                return self.inflate(data, max_length)
            raise BodyUndecodable(f"cannot inflate {self.encoding} body: {err}") from None
        self.started = True
        return out, self.zlib.unconsumed_tail


def _declared_length(response: httpx.Response) -> int | None:
    raw = response.headers.get("content-length", "")
    return int(raw) if raw.isdigit() else None


class CappedBody:
    """Collects a response's decoded body, at most `cap` bytes of it. What was
    read stays available (`data`) when the read fails or is cancelled (the
    request's deadline), so the failure can keep it."""

    def __init__(self, cap: int, keep: int):
        self.cap = cap
        self.keep = keep  # of a body found too large, the head kept for the record
        self.data = bytearray()

    async def read(self, response: httpx.Response) -> bytearray:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        inflater = None if encoding in ("", "identity") else _Inflater(encoding)
        declared = _declared_length(response) if inflater is None else None
        # An uncompressed body declared too large: only its head is read.
        stop_at = self.keep if declared is not None and declared > self.cap else None
        async for raw in response.aiter_raw():
            pending = raw
            while pending:
                if inflater is None:
                    out, pending = pending, b""
                else:
                    # One byte past what the cap allows: enough to know it is too large.
                    out, pending = inflater.inflate(pending, self.cap - len(self.data) + 1)
                self.data += out
                if len(self.data) > self.cap or (stop_at is not None and len(self.data) >= stop_at):
                    raise BodyTooLarge(
                        self.cap,
                        bytes(self.data[: self.keep]),
                        declared if declared is not None else len(self.data),
                    )
        if inflater is not None:
            self.data += inflater.zlib.flush(self.cap - len(self.data) + 1)
            if len(self.data) > self.cap:
                raise BodyTooLarge(self.cap, bytes(self.data[: self.keep]), len(self.data))
        return self.data  # not copied: a body near the cap would be in memory twice
