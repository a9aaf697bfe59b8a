"""``POST /crm/v3/objects/{objectType}/search``: filter, sort and page records.

``filterGroups`` are ORed, the filters inside a group ANDed (DOC: at most 5 groups, 6
filters per group, 18 in all).  Operators: EQ, NEQ, LT, LTE, GT, GTE, BETWEEN
(``value``/``highValue``, inclusive), IN / NOT_IN (``values``), HAS_PROPERTY,
NOT_HAS_PROPERTY, CONTAINS_TOKEN / NOT_CONTAINS_TOKEN (``*`` wildcards).  Numbers compare
numerically, dates and datetimes as epoch milliseconds, strings case-insensitively.
Negative operators (NEQ, NOT_IN, NOT_CONTAINS_TOKEN) also match records without a value
(UNVERIFIED).  ``limit`` is at most 200; as in HubSpot, paging past 10,000 results is
refused with 400 while ``total`` still counts every match.  Calculated properties are
filtered and sorted on their computed values.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
import weakref
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response

from .errors import validation
from .formula_eval import Unevaluable, epoch_millis
from .objecttypes import resolve
from .record_values import derived_values, formula_properties, record_values
from .records import record_view
from .requestio import check_fields, json_object, respond
from .runtime import portal
from .state import PortalState

bp = Blueprint("search", __name__)
MAX_LIMIT = 200
MAX_RESULTS = 10_000
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18
OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)
_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")
Predicate = Callable[[dict[str, str | None]], bool]


def _comparable(kind: str, text: str) -> Any:
    """A value ordered the way HubSpot orders values of property type ``kind``."""
    if kind == "number":
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    if kind in ("date", "datetime"):
        try:
            return epoch_millis(text)
        except Unevaluable:
            return None
    return text.lower()


def _items(kind: str, field_type: str, text: str) -> list[Any]:
    parts = [p for p in text.split(";") if p] if field_type == "checkbox" else [text]
    return [_comparable(kind, p) for p in parts]


def _tokens_match(pattern: str, text: str) -> bool:
    pattern, text = pattern.lower(), text.lower()
    candidates = [text, *[t for t in _TOKEN_SPLIT.split(text) if t]]
    if "*" in pattern:
        return any(fnmatch.fnmatchcase(c, pattern) for c in candidates)
    return pattern in candidates


def _filter(state: PortalState, object_name: str, raw: Any) -> Predicate:
    if not isinstance(raw, dict):
        raise validation("Each filter must be an object")
    check_fields(raw, ("propertyName", "operator", "value", "values", "highValue"), "Filter")
    name, op = raw.get("propertyName"), raw.get("operator")
    if op not in OPERATORS:
        raise validation(f"Invalid filter operator '{op}'; expected one of {sorted(OPERATORS)}")
    prop = state.active_property(object_name, name) if isinstance(name, str) else None
    if prop is None:
        raise validation(
            f"Unable to find property '{name}' on {object_name} to filter on",
            context={"propertyName": [str(name)]},
        )
    kind, field_type, name = prop["type"], prop["fieldType"], str(name)

    def one(key: str) -> Any:
        if raw.get(key) is None:
            raise validation(f"Filter {name} {op} needs '{key}'")
        return _comparable(kind, str(raw[key]).lower() if isinstance(raw[key], bool) else str(raw[key]))

    def many() -> list[Any]:
        if not isinstance(raw.get("values"), list):
            raise validation(f"Filter {name} {op} needs 'values' (an array)")
        return [_comparable(kind, str(v)) for v in raw["values"]]

    def present(values: dict[str, str | None]) -> str | None:
        value = values.get(name)
        return value if value not in (None, "") else None

    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        wanted = op == "HAS_PROPERTY"
        return lambda v: (present(v) is not None) == wanted
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern, positive = str(raw.get("value", "")), op == "CONTAINS_TOKEN"
        return lambda v: (present(v) is not None and _tokens_match(pattern, present(v) or "")) == positive
    if op in ("IN", "NOT_IN"):
        options, positive = many(), op == "IN"
        return lambda v: (
            (present(v) is not None and any(i in options for i in _items(kind, field_type, present(v) or "")))
            == positive
        )
    low = one("value")
    high = one("highValue") if op == "BETWEEN" else None
    tests: dict[str, Callable[[Any], bool]] = {
        "EQ": lambda x: x == low,
        "NEQ": lambda x: x == low,
        "LT": lambda x: x < low,
        "LTE": lambda x: x <= low,
        "GT": lambda x: x > low,
        "GTE": lambda x: x >= low,
        "BETWEEN": lambda x: low <= x <= high,
    }
    test = tests[op]

    def check(values: dict[str, str | None]) -> bool:
        text = present(values)
        items = [] if text is None else [i for i in _items(kind, field_type, text) if i is not None]
        try:
            hit = any(test(i) for i in items if low is not None)
        except TypeError:
            hit = False
        return not hit if op == "NEQ" else hit

    return check


def _predicate(state: PortalState, object_name: str, groups: Any) -> Predicate:
    if groups in (None, []):
        return lambda _v: True
    if not isinstance(groups, list) or len(groups) > MAX_GROUPS:
        raise validation(f"filterGroups must be an array of at most {MAX_GROUPS} groups")
    compiled: list[list[Predicate]] = []
    total = 0
    for group in groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list) or len(filters) > MAX_FILTERS_PER_GROUP:
            raise validation(
                f"Each filter group needs a 'filters' array of at most {MAX_FILTERS_PER_GROUP} filters"
            )
        total += len(filters)
        compiled.append([_filter(state, object_name, f) for f in filters])
    if total > MAX_FILTERS:
        raise validation(f"A search can have at most {MAX_FILTERS} filters in all, got {total}")
    return lambda v: any(all(p(v) for p in group) for group in compiled)


def _sort_key(state: PortalState, object_name: str, sorts: Any) -> list[tuple[str, bool, str]]:
    if not sorts:
        return []
    if not isinstance(sorts, list):
        raise validation("sorts must be an array")
    keys: list[tuple[str, bool, str]] = []
    for sort in sorts:
        if isinstance(sort, str):
            name, descending = sort.lstrip("-"), sort.startswith("-")
        elif isinstance(sort, dict):
            name, descending = str(sort.get("propertyName")), sort.get("direction") == "DESCENDING"
        else:
            raise validation("Each sort must be a property name or {propertyName, direction}")
        prop = state.active_property(object_name, name)
        keys.append((name, descending, prop["type"] if prop else "string"))
    return keys


def _sorted(
    rows: list[tuple[dict[str, Any], dict[str, str | None]]], keys: list[tuple[str, bool, str]]
) -> None:
    for name, descending, kind in reversed(keys):
        present = [r for r in rows if r[1].get(name) not in (None, "")]
        missing = [r for r in rows if r[1].get(name) in (None, "")]

        def key(
            row: tuple[dict[str, Any], dict[str, str | None]], n: str = name, k: str = kind
        ) -> tuple[int, Any]:
            return _order_key(k, row[1][n] or "")

        present.sort(key=key, reverse=descending)
        rows[:] = present + missing


def _order_key(kind: str, text: str) -> tuple[int, Any]:
    value = _comparable(kind, text)
    return (0, value) if value is not None else (1, text)


@bp.post("/crm/v3/objects/<objectType>/search")
def search(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    body = json_object("PublicObjectSearchRequest")
    check_fields(
        body, ("query", "limit", "after", "sorts", "properties", "filterGroups"), "PublicObjectSearchRequest"
    )
    limit = body.get("limit", 10)
    if not isinstance(limit, int) or not 0 < limit <= MAX_LIMIT:
        raise validation(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    try:
        after = int(body.get("after") or 0)
    except ValueError as exc:
        raise validation(f"Invalid after cursor '{body.get('after')}'") from exc
    if after >= MAX_RESULTS:
        raise validation(
            f"The search endpoints return at most {MAX_RESULTS} results per query; "
            f"after={after} pages past them. Narrow the filters instead.",
            context={"after": [str(after)]},
        )
    matches = _predicate(state, object_name, body.get("filterGroups"))
    query = str(body.get("query") or "").strip().lower()
    wanted = body.get("properties") or None
    keyset = _keyset_start(body, query)
    if keyset is not None:
        return respond(_keyset_page(state, object_name, keyset, after, limit, wanted))
    formulas = formula_properties(state, object_name)
    needed = {str(f.get("propertyName")) for g in body.get("filterGroups") or [] if isinstance(g, dict)
              for f in g.get("filters") or [] if isinstance(f, dict)}
    needed |= {name for name, _, _ in _sort_key(state, object_name, body.get("sorts"))}
    full = bool(query) or bool(needed & set(formulas))
    rows = []
    for record in state.records[object_name].values():
        if record["archived"]:
            continue
        if full:
            values = record_values(state, object_name, record)
        else:  # no filter, sort or query reads a formula: skip evaluating them for every record
            values = {**record["properties"], **derived_values(state, object_name, record["properties"])}
        if matches(values) and (not query or any(query in (v or "").lower() for v in values.values())):
            rows.append((record, values))
    _sorted(rows, _sort_key(state, object_name, body.get("sorts")))
    page = rows[after : min(after + limit, MAX_RESULTS)]
    out: dict[str, Any] = {
        "total": len(rows),
        "results": [record_view(state, object_name, record, wanted) for record, _ in page],
    }
    if after + limit < len(rows):
        out["paging"] = {"next": {"after": str(after + limit)}}
    return respond(out)


# -- keyset paging on hs_object_id (the common way to read every record) ------------------------
_ID_INDEX: weakref.WeakKeyDictionary[PortalState, dict[str, tuple[int, int, list[int]]]] = (
    weakref.WeakKeyDictionary())


def _keyset_start(body: dict[str, Any], query: str) -> tuple[int, bool] | None:
    """``(value, inclusive)`` when the search is only ``hs_object_id > value`` (or ``>=``, or no filter)
    sorted by ``hs_object_id`` ascending: answered from an id index instead of a scan."""
    sorts = body.get("sorts") or []
    if query or len(sorts) != 1:
        return None
    sort = sorts[0]
    if not (sort == "hs_object_id" or (isinstance(sort, dict) and sort.get("propertyName") == "hs_object_id"
                                       and sort.get("direction", "ASCENDING") == "ASCENDING")):
        return None
    groups = body.get("filterGroups") or []
    if not groups:
        return (0, True)
    if len(groups) != 1 or not isinstance(groups[0], dict) or len(groups[0].get("filters") or []) != 1:
        return None
    f = groups[0]["filters"][0]
    if f.get("propertyName") != "hs_object_id" or f.get("operator") not in ("GT", "GTE"):
        return None
    try:
        return (int(Decimal(str(f.get("value")))), f["operator"] == "GTE")
    except (InvalidOperation, ValueError):
        return None


def _live_ids(state: PortalState, object_name: str) -> list[int]:
    records = state.records[object_name]
    per_state = _ID_INDEX.setdefault(state, {})
    cached = per_state.get(object_name)
    if cached is None or cached[0] != len(records) or cached[1] != state.record_epoch:
        ids = sorted(int(i) for i, r in records.items() if not r["archived"])
        cached = (len(records), state.record_epoch, ids)
        per_state[object_name] = cached
    return cached[2]


def _keyset_page(state: PortalState, object_name: str, start: tuple[int, bool], after: int, limit: int,
                 wanted: list[str] | None) -> dict[str, Any]:
    ids = _live_ids(state, object_name)
    value, inclusive = start
    first = bisect.bisect_left(ids, value) if inclusive else bisect.bisect_right(ids, value)
    total = len(ids) - first
    lo = first + after
    hi = first + min(after + limit, MAX_RESULTS)
    records = state.records[object_name]
    out: dict[str, Any] = {
        "total": total,
        "results": [record_view(state, object_name, records[str(i)], wanted) for i in ids[lo:hi]],
    }
    if after + limit < total:
        out["paging"] = {"next": {"after": str(after + limit)}}
    return out
