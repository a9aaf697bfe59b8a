"""Reading input with a size limit: a file, a device such as ``/dev/zero``, a pipe or stdin.

``Path.read_bytes`` trusts the size the file system reports, which is 0 for devices and pipes,
so an endless input is read until memory runs out.  :func:`read_limited` reads at most
``limit + 1`` bytes and says when there was more.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 16


class TooLarge(Exception):
    """The input is larger than the limit."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what} is larger than the limit of {limit:,} bytes")
        self.limit = limit


def read_stream(f: BinaryIO, limit: int, what: str = "input") -> bytes:
    """At most ``limit`` bytes of ``f``; raise :class:`TooLarge` when it holds more."""
    parts: list[bytes] = []
    got = 0
    while got <= limit:
        chunk = f.read(min(CHUNK, limit + 1 - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    if got > limit:
        raise TooLarge(what, limit)
    return b"".join(parts)


def read_limited(path: Path, limit: int, what: str | None = None) -> bytes:
    """The bytes of ``path`` (OSError as usual); raise :class:`TooLarge` past ``limit`` bytes."""
    with path.open("rb") as f:
        return read_stream(f, limit, what or str(path))
