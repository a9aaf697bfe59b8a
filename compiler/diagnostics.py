"""Diagnostics: one object per finding, rendered to text and JSON from the same data.

Every stage of the pipeline (load, parse, check, lower, plan) returns its result plus a
list of :class:`Diagnostic`. A diagnostic carries a stable code (see
:mod:`compiler.codes`), a severity, a one-line summary, an optional source range and
resource address, and optional notes/hints.  Rendering is a pure function of the object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Severity(StrEnum):
    """How bad a diagnostic is; ``error`` makes commands exit 1."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class SourceRange:
    """A span in a spec file.  Lines and columns are 1-based; ``end_col`` is exclusive.

    Immutable and compared by value.  A range may be *deferred*: built from a function that finds
    it, called on first use.  Parsing records a range for every condition node but diagnostics
    read only a few, so deferring keeps position lookups off the validate path.
    """

    __slots__ = ("_col", "_end_col", "_end_line", "_file", "_find", "_line")

    _file: str
    _line: int
    _col: int
    _end_line: int | None
    _end_col: int | None
    _find: Callable[[], SourceRange] | None

    def __init__(self, file: str, line: int, col: int, end_line: int | None = None,
                 end_col: int | None = None) -> None:
        object.__setattr__(self, "_find", None)
        self._set(file, line, col, end_line, end_col)

    def _set(self, file: str, line: int, col: int, end_line: int | None, end_col: int | None) -> None:
        for name, value in (("_file", file), ("_line", line), ("_col", col), ("_end_line", end_line),
                            ("_end_col", end_col)):
            object.__setattr__(self, name, value)

    @classmethod
    def deferred(cls, find: Callable[[], SourceRange]) -> SourceRange:
        """A range located by ``find()`` the first time any of its fields is read."""
        r = cls.__new__(cls)
        object.__setattr__(r, "_find", find)
        return r

    def _resolve(self) -> None:
        find = self._find
        if find is not None:
            found = find()
            self._set(found.file, found.line, found.col, found.end_line, found.end_col)
            object.__setattr__(self, "_find", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("SourceRange is immutable")

    @property
    def file(self) -> str:
        self._resolve()
        return self._file

    @property
    def line(self) -> int:
        self._resolve()
        return self._line

    @property
    def col(self) -> int:
        self._resolve()
        return self._col

    @property
    def end_line(self) -> int | None:
        self._resolve()
        return self._end_line

    @property
    def end_col(self) -> int | None:
        self._resolve()
        return self._end_col

    def _key(self) -> tuple[str, int, int, int | None, int | None]:
        self._resolve()
        return (self._file, self._line, self._col, self._end_line, self._end_col)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceRange):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: SourceRange) -> bool:
        return self._key() < other._key()

    def __le__(self, other: SourceRange) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: SourceRange) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: SourceRange) -> bool:
        return self._key() >= other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        f, line, col, el, ec = self._key()
        return f"SourceRange(file={f!r}, line={line!r}, col={col!r}, end_line={el!r}, end_col={ec!r})"

    def __reduce__(self) -> tuple[type[SourceRange], tuple[str, int, int, int | None, int | None]]:
        return (SourceRange, self._key())

    def to_dict(self) -> dict[str, Any]:
        f, line, col, el, ec = self._key()
        return {
            "file": f,
            "line": line,
            "col": col,
            "end_line": el if el is not None else line,
            "end_col": ec if ec is not None else col + 1,
        }

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """A single finding with a stable code."""

    code: str
    severity: Severity
    summary: str
    range: SourceRange | None = None
    address: str | None = None
    notes: tuple[str, ...] = ()
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "summary": self.summary,
        }
        if self.range is not None:
            out["range"] = self.range.to_dict()
        if self.address is not None:
            out["address"] = self.address
        if self.notes:
            out["notes"] = list(self.notes)
        if self.hint:
            out["hint"] = self.hint
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Diagnostic:
        """Read back :meth:`to_dict`."""
        r = d.get("range")
        rng = SourceRange(r["file"], r["line"], r["col"], r.get("end_line"), r.get("end_col")) if r else None
        return cls(d["code"], Severity(d["severity"]), d["summary"], rng, d.get("address"),
                   tuple(d.get("notes") or ()), d.get("hint"))

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.range is None:
            return ("", 0, 0, self.code)
        return (self.range.file, self.range.line, self.range.col, self.code)


def error(code: str, summary: str, rng: SourceRange | None = None, **kw: Any) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, summary, rng, **kw)


def warning(code: str, summary: str, rng: SourceRange | None = None, **kw: Any) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, summary, rng, **kw)


@dataclass
class Diagnostics:
    """An ordered, append-only collection of diagnostics."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, d: Diagnostic) -> None:
        self.items.append(d)

    def extend(self, ds: Iterable[Diagnostic]) -> None:
        self.items.extend(ds)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


class SourceCache:
    """Reads source lines for rendering carets; tolerant of missing/binary files."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._lines: dict[str, list[str] | None] = {}

    def line(self, file: str, line: int) -> str | None:
        if file not in self._lines:
            path = Path(file)
            if self.root is not None and not path.is_absolute():
                path = self.root / path
            try:
                from compiler.bounded import TooLarge, read_limited
                from compiler.source import MAX_FILE_BYTES

                text = read_limited(path, MAX_FILE_BYTES).decode("utf-8", errors="replace")
                self._lines[file] = text.splitlines()
            except (OSError, TooLarge):
                self._lines[file] = None
        lines = self._lines[file]
        if lines is None or line < 1 or line > len(lines):
            return None
        return lines[line - 1]


_MAX_SNIPPET = 160


def render_text(d: Diagnostic, sources: SourceCache | None = None) -> str:
    """Render ``file:line:col: severity[CODE]: summary`` with a source line and caret."""
    head = f"{d.severity.value}[{d.code}]: {d.summary}"
    if d.range is not None:
        head = f"{d.range}: {head}"
    out = [head]
    if d.address:
        out.append(f"  = resource: {d.address}")
    if d.range is not None and sources is not None:
        src = sources.line(d.range.file, d.range.line)
        if src is not None:
            src = "".join(ch if ch.isprintable() else ("?" if ch != "\t" else " ") for ch in src)
            if len(src) > _MAX_SNIPPET:
                src = src[:_MAX_SNIPPET] + "…"
            num = str(d.range.line)
            pad = " " * len(num)
            start = max(d.range.col - 1, 0)
            if d.range.end_line in (None, d.range.line) and d.range.end_col is not None:
                width = max(d.range.end_col - d.range.col, 1)
            else:
                width = max(len(src) - start, 1)
            width = max(min(width, len(src) - start), 1)
            out.append(f"  {num} | {src}")
            out.append(f"  {pad} | {' ' * start}{'^' * width}")
    for note in d.notes:
        out.append(f"  = {note}")
    if d.hint:
        out.append(f"  = hint: {d.hint}")
    return "\n".join(out)


def render_text_all(ds: Iterable[Diagnostic], sources: SourceCache | None = None) -> str:
    return "\n".join(render_text(d, sources) for d in ds)


def to_json(ds: Iterable[Diagnostic]) -> str:
    items = list(ds)
    payload = {
        "format_version": "1.0",
        "valid": not any(d.is_error for d in items),
        "error_count": sum(1 for d in items if d.is_error),
        "warning_count": sum(1 for d in items if d.severity is Severity.WARNING),
        "diagnostics": [d.to_dict() for d in items],
    }
    return json.dumps(payload, indent=2, sort_keys=False, allow_nan=False)


def github_annotation(d: Diagnostic) -> str:
    """Render as a GitHub Actions workflow command (``::error file=…,line=…,col=…::…``)."""
    kind = {"error": "error", "warning": "warning", "note": "notice"}[d.severity.value]
    props: list[str] = []
    if d.range is not None:
        props.append(f"file={_gh_prop(d.range.file)}")
        props.append(f"line={d.range.line}")
        props.append(f"col={d.range.col}")
        if d.range.end_line is not None:
            props.append(f"endLine={d.range.end_line}")
        if d.range.end_col is not None and d.range.end_line in (None, d.range.line):
            props.append(f"endColumn={d.range.end_col}")
    props.append(f"title={_gh_prop(d.code)}")
    msg = d.summary
    if d.hint:
        msg += f"\nhint: {d.hint}"
    return f"::{kind} {','.join(props)}::{_gh_data(msg)}"


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")
