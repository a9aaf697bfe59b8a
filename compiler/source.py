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
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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
    """A safe YAML 1.2 loader; uses the C parser (ruamel.yaml.clib) when it is installed."""
    try:
        import _ruamel_yaml  # noqa: F401

        y = YAML(typ="safe", pure=False)
    except ImportError:  # pragma: no cover - the pure-Python parser gives the same results, slower
        y = YAML(typ="safe", pure=True)
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


MERGE_TAG = "tag:yaml.org,2002:merge"


class _Duplicate(Exception):
    def __init__(self, key: Any, node: Node, first: Node) -> None:
        super().__init__(str(key))
        self.key = key
        self.node = node
        self.first = first


class _Converter:
    """Composed YAML nodes → plain data, recording the range of every key and value."""

    def __init__(self, doc: Document, constructor: Any) -> None:
        self.doc = doc
        self.constructor = constructor
        self.nodes = 0

    def rng(self, node: Node) -> SourceRange:
        sm, em = node.start_mark, node.end_mark
        if isinstance(node, ScalarNode) and em is not None and em.line == sm.line:
            end = max(em.column, sm.column + 1) + 1
            return SourceRange(self.doc.file, sm.line + 1, sm.column + 1, em.line + 1, end)
        return SourceRange(self.doc.file, sm.line + 1, sm.column + 1)

    def convert(self, node: Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _TooBig
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            firsts: dict[Any, Node] = {}
            for knode, vnode in self._pairs(node):
                key = self.scalar(knode) if isinstance(knode, ScalarNode) else str(self.convert(knode, path, depth + 1))
                if not isinstance(key, str | int | float | bool) and key is not None:
                    key = str(key)
                if key in firsts:
                    raise _Duplicate(key, knode, firsts[key])
                firsts[key] = knode
                pk: str | int = key if isinstance(key, str | int) else str(key)
                self.doc.keys[(*path, pk)] = self.rng(knode)
                self.doc.values[(*path, pk)] = self.rng(vnode)
                out[key] = self.convert(vnode, (*path, pk), depth + 1)
            return out
        if isinstance(node, SequenceNode):
            items: list[Any] = []
            for i, v in enumerate(node.value):
                self.doc.values[(*path, i)] = self.rng(v)
                items.append(self.convert(v, (*path, i), depth + 1))
            return items
        return self.scalar(node)

    def _pairs(self, node: MappingNode) -> list[tuple[Node, Node]]:
        """Key/value pairs with ``<<`` merge keys expanded (explicit keys win over merged ones)."""
        merged: list[tuple[Node, Node]] = []
        own: list[tuple[Node, Node]] = []
        for k, v in node.value:
            if k.tag == MERGE_TAG:
                sources = v.value if isinstance(v, SequenceNode) else [v]
                for src in sources:
                    if isinstance(src, MappingNode):
                        merged.extend(self._pairs(src))
            else:
                own.append((k, v))
        if not merged:
            return own
        own_keys = {k.value for k, _ in own if isinstance(k, ScalarNode)}
        seen: set[Any] = set()
        out = []
        for k, v in merged:
            kv = k.value if isinstance(k, ScalarNode) else id(k)
            if kv in own_keys or kv in seen:
                continue
            seen.add(kv)
            out.append((k, v))
        return out + own

    def scalar(self, node: Node) -> Any:
        v = self.constructor.construct_object(node, deep=True)
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
    docs: list[Document] = []
    try:
        for i, root in enumerate(y.compose_all(text)):
            doc = Document(display, i, None)
            if root is None:
                docs.append(doc)
                continue
            doc.start = SourceRange(display, root.start_mark.line + 1, root.start_mark.column + 1)
            try:
                doc.data = _Converter(doc, y.constructor).convert(root, (), 0)
            except _TooBig:
                return LoadResult([], [error("GTM005", "document expands beyond the size limit", doc.start)])
            except _Duplicate as d:
                first = d.first.start_mark
                return LoadResult([], [error(
                    "GTM002", f'duplicate key "{d.key}"', _mark_range(display, d.node.start_mark),
                    notes=(f"first used at line {first.line + 1}, column {first.column + 1}",),
                    hint="each key may appear once per mapping")])
            except (ValueError, TypeError, ConstructorError) as e:
                return LoadResult([], [error("GTM001", f"YAML value error: {str(e).splitlines()[0]}", doc.start)])
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
