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
  milliseconds as HubSpot stores them) is before the start of today minus ``N`` days;
  ``within_days: N`` when it is at or after that instant.  "Today" starts at midnight in the
  time zone the caller passes (``zone``: the HubSpot portal's time zone, or a local
  environment's ``time_zone``; UTC when none is given).  An unreadable date is unknown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any as AnyT
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


@lru_cache(maxsize=64)
def zone_info(name: str | None) -> tzinfo:
    """The IANA time zone ``name`` (``UTC`` when ``None`` or empty); ``ValueError`` for an unknown name."""
    if not name or name.upper() in ("UTC", "Z", "ETC/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone {name!r}") from e


def days_ago_boundary(days: int, now: datetime | None = None, zone: str | None = None) -> datetime:
    """Midnight at the start of today in ``zone`` (UTC by default) minus ``days`` calendar days:
    the instant the date operators compare with (a calendar day, so a daylight-saving change in
    between moves it by the zone's offset, not by 24 hours)."""
    tz = zone_info(zone)
    local = (now or datetime.now(UTC)).astimezone(tz)
    start = datetime(local.year, local.month, local.day) - timedelta(days=int(days))
    return start.replace(tzinfo=tz).astimezone(UTC)


def eval_leaf(leaf: Leaf, record: dict[str, AnyT], zone: str | None = None) -> bool:
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
        older = at < days_ago_boundary(int(x), zone=zone)
        return older if op == "older_than_days" else not older
    if op == "contains":
        return str(x).lower() in str(v).lower()
    if op == "not_contains":
        return str(x).lower() not in str(v).lower()
    raise ValueError(f"unknown operator {op}")


def evaluate(c: Condition, record: dict[str, AnyT], zone: str | None = None) -> bool:
    """Evaluate a core condition on a record (property name → value); ``zone`` is the time zone
    whose midnight starts "today" for ``older_than_days`` / ``within_days`` (UTC by default)."""
    if isinstance(c, Leaf):
        return eval_leaf(c, record, zone)
    if isinstance(c, All):
        return all(evaluate(i, record, zone) for i in c.items)
    if isinstance(c, Any):
        return any(evaluate(i, record, zone) for i in c.items)
    if isinstance(c, Not):
        return not evaluate(c.item, record, zone)
    raise TypeError(f"not a core condition: {c!r} (expand sugar first)")


def explain(c: Condition, record: dict[str, AnyT], depth: int = 0, zone: str | None = None) -> list[str]:
    """Line-by-line trace of an evaluation, for ``gtm explain`` and tests."""
    pad = "  " * depth
    res = evaluate(c, record, zone)
    mark = "✓" if res else "✗"
    if isinstance(c, Leaf):
        return [f"{pad}{mark} {c.property} {c.op} {c.value!r} (value: {record.get(c.property)!r})"]
    if isinstance(c, All | Any):
        head = f"{pad}{mark} {'all' if isinstance(c, All) else 'any'}"
        lines = [head]
        for i in c.items:
            lines.extend(explain(i, record, depth + 1, zone))
        return lines
    if isinstance(c, Not):
        return [f"{pad}{mark} not", *explain(c.item, record, depth + 1, zone)]
    return [f"{pad}? {c!r}"]
