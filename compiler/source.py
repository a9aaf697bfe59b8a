"""Loading YAML spec files into plain data with a source position for every key and value.

The loader is defensive: size, encoding, binary junk, tab indentation, nesting depth and
alias expansion are checked on the raw bytes and on the YAML event stream *before* a
tree is composed, so hostile input becomes a diagnostic rather than a hang or traceback.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from compiler.diagnostics import Diagnostic, SourceRange, error

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000  # expanded nodes per file, counting every alias expansion

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML document: plain data plus positions keyed by path."""

    file: str
    index: int
    data: Any
    values: dict[Path_, SourceRange] = field(default_factory=dict)
    keys: dict[Path_, SourceRange] = field(default_factory=dict)
    start: SourceRange | None = None

    def at(self, path: Path_, key: bool = False) -> SourceRange:
        """Best source range for ``path``: exact, else the nearest ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        while True:
            if p in table:
                return table[p]
            if key and p in self.values:
                return self.values[p]
            if not p:
                break
            p = p[:-1]
            table = self.values
        return self.start or SourceRange(self.file, 1, 1)

    @property
    def kind(self) -> str | None:
        if isinstance(self.data, dict):
            k = self.data.get("kind")
            return k if isinstance(k, str) else None
        return None


@dataclass
class LoadResult:
    documents: list[Document]
    diagnostics: list[Diagnostic]


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def _offset_to_linecol(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    last_nl = data.rfind(b"\n", 0, offset)
    return line, offset - last_nl


_TAB_INDENT = re.compile(r"^( *)\t", re.MULTILINE)


def _precheck_bytes(raw: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    if len(raw) > MAX_FILE_BYTES:
        return None, [
            error(
                "GTM008",
                f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                SourceRange(display, 1, 1),
                hint="split the specs across several files",
            )
        ]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [error("GTM004", "file is UTF-16 encoded; save it as UTF-8", SourceRange(display, 1, 1))]
    nul = raw.find(b"\x00")
    if nul != -1:
        line, col = _offset_to_linecol(raw, nul)
        return None, [
            error("GTM009", "file holds binary data (NUL byte); specs must be UTF-8 text",
                  SourceRange(display, line, col))
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _offset_to_linecol(raw, e.start)
        return None, [
            error(
                "GTM004",
                f"file is not valid UTF-8 (byte 0x{raw[e.start]:02x})",
                SourceRange(display, line, col),
                hint="save the file as UTF-8",
            )
        ]
    bad_ctrl = re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad_ctrl:
        line = text.count("\n", 0, bad_ctrl.start()) + 1
        col = bad_ctrl.start() - (text.rfind("\n", 0, bad_ctrl.start()) + 1) + 1
        return None, [
            error("GTM009", f"file holds a control character (U+{ord(bad_ctrl.group()):04X})",
                  SourceRange(display, line, col))
        ]
    m = _TAB_INDENT.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        return None, [
            error(
                "GTM003",
                "tab character in indentation; YAML indents with spaces",
                SourceRange(display, line, len(m.group(1)) + 1, line, len(m.group(1)) + 2),
                hint="replace the tab with spaces",
            )
        ]
    return text, []


def _mark_range(display: str, mark: Any) -> SourceRange:
    if mark is None:
        return SourceRange(display, 1, 1)
    return SourceRange(display, int(mark.line) + 1, int(mark.column) + 1)


def _scan_events(text: str, display: str) -> list[Diagnostic]:
    """Walk the event stream: nesting depth and expanded size (alias bombs)."""
    y = _yaml()
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = []  # [count, anchor]
    depth = 0
    total = 0
    try:
        for ev in y.parse(text):
            if isinstance(ev, MappingStartEvent | SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return [error("GTM006", f"nesting deeper than {MAX_DEPTH} levels",
                                  _mark_range(display, ev.start_mark))]
                stack.append([1, ev.anchor])
            elif isinstance(ev, CollectionEndEvent):
                depth -= 1
                if not stack:
                    continue
                count, anchor = stack.pop()
                if anchor:
                    sizes[anchor] = count
                if stack:
                    stack[-1][0] += count
                total += 0
            elif isinstance(ev, ScalarEvent):
                if ev.anchor:
                    sizes[ev.anchor] = 1
                if stack:
                    stack[-1][0] += 1
                total += 1
            elif isinstance(ev, AliasEvent):
                n = sizes.get(ev.anchor, 1)
                total += n
                if stack:
                    stack[-1][0] += n
                if total > MAX_NODES or (stack and stack[-1][0] > MAX_NODES):
                    return [error("GTM005",
                                  f"aliases expand to more than {MAX_NODES:,} nodes (alias bomb?)",
                                  _mark_range(display, ev.start_mark))]
    except MarkedYAMLError as e:
        return [_yaml_error(display, e)]
    except YAMLError as e:
        return [error("GTM001", f"YAML syntax error: {e}", SourceRange(display, 1, 1))]
    except RecursionError:
        return [error("GTM006", "nesting too deep to parse", SourceRange(display, 1, 1))]
    return []


def _yaml_error(display: str, e: MarkedYAMLError) -> Diagnostic:
    mark = e.problem_mark or e.context_mark
    problem = (e.problem or "").strip() or str(e).splitlines()[0]
    context = (e.context or "").strip()
    summary = f"YAML syntax error: {problem}"
    notes: tuple[str, ...] = ()
    if context and e.context_mark is not None and e.context_mark is not mark:
        notes = (f"{context} at line {e.context_mark.line + 1}, column {e.context_mark.column + 1}",)
    if isinstance(e, DuplicateKeyError):
        key = problem
        m = re.search(r'found duplicate key "([^"]*)"', str(e))
        if m:
            key = m.group(1)
        return error("GTM002", f'duplicate key "{key}"', _mark_range(display, mark),
                     notes=tuple(n for n in notes), hint="each key may appear once per mapping")
    if "\t" in problem or "'\\t'" in problem:
        return error("GTM003", "tab character where YAML expects spaces", _mark_range(display, mark))
    return error("GTM001", summary, _mark_range(display, mark), notes=notes)


_TOKEN_END = re.compile(r"\s+#|,\s|[,\]}]|$")


def _value_end(line_text: str | None, col0: int) -> int | None:
    if line_text is None or col0 >= len(line_text):
        return None
    rest = line_text[col0:]
    if rest[:1] in ("'", '"'):
        q = rest[0]
        i = 1
        while i < len(rest):
            if rest[i] == q and (q == '"' and rest[i - 1] != "\\" or q == "'"):
                return col0 + i + 1
            i += 1
        return col0 + len(rest.rstrip())
    if rest[:1] in ("{", "[", "|", ">"):
        return col0 + 1
    m = _TOKEN_END.search(rest)
    end = m.start() if m else len(rest)
    return col0 + max(len(rest[:end].rstrip()), 1)


class _Converter:
    def __init__(self, doc: Document, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self.nodes = 0

    def rng(self, line0: int, col0: int, scalar: bool) -> SourceRange:
        end = None
        if scalar and 0 <= line0 < len(self.lines):
            end = _value_end(self.lines[line0], col0)
        return SourceRange(self.doc.file, line0 + 1, col0 + 1,
                           line0 + 1 if end is not None else None,
                           end + 1 if end is not None else None)

    def convert(self, node: Any, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _TooBig
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            for k, v in node.items():
                key = self.scalar(k)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    key = str(key)
                try:
                    kl, kc = node.lc.key(k)
                    self.doc.keys[(*path, key)] = self.rng(kl, kc, True)
                    vl, vc = node.lc.value(k)
                    self.doc.values[(*path, key)] = self.rng(
                        vl, vc, not isinstance(v, CommentedMap | CommentedSeq))
                except (KeyError, TypeError, AttributeError):
                    pass
                out[key] = self.convert(v, (*path, key), depth + 1)
            return out
        if isinstance(node, CommentedSeq):
            items: list[Any] = []
            for i, v in enumerate(node):
                try:
                    il, ic = node.lc.item(i)
                    self.doc.values[(*path, i)] = self.rng(
                        il, ic, not isinstance(v, CommentedMap | CommentedSeq))
                except (KeyError, TypeError, AttributeError):
                    pass
                items.append(self.convert(v, (*path, i), depth + 1))
            return items
        return self.scalar(node)

    @staticmethod
    def scalar(v: Any) -> Any:
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, int):
            return int(v)
        if isinstance(v, float):
            return float(v)
        if isinstance(v, str):
            return str(v)
        if isinstance(v, _dt.datetime | _dt.date):
            return v.isoformat()
        if isinstance(v, bytes):
            return v.decode("utf-8", errors="replace")
        return str(v)


class _TooBig(Exception):
    pass


def load_text(text: str, display: str) -> LoadResult:
    """Load YAML text (already decoded) into documents; never raises on bad input."""
    diags = _scan_events(text, display)
    if diags:
        return LoadResult([], diags)
    y = _yaml()
    lines = text.splitlines()
    docs: list[Document] = []
    try:
        for i, raw in enumerate(y.load_all(text)):
            doc = Document(display, i, None)
            start = None
            if isinstance(raw, CommentedMap | CommentedSeq):
                try:
                    start = SourceRange(display, raw.lc.line + 1, raw.lc.col + 1)
                except (AttributeError, TypeError):
                    start = None
            doc.start = start or SourceRange(display, 1, 1)
            try:
                doc.data = _Converter(doc, lines).convert(raw, (), 0)
            except _TooBig:
                return LoadResult([], [error("GTM005", "document expands beyond the size limit",
                                             doc.start)])
            docs.append(doc)
    except MarkedYAMLError as e:
        return LoadResult([], [_yaml_error(display, e)])
    except YAMLError as e:
        return LoadResult([], [error("GTM001", f"YAML error: {e}", SourceRange(display, 1, 1))])
    except RecursionError:
        return LoadResult([], [error("GTM006", "nesting too deep to parse", SourceRange(display, 1, 1))])
    docs = [d for d in docs if d.data is not None or len(docs) == 1]
    if not docs or all(d.data is None for d in docs):
        return LoadResult([], [error("GTM007", "file holds no YAML document",
                                     SourceRange(display, 1, 1),
                                     hint="add a document or delete the file")])
    return LoadResult(docs, [])


def load_file(path: Path, display: str) -> LoadResult:
    """Read and load one file, turning every failure into a diagnostic."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return LoadResult([], [error("GTM008", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                                         SourceRange(display, 1, 1))])
        raw = path.read_bytes()
    except OSError as e:
        return LoadResult([], [error("GTM013", f"cannot read file: {e.strerror or e}",
                                     SourceRange(display, 1, 1))])
    text, diags = _precheck_bytes(raw, display)
    if text is None:
        return LoadResult([], diags)
    return load_text(text, display)
