"""The gateway's cache of composed SQL, keyed by a query's shape: least
recently used first out, bounded in entries and in bytes. Shapes are chosen
by clients (aliases, the length of an in-list), so a bound on entries alone
would still let a client fill memory with a few thousand large statements."""

from __future__ import annotations

from collections import OrderedDict

# Per entry beyond its SQL text: the key's tuples and the dict's slot.
_OVERHEAD = 512


class StatementCache:
    def __init__(self, max_entries: int = 4096, max_bytes: int = 16 << 20):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple) -> bytes | None:
        text = self._entries.get(key)
        if text is not None:
            self._entries.move_to_end(key)
        return text

    def put(self, key: tuple, text: bytes) -> None:
        cost = len(text) + _OVERHEAD
        if cost > self.max_bytes // 16:
            return  # one statement never takes much of the cache: composed again when asked
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= len(old) + _OVERHEAD
        self._entries[key] = text
        self.bytes += cost
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= len(evicted) + _OVERHEAD

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0
