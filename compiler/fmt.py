"""Canonical layout of spec files (``gtm fmt``), comments kept.

The canonical style, in one place:

* block mappings indented by two spaces, block sequences as ``  - item`` under their key;
* keys of a known kind in the order its schema declares them (``kind`` first), other keys after
  them in the order written;
* a collection written in flow style (``{...}`` / ``[...]``) stays flow, and one written in block
  style stays block; new data (``gtm import``) uses flow style for short leaves (collections of
  scalars that fit on the line) and block style otherwise;
* a flow collection that fits within :data:`WIDTH` and was already laid out by hand (same column,
  no line over the width) is kept exactly as written, alignment included; otherwise it is filled
  greedily and continuation lines align one column after the opening bracket;
* scalars keep their quoting style; plain scalars are quoted only when YAML needs it;
* comments stay where they were: full-line comments, end-of-line comments (at their column when
  the line leaves room), blank lines between keys;
* documents separated by ``---``, one newline at the end, no trailing spaces.

Formatting never changes meaning: the result is parsed again and must give the same data and
keep every comment, otherwise the file is left untouched and the problem reported.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from compiler.diagnostics import Diagnostic

WIDTH = 120
INDENT = 2


@dataclass
class FormatResult:
    """The formatted text of one file, or why it could not be formatted."""

    text: str
    changed: bool
    error: str | None = None
    line: int = 1
    col: int = 1
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the loader's, when it refused the file


@dataclass
class _Ctx:
    lines: list[str]  # source lines of the whole file
    out: list[str] = field(default_factory=list)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 10**6
    return y


@lru_cache(maxsize=4096)
def _scalar_cached(kind: str, value: Any, flow: bool) -> str:
    y = _yaml()
    buf = io.StringIO()
    if flow:
        seq = CommentedSeq([value])
        seq.fa.set_flow_style()
        y.dump(seq, buf)
        text = buf.getvalue().rstrip("\n")
        return text[1:-1]
    y.dump(CommentedMap([("k", value)]), buf)
    text = buf.getvalue().rstrip("\n")
    return text[3:]


def scalar_text(value: Any, flow: bool) -> str:
    """How a scalar is written: YAML's own quoting rules, the original quoting style kept."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is str and value and _PLAIN_SAFE.match(value) and not _RESERVED.match(value):
        return value
    try:
        return _scalar_cached(type(value).__name__, value, flow)
    except TypeError:  # unhashable subclass state: no caching
        return str(_scalar_cached.__wrapped__(type(value).__name__, value, flow))


# strings that are always safe plain (letters, digits, a few inner punctuation marks)
_PLAIN_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-./ ]*[A-Za-z0-9_.]$|^[A-Za-z_]$")
_RESERVED = re.compile(r"^(?:true|false|null|yes|no|on|off|y|n|~|\.inf|\.nan)$", re.IGNORECASE)


def _is_scalar(v: Any) -> bool:
    return not isinstance(v, dict | list)


def _is_block_scalar(v: Any) -> bool:
    return isinstance(v, LiteralScalarString | FoldedScalarString) or (isinstance(v, str) and "\n" in v)


def _flow_style(v: Any) -> bool | None:
    fa = getattr(v, "fa", None)
    if fa is None:
        return None
    return bool(fa.flow_style())


def _model_fields(model: Any) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _sub_model(model: Any, key: str) -> Any:
    from compiler.parse import _inner_model

    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    f = model.model_fields.get(key)
    return _inner_model(f.annotation) if f is not None else None


def ordered_keys(data: dict[str, Any], model: Any, top: bool = False) -> list[Any]:
    """``kind`` first (top level), then the schema's field order, then unknown keys as written."""
    order = (["kind"] if top else []) + [k for k in _model_fields(model) if not (top and k == "kind")]
    rank = {k: i for i, k in enumerate(order)}
    keys = list(data.keys())
    known = sorted((k for k in keys if k in rank), key=lambda k: rank[k])
    return known + [k for k in keys if k not in rank]


# -- flow collections -----------------------------------------------------------------------------
def _flow_items(v: Any) -> list[str]:
    if isinstance(v, dict):
        return [f"{scalar_text(k, True)}: {_flow_one_line(x)}" for k, x in v.items()]
    return [_flow_one_line(x) for x in v]


def _flow_one_line(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(_flow_items(v)) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow_items(v)) + "]"
    return scalar_text(v, True)


def flow_text(v: Any, col: int) -> list[str]:
    """A flow collection starting at column ``col`` (0-based): one line, or filled greedily and
    wrapped with continuation lines one column after the opening bracket."""
    one = _flow_one_line(v)
    if col + len(one) <= WIDTH or not isinstance(v, dict | list) or not v:
        return [one]
    opener, closer = ("{", "}") if isinstance(v, dict) else ("[", "]")
    pairs: list[tuple[str, Any]] = (
        [(f"{scalar_text(k, True)}: ", x) for k, x in v.items()] if isinstance(v, dict) else [("", x) for x in v])
    inner = col + 1
    lines: list[str] = [opener]

    def cur_col() -> int:
        return col + len(lines[0]) if len(lines) == 1 else len(lines[-1])

    for i, (prefix, x) in enumerate(pairs):
        tail = closer if i == len(pairs) - 1 else ","
        piece = prefix + _flow_one_line(x) + tail
        at_start = lines[-1] == opener if len(lines) == 1 else not lines[-1].strip()
        sep = "" if at_start else " "
        if cur_col() + len(sep) + len(piece) <= WIDTH:
            lines[-1] += sep + piece
            continue
        if not at_start:
            lines.append(" " * inner)
        if cur_col() + len(piece) <= WIDTH or _is_scalar(x) or not x:
            lines[-1] += piece
            continue
        sub = flow_text(x, cur_col() + len(prefix))
        lines[-1] += prefix + sub[0]
        lines.extend(sub[1:])
        lines[-1] += tail
    return lines


def _matching_end(lines: list[str], line: int, col: int) -> tuple[int, int] | None:
    """The (line, col) just after the flow collection opening at ``lines[line][col]``."""
    depth = 0
    quote: str | None = None
    i, j = line, col
    while i < len(lines):
        s = lines[i]
        while j < len(s):
            ch = s[j]
            if quote:
                if ch == quote:
                    if quote == "'" and j + 1 < len(s) and s[j + 1] == "'":
                        j += 1
                    else:
                        quote = None
                elif ch == "\\" and quote == '"':
                    j += 1
            elif ch in "\"'" and (j == 0 or s[j - 1] in " ,[{:"):
                quote = ch
            elif ch == "#" and (j == 0 or s[j - 1] in " \t"):
                return None  # a comment inside a flow collection: re-emit instead
            elif ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return i, j + 1
            j += 1
        i, j = i + 1, 0
    return None


def _verbatim(cx: _Ctx, v: Any, pos: tuple[int, int] | None, col: int) -> list[str] | None:
    """The collection's source text when it already sits at ``col`` and every line fits."""
    if pos is None or pos[1] != col or _flow_style(v) is not True:
        return None
    line, c = pos
    if line >= len(cx.lines) or c >= len(cx.lines[line]) or cx.lines[line][c] not in "[{":
        return None
    end = _matching_end(cx.lines, line, c)
    if end is None:
        return None
    el, ec = end
    text = [cx.lines[line][c:ec]] if el == line else [cx.lines[line][c:], *cx.lines[line + 1:el], cx.lines[el][:ec]]
    text = [t.rstrip() for t in text]
    widths = [col + len(text[0]), *(len(t) for t in text[1:])]
    if max(widths) > WIDTH:
        return None
    return text


# -- comments -------------------------------------------------------------------------------------
def _attach(cx: _Ctx, token: Any, eol: bool = True, rest: bool = True) -> None:
    """Add an end-of-line comment token (``eol``) and the comment lines that follow it (``rest``)."""
    if token is None:
        return
    value: str = token.value
    first, _, tail = value.partition("\n")
    if eol and first.strip():
        cur = cx.out[-1].rstrip()
        pad = max(getattr(token, "column", 0) - len(cur), 2) if cur else 0
        cx.out[-1] = cur + " " * pad + first.strip()
    if rest and tail:
        cx.out.extend(extra.rstrip() for extra in tail.split("\n")[:-1])


def _lead(cx: _Ctx, tokens: Any) -> None:
    for t in tokens or []:
        if t is None:
            continue
        for ln in t.value.split("\n")[:-1] or [t.value]:
            cx.out.append(ln.rstrip())


def _item_comment(data: Any, key: Any, seq: bool) -> Any:
    ca = getattr(data, "ca", None)
    if ca is None:
        return None
    entry = ca.items.get(key)
    if not entry:
        return None
    return entry[0] if seq else entry[2]


def _pos(data: Any, key: Any, seq: bool) -> tuple[int, int] | None:
    lc = getattr(data, "lc", None)
    if lc is None or not lc.data:
        return None
    try:
        line, col = lc.item(key) if seq else lc.value(key)
    except (KeyError, IndexError, TypeError):
        return None
    return line, col


# -- block emitter --------------------------------------------------------------------------------
def _short_leaf(v: Any, col: int) -> bool:
    """New data: flow style for a list of scalars, or a mapping of scalars and lists of scalars,
    that fits on the line; everything else (lists of mappings, deeper nesting) is block style."""
    if not isinstance(v, dict | list) or not v:
        return True
    if isinstance(v, list):
        simple = all(_is_scalar(x) and not _is_block_scalar(x) for x in v)
    else:
        simple = all((_is_scalar(x) and not _is_block_scalar(x)) or
                     (isinstance(x, list) and all(_is_scalar(y) and not _is_block_scalar(y) for y in x))
                     for x in v.values())
    return simple and col + len(_flow_one_line(v)) <= WIDTH


def _use_flow(v: Any, col: int) -> bool:
    if not isinstance(v, dict | list) or not v:
        return True
    style = _flow_style(v)
    if style is None:
        return _short_leaf(v, col)
    return style


def _value_lines(cx: _Ctx, head: str, v: Any, pos: tuple[int, int] | None, indent: int) -> list[str]:
    """Lines of ``head`` followed by a scalar or flow value (the block cases are handled by callers)."""
    if _is_block_scalar(v):
        text = scalar_text(v, False)
        first, *rest = text.split("\n")
        return [head + " " + first, *((" " * indent + r) if r else r for r in rest)]
    if _is_scalar(v):
        return [head + " " + scalar_text(v, False)]
    col = len(head) + 1
    flow = _verbatim(cx, v, pos, col) or flow_text(v, col)
    return [head + " " + flow[0], *flow[1:]]


def _is_inline(v: Any) -> bool:
    return not _is_block_scalar(v) and (_is_scalar(v) or _flow_style(v) is True)


def _aligned_columns(data: dict[Any, Any], indent: int) -> set[int]:
    """Value columns that line up sibling values: kept, so hand-aligned tables stay aligned."""
    natural: set[int] = set()
    cols: list[int] = []
    for key in data:
        pos = _pos(data, key, False)
        if pos is None or not _is_inline(data[key]):
            continue
        cols.append(pos[1])
        natural.add(indent + len(scalar_text(key, False)) + 2)
    return {c for c in cols if c in natural and cols.count(c) > 1}


def _emit_map(cx: _Ctx, data: dict[Any, Any], indent: int, model: Any, first_prefix: str | None = None) -> None:
    ca = getattr(data, "ca", None)
    if ca is not None and ca.comment and len(ca.comment) > 1 and ca.comment[1] and indent == 0:
        _lead(cx, ca.comment[1])
    aligned = _aligned_columns(data, indent)
    # comment lines after the last key written belong after the whole mapping, wherever that key goes
    last = list(data.keys())[-1] if data else None
    deferred = _item_comment(data, last, False)
    for n, key in enumerate(ordered_keys(data, model, top=indent == 0 and first_prefix is None)):
        v = data[key]
        pad = first_prefix if (n == 0 and first_prefix is not None) else " " * indent
        head = pad + scalar_text(key, False) + ":"
        pos = _pos(data, key, False)
        if pos is not None and pos[1] in aligned and pos[1] > len(head) + 1 and _is_inline(v):
            head += " " * (pos[1] - len(head) - 1)
        sub = _sub_model(model, str(key))
        if isinstance(v, dict | list) and v and not _use_flow(v, len(head) + 1):
            cx.out.append(head)
            _attach(cx, _item_comment(data, key, False), rest=key != last)
            if isinstance(v, dict):
                _emit_map(cx, v, indent + INDENT, sub)
            else:
                _emit_seq(cx, v, indent + INDENT, sub)
            continue
        cx.out.extend(_value_lines(cx, head, v, pos, indent))
        _attach(cx, _item_comment(data, key, False), rest=key != last)
    _attach(cx, deferred, eol=False)
    _lead(cx, getattr(ca, "end", None))


def _emit_seq(cx: _Ctx, data: list[Any], indent: int, model: Any) -> None:
    for i, v in enumerate(data):
        dash = " " * indent + "- "
        pos = _pos(data, i, True)
        if isinstance(v, dict) and v and not _use_flow(v, len(dash)):
            _emit_map(cx, v, indent + INDENT, model, first_prefix=dash)
        elif isinstance(v, list) and v and not _use_flow(v, len(dash)):
            cx.out.append(dash.rstrip())
            _emit_seq(cx, v, indent + INDENT, model)
        else:
            lines = _value_lines(cx, dash.rstrip(), v, pos, indent)
            cx.out.extend(lines)
        _attach(cx, _item_comment(data, i, True))
    _lead(cx, getattr(getattr(data, "ca", None), "end", None))


def _emit_doc(cx: _Ctx, data: Any) -> None:
    from compiler.models import KINDS

    if isinstance(data, dict):
        kind = data.get("kind")
        model = KINDS.get(kind) if isinstance(kind, str) else None
        if not data:
            cx.out.append("{}")
        else:
            _emit_map(cx, data, 0, model)
    elif isinstance(data, list):
        if not data:
            cx.out.append("[]")
        else:
            _emit_seq(cx, data, 0, None)
    else:
        cx.out.extend(_value_lines(cx, "", data, None, 0)[0].lstrip().split("\n"))


def _comments(docs: list[Any]) -> list[str]:
    """Every comment's text in the documents (to prove formatting kept them all)."""
    found: list[str] = []

    def tokens(x: Any) -> None:
        if x is None:
            return
        if isinstance(x, list):
            for t in x:
                tokens(t)
            return
        v = getattr(x, "value", None)
        if isinstance(v, str):
            found.extend(ln.strip() for ln in v.split("\n") if ln.strip().startswith("#"))

    def walk(d: Any) -> None:
        ca = getattr(d, "ca", None)
        if ca is not None:
            tokens(ca.comment)
            for entry in ca.items.values():
                tokens(entry)
            tokens(getattr(ca, "end", None))
        if isinstance(d, dict):
            for v in d.values():
                walk(v)
        elif isinstance(d, list):
            for v in d:
                walk(v)

    for d in docs:
        walk(d)
    return sorted(set(found))


def _plain(d: Any) -> Any:
    if isinstance(d, dict):
        return {str(k): _plain(v) for k, v in d.items()}
    if isinstance(d, list):
        return [_plain(v) for v in d]
    if isinstance(d, bool) or d is None:
        return d
    if isinstance(d, int):
        return int(d)
    if isinstance(d, float):
        return float(d)
    return str(d)


def _load(text: str) -> list[Any]:
    return list(_yaml().load_all(text))


_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]+", re.MULTILINE)


def format_text(text: str, display: str = "<text>") -> FormatResult:
    """Format one file's text; on any doubt, return it unchanged with an error.

    The text first passes the compiler's defensive loader (size, depth, alias bombs, duplicate
    keys), so hostile input is refused with the loader's own diagnostic before ruamel sees it.
    """
    from compiler.source import load_text

    loaded = load_text(text, display)
    if loaded.diagnostics:
        d = loaded.diagnostics[0]
        return FormatResult(text, False, d.summary, d.range.line if d.range else 1, d.range.col if d.range else 1,
                            list(loaded.diagnostics))
    if _ANCHOR.search(_strip_comments(text)):
        return FormatResult(text, False, "files with anchors or aliases are left as written")
    try:
        docs = _load(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        return FormatResult(text, False, f"cannot format: {getattr(e, 'problem', None) or e}",
                            (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1)
    cx = _Ctx(text.split("\n"))
    for i, d in enumerate(docs):
        if i:
            cx.out.append("---")
        _emit_doc(cx, d)
    while cx.out and not cx.out[-1].strip():
        cx.out.pop()
    out = "\n".join(ln.rstrip() for ln in cx.out) + "\n" if cx.out else ""
    out = re.sub(r"\n{3,}", "\n\n", out)
    if out == text:
        return FormatResult(text, False)
    try:
        again = _load(out)
    except YAMLError as e:  # pragma: no cover - a formatter bug; never write a broken file
        return FormatResult(text, False, f"cannot format without changing the file's meaning ({e})")
    if [_plain(d) for d in again] != [_plain(d) for d in docs]:
        return FormatResult(text, False, "cannot format without changing the file's meaning; left as is")
    if _comments(again) != _comments(docs):
        return FormatResult(text, False, "cannot format without moving a comment it cannot place; left as is")
    return FormatResult(out, True)


def _strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(^|\s)#.*$", "", ln) for ln in text.split("\n"))


def _reordered(data: Any, model: Any, top: bool = False) -> Any:
    """Plain data with every mapping's keys in the schema's order (flow mappings included)."""
    if isinstance(data, dict):
        return {k: _reordered(data[k], _sub_model(model, str(k))) for k in ordered_keys(data, model, top)}
    if isinstance(data, list):
        return [_reordered(x, model) for x in data]
    return data


def dump_documents(docs: list[dict[str, Any]], header: str = "") -> str:
    """New spec text for plain data (``gtm import``), in the canonical style."""
    from compiler.models import KINDS

    cx = _Ctx([])
    if header:
        cx.out.extend(f"# {ln}".rstrip() for ln in header.splitlines())
    for i, d in enumerate(docs):
        if i:
            cx.out.append("---")
        kind = d.get("kind") if isinstance(d, dict) else None
        _emit_doc(cx, _reordered(d, KINDS.get(kind) if isinstance(kind, str) else None, top=True))
    text = "\n".join(ln.rstrip() for ln in cx.out) + "\n"
    return format_text(text).text
