"""Shared helpers for the backend tests: a model of HubSpot list-filter semantics, hypothesis
strategies for core conditions and records, and the example workspace lowered to the IR.

The filter model encodes the assumptions documented in ``compiler.backends.hubspot_filters``:
no-value records match only when ``includeObjectsWithNoValueSet`` is true (``ALL_PROPERTY``
aside), STRING/MULTISTRING comparisons ignore case, ENUMERATION matches option values exactly
and treats ``a;b`` as a set of values.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from compiler.backends import TypeLookup, property_types
from compiler.conditions.ast import All, Condition, Leaf, Not, leaves
from compiler.conditions.ast import Any as AnyC
from compiler.ir import Resource

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
Record = dict[str, str | None]


# -- HubSpot list-filter model -------------------------------------------------------------------
def _no_value(v: str | None) -> bool:
    return v is None or v == ""


def filter_matches(f: dict[str, Any], rec: Record) -> bool:
    op = f["operation"]
    v = rec.get(f["property"])
    otype, operator = op["operationType"], op["operator"]
    include = op.get("includeObjectsWithNoValueSet", False)
    if otype == "ALL_PROPERTY":
        if operator == "IS_KNOWN":
            return include or not _no_value(v)
        return _no_value(v)
    if _no_value(v):
        return bool(include)
    assert v is not None
    if otype == "NUMBER":
        n, x = float(v), float(op["value"])
        return {
            "IS_EQUAL_TO": n == x,
            "IS_NOT_EQUAL_TO": n != x,
            "IS_GREATER_THAN": n > x,
            "IS_GREATER_THAN_OR_EQUAL_TO": n >= x,
            "IS_LESS_THAN": n < x,
            "IS_LESS_THAN_OR_EQUAL_TO": n <= x,
        }[operator]
    if otype == "STRING":
        s, x = v.lower(), str(op["value"]).lower()
        return {
            "IS_EQUAL_TO": s == x,
            "IS_NOT_EQUAL_TO": s != x,
            "CONTAINS": x in s,
            "DOES_NOT_CONTAIN": x not in s,
        }[operator]
    if otype == "MULTISTRING":
        hit = any(v.lower() == str(x).lower() for x in op["values"])
        return {"IS_EQUAL_TO": hit, "IS_NOT_EQUAL_TO": not hit}[operator]
    if otype == "ENUMERATION":
        parts = {p for p in v.split(";") if p}
        hit = bool(parts & set(op["values"]))
        return {"IS_ANY_OF": hit, "IS_NONE_OF": not hit}[operator]
    if otype == "BOOL":
        b = v.strip().lower() == "true"
        return {"IS_EQUAL_TO": b == op["value"], "IS_NOT_EQUAL_TO": b != op["value"]}[operator]
    raise AssertionError(f"operation not modelled: {otype} {operator}")


def branch_matches(fb: dict[str, Any], rec: Record) -> bool:
    results = [filter_matches(f, rec) for f in fb.get("filters") or []]
    results += [branch_matches(b, rec) for b in fb.get("filterBranches") or []]
    kind = fb["filterBranchType"]
    if kind == "AND":
        return all(results)
    if kind == "OR":
        return any(results)
    raise AssertionError(f"branch type not modelled: {kind}")


# -- the generated universe -----------------------------------------------------------------------
TYPES: dict[str, str] = {
    "n1": "number",
    "n2": "number",
    "s1": "string",
    "s2": "string",
    "e1": "enumeration",
    "e2": "enumeration",
    "b1": "bool",
    "d1": "datetime",
}
NUMBERS = [-5, 0, 1, 2.5, 3, 10]
STRINGS = ["alpha", "Beta", "gam ma", "al", "o'k"]
ENUM_VALUES = ["a", "b", "c-d", "E"]
RECORD_VALUES: dict[str, list[str]] = {
    "number": ["-6", "-5", "-1", "0", "0.5", "1", "2", "2.5", "3", "3.0", "3.5", "9", "10", "11"],
    "string": [
        "alpha",
        "ALPHA",
        "Alpha",
        "beta",
        "BETA",
        "gam ma",
        "GAM MA",
        "al",
        "xalphay",
        "zzz",
        "Al",
        "o'k",
        "O'K",
    ],
    "enumeration": ["a", "b", "c-d", "E", "z", "a;b", "b;E", "c-d;z", "a;b;c-d", "z;E"],
    "bool": ["true", "false"],
    "datetime": ["2024-01-01T00:00:00Z"],
}


def types_of(table: dict[str, str]) -> TypeLookup:
    return table.get


_OPS: dict[str, list[str]] = {
    "number": ["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "between", "known"],
    "string": ["eq", "ne", "in", "not_in", "contains", "not_contains", "known"],
    "enumeration": ["eq", "ne", "in", "not_in", "known"],
    "bool": ["eq", "ne", "in", "not_in", "known"],
    "datetime": ["known"],
}


def _scalar(ptype: str) -> st.SearchStrategy[Any]:
    return {
        "number": st.sampled_from(NUMBERS),
        "string": st.sampled_from(STRINGS),
        "enumeration": st.sampled_from(ENUM_VALUES),
        "bool": st.booleans(),
    }[ptype]


@st.composite
def leaves_st(draw: st.DrawFn, types: dict[str, str] = TYPES) -> Leaf:
    prop = draw(st.sampled_from(sorted(types)))
    ptype = types[prop]
    op = draw(st.sampled_from(_OPS[ptype]))
    value: Any
    if op == "known":
        value = draw(st.booleans())
    elif op in ("in", "not_in"):
        value = draw(st.lists(_scalar(ptype), min_size=1, max_size=3, unique=True))
    elif op == "between":
        value = sorted(draw(st.lists(st.sampled_from(NUMBERS), min_size=2, max_size=2)))
    elif op in ("contains", "not_contains"):
        value = draw(st.sampled_from(["al", "ALP", "ma", "o'", "zz", "Beta"]))
    else:
        value = draw(_scalar(ptype))
    return Leaf(prop, op, value)


def conditions_st(types: dict[str, str] = TYPES, max_leaves: int = 6) -> st.SearchStrategy[Condition]:
    def extend(children: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
        return st.one_of(
            st.builds(Not, children),
            st.lists(children, min_size=0, max_size=3).map(lambda xs: All(tuple(xs))),
            st.lists(children, min_size=0, max_size=3).map(lambda xs: AnyC(tuple(xs))),
        )

    return st.recursive(leaves_st(types), extend, max_leaves=max_leaves)


def records_st(types: dict[str, str] = TYPES, values: dict[str, list[str]] | None = None) -> st.SearchStrategy[Record]:
    """Records over ``types``: each property absent (None), empty, or a realistic value."""
    pools = values or {}
    fields = {}
    for prop, ptype in sorted(types.items()):
        pool = pools.get(prop) or RECORD_VALUES.get(ptype) or ["x"]
        fields[prop] = st.one_of(st.none(), st.just(""), st.sampled_from(pool))
    return st.fixed_dictionaries(fields)


# -- pools derived from real conditions (for the example specs' calculations) ----------------------
def value_pools(
    conds: Iterable[Condition], types: TypeLookup, options: Callable[[str], Iterable[str]]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Property types and record-value pools for every property the conditions read."""
    table: dict[str, str] = {}
    pools: dict[str, set[str]] = {}
    for c in conds:
        for leaf in leaves(c):
            ptype = types(leaf.property) or "string"
            table[leaf.property] = ptype
            pool = pools.setdefault(leaf.property, set())
            vals = leaf.value if isinstance(leaf.value, list) else [leaf.value]
            for v in vals:
                if ptype == "number" and isinstance(v, int | float) and not isinstance(v, bool):
                    for d in (-1, 0, 1):
                        pool.add(_num_text(v + d))
                elif ptype == "string" and isinstance(v, str):
                    pool.update({v, v.upper(), v.title(), f"senior {v} lead", "other"})
                elif ptype == "enumeration" and isinstance(v, str):
                    pool.add(v)
                elif ptype == "bool":
                    pool.update({"true", "false"})
            if ptype == "enumeration":
                opts = [*list(options(leaf.property)), "other"]
                pool.update(opts)
                pool.update(f"{a};{b}" for a, b in itertools.pairwise(opts))
            if ptype == "number":
                pool.update({"0", "5"})
            if ptype in ("date", "datetime"):
                pool.add("2024-05-01T10:00:00Z")
    return table, {k: sorted(v) for k, v in pools.items()}


def _num_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# -- the example workspace -------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def example_resources() -> tuple[Resource, ...]:
    from compiler.lowering import lower
    from compiler.project import load_project

    project = load_project(REPO)
    assert project.ok, [d.summary for d in project.diagnostics]
    return tuple(lower(project.specs).resources)


def example_types(obj: str) -> TypeLookup:
    return property_types(obj, example_resources())


def example(kind: str) -> list[Resource]:
    return [r for r in example_resources() if r.type == kind]


# -- golden files ------------------------------------------------------------------------------------
def check_golden(name: str, data: Any) -> None:
    path = GOLDEN / name
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("GTM_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run with GTM_UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == text, f"{name} differs from its golden file (GTM_UPDATE_GOLDEN=1)"


@functools.cache
def example_resolver() -> Callable[[str, str], str | None]:
    """The bundled gtm.yaml's ``emulator`` mappings (names → the emulator's seeded ids)."""
    from compiler.mappings import resolver
    from compiler.project import load_workspace

    ws, _, diags = load_workspace(REPO)
    assert ws is not None and not diags, diags
    return resolver(ws.environments["emulator"].mappings)
