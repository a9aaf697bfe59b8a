"""A change as marked lines: the one reading of a plan that the text and Markdown views print.

A :class:`Line` has a marker (``+`` add, ``-`` remove, ``~`` change, ``-/+`` replace, ``#``
comment, space for context), a depth (-1 for the resource, 0 for its attributes, deeper for
nested values) and its text.  Lines inside an added or removed block *echo* the marker of their
block: the text view leaves them unmarked, like terraform; a Markdown ``diff`` block marks
every line so GitHub colours it.

Updates show only the changed leaves with their paths.  A changed condition or any other nested
value is shown as a line diff of its two layouts, with long unchanged runs folded into
``# (N unchanged lines hidden)``; attributes that did not change are counted, not shown.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from compiler.plan import SYMBOLS, AttrChange, Change
from gtm.views import impact as impact_view
from gtm.views.values import WIDTH, Row, layout, leaf_key

VERB = {"create": "will be created", "update": "will be updated in place", "delete": "will be destroyed",
        "replace": "must be replaced"}
CONTEXT = 2  # unchanged lines kept around a change in a folded diff
FOLD_MIN = 2 * CONTEXT + 2  # shorter unchanged runs are shown whole
LONG_SCALAR = 60  # a changed scalar longer than this shows before and after on lines of their own
_STEP = re.compile(r"^actions\[(\d+)\]")


@dataclass(frozen=True)
class Line:
    marker: str
    depth: int
    text: str
    echo: bool = False  # the marker is inherited from the enclosing block
    pair: tuple[str, str, str] | None = None  # (path, before, after) of a one-line ``~`` change


def _rows(marker: str, rows: list[Row], first_echo: bool = False) -> list[Line]:
    return [Line(marker, d, t, echo=first_echo or i > 0) for i, (d, t) in enumerate(rows)]


def _value(path: str, v: Any, depth: int, key: str | None) -> list[Row]:
    text, rows = layout(v, depth + 1, key, WIDTH - 2 * depth - len(path) - 2)
    if text is not None:
        return [(depth, f"{path}: {text}")]
    return [(depth, f"{path}:"), *rows]


def _block(v: Any, depth: int, key: str | None) -> list[Row]:
    text, rows = layout(v, depth, key)
    return [(depth, text)] if text is not None else rows


def header_lines(c: Change) -> list[Line]:
    r = c.resource
    where = f"  ({r.source})" if r.source else ""
    out = [Line("#", -1, f"{c.address} {VERB[c.action]}{where}")]
    if c.needs_allow_destroy:
        out.append(Line("#", -1, f"! needs --allow-destroy: {'; '.join(c.reasons)}"))
    if c.impact is not None and (c.impact.records or c.impact.detail):
        out.append(Line("#", -1, f"! impact: {c.impact.detail}"))
    out.extend(Line("#", -1, t) for t in impact_view.change_lines(c.impact.effects if c.impact else [], indent=""))
    for m in c.moves:
        out.append(Line("#", -1, f"! moves {m.records} record(s): {m.property} {m.from_value} → {m.to_value}"))
    out.append(Line(SYMBOLS[c.action], -1, c.address))
    return out


def change_lines(c: Change) -> list[Line]:
    """Every line of one change, header first."""
    out = header_lines(c)
    if c.action == "create":
        assert c.after is not None
        for k, v in c.after.attributes.items():
            out.extend(_rows("+", _value(k, v, 0, k)))
    elif c.action != "delete":
        for a in c.attrs:
            out.extend(attr_lines(a))
        hidden = unchanged_attributes(c)
        if hidden:
            out.append(Line(" ", 0, f"# ({hidden} unchanged attribute{'s' if hidden != 1 else ''} hidden)"))
    return out


def unchanged_attributes(c: Change) -> int:
    tops = {re.split(r"[.\[]", a.path, maxsplit=1)[0] for a in c.attrs}
    keys = set(c.after.attributes if c.after else ()) | set(c.before.attributes if c.before else ())
    return len(keys - tops)


def _note(a: AttrChange) -> str:
    notes = []
    m = _STEP.match(a.path)
    if m:
        notes.append(f"step {int(m.group(1)) + 1}")
    if a.forces_replace:
        notes.append("forces replacement")
    return f"  # {', '.join(notes)}" if notes else ""


def attr_lines(a: AttrChange) -> list[Line]:
    """One changed leaf: ``~ path: old → new``, or an added/removed/changed block."""
    key = leaf_key(a.path)
    note = _note(a)
    if a.before is None or a.after is None:
        mark, v = ("+", a.after) if a.before is None else ("-", a.before)
        rows = _value(a.path, v, 0, key)
        d0, t0 = rows[0]
        return _rows(mark, [(d0, t0 + note), *rows[1:]])
    bt, _ = layout(a.before, 1, key)
    at, _ = layout(a.after, 1, key)
    if bt is not None and at is not None:
        if max(len(bt), len(at)) <= LONG_SCALAR:
            return [Line("~", 0, f"{a.path}: {bt} → {at}{note}", pair=(a.path, bt, at + note))]
        return [Line("~", 0, f"{a.path}:{note}"), Line("-", 1, bt), Line("+", 1, at)]
    return [Line("~", 0, f"{a.path}:{note}"), *diff_rows(_block(a.before, 1, key), _block(a.after, 1, key))]


def diff_rows(old: list[Row], new: list[Row]) -> list[Line]:
    """A line diff of two layouts; unchanged runs longer than :data:`FOLD_MIN` are folded."""
    ok = [f"{d}\0{t}" for d, t in old]
    nk = [f"{d}\0{t}" for d, t in new]
    out: list[Line] = []
    ops = difflib.SequenceMatcher(None, ok, nk, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            same = old[i1:i2]
            first, last = n == 0, n == len(ops) - 1
            keep_head = 0 if first else CONTEXT
            keep_tail = 0 if last else CONTEXT
            if len(same) > max(FOLD_MIN, keep_head + keep_tail + 1):
                hidden = same[keep_head:len(same) - keep_tail]
                out.extend(Line(" ", d, t) for d, t in same[:keep_head])
                out.append(Line(" ", hidden[0][0], f"# ({len(hidden)} unchanged line"
                                                   f"{'s' if len(hidden) != 1 else ''} hidden)"))
                out.extend(Line(" ", d, t) for d, t in same[len(same) - keep_tail:])
            else:
                out.extend(Line(" ", d, t) for d, t in same)
            continue
        out.extend(Line("-", d, t) for d, t in old[i1:i2])
        out.extend(Line("+", d, t) for d, t in new[j1:j2])
    return out
