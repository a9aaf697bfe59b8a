"""The condition AST.

Core nodes (what every backend sees): :class:`All`, :class:`Any`, :class:`Not`,
:class:`Leaf`.  Sugar nodes (:class:`IcpRef`, :class:`PersonaRef`, :class:`TierRef`,
:class:`StageDaysOverMax`) exist only between parsing and expansion
(:mod:`compiler.conditions.expand`).

Leaf operators and their value shapes:

========== ==============================================
op         value
========== ==============================================
eq, ne     scalar (string, number or bool)
in, not_in non-empty list of scalars
gt gte lt lte  number (or ISO date string)
between    ``[low, high]`` inclusive
contains, not_contains  string (case-insensitive substring)
known      bool: ``true`` = has a value, ``false`` = has none
older_than_days  whole days ``N >= 0``: the date is before the start of today
           minus ``N`` days
within_days      whole days ``N >= 0``: the date is at or after the start of today
           minus ``N`` days (the exact complement of ``older_than_days`` on known dates)
========== ==============================================

The two date operators are relative to the day the condition is evaluated, as HubSpot's
``TIME_POINT`` filters with an ``INDEXED`` ``TODAY`` time point are; the day starts at midnight in
the environment's time zone (the HubSpot portal's, or a local environment's ``time_zone``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any as AnyT

from compiler.diagnostics import SourceRange

OPS: tuple[str, ...] = (
    "eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte",
    "between", "contains", "not_contains", "known", "older_than_days", "within_days",
)
DATE_OPS: tuple[str, ...] = ("older_than_days", "within_days")
#: read-back only (never in a spec): on a leaf read from a CRM whose filter has another shape than
#: gtm sends for the property's type today, the live ``"OPERATIONTYPE OPERATOR"``, so that a plan
#: shows the leaf as changed and apply rewrites it (providers/hubspot, ``mark_live_operations``)
LIVE_OPERATION = "live_operation"
NEGATED_OP: dict[str, str] = {
    "eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in", "gt": "lte", "lte": "gt",
    "lt": "gte", "gte": "lt", "contains": "not_contains", "not_contains": "contains",
    "older_than_days": "within_days", "within_days": "older_than_days",
}


@dataclass(frozen=True)
class Leaf:
    """``{property: NAME, OP: VALUE}``."""

    property: str
    op: str
    value: AnyT
    range: SourceRange | None = field(default=None, compare=False)
    #: where the leaf mapping sits in its document (to point at the property or one value)
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def describe(self) -> str:
        return f"{{property: {self.property}, {self.op}: {self.value!r}}}"


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]
    range: SourceRange | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Any:
    items: tuple[Condition, ...]
    range: SourceRange | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Not:
    item: Condition
    range: SourceRange | None = field(default=None, compare=False)


@dataclass(frozen=True)
class IcpRef:
    """Sugar: the record matches the ICP's firmographics/technographics."""

    icp: str
    range: SourceRange | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PersonaRef:
    """Sugar: the contact's job title matches the persona (``any`` = any persona)."""

    persona: str
    range: SourceRange | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TierRef:
    """Sugar: the record's ``gtm_tier`` is one of ``tiers``."""

    tiers: tuple[str, ...]
    range: SourceRange | None = field(default=None, compare=False)
    #: where each tier id is written (one per id, in order; empty when unknown)
    id_ranges: tuple[SourceRange, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class StageDaysOverMax:
    """Sugar: the deal has been in its current stage longer than the stage's ``max_days``."""

    value: bool = True
    range: SourceRange | None = field(default=None, compare=False)


Condition = Leaf | All | Any | Not | IcpRef | PersonaRef | TierRef | StageDaysOverMax
CORE_TYPES = (Leaf, All, Any, Not)


def walk(c: Condition) -> Iterator[Condition]:
    """Pre-order traversal."""
    yield c
    if isinstance(c, All | Any):
        for i in c.items:
            yield from walk(i)
    elif isinstance(c, Not):
        yield from walk(c.item)


def leaves(c: Condition) -> Iterator[Leaf]:
    for n in walk(c):
        if isinstance(n, Leaf):
            yield n


def is_core(c: Condition) -> bool:
    return all(isinstance(n, CORE_TYPES) for n in walk(c))


def to_data(c: Condition) -> AnyT:
    """Serialise back to the spec-language shape (used in the IR and in plans)."""
    if isinstance(c, Leaf):
        return {"property": c.property, c.op: c.value}
    if isinstance(c, All):
        return {"all": [to_data(i) for i in c.items]}
    if isinstance(c, Any):
        return {"any": [to_data(i) for i in c.items]}
    if isinstance(c, Not):
        return {"not": to_data(c.item)}
    if isinstance(c, IcpRef):
        return {"icp": c.icp}
    if isinstance(c, PersonaRef):
        return {"persona": c.persona}
    if isinstance(c, TierRef):
        return {"tier": list(c.tiers)}
    return {"stage_days_over_max": c.value}


def from_data(d: AnyT) -> Condition:
    """Inverse of :func:`to_data` for core conditions (trusted data, e.g. from the IR)."""
    if not isinstance(d, dict):
        raise ValueError(f"not a condition: {d!r}")
    if "all" in d:
        return All(tuple(from_data(i) for i in d["all"]))
    if "any" in d:
        return Any(tuple(from_data(i) for i in d["any"]))
    if "not" in d:
        return Not(from_data(d["not"]))
    if "property" in d:
        ops = [k for k in d if k not in ("property", LIVE_OPERATION)]
        if len(ops) != 1:
            raise ValueError(f"leaf needs exactly one operator: {d!r}")
        return Leaf(d["property"], ops[0], d[ops[0]])
    raise ValueError(f"not a core condition: {d!r}")


def counts_days(d: AnyT) -> bool:
    """Does condition data (as in the IR) hold a date leaf relative to today
    (``older_than_days`` / ``within_days``), whose day depends on a time zone?"""
    if isinstance(d, dict):
        if "property" in d:
            return any(op in d for op in DATE_OPS)
        return any(counts_days(v) for v in d.values())
    if isinstance(d, list):
        return any(counts_days(x) for x in d)
    return False


#: the attributes of a lowered resource that hold conditions, by resource type
CONDITION_KEYS: dict[str, tuple[str, ...]] = {"list": ("filter",), "workflow": ("enrollment", "goal")}


def resource_counts_days(rtype: str, attrs: dict[str, AnyT]) -> bool:
    """Does a lowered list or workflow (its ``attrs``) hold a date leaf relative to today?"""
    return any(counts_days(attrs.get(k)) for k in CONDITION_KEYS.get(rtype, ()))
