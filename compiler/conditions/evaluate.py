"""The Python evaluator of core conditions over a CRM record.

Semantics shared with the HubSpot list-filter and formula backends:

* A property is *unknown* when it is absent, ``None`` or the empty string.
* ``known: true`` holds for a known value, ``known: false`` for an unknown one.
* Every other operator is false on an unknown value (HubSpot's default
  ``includeObjectsWithNoValueSet: false``); ``not`` negates, so ``not {eq}`` holds on unknown.
* Numbers compare numerically (record values may be numeric strings); booleans accept
  ``true``/``false`` strings; strings compare case-insensitively; ``contains`` is a
  case-insensitive substring test.
* Multi-value enumerations (``a;b``) satisfy ``in``/``eq`` when any value matches and
  ``not_in``/``ne`` when none does.
* ``older_than_days: N`` holds when the date (an ISO date or datetime, or epoch
  milliseconds as HubSpot stores them) is before the start of today (UTC) minus ``N`` days;
  ``within_days: N`` when it is at or after that instant.  An unreadable date is unknown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any as AnyT

from compiler.conditions.ast import All, Any, Condition, Leaf, Not


def is_unknown(v: AnyT) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _num(v: AnyT) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v).strip())
    except ValueError:
        return None


def _bool(v: AnyT) -> bool | None:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s == "true":
        return True
    if s == "false":
        return False
    return None


def _values(v: AnyT) -> list[AnyT]:
    if isinstance(v, str) and ";" in v:
        return [p for p in v.split(";") if p != ""]
    return [v]


def scalar_eq(actual: AnyT, expected: AnyT) -> bool:
    if isinstance(expected, bool):
        return _bool(actual) is expected
    if isinstance(expected, int | float):
        n = _num(actual)
        return n is not None and n == float(expected)
    return str(actual).strip().lower() == str(expected).strip().lower()


def _cmp(actual: AnyT, expected: AnyT) -> int | None:
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        n = _num(actual)
        if n is None:
            return None
        return (n > expected) - (n < expected)
    a, e = str(actual), str(expected)
    return (a > e) - (a < e)


def as_instant(v: AnyT) -> datetime | None:
    """A date value as an aware UTC instant (ISO date/datetime or epoch milliseconds), or None."""
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=UTC)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day, tzinfo=UTC)
    if isinstance(v, bool):
        return None
    s = str(v).strip()
    if s.lstrip("-").isdigit():
        try:
            return datetime.fromtimestamp(int(s) / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def days_ago_boundary(days: int, now: datetime | None = None) -> datetime:
    """The start of today (UTC) minus ``days`` days: the instant the date operators compare with."""
    now = now or datetime.now(UTC)
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    return today - timedelta(days=int(days))


def eval_leaf(leaf: Leaf, record: dict[str, AnyT]) -> bool:
    v = record.get(leaf.property)
    op, x = leaf.op, leaf.value
    if op == "known":
        return (not is_unknown(v)) is bool(x)
    if is_unknown(v):
        return False
    if op == "eq":
        return any(scalar_eq(p, x) for p in _values(v))
    if op == "ne":
        return not any(scalar_eq(p, x) for p in _values(v))
    if op == "in":
        return any(scalar_eq(p, e) for p in _values(v) for e in x)
    if op == "not_in":
        return not any(scalar_eq(p, e) for p in _values(v) for e in x)
    if op in ("gt", "gte", "lt", "lte"):
        c = _cmp(v, x)
        if c is None:
            return False
        return {"gt": c > 0, "gte": c >= 0, "lt": c < 0, "lte": c <= 0}[op]
    if op == "between":
        lo, hi = _cmp(v, x[0]), _cmp(v, x[1])
        return lo is not None and hi is not None and lo >= 0 and hi <= 0
    if op in ("older_than_days", "within_days"):
        at = as_instant(v)
        if at is None:
            return False
        older = at < days_ago_boundary(int(x))
        return older if op == "older_than_days" else not older
    if op == "contains":
        return str(x).lower() in str(v).lower()
    if op == "not_contains":
        return str(x).lower() not in str(v).lower()
    raise ValueError(f"unknown operator {op}")


def evaluate(c: Condition, record: dict[str, AnyT]) -> bool:
    """Evaluate a core condition on a record (property name → value)."""
    if isinstance(c, Leaf):
        return eval_leaf(c, record)
    if isinstance(c, All):
        return all(evaluate(i, record) for i in c.items)
    if isinstance(c, Any):
        return any(evaluate(i, record) for i in c.items)
    if isinstance(c, Not):
        return not evaluate(c.item, record)
    raise TypeError(f"not a core condition: {c!r} (expand sugar first)")


def explain(c: Condition, record: dict[str, AnyT], depth: int = 0) -> list[str]:
    """Line-by-line trace of an evaluation, for ``gtm explain`` and tests."""
    pad = "  " * depth
    res = evaluate(c, record)
    mark = "✓" if res else "✗"
    if isinstance(c, Leaf):
        return [f"{pad}{mark} {c.property} {c.op} {c.value!r} (value: {record.get(c.property)!r})"]
    if isinstance(c, All | Any):
        head = f"{pad}{mark} {'all' if isinstance(c, All) else 'any'}"
        lines = [head]
        for i in c.items:
            lines.extend(explain(i, record, depth + 1))
        return lines
    if isinstance(c, Not):
        return [f"{pad}{mark} not", *explain(c.item, record, depth + 1)]
    return [f"{pad}? {c!r}"]
