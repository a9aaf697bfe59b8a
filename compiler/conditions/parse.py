"""Parse raw condition data (from a spec document) into the AST, with positioned diagnostics."""

from __future__ import annotations

import math
from typing import Any as AnyT

from compiler.conditions.ast import (
    DATE_OPS,
    OPS,
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
from compiler.diagnostics import Diagnostic, error
from compiler.parse import suggest
from compiler.source import Document, Path_

CONNECTIVES = ("all", "any", "not")
SUGAR = ("icp", "persona", "tier", "stage_days_over_max")
_SCALARS = (str, int, float, bool)
MAX_CONDITION_DEPTH = 32
MAX_DAYS = 36_500


class _Parser:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.diags: list[Diagnostic] = []

    def fail(self, path: Path_, msg: str, key: bool = False, hint: str | None = None) -> None:
        self.diags.append(error("GTM108", msg, self.doc.at(path, key=key), hint=hint))

    def parse(self, data: AnyT, path: Path_, depth: int = 0) -> Condition | None:
        rng = self.doc.at(path)
        if depth > MAX_CONDITION_DEPTH:
            self.fail(path, f"condition nested deeper than {MAX_CONDITION_DEPTH} levels")
            return None
        if not isinstance(data, dict) or not data:
            self.fail(path, "a condition must be a mapping such as {property: NAME, eq: VALUE}, "
                            "{all: [...]}, {any: [...]} or {not: ...}")
            return None
        keys = list(data)
        for k in ("all", "any"):
            if k in data:
                if len(keys) != 1:
                    self.fail(path, f'"{k}" cannot be combined with other keys ({", ".join(map(str, keys))})')
                    return None
                items = data[k]
                if not isinstance(items, list) or not items:
                    self.fail((*path, k), f'"{k}" needs a non-empty list of conditions')
                    return None
                parsed = [self.parse(it, (*path, k, i), depth + 1) for i, it in enumerate(items)]
                if any(p is None for p in parsed):
                    return None
                subs = tuple(p for p in parsed if p is not None)
                return All(subs, rng) if k == "all" else Any(subs, rng)
        if "not" in data:
            if len(keys) != 1:
                self.fail(path, '"not" cannot be combined with other keys')
                return None
            inner = self.parse(data["not"], (*path, "not"), depth + 1)
            return Not(inner, rng) if inner is not None else None
        if "property" in data:
            return self.leaf(data, path)
        for s in SUGAR:
            if s in data:
                if len(keys) != 1:
                    self.fail(path, f'"{s}" cannot be combined with other keys')
                    return None
                return self.sugar(s, data[s], path)
        bad = str(keys[0])
        s2 = suggest(bad, [*CONNECTIVES, "property", *SUGAR])
        self.fail((*path, keys[0]), f'unknown condition key "{bad}"', key=True,
                  hint=f'did you mean "{s2}"?' if s2 else None)
        return None

    def sugar(self, s: str, v: AnyT, path: Path_) -> Condition | None:
        vp = (*path, s)
        rng = self.doc.at(vp)
        if s == "stage_days_over_max":
            if not isinstance(v, bool):
                self.fail(vp, "stage_days_over_max takes true or false")
                return None
            return StageDaysOverMax(v, rng)
        if s == "tier":
            vals = v if isinstance(v, list) else [v]
            if not vals or not all(isinstance(x, str) for x in vals):
                self.fail(vp, "tier takes a tier id or a list of tier ids")
                return None
            at = tuple(self.doc.at((*vp, i)) for i in range(len(vals))) if isinstance(v, list) else (rng,)
            return TierRef(tuple(vals), rng, at)
        if not isinstance(v, str):
            self.fail(vp, f"{s} takes an id (a string)")
            return None
        return IcpRef(v, rng) if s == "icp" else PersonaRef(v, rng)

    def leaf(self, data: dict[str, AnyT], path: Path_) -> Condition | None:
        prop = data["property"]
        if not isinstance(prop, str) or not prop:
            self.fail((*path, "property"), "property must be a property name")
            return None
        ops = [k for k in data if k != "property"]
        if len(ops) != 1:
            self.fail(path, f'a property leaf needs exactly one operator ({", ".join(OPS)}); '
                            f'got {len(ops)}')
            return None
        op = ops[0]
        vp = (*path, op)
        if op not in OPS:
            s = suggest(str(op), OPS)
            self.fail(vp, f'unknown operator "{op}"', key=True, hint=f'did you mean "{s}"?' if s else None)
            return None
        v = data[op]
        rng = self.doc.at(vp)
        bad = _non_finite(v)
        if bad is not None:
            self.fail(vp, f"{op}: {bad} is not a finite number", hint="write a number such as 10 or 2.5")
            return None
        if op in ("eq", "ne"):
            if not isinstance(v, _SCALARS):
                self.fail(vp, f"{op} takes a single value (string, number or boolean)")
                return None
        elif op in ("in", "not_in"):
            if not isinstance(v, list) or not v or not all(isinstance(x, _SCALARS) for x in v):
                self.fail(vp, f"{op} takes a non-empty list of values")
                return None
        elif op in ("gt", "gte", "lt", "lte"):
            if isinstance(v, bool) or not isinstance(v, int | float | str):
                self.fail(vp, f"{op} takes a number or an ISO date")
                return None
        elif op == "between":
            if (not isinstance(v, list) or len(v) != 2
                    or not all(isinstance(x, int | float | str) and not isinstance(x, bool) for x in v)):
                self.fail(vp, "between takes [low, high]")
                return None
            numeric = [isinstance(x, int | float) for x in v]
            if numeric[0] != numeric[1]:
                self.fail(vp, f"between: low {v[0]!r} and high {v[1]!r} must both be numbers or both dates")
                return None
            if v[0] > v[1]:
                self.fail(vp, f"between: low {v[0]} is greater than high {v[1]}")
                return None
        elif op in ("contains", "not_contains"):
            if not isinstance(v, str) or not v:
                self.fail(vp, f"{op} takes a non-empty string")
                return None
        elif op in DATE_OPS:
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_DAYS:
                self.fail(vp, f"{op} takes a whole number of days (0 to {MAX_DAYS})")
                return None
        elif op == "known" and not isinstance(v, bool):
            self.fail(vp, "known takes true or false")
            return None
        return Leaf(prop, op, v, rng, tuple(path))


def _non_finite(v: AnyT) -> str | None:
    """The text of the first NaN or infinity in ``v`` (``.nan``, ``.inf``, ``1e309``), else None."""
    for x in v if isinstance(v, list) else [v]:
        if isinstance(x, float) and not math.isfinite(x):
            return str(x)
    return None


def parse_condition(data: AnyT, doc: Document, path: Path_) -> tuple[Condition | None, list[Diagnostic]]:
    p = _Parser(doc)
    c = p.parse(data, path)
    return c, p.diags
