"""Nested plan values laid out as indented lines, the way ``terraform plan`` shows them.

Every view (text, Markdown) draws attribute values from here, so they agree.  Values are never
cut short.  Three shapes get their own reading:

* conditions (``when``, ``filter``, ``enrollment``, ``goal``) in the spec's condition language:
  ``all:`` / ``any:`` / ``not:`` blocks with one ``property op value`` leaf per line;
* durations HubSpot keeps in milliseconds (``hs_time_in_<stage>``) in days/hours/minutes, the
  units a spec writes (``max_days: 14`` → ``14d``);
* workflow ``actions`` as numbered steps (``1. create task …``, ``2. wait 2h``).

Everything else is YAML-like: ``key: value``, ``- item``, and flat mappings or lists of scalars on
one line (``{value: "hot", label: "Hot"}``) when they fit in :data:`WIDTH` columns.
"""

from __future__ import annotations

import json
import re
from typing import Any

from compiler.conditions.ast import LIVE_OPERATION

#: a laid-out line: (depth in two-space steps, text)
Row = tuple[int, str]

WIDTH = 100
CONDITION_KEYS = frozenset({"when", "filter", "enrollment", "goal"})
_BARE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:@/+-]*$")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "~"})
_MS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000))


# --------------------------------------------------------------------------- scalars


def scalar(v: Any) -> str:
    """A scalar as terraform shows it: strings quoted, numbers and booleans bare, ``null``."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return json.dumps(v)
    return json.dumps(str(v), ensure_ascii=False)


def bare(v: Any) -> str:
    """A scalar as a spec writes it in a condition: identifiers bare, other strings quoted."""
    if isinstance(v, str) and _BARE.match(v) and v.lower() not in _RESERVED and not _is_number(v):
        return v
    return scalar(v)


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, str | int | float | bool)


def duration_ms(ms: Any) -> str | None:
    """Milliseconds as the largest whole spec unit (``1209600000`` → ``14d``); None if not a duration."""
    if isinstance(ms, bool) or not isinstance(ms, int | float) or ms < 0 or ms != int(ms):
        return None
    ms = int(ms)
    for unit, size in _MS:
        if ms and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


# --------------------------------------------------------------------------- conditions


def is_condition(v: Any) -> bool:
    """Core-condition data: ``{all|any: [...]}``, ``{not: ...}`` or a ``{property, op}`` leaf."""
    if not isinstance(v, dict) or not v:
        return False
    if set(v) in ({"all"}, {"any"}):
        items = next(iter(v.values()))
        return isinstance(items, list) and all(is_condition(x) for x in items)
    if set(v) == {"not"}:
        return is_condition(v["not"])
    return ("property" in v and len({k for k in v if k != LIVE_OPERATION}) == 2
            and isinstance(v["property"], str))


def leaf_text(c: dict[str, Any]) -> str:
    """``{property: x, gte: 3}`` → ``x gte 3``; stage timers in days."""
    if LIVE_OPERATION in c:  # a live filter of another shape than gtm sends (the plan rewrites it)
        rest = {k: x for k, x in c.items() if k != LIVE_OPERATION}
        return f"{leaf_text(rest)}  (live filter: {c[LIVE_OPERATION]})"
    prop = c["property"]
    op, val = next((k, x) for k, x in c.items() if k != "property")
    if prop.startswith("hs_time_in_"):
        if isinstance(val, list) and all(duration_ms(x) for x in val):
            return f"{prop} {op} [{', '.join(str(duration_ms(x)) for x in val)}]"
        d = duration_ms(val)
        if d is not None:
            return f"{prop} {op} {d}"
    if isinstance(val, list):
        return f"{prop} {op} [{', '.join(bare(x) for x in val)}]"
    return f"{prop} {op} {bare(val)}"


def condition_rows(c: dict[str, Any], depth: int) -> list[Row]:
    """A condition as a block: one leaf per line, groups as ``all:``/``any:`` with ``- `` items."""
    if "property" in c:
        return [(depth, leaf_text(c))]
    if "not" in c:
        inner = c["not"]
        if "property" in inner:
            return [(depth, f"not: {leaf_text(inner)}")]
        return [(depth, "not:"), *condition_rows(inner, depth + 1)]
    key = "all" if "all" in c else "any"
    rows: list[Row] = [(depth, f"{key}:")]
    for item in _flat(key, c[key]):
        sub = condition_rows(item, depth + 2)
        rows.append((depth + 1, "- " + sub[0][1]))
        rows.extend(sub[1:])
    return rows


def _flat(key: str, items: list[Any]) -> list[Any]:
    """Items of an ``all``/``any`` with same-kind groups spliced in (``all`` of ``all`` is one ``all``),
    so a condition reads the same however a provider nests it."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict) and set(item) == {key} and isinstance(item[key], list):
            out.extend(_flat(key, item[key]))
        else:
            out.append(item)
    return out


# --------------------------------------------------------------------------- actions

_ACTION_KEYS: dict[str, tuple[str, ...]] = {
    "delay": ("duration",),
    "send_email": ("email", "ask"),
    "create_task": ("title", "assign_to", "due_in"),
    "notify": ("recipient", "message"),
    "set_property": ("property", "value"),
    "copy_property": ("property", "to_object"),
}


def action_text(a: Any) -> str:
    """One workflow action as a short sentence in the spec's words."""
    if not isinstance(a, dict) or not isinstance(a.get("type"), str):
        return inline(a) or scalar(json.dumps(a, sort_keys=True, default=str))
    t = a["type"]
    g = a.get
    if t == "delay":
        s = f"wait {g('duration')}"
    elif t == "send_email":
        s = f"send email {bare(g('email'))}" + (f" (ask: {bare(g('ask'))})" if g("ask") else "")
    elif t == "create_task":
        s = f"create task {scalar(g('title'))} for {bare(g('assign_to'))}, due in {g('due_in')}"
    elif t == "notify":
        s = f"notify {bare(g('recipient'))}: {scalar(g('message'))}"
    elif t == "set_property":
        s = f"set {g('property')} = {bare(g('value'))}"
    elif t == "copy_property":
        s = f"copy {g('property')} to {g('to_object')}"
    else:
        s = t
    rest = {k: v for k, v in a.items() if k != "type" and k not in _ACTION_KEYS.get(t, ())}
    if rest:
        s += " " + (inline(rest) or json.dumps(rest, sort_keys=True, ensure_ascii=False, default=str))
    return s


def action_rows(actions: list[Any], depth: int) -> list[Row]:
    return [(depth, f"{i}. {action_text(a)}") for i, a in enumerate(actions, 1)]


def is_actions(key: str | None, v: Any) -> bool:
    return key == "actions" and isinstance(v, list) and all(isinstance(a, dict) and "type" in a for a in v)


# --------------------------------------------------------------------------- generic layout


def inline(v: Any, budget: int = WIDTH) -> str | None:
    """A value on one line when it is a scalar, or a flat mapping/list of scalars that fits."""
    if is_scalar(v):
        return scalar(v)
    if isinstance(v, list):
        if not v:
            return "[]"
        if all(is_scalar(x) for x in v):
            s = "[" + ", ".join(scalar(x) for x in v) + "]"
            return s if len(s) <= budget else None
        return None
    if isinstance(v, dict):
        if not v:
            return "{}"
        if is_condition(v) or not all(is_scalar(x) for x in v.values()):
            return None
        s = "{" + ", ".join(f"{k}: {scalar(x)}" for k, x in v.items()) + "}"
        return s if len(s) <= budget else None
    return scalar(str(v))


def layout(v: Any, depth: int, key: str | None = None, budget: int = WIDTH) -> tuple[str | None, list[Row]]:
    """``v`` on one line (``(text, [])``) or as a block of rows at ``depth`` (``(None, rows)``)."""
    if is_condition(v):
        if "property" in v:
            return leaf_text(v), []
        return None, condition_rows(v, depth)
    if is_actions(key, v) and v:
        return None, action_rows(v, depth)
    one = inline(v, budget)
    if one is not None:
        return one, []
    rows: list[Row] = []
    if isinstance(v, dict):
        for k, x in v.items():
            rows.extend(value_rows(str(k), x, depth))
    else:
        for x in v:
            rows.extend(item_rows(x, depth))
    return None, rows


def value_rows(key: str, v: Any, depth: int) -> list[Row]:
    """``key: value`` on one line, or ``key:`` with the value's block one level deeper."""
    text, rows = layout(v, depth + 1, key, WIDTH - 2 * depth - len(key) - 2)
    if text is not None:
        return [(depth, f"{key}: {text}")]
    return [(depth, f"{key}:"), *rows]


def item_rows(x: Any, depth: int, key: str | None = None) -> list[Row]:
    """A list item: ``- value``, or ``- first: …`` with the rest of a mapping aligned under it."""
    text, rows = layout(x, depth + 1, key, WIDTH - 2 * depth - 2)
    if text is not None:
        return [(depth, "- " + text)]
    return [(depth, "- " + rows[0][1]), *rows[1:]]


def leaf_key(path: str) -> str:
    """The last key of an attribute path (``calculation.cases["a"].when`` → ``when``)."""
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)$", path)
    return m.group(1) if m else ""
