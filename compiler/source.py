"""Loading YAML spec files into plain data with a source position for every key and value.

Each file is parsed once, in C (libyaml through ``compiler.yaml12``, with YAML 1.2 resolution).
The loader is defensive: size, encoding, binary junk and tab indentation are checked on the raw
bytes; nesting depth and alias expansion on the composed node graph *before* it is converted
(aliases share nodes, so the check is linear), so hostile input becomes a diagnostic rather than
a hang or traceback.  Positions are kept as compact tuples and built into ``SourceRange`` only
when a diagnostic asks for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from compiler import yaml12
from compiler.bounded import TooLarge, read_limited
from compiler.diagnostics import Diagnostic, SourceRange, error

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000  # expanded nodes per file, counting every alias expansion

Path_ = tuple[str | int, ...]


Span = tuple[int, int, int | None, int | None]


def _span(node: Node) -> Span:
    """1-based line/column of a node; scalars on one line also carry their (exclusive) end."""
    sm, em = node.start_mark, node.end_mark
    if node.__class__ is ScalarNode and em is not None and em.line == sm.line:
        return (sm.line + 1, sm.column + 1, em.line + 1, max(em.column, sm.column + 1) + 1)
    return (sm.line + 1, sm.column + 1, None, None)


class Positions:
    """Source ranges by path, looked up lazily in the composed node graph.

    Recording a range for every key and value up front costs more than parsing; diagnostics
    need a few hundred at most, so a path is resolved on demand by walking the nodes (each
    mapping's keys are indexed once, on first use).  ``keys`` resolves to the key's node,
    ``values`` to the value's.  Ranges may also be set explicitly (documents built in code).
    """

    __slots__ = ("_index", "_memo", "extra", "file", "key", "root")

    def __init__(self, file: str, root: Node | None = None, key: bool = False,
                 index: dict[int, dict[str | int, tuple[Node | None, Node]]] | None = None,
                 memo: dict[Path_, tuple[Node | None, Node] | None] | None = None) -> None:
        self.file = file
        self.root = root
        self.key = key
        self.extra: dict[Path_, Span] = {}
        self._index = index if index is not None else {}
        self._memo = memo if memo is not None else {}

    def _children(self, node: Node) -> dict[str | int, tuple[Node | None, Node]] | None:
        if isinstance(node, ScalarNode):
            return None
        found = self._index.get(id(node))
        if found is None:
            found = {}
            if isinstance(node, MappingNode):
                for k, v in _pairs(node):
                    try:
                        kv = _key_value(k)
                    except (ValueError, TypeError, OverflowError):
                        continue
                    found.setdefault(kv, (k, v))
            else:
                for i, v in enumerate(node.value):
                    found[i] = (None, v)
            self._index[id(node)] = found
        return found

    def _pair(self, path: Path_) -> tuple[Node | None, Node] | None:
        """The (key node, value node) at ``path``, memoised per prefix (one child lookup per new path)."""
        memo = self._memo
        if path in memo:
            return memo[path]
        if not path:
            found: tuple[Node | None, Node] | None = None if self.root is None else (None, self.root)
        else:
            parent = self._pair(path[:-1])
            children = None if parent is None else self._children(parent[1])
            found = None if children is None else children.get(path[-1])
        memo[path] = found
        return found

    def _span_of(self, path: Path_) -> Span | None:
        if path in self.extra:
            return self.extra[path]
        if not path:
            return None
        pair = self._pair(path)
        if pair is None:
            return None
        knode, vnode = pair
        if self.key:
            return _span(knode) if knode is not None else None
        return _span(vnode)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self._span_of(path) is not None

    def __getitem__(self, path: Path_) -> SourceRange:
        span = self._span_of(tuple(path))
        if span is None:
            raise KeyError(path)
        return SourceRange(self.file, *span)

    def __setitem__(self, path: Path_, rng: SourceRange) -> None:
        self.extra[tuple(path)] = (rng.line, rng.col, rng.end_line, rng.end_col)

    def get(self, path: Path_, default: SourceRange | None = None) -> SourceRange | None:
        span = self._span_of(tuple(path))
        return default if span is None else SourceRange(self.file, *span)


@dataclass
class Document:
    """One YAML document: plain data plus positions keyed by path."""

    file: str
    index: int
    data: Any
    values: Positions = field(default_factory=lambda: Positions(""))
    keys: Positions = field(default_factory=lambda: Positions(""))
    start: SourceRange | None = None

    def __post_init__(self) -> None:
        self.values.file = self.keys.file = self.file

    def attach(self, root: Node) -> None:
        """Resolve positions against ``root`` (the document's composed node graph)."""
        index: dict[int, dict[str | int, tuple[Node | None, Node]]] = {}
        memo: dict[Path_, tuple[Node | None, Node] | None] = {}
        self.values = Positions(self.file, root, key=False, index=index, memo=memo)
        self.keys = Positions(self.file, root, key=True, index=index, memo=memo)

    def at(self, path: Path_, key: bool = False) -> SourceRange:
        """Best source range for ``path``: exact, else the nearest ancestor.

        The range is deferred (found on first read): most ranges recorded while parsing are
        never shown, and finding one walks the node graph.
        """
        p = tuple(path)
        return SourceRange.deferred(lambda: self.locate(p, key))

    def locate(self, path: Path_, key: bool = False) -> SourceRange:
        """:meth:`at`, found now."""
        table = self.keys if key else self.values
        p = tuple(path)
        while True:
            span = table._span_of(p)
            if span is None and key:
                span = self.values._span_of(p)
            if span is not None:
                return SourceRange(self.file, *span)
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


def _yaml_error(display: str, e: MarkedYAMLError) -> Diagnostic:
    mark = e.problem_mark or e.context_mark
    problem = (e.problem or "").strip() or str(e).splitlines()[0]
    context = (e.context or "").strip()
    summary = f"YAML syntax error: {problem}"
    notes: tuple[str, ...] = ()
    if context and e.context_mark is not None and e.context_mark is not mark:
        notes = (f"{context} at line {e.context_mark.line + 1}, column {e.context_mark.column + 1}",)
    if "nesting depth" in problem:
        return error("GTM006", "nesting too deep to parse", _mark_range(display, mark))
    if "\t" in problem or "'\\t'" in problem:
        return error("GTM003", "tab character where YAML expects spaces", _mark_range(display, mark))
    return error("GTM001", summary, _mark_range(display, mark), notes=notes)


MERGE_TAG = yaml12.MERGE
_STR = yaml12.STR


class _Duplicate(Exception):
    def __init__(self, key: Any, node: Node, first: Node) -> None:
        super().__init__(str(key))
        self.key = key
        self.node = node
        self.first = first


class _TooBig(Exception):
    def __init__(self, node: Node) -> None:
        super().__init__("too big")
        self.node = node


class _TooDeep(Exception):
    def __init__(self, node: Node) -> None:
        super().__init__("too deep")
        self.node = node


def _check_size(root: Node) -> None:
    """Refuse alias bombs and deep nesting before converting: expanded size per node, memoised.

    Aliases share nodes in the composed graph, so this walks each distinct node once while
    counting every expansion; the deepest collection past a limit is the one reported.
    """
    sizes: dict[int, int] = {}

    def size(node: Node, depth: int) -> int:
        if depth > MAX_DEPTH and not isinstance(node, ScalarNode):
            raise _TooDeep(node)
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > MAX_NODES:
                    raise _TooBig(node)
        elif isinstance(node, SequenceNode):
            for v in node.value:
                total += size(v, depth + 1)
                if total > MAX_NODES:
                    raise _TooBig(node)
        sizes[id(node)] = total
        return total

    size(root, 1)


def _key_value(knode: Node) -> str | int:
    """A mapping key as a path component (non-string, non-int keys become strings)."""
    if knode.__class__ is ScalarNode:
        key = knode.value if knode.tag == _STR else yaml12.scalar_value(knode)
    else:
        key = str(_Converter(False).convert(knode, 0))
    return key if isinstance(key, str | int) else str(key)


def _pairs(node: MappingNode) -> list[tuple[Node, Node]]:
    """Key/value pairs with ``<<`` merge keys expanded (explicit keys win over merged ones)."""
    if not any(k.tag == MERGE_TAG for k, _ in node.value):
        return list(node.value)
    merged: list[tuple[Node, Node]] = []
    own: list[tuple[Node, Node]] = []
    for k, v in node.value:
        if k.tag == MERGE_TAG:
            sources = v.value if isinstance(v, SequenceNode) else [v]
            for src in sources:
                if isinstance(src, MappingNode):
                    merged.extend(_pairs(src))
        else:
            own.append((k, v))
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


class _Converter:
    """Composed YAML nodes → plain data (positions stay in the nodes, see ``Positions``)."""

    def __init__(self, merges: bool) -> None:
        self.merges = merges

    def key(self, knode: Node) -> Any:
        if knode.__class__ is ScalarNode:
            key = knode.value if knode.tag == _STR else yaml12.scalar_value(knode)
        else:
            key = str(self.convert(knode, 0))
        if not isinstance(key, str | int | float | bool) and key is not None:
            key = str(key)
        return key

    def convert(self, node: Node, depth: int) -> Any:
        """Plain data for ``node`` (the hot loop of every command: kept lean)."""
        cls = node.__class__
        if cls is ScalarNode:
            return node.value if node.tag == _STR else yaml12.scalar_value(node)  # type: ignore[arg-type]
        if depth >= MAX_DEPTH:
            raise _TooDeep(node)
        convert = self.convert
        depth += 1
        if cls is MappingNode:
            out: dict[Any, Any] = {}
            pairs = _pairs(node) if self.merges else node.value  # type: ignore[arg-type]
            for knode, vnode in pairs:
                key = knode.value if knode.__class__ is ScalarNode and knode.tag == _STR else self.key(knode)
                if key in out:
                    first = next(k for k, _ in pairs if self.key(k) == key)
                    raise _Duplicate(key, knode, first)
                out[key] = vnode.value if vnode.__class__ is ScalarNode and vnode.tag == _STR else convert(vnode, depth)
            return out
        return [convert(v, depth) for v in node.value]


def load_text(text: str, display: str) -> LoadResult:
    """Load YAML text (already decoded) into documents in one C pass; never raises on bad input."""
    try:
        roots = yaml12.compose_all(text)
    except MarkedYAMLError as e:
        return LoadResult([], [_yaml_error(display, e)])
    except YAMLError as e:
        return LoadResult([], [error("GTM001", f"YAML syntax error: {e}", SourceRange(display, 1, 1))])
    except RecursionError:
        return LoadResult([], [error("GTM006", "nesting too deep to parse", SourceRange(display, 1, 1))])
    docs: list[Document] = []
    anchors, merges = "&" in text, "<<" in text
    for i, root in enumerate(roots):
        doc = Document(display, i, None)
        if root is None:
            docs.append(doc)
            continue
        doc.start = SourceRange(display, root.start_mark.line + 1, root.start_mark.column + 1)
        try:
            if anchors:  # only anchors make aliases; without them size and depth are checked while converting
                _check_size(root)
            doc.data = _Converter(merges).convert(root, 0)
            doc.attach(root)
        except _TooDeep as t:
            return LoadResult([], [error("GTM006", f"nesting deeper than {MAX_DEPTH} levels",
                                         _mark_range(display, t.node.start_mark))])
        except _TooBig as t:
            return LoadResult([], [error("GTM005", f"aliases expand to more than {MAX_NODES:,} nodes (alias bomb?)",
                                         _mark_range(display, t.node.start_mark))])
        except _Duplicate as d:
            first = d.first.start_mark
            return LoadResult([], [error(
                "GTM002", f'duplicate key "{d.key}"', _mark_range(display, d.node.start_mark),
                notes=(f"first used at line {first.line + 1}, column {first.column + 1}",),
                hint="each key may appear once per mapping")])
        except (ValueError, TypeError, OverflowError) as e:
            return LoadResult([], [error("GTM001", f"YAML value error: {str(e).splitlines()[0]}", doc.start)])
        except RecursionError:
            return LoadResult([], [error("GTM006", "nesting too deep to parse", doc.start)])
        docs.append(doc)
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
        raw = read_limited(path, MAX_FILE_BYTES)  # a device or pipe reports size 0
    except TooLarge:
        return LoadResult([], [error("GTM008", f"file holds more than {MAX_FILE_BYTES:,} bytes (the limit)",
                                     SourceRange(display, 1, 1))])
    except OSError as e:
        return LoadResult([], [error("GTM013", f"cannot read file: {e.strerror or e}",
                                     SourceRange(display, 1, 1))])
    text, diags = _precheck_bytes(raw, display)
    if text is None:
        return LoadResult([], diags)
    return load_text(text, display)
