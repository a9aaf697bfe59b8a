"""Conservative implication between conditions, for the tier-reachability gate.

``implies(a, b)`` is True only when every record matching ``a`` certainly matches ``b``; when
in doubt it answers False, so the gate never reports a tier that might be reachable.  It
knows the structural cases (identical conditions, ``all`` supersets, ``any`` subsets, ``not``
contraposition), ranges and value sets on one property, and tier sets.  ``None`` stands for
"no condition" (matches every record).  Leaf semantics follow
:mod:`compiler.conditions.evaluate`: every operator but ``known: false`` is false on a
record without a value.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator
from typing import Any as AnyT

from compiler.conditions.ast import (
    All,
    Any,
    Condition,
    IcpRef,
    Leaf,
    Not,
    PersonaRef,
    StageDaysOverMax,
    TierRef,
)

Interval = tuple[float, bool, float, bool]  # low, low inclusive, high, high inclusive


def _val(v: AnyT) -> Hashable:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    return str(v).strip().lower()


def norm(c: Condition | None) -> Hashable:
    """A canonical, hashable form: ``all``/``any`` are unordered, values case-folded."""
    if c is None:
        return ("true",)
    if isinstance(c, Leaf):
        v: Hashable = frozenset(_val(x) for x in c.value) if c.op in ("in", "not_in") else (
            tuple(_val(x) for x in c.value) if isinstance(c.value, list) else _val(c.value))
        return ("leaf", c.property.lower(), c.op, v)
    if isinstance(c, All):
        return ("all", frozenset(norm(i) for i in c.items))
    if isinstance(c, Any):
        return ("any", frozenset(norm(i) for i in c.items))
    if isinstance(c, Not):
        return ("not", norm(c.item))
    if isinstance(c, IcpRef):
        return ("icp", c.icp)
    if isinstance(c, PersonaRef):
        return ("persona", c.persona)
    if isinstance(c, TierRef):
        return ("tier", frozenset(c.tiers))
    assert isinstance(c, StageDaysOverMax)
    return ("stage_days_over_max", c.value)


def is_tautology(c: Condition | None) -> bool:
    """True for conditions that match every record: none at all, ``any: [X, not X]``, known true/false."""
    if c is None:
        return True
    if isinstance(c, All):
        return all(is_tautology(i) for i in c.items)
    if isinstance(c, Any):
        if any(is_tautology(i) for i in c.items):
            return True
        forms = {norm(i) for i in c.items}
        if any(("not", f) in forms for f in forms):
            return True
        known: dict[str, set[bool]] = {}
        for i in c.items:
            if isinstance(i, Leaf) and i.op == "known":
                known.setdefault(i.property.lower(), set()).add(bool(i.value))
        return any(len(v) == 2 for v in known.values())
    return False


def implies(a: Condition | None, b: Condition | None) -> bool:
    """Does every record matching ``a`` match ``b``?  (False when unsure.)"""
    if is_tautology(b):
        return True
    if a is None:
        return False
    if norm(a) == norm(b):
        return True
    assert b is not None
    if isinstance(b, All):
        return all(implies(a, x) for x in b.items)
    if isinstance(a, Any):
        return all(implies(x, b) for x in a.items)
    if isinstance(a, All) and any(implies(x, b) for x in a.items):
        return True
    if isinstance(b, Any) and any(implies(a, x) for x in b.items):
        return True
    if isinstance(a, Not) and isinstance(b, Not):
        return implies(b.item, a.item)
    if isinstance(a, TierRef) and isinstance(b, TierRef):
        return set(a.tiers) <= set(b.tiers)
    if isinstance(a, Leaf) and isinstance(b, Leaf):
        return leaf_implies(a, b)
    return False


def _interval(leaf: Leaf) -> Interval | None:
    v = leaf.value
    if leaf.op == "between":
        lo, hi = v
        if _is_num(lo) and _is_num(hi):
            return (float(lo), True, float(hi), True)
        return None
    if not _is_num(v):
        return None
    x = float(v)
    return {
        "gt": (x, False, math.inf, False),
        "gte": (x, True, math.inf, False),
        "lt": (-math.inf, False, x, False),
        "lte": (-math.inf, False, x, True),
        "eq": (x, True, x, True),
    }.get(leaf.op)


def _is_num(v: AnyT) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _inside(a: Interval, b: Interval) -> bool:
    alo, alo_in, ahi, ahi_in = a
    blo, blo_in, bhi, bhi_in = b
    low_ok = blo < alo or (blo == alo and (blo_in or not alo_in))
    high_ok = ahi < bhi or (ahi == bhi and (bhi_in or not ahi_in))
    return low_ok and high_ok


def _values(leaf: Leaf) -> frozenset[Hashable] | None:
    """The finite set of values a leaf admits, if it admits only finitely many."""
    if leaf.op == "eq":
        return frozenset({_val(leaf.value)})
    if leaf.op == "in":
        return frozenset(_val(x) for x in leaf.value)
    return None


def leaf_implies(a: Leaf, b: Leaf) -> bool:
    """Implication between two leaves on the same property."""
    if a.property.lower() != b.property.lower():
        return False
    a_unknown = a.op == "known" and not a.value
    if b.op == "known":
        # every operator but `known: false` fails on a record without a value
        return not a_unknown if b.value else a_unknown
    if a.op == "known":
        return False
    vals = _values(a)
    if vals is not None:
        if b.op in ("eq", "in"):
            bvals = _values(b)
            return bvals is not None and vals <= bvals
        if b.op in ("ne", "not_in"):
            excluded = {_val(b.value)} if b.op == "ne" else {_val(x) for x in b.value}
            return not (vals & excluded)
        bi = _interval(b)
        if bi is not None:
            return all(isinstance(v, float) and _inside((v, True, v, True), bi) for v in vals)
        return False
    ai, bi = _interval(a), _interval(b)
    if ai is not None and bi is not None:
        return _inside(ai, bi)
    if a.op in ("ne", "not_in") and b.op in ("ne", "not_in"):
        a_ex = {_val(a.value)} if a.op == "ne" else {_val(x) for x in a.value}
        b_ex = {_val(b.value)} if b.op == "ne" else {_val(x) for x in b.value}
        return b_ex <= a_ex
    if a.op == "contains" and b.op == "contains":
        return str(b.value).lower() in str(a.value).lower()
    if a.op == "not_contains" and b.op == "not_contains":
        return str(a.value).lower() in str(b.value).lower()
    return False


def signed_nodes(c: Condition, positive: bool = True) -> Iterator[tuple[Condition, bool]]:
    """Every node with its polarity: False under an odd number of ``not``."""
    yield c, positive
    if isinstance(c, All | Any):
        for i in c.items:
            yield from signed_nodes(i, positive)
    elif isinstance(c, Not):
        yield from signed_nodes(c.item, not positive)
