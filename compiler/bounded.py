"""Reading input with a size limit: a file, a device such as ``/dev/zero``, a pipe or stdin.

``Path.read_bytes`` trusts the size the file system reports, which is 0 for devices and pipes,
so an endless input is read until memory runs out.  :func:`read_limited` reads at most
``limit + 1`` bytes and says when there was more.

State files gtm keeps under ``.gtm/`` (the journal) and files CI names for it must be regular
files: :func:`read_regular` and :func:`open_regular_for_write` open without blocking and refuse a
named pipe or a device, which would otherwise wait for a writer (or reader) for ever.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO, TextIO

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


def _kind(mode: int) -> str:
    return "a directory" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"


def _not_regular(path: Path, fd: int) -> OSError | None:
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return None
    return OSError(errno.EINVAL, f"not a regular file ({_kind(mode)})", str(path))


def read_regular(path: Path, limit: int, what: str | None = None) -> bytes:
    """Like :func:`read_limited`, for a file that must be a regular file: a named pipe or a device
    is an OSError at once (opened without blocking, so a pipe without a writer cannot hang)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        bad = _not_regular(path, fd)
        if bad:
            raise bad
        return read_stream(f, limit, what or str(path))


def open_regular_for_write(path: Path, truncate: bool = False) -> TextIO:
    """``path`` opened to append (or truncated) as UTF-8 text; an OSError when it is a named pipe,
    a device or a directory (never a wait for a reader)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG
    if not stat.S_ISREG(mode):  # checked first for a clear message; the fstat below closes the race
        raise OSError(errno.EINVAL, f"not a regular file ({_kind(mode)})", str(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | (0 if truncate else os.O_APPEND), 0o644)
    try:
        bad = _not_regular(path, fd)
        if bad:
            raise bad
        if truncate:
            os.ftruncate(fd, 0)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "a" if not truncate else "w", encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise


def finite_float(text: str) -> float:
    """``parse_float`` for ``json.loads``: a number too large for a float (``1e309``) is a ValueError,
    not Infinity (which no strict JSON can hold, and which gtm would print or compare)."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def strict_json_loads(text: str | bytes) -> Any:
    """``json.loads`` of strict JSON: ``NaN``/``Infinity`` and numbers too large for a float are a
    ValueError (a saved plan, plan file or record holding one would be printed or compared as
    Infinity); too deep nesting raises RecursionError as ``json.loads`` does."""
    return json.loads(text, parse_constant=_no_constant, parse_float=finite_float)
