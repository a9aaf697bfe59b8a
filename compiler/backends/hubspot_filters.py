"""Core conditions ⇄ HubSpot list filters (``filterBranch`` JSON).

Public API
----------
* :func:`condition_to_filter_branch` ``(cond, types) -> (filterBranch | None, diagnostics)``
* :func:`filter_branch_to_condition` ``(filterBranch) -> Condition`` (inverse; reads live lists)
* :func:`readable_condition` ``(filterBranch) -> Condition`` (the inverse with the conjuncts
  shared by every OR branch factored out: what plans show for a live list or flow condition)
* :func:`normalize_filter_branch` ``(filterBranch) -> dict`` (HubSpot's server-side defaults,
  stable order: compare live with desired after normalising both)

Shape.  The condition is put in disjunctive normal form: ``not`` is pushed to the leaves (De
Morgan), ``all`` distributes over ``any``, and the result is a root ``OR`` branch whose children
are ``AND`` branches of ``PROPERTY`` filters — the nesting every HubSpot example uses.  The
expansion is capped at :data:`MAX_BRANCHES` AND-branches and :data:`MAX_FILTERS` filters;
beyond that the compile fails with GTM501 naming the leaf whose expansion crossed the cap.

Semantics (must equal :mod:`compiler.conditions.evaluate` on every record).  Every HubSpot
property operation excludes records with no value unless ``includeObjectsWithNoValueSet`` is
true; the evaluator makes every operator except ``known`` false on an unknown value.  So a
positive leaf compiles with ``includeObjectsWithNoValueSet: false`` and a *negated* leaf
compiles to the complementary operator **with** ``includeObjectsWithNoValueSet: true``:
``not {gt: 5}`` holds on unknown values and on known values ``<= 5`` — which is
``IS_LESS_THAN_OR_EQUAL_TO 5`` plus the no-value records, *not* plain ``lte`` (false on
unknown).  ``not between [a, b]`` becomes ``lt a`` OR ``gt b`` (both including no-value
records), ``between`` becomes ``gte a`` AND ``lte b``; ``known`` maps to ``ALL_PROPERTY``
``IS_KNOWN`` / ``IS_UNKNOWN`` (negation flips it).

Operations per property type (``types(name)``):

=============  =====================================================================
number         ``NUMBER``: eq ne gt gte lt lte (``value``); in → OR of IS_EQUAL_TO;
               not_in → AND of IS_NOT_EQUAL_TO; between as above
string,        ``STRING``: eq → IS_EQUAL_TO, ne → IS_NOT_EQUAL_TO, contains → CONTAINS,
phone_number   not_contains → DOES_NOT_CONTAIN; ``MULTISTRING``: in → IS_EQUAL_TO
               ``values`` (equal to any of), not_in → IS_NOT_EQUAL_TO ``values`` (with a
               single value, the STRING operator instead)
enumeration    ``ENUMERATION``: eq / in → IS_ANY_OF, ne / not_in → IS_NONE_OF (``values``);
               a multi-checkbox value ``a;b`` matches when any of its values does
bool           ``BOOL``: eq → IS_EQUAL_TO, ne → IS_NOT_EQUAL_TO (``value`` true/false);
               in / not_in reduce to those or to IS_KNOWN / nothing
date, datetime ``TIME_POINT`` relative to today: older_than_days → IS_BEFORE, within_days →
               IS_AFTER (:func:`days_filter`); ``known``; nothing else (ISO string
               ordering in the evaluator ≠ HubSpot date logic)
unknown        typed from the value: bool → BOOL, number → NUMBER, string → STRING;
               older_than_days / within_days → TIME_POINT
=============  =====================================================================

Anything else is a GTM501 error naming the leaf (with its source range when the leaf has one):
ordering on a non-number, ``contains`` on a non-string, empty strings, string values holding
``;`` (the evaluator splits record values on ``;``), a number compared with a string, date
comparisons, an oversized DNF.

Verified (where): operator names per operation type — HubSpot's official SDKs generated from
its OpenAPI spec (``HubSpot/hubspot-sdk-python``
``src/hubspot_sdk/types/crm/public_*_property_operation.py`` and the Ruby/PHP/TS twins):
NUMBER ``IS_EQUAL_TO, IS_NOT_EQUAL_TO, IS_GREATER_THAN, IS_GREATER_THAN_OR_EQUAL_TO, IS_LESS_THAN,
IS_LESS_THAN_OR_EQUAL_TO`` (+ HAS_EVER…); STRING
``IS_EQUAL_TO, IS_NOT_EQUAL_TO, CONTAINS, DOES_NOT_CONTAIN, STARTS_WITH, ENDS_WITH`` (+…);
MULTISTRING ``IS_EQUAL_TO, IS_NOT_EQUAL_TO, CONTAINS, …`` with ``values``; ENUMERATION
``IS_ANY_OF, IS_NONE_OF, IS_EXACTLY, …`` with ``values``; BOOL ``IS_EQUAL_TO,
IS_NOT_EQUAL_TO`` with a boolean ``value``; ALL_PROPERTY ``IS_KNOWN, IS_UNKNOWN``;
``includeObjectsWithNoValueSet`` "indicates whether objects with no value set for the property
should be included in the operation" (required on every operation).  The OR → AND nesting and
the server defaults (``filterBranchOperator`` = type, empty arrays,
``includeObjectsWithNoValueSet: false``) — HubSpot's list-filters guide (developers.hubspot.com
``…/crm-lists-v3/list-filters``, stored copy: "This root level OR filter branch must then have one
or more AND sub-filter branches") and ``shared/reference/hubspot-api.md`` §5.3.  That negative operators drop
no-value records unless ``includeObjectsWithNoValueSet`` is true is OBSERVED in third-party
code (``DOES_NOT_CONTAIN`` "must set includeObjectsWithNoValueSet: true, or every contact with
an empty … field drops out"; ``BOOL IS_NOT_EQUAL_TO true`` + ``true`` used for "not opted out").

UNVERIFIED: that STRING/MULTISTRING comparisons are case-insensitive like the evaluator (HubSpot
matches enumeration values against option internal names, so spec values must use the options'
exact spelling); that MULTISTRING ``IS_EQUAL_TO`` means "equal to any of" and
``IS_NOT_EQUAL_TO`` "equal to none of"; how HubSpot evaluates an AND branch with no filters
(emitted only for the always-true condition ``all: []``).
"""

from __future__ import annotations

import json
import math
from typing import Any as AnyT

from compiler.backends import TypeLookup
from compiler.conditions.ast import DATE_OPS, NEGATED_OP, All, Any, Condition, Leaf, Not, leaves
from compiler.diagnostics import Diagnostic, error

MAX_BRANCHES = 50
MAX_FILTERS = 250

Filter = dict[str, AnyT]
Conj = tuple[Filter, ...]

# HubSpot property type -> operation family used here
_FAMILY: dict[str, str] = {
    "number": "NUMBER", "string": "STRING", "phone_number": "STRING", "enumeration": "ENUMERATION",
    "bool": "BOOL", "date": "DATE", "datetime": "DATE",
}
_NUMBER_OPS: dict[str, str] = {
    "eq": "IS_EQUAL_TO", "ne": "IS_NOT_EQUAL_TO", "gt": "IS_GREATER_THAN",
    "gte": "IS_GREATER_THAN_OR_EQUAL_TO", "lt": "IS_LESS_THAN", "lte": "IS_LESS_THAN_OR_EQUAL_TO",
}
_STRING_OPS: dict[str, str] = {
    "eq": "IS_EQUAL_TO", "ne": "IS_NOT_EQUAL_TO", "contains": "CONTAINS", "not_contains": "DOES_NOT_CONTAIN",
}
# inverse tables: (operationType, operator) -> core op
_INVERSE: dict[tuple[str, str], str] = {
    **{("NUMBER", v): k for k, v in _NUMBER_OPS.items()},
    **{("STRING", v): k for k, v in _STRING_OPS.items()},
    ("MULTISTRING", "IS_EQUAL_TO"): "in", ("MULTISTRING", "IS_NOT_EQUAL_TO"): "not_in",
    ("ENUMERATION", "IS_ANY_OF"): "in", ("ENUMERATION", "IS_NONE_OF"): "not_in",
    ("BOOL", "IS_EQUAL_TO"): "eq", ("BOOL", "IS_NOT_EQUAL_TO"): "ne",
}


class _Inexpressible(Exception):
    def __init__(self, leaf: Leaf, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.leaf, self.reason, self.hint = leaf, reason, hint


class _TooLarge(Exception):
    def __init__(self, leaf: Leaf | None, branches: int, filters: int) -> None:
        super().__init__("too large")
        self.leaf, self.branches, self.filters = leaf, branches, filters


# -- building blocks -------------------------------------------------------------------------
def property_filter(prop: str, operation_type: str, operator: str, include: bool = False,
                    **payload: AnyT) -> Filter:
    """One ``PROPERTY`` filter; ``payload`` is ``value=`` or ``values=`` where the operation has one."""
    op: dict[str, AnyT] = {"operationType": operation_type, "operator": operator}
    op.update(payload)
    op["includeObjectsWithNoValueSet"] = include
    return {"filterType": "PROPERTY", "property": prop, "operation": op}


#: the default time zone of the ``TODAY`` time points gtm sends; a provider passes its portal's zone
#: (:func:`condition_to_filter_branch` ``zone=``), and the evaluator counts days in the same zone
TIME_ZONE = "UTC"


def days_filter(prop: str, op: str, days: int, include: bool = False, zone: str = TIME_ZONE) -> Filter:
    """``older_than_days`` / ``within_days`` as a ``TIME_POINT`` filter relative to today.

    DOC (HubSpot list-filters guide, "Is Relative to Today"): operator ``IS_BEFORE`` /
    ``IS_AFTER``, ``timePoint`` ``{timeType: INDEXED, indexReference: {referenceType: TODAY},
    offset: {days: -N}}`` with ``timezoneSource``/``zoneId``, ``endpointBehavior: EXCLUSIVE``,
    ``propertyParser: VALUE`` and ``type`` = ``operationType`` = ``TIME_POINT``.  ``zone`` is the
    ``zoneId`` (an IANA name): the portal's time zone, so "today" is the portal's day.
    """
    point = {"timeType": "INDEXED", "timezoneSource": "CUSTOM", "zoneId": zone,
             "indexReference": {"referenceType": "TODAY"}, "offset": {"days": -int(days)}}
    operation: dict[str, AnyT] = {
        "operationType": "TIME_POINT", "type": "TIME_POINT",
        "operator": "IS_BEFORE" if op == "older_than_days" else "IS_AFTER",
        "timePoint": point, "endpointBehavior": "EXCLUSIVE", "propertyParser": "VALUE",
        "includeObjectsWithNoValueSet": include,
    }
    return {"filterType": "PROPERTY", "property": prop, "operation": operation}


def _days_of(op: dict[str, AnyT]) -> tuple[str, int] | None:
    """The (core op, days) a gtm-shaped ``TIME_POINT`` operation stands for, else None."""
    point = op.get("timePoint")
    if not isinstance(point, dict) or point.get("timeType") != "INDEXED":
        return None
    if (point.get("indexReference") or {}).get("referenceType") != "TODAY":
        return None
    offset = point.get("offset") or {}
    days = offset.get("days", 0) if set(offset) <= {"days"} else None
    if not isinstance(days, int) or isinstance(days, bool) or days > 0:
        return None
    core = {"IS_BEFORE": "older_than_days", "IS_AFTER": "within_days"}.get(str(op.get("operator")))
    return (core, -days) if core else None


def branch(kind: str, filters: list[Filter] | None = None, branches: list[dict[str, AnyT]] | None = None
           ) -> dict[str, AnyT]:
    """A filter branch with all four required keys."""
    return {"filterBranchType": kind, "filterBranchOperator": kind,
            "filterBranches": list(branches or []), "filters": list(filters or [])}


def _is_number(v: AnyT) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _num(v: AnyT) -> int | float:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _family(leaf: Leaf, types: TypeLookup) -> str:
    t = types(leaf.property)
    if t is None and leaf.op in DATE_OPS:
        return "DATE"
    if t is not None:
        fam = _FAMILY.get(t)
        if fam is None:
            raise _Inexpressible(leaf, f"property type {t!r} has no list-filter mapping")
        return fam
    sample = leaf.value[0] if isinstance(leaf.value, list) and leaf.value else leaf.value
    if isinstance(sample, bool):
        return "BOOL"
    if _is_number(sample):
        return "NUMBER"
    return "STRING"


def _str_value(leaf: Leaf, v: AnyT, strip: bool) -> str:
    if not isinstance(v, str):
        raise _Inexpressible(leaf, f"value {v!r} is not a string", 'quote the value, e.g. "5"')
    s = v.strip() if strip else v
    if s == "":
        raise _Inexpressible(leaf, "empty string value", "use {known: false} to match records with no value")
    if strip and ";" in s:
        raise _Inexpressible(leaf, f"value {v!r} contains ';', which separates multiple values")
    return s


def _values(leaf: Leaf) -> list[AnyT]:
    if not isinstance(leaf.value, list) or not leaf.value:
        raise _Inexpressible(leaf, f"{leaf.op} needs a non-empty list")
    return list(leaf.value)


def _literal(leaf: Leaf, negated: bool, types: TypeLookup, zone: str = TIME_ZONE) -> list[Conj]:
    """A (possibly negated) leaf as an OR of AND-conjunctions of filters (``zone``: of date filters)."""
    prop, op = leaf.property, leaf.op
    if op == "known":
        want = bool(leaf.value) is not negated
        return [(property_filter(prop, "ALL_PROPERTY", "IS_KNOWN" if want else "IS_UNKNOWN"),)]
    include = negated
    fam = _family(leaf, types)
    if op in DATE_OPS or fam == "DATE":
        if fam != "DATE":
            raise _Inexpressible(leaf, f"{op} needs a date or datetime property",
                                 f"{prop} is a {types(prop)} property")
        if op not in DATE_OPS:
            raise _Inexpressible(leaf, f"{op} on a date property",
                                 "use `known`, `older_than_days` or `within_days` on dates")
        return [(days_filter(prop, NEGATED_OP[op] if negated else op, leaf.value, include, zone),)]
    if op == "between":
        lo, hi = _between(leaf)
        if fam != "NUMBER":
            raise _Inexpressible(leaf, "between needs a number property")
        if negated:
            return [(property_filter(prop, "NUMBER", "IS_LESS_THAN", True, value=lo),),
                    (property_filter(prop, "NUMBER", "IS_GREATER_THAN", True, value=hi),)]
        return [(property_filter(prop, "NUMBER", "IS_GREATER_THAN_OR_EQUAL_TO", value=lo),
                 property_filter(prop, "NUMBER", "IS_LESS_THAN_OR_EQUAL_TO", value=hi))]
    if op not in NEGATED_OP:
        raise _Inexpressible(leaf, f"unknown operator {op!r}")
    if negated:
        op = NEGATED_OP[op]
    if fam == "NUMBER":
        return _number(leaf, op, include)
    if fam == "STRING":
        return _string(leaf, op, include)
    if fam == "ENUMERATION":
        return _enumeration(leaf, op, include)
    return _bool(leaf, op, include)


def _between(leaf: Leaf) -> tuple[int | float, int | float]:
    v = leaf.value
    if not (isinstance(v, list) and len(v) == 2 and all(_is_number(x) for x in v)):
        raise _Inexpressible(leaf, "between needs [low, high] numbers")
    return _num(v[0]), _num(v[1])


def _number(leaf: Leaf, op: str, include: bool) -> list[Conj]:
    prop = leaf.property
    if op in ("in", "not_in"):
        vals = _values(leaf)
        if not all(_is_number(x) for x in vals):
            raise _Inexpressible(leaf, "a number property compared with non-numbers")
        if op == "in":
            return [(property_filter(prop, "NUMBER", "IS_EQUAL_TO", include, value=_num(x)),) for x in vals]
        return [tuple(property_filter(prop, "NUMBER", "IS_NOT_EQUAL_TO", include, value=_num(x))
                      for x in vals)]
    if op not in _NUMBER_OPS:
        raise _Inexpressible(leaf, f"{op} on a number property")
    if not _is_number(leaf.value):
        raise _Inexpressible(leaf, f"a number property compared with {leaf.value!r}",
                             "write the value unquoted")
    return [(property_filter(prop, "NUMBER", _NUMBER_OPS[op], include, value=_num(leaf.value)),)]


def _string(leaf: Leaf, op: str, include: bool) -> list[Conj]:
    prop = leaf.property
    if op in ("in", "not_in"):
        vals = [_str_value(leaf, x, strip=True) for x in _values(leaf)]
        if len(vals) == 1:  # one value: the plain STRING operator (what it reads back as)
            operator = "IS_EQUAL_TO" if op == "in" else "IS_NOT_EQUAL_TO"
            return [(property_filter(prop, "STRING", operator, include, value=vals[0]),)]
        return [(property_filter(prop, "MULTISTRING", "IS_EQUAL_TO" if op == "in" else "IS_NOT_EQUAL_TO",
                                 include, values=vals),)]
    if op not in _STRING_OPS:
        raise _Inexpressible(leaf, f"{op} on a string property",
                             "ordering comparisons need a number property")
    value = _str_value(leaf, leaf.value, strip=op in ("eq", "ne"))
    return [(property_filter(prop, "STRING", _STRING_OPS[op], include, value=value),)]


def _enumeration(leaf: Leaf, op: str, include: bool) -> list[Conj]:
    prop = leaf.property
    if op in ("eq", "ne"):
        vals = [_str_value(leaf, leaf.value, strip=True)]
    elif op in ("in", "not_in"):
        vals = [_str_value(leaf, x, strip=True) for x in _values(leaf)]
    else:
        raise _Inexpressible(leaf, f"{op} on an enumeration property", "use eq, ne, in or not_in")
    operator = "IS_ANY_OF" if op in ("eq", "in") else "IS_NONE_OF"
    return [(property_filter(prop, "ENUMERATION", operator, include, values=vals),)]


def _as_bool(leaf: Leaf, v: AnyT) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    raise _Inexpressible(leaf, f"a bool property compared with {v!r}")


def _bool(leaf: Leaf, op: str, include: bool) -> list[Conj]:
    prop = leaf.property
    if op in ("eq", "ne"):
        operator = "IS_EQUAL_TO" if op == "eq" else "IS_NOT_EQUAL_TO"
        return [(property_filter(prop, "BOOL", operator, include, value=_as_bool(leaf, leaf.value)),)]
    if op not in ("in", "not_in"):
        raise _Inexpressible(leaf, f"{op} on a bool property")
    listed = {_as_bool(leaf, x) for x in _values(leaf)}
    allowed = listed if op == "in" else {True, False} - listed
    if len(allowed) == 2:
        hits: list[Conj] = [(property_filter(prop, "ALL_PROPERTY", "IS_KNOWN"),)]
    else:
        hits = [(property_filter(prop, "BOOL", "IS_EQUAL_TO", value=v),) for v in sorted(allowed)]
    if include:  # negated leaf: records with no value match as well
        hits.append((property_filter(prop, "ALL_PROPERTY", "IS_UNKNOWN"),))
    return hits


# -- DNF ---------------------------------------------------------------------------------------
def _key(f: Filter) -> str:
    return json.dumps(f, sort_keys=True, default=str)


def _same(f: Filter) -> str:
    """Identity of a filter up to the order of its ``values`` (a set for the operators used)."""
    return _key(_normalize_filter(f))


def _conj(filters: tuple[Filter, ...]) -> Conj:
    seen: dict[str, Filter] = {}
    for f in filters:
        seen.setdefault(_same(f), f)
    return tuple(seen.values())


def _dedupe(dnf: list[Conj]) -> list[Conj]:
    seen: dict[tuple[str, ...], Conj] = {}
    for c in dnf:
        seen.setdefault(tuple(sorted(_same(f) for f in c)), c)
    return list(seen.values())


def _check(dnf: list[Conj], node: Condition) -> None:
    n_filters = sum(len(c) for c in dnf)
    if len(dnf) > MAX_BRANCHES or n_filters > MAX_FILTERS:
        raise _TooLarge(next(leaves(node), None), len(dnf), n_filters)


def _dnf(c: Condition, negated: bool, types: TypeLookup, zone: str = TIME_ZONE) -> list[Conj]:
    if isinstance(c, Leaf):
        return _literal(c, negated, types, zone)
    if isinstance(c, Not):
        return _dnf(c.item, not negated, types, zone)
    if not isinstance(c, All | Any):
        raise TypeError(f"not a core condition: {c!r} (expand sugar first)")
    conjunctive = isinstance(c, All) != negated
    if conjunctive:
        acc: list[Conj] = [()]
        for item in c.items:
            part = _dnf(item, negated, types, zone)
            acc = _dedupe([_conj(a + b) for a in acc for b in part])
            _check(acc, item)
        return acc
    out: list[Conj] = []
    for item in c.items:
        out = _dedupe(out + _dnf(item, negated, types, zone))
        _check(out, item)
    return out


def _gtm501(leaf: Leaf, reason: str, hint: str | None = None) -> Diagnostic:
    return error("GTM501", f"cannot express {leaf.describe()} as a HubSpot list filter: {reason}",
                 leaf.range, hint=hint)


def condition_to_filter_branch(cond: Condition, types: TypeLookup, zone: str = TIME_ZONE
                               ) -> tuple[dict[str, AnyT] | None, list[Diagnostic]]:
    """Compile a core condition to a list ``filterBranch`` (root OR of AND branches).

    ``zone`` is the time zone of the ``TODAY`` points of date filters (the portal's).  Returns
    ``(None, diagnostics)`` when some leaf cannot be expressed (one GTM501 per leaf) or the DNF
    exceeds the caps.
    """
    diags: list[Diagnostic] = []
    for leaf in leaves(cond):  # report every inexpressible leaf, not just the first
        try:
            _literal(leaf, False, types)
            _literal(leaf, True, types)
        except _Inexpressible as e:
            diags.append(_gtm501(e.leaf, e.reason, e.hint))
    if diags:
        return None, diags
    try:
        dnf = _dnf(cond, False, types, zone)
    except _TooLarge as e:
        leaf = e.leaf or Leaf("?", "known", True)
        return None, [_gtm501(
            leaf, f"the condition expands to {e.branches} AND-branches with {e.filters} filters "
                  f"(HubSpot lists allow at most {MAX_BRANCHES} branches / {MAX_FILTERS} filters)",
            "split the condition, or use an `in` list instead of several alternatives")]
    except _Inexpressible as e:  # pragma: no cover - caught by the pre-pass
        return None, [_gtm501(e.leaf, e.reason, e.hint)]
    return branch("OR", branches=[branch("AND", filters=list(c)) for c in dnf]), []


def _time_points(fb: AnyT) -> list[dict[str, AnyT]]:
    """Every ``INDEXED`` time point of a filter branch tree (the ones that carry a ``zoneId``)."""
    out: list[dict[str, AnyT]] = []
    for f in property_filters(fb):
        op = f.get("operation")
        if not isinstance(op, dict):
            continue
        for key in ("timePoint", "lowerBoundTimePoint", "upperBoundTimePoint"):
            point = op.get(key)
            if isinstance(point, dict) and point.get("timeType") == "INDEXED":
                out.append(point)
    return out


def time_zones(fb: AnyT) -> list[str]:
    """The distinct ``zoneId`` values of a branch tree's relative date filters, sorted."""
    return sorted({str(p.get("zoneId")) for p in _time_points(fb)})


# -- inverse -------------------------------------------------------------------------------------
def _simplify(kind: type[All] | type[Any], items: list[Condition]) -> Condition:
    return items[0] if len(items) == 1 else kind(tuple(items))


def _filter_to_condition(f: Filter) -> Condition:
    if f.get("filterType", "PROPERTY") != "PROPERTY":
        raise ValueError(f"unsupported filter type {f.get('filterType')!r}")
    prop = str(f["property"])
    op = f.get("operation") or {}
    otype, operator = op.get("operationType"), op.get("operator")
    include = bool(op.get("includeObjectsWithNoValueSet", False))
    if otype == "ALL_PROPERTY" or operator in ("IS_KNOWN", "IS_UNKNOWN"):
        if operator == "IS_KNOWN":
            return All(()) if include else Leaf(prop, "known", True)
        if operator == "IS_UNKNOWN":
            return Leaf(prop, "known", False)
        raise ValueError(f"unsupported ALL_PROPERTY operator {operator!r}")
    if otype == "TIME_POINT":
        found = _days_of(op)
        if found is None:
            raise ValueError(f"unsupported TIME_POINT operation {operator}")
        leaf = Leaf(prop, *found)
        return Not(Leaf(prop, NEGATED_OP[leaf.op], leaf.value)) if include else leaf
    core = _INVERSE.get((str(otype), str(operator)))
    if core is None:
        raise ValueError(f"unsupported operation {otype} {operator}")
    value: AnyT
    if "values" in op and otype in ("MULTISTRING", "ENUMERATION"):
        vals = list(op.get("values") or [])
        if len(vals) == 1:
            core, value = ("eq" if core == "in" else "ne"), vals[0]
        else:
            value = vals
    else:
        value = op.get("value")
        if otype == "NUMBER" and _is_number(value):
            value = _num(value)
        elif otype == "BOOL" and isinstance(value, str):
            value = value.strip().lower() == "true"
    if include:
        return Not(Leaf(prop, NEGATED_OP[core], value))
    return Leaf(prop, core, value)


def filter_branch_to_condition(fb: dict[str, AnyT]) -> Condition:
    """Read a ``filterBranch`` back as a core condition (``OR``/``AND``/``NOT_ALL``/``NOT_ANY``
    branches of ``PROPERTY`` filters).  Raises ``ValueError`` for anything else."""
    kind = fb.get("filterBranchType")
    parts: list[Condition] = [_filter_to_condition(f) for f in fb.get("filters") or []]
    parts += [filter_branch_to_condition(b) for b in fb.get("filterBranches") or []]
    if kind in ("AND", "NOT_ALL"):
        flat: list[Condition] = []
        for p in parts:  # flatten nested conjunctions (including the always-true All(()))
            flat.extend(p.items if isinstance(p, All) else (p,))
        node = _simplify(All, flat)
        return Not(node) if kind == "NOT_ALL" else node
    if kind in ("OR", "NOT_ANY"):
        node = _simplify(Any, parts)
        return Not(node) if kind == "NOT_ANY" else node
    raise ValueError(f"unsupported filter branch type {kind!r}")


def factor_common(c: Condition) -> Condition:
    """An OR of ANDs with the conjuncts every branch shares taken out, recursively:
    ``(c AND a) OR (c AND b)`` reads ``c AND (a OR b)``.

    HubSpot keeps a list filter only as OR-of-ANDs (the condition distributed over its
    alternatives); factoring gives back the shape a spec writes, so that a live filter reads the
    same on every provider.  The result means exactly what ``c`` means and compiles back to the
    same branches (an OR in which one branch is the shared part alone is left as it is).
    """
    if not isinstance(c, Any) or len(c.items) < 2:
        return c
    branches = [list(b.items) if isinstance(b, All) else [b] for b in c.items]
    common = [x for x in branches[0] if all(x in b for b in branches[1:])]
    if not common:
        return c
    rests = [[x for x in b if x not in common] for b in branches]
    if any(not r for r in rests):  # c OR (c AND b): left as it is, so that it recompiles to itself
        return c
    rest = factor_common(Any(tuple(_simplify(All, r) for r in rests)))
    return All(tuple(common) + (rest.items if isinstance(rest, All) else (rest,)))


def readable_condition(fb: dict[str, AnyT]) -> Condition:
    """A live ``filterBranch`` as the condition plans show: normalised, read back, common
    conjuncts factored out (a function of the normalised branch: equal branches read equal)."""
    return factor_common(filter_branch_to_condition(normalize_filter_branch(fb)))


# -- normalisation -------------------------------------------------------------------------------
_OPERATION_KEYS = ("operationType", "operator", "value", "values", "includeObjectsWithNoValueSet")


def _normalize_filter(f: Filter) -> Filter:
    if f.get("filterType", "PROPERTY") != "PROPERTY" or not isinstance(f.get("operation"), dict):
        return json.loads(json.dumps(f, sort_keys=True, default=str))
    src = f["operation"]
    op: dict[str, AnyT] = {k: src[k] for k in _OPERATION_KEYS if k in src}
    op.setdefault("includeObjectsWithNoValueSet", False)
    op["includeObjectsWithNoValueSet"] = bool(op["includeObjectsWithNoValueSet"])
    if "values" in op:
        op["values"] = sorted((op["values"] or []), key=lambda x: (str(type(x)), str(x)))
    if "value" in op:
        v = op["value"]
        if op.get("operationType") == "NUMBER" and _is_number(v):
            op["value"] = _num(v)
        elif op.get("operationType") == "BOOL" and isinstance(v, str):
            op["value"] = v.strip().lower() == "true"
    extra = {k: v for k, v in src.items() if k not in _OPERATION_KEYS and k != "type"}
    op.update(extra)
    return {"filterType": "PROPERTY", "property": f.get("property"), "operation": dict(sorted(op.items()))}


def _order_key(f: Filter) -> str:
    """Sort key that puts property and compared values first, so that the order of a normalised
    branch (and of the condition read back from it) does not depend on the operation types."""
    raw = f.get("operation")
    op: dict[str, AnyT] = raw if isinstance(raw, dict) else {}
    head = [f.get("property"), op.get("value"), op.get("values"), op.get("operator")]
    return json.dumps(head, default=str) + _key(f)


def _branch_key(b: dict[str, AnyT]) -> str:
    return json.dumps([_order_key(f) for f in b.get("filters") or []]
                      + [_branch_key(x) for x in b.get("filterBranches") or []]) + _key(b)


def normalize_filter_branch(fb: dict[str, AnyT]) -> dict[str, AnyT]:
    """Fill HubSpot's defaults and order everything canonically (idempotent).

    ``filterBranchOperator`` defaults to the branch type, missing arrays become ``[]``,
    ``includeObjectsWithNoValueSet`` defaults to ``false``, ``values`` lists are sorted, and
    filters and sub-branches are sorted (AND/OR are commutative; HubSpot may reorder them).
    """
    own = ("filterBranchType", "filterBranchOperator", "filters", "filterBranches")
    out: dict[str, AnyT] = {k: v for k, v in fb.items() if k not in own}
    kind = fb.get("filterBranchType")
    out["filterBranchType"] = kind
    out["filterBranchOperator"] = fb.get("filterBranchOperator") or kind
    filters = [_normalize_filter(f) for f in fb.get("filters") or []]
    out["filters"] = sorted(filters, key=_order_key)
    subs = [normalize_filter_branch(b) for b in fb.get("filterBranches") or []]
    out["filterBranches"] = sorted(subs, key=_branch_key)
    return dict(sorted(out.items()))



# -- live filters of another shape ------------------------------------------------------------------
#: the operation types gtm sends for a value comparison on each property type (``ALL_PROPERTY``
#: fits any type).  A live filter outside these was written in another shape: by an older gtm
#: (``STRING IS_EQUAL_TO`` / ``MULTISTRING`` on an enumeration it created in the same apply), or
#: before the property changed type.  It reads back as the same condition, so without a mark the
#: plan would say "No changes" and the shape would stay.
#: HubSpot's date operation types (a date filter relative to today never makes a re-enrolment
#: trigger: see ``hubspot_flows.reenrollment_triggers``)
DATE_OPERATIONS = frozenset({"TIME_POINT", "TIME_RANGED", "DATETIME", "DATETIME_RANGED", "DATETIME_ROLLING",
                             "ROLLING_DATE_RANGE", "DATETIME_COMPARATIVE", "COMPARATIVE_DATE"})
SENT_OPERATIONS: dict[str, frozenset[str]] = {
    "number": frozenset({"NUMBER"}), "string": frozenset({"STRING", "MULTISTRING"}),
    "phone_number": frozenset({"STRING", "MULTISTRING"}), "enumeration": frozenset({"ENUMERATION"}),
    "bool": frozenset({"BOOL"}), "date": frozenset({"TIME_POINT"}), "datetime": frozenset({"TIME_POINT"}),
}


def property_filters(fb: dict[str, AnyT] | None) -> list[Filter]:
    """Every ``PROPERTY`` filter of a branch tree, in order."""
    if not isinstance(fb, dict):
        return []
    out = [f for f in fb.get("filters") or [] if isinstance(f, dict) and f.get("filterType") == "PROPERTY"]
    for b in fb.get("filterBranches") or []:
        out.extend(property_filters(b))
    return out


def foreign_operations(filters: list[Filter], types: TypeLookup) -> list[tuple[Leaf, str]]:
    """The leaves of ``filters`` whose operation type gtm would not send for the property's real
    type, each with its live ``"OPERATIONTYPE OPERATOR"`` (properties of unknown type are skipped)."""
    out: list[tuple[Leaf, str]] = []
    for f in filters:
        op = f.get("operation") or {}
        otype = str(op.get("operationType"))
        ptype = types(str(f.get("property")))
        fits = SENT_OPERATIONS.get(str(ptype)) if ptype else None
        if otype == "ALL_PROPERTY" or fits is None or otype in fits:
            continue
        try:
            cond = _filter_to_condition(f)
        except ValueError:
            continue
        leaf = cond.item if isinstance(cond, Not) else cond
        if isinstance(leaf, Leaf):
            out.append((leaf, f"{otype} {op.get('operator')}"))
    return out


def _leaf_key(prop: AnyT, op: str, value: AnyT) -> str:
    if isinstance(value, list):
        value = sorted(value, key=lambda x: (str(type(x)), str(x)))
    return json.dumps([prop, op, value], sort_keys=True, default=str)


def mark_live_operations(cond: AnyT, marks: list[tuple[Leaf, str]]) -> AnyT:
    """``cond`` (condition data read back from a CRM) with ``live_operation`` on each leaf that a
    foreign-shaped filter (:func:`foreign_operations`) stands for; unchanged when there is none."""
    from compiler.conditions.ast import LIVE_OPERATION

    if not marks or cond is None:
        return cond
    keyed = {_leaf_key(leaf.property, leaf.op, leaf.value): label for leaf, label in marks}

    def walk(d: AnyT) -> AnyT:
        if isinstance(d, dict):
            if "property" in d:
                ops = [k for k in d if k not in ("property", LIVE_OPERATION)]
                label = keyed.get(_leaf_key(d["property"], ops[0], d[ops[0]])) if len(ops) == 1 else None
                return {**d, LIVE_OPERATION: label} if label else d
            return {k: walk(v) for k, v in d.items()}
        if isinstance(d, list):
            return [walk(x) for x in d]
        return d

    return walk(cond)
