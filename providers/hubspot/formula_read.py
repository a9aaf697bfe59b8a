"""Read a live ``calculationFormula`` back into the calculation ``gtm`` compiled it from.

So that a plan against HubSpot diffs a scoring change as
``calculation.rules["pricing-page"].points: 15 → 25`` — as on the local provider — and not as
two 1,500-character formula strings, the provider compares *calculations* on both sides:

* what ``gtm`` writes: the property's description ends with a metadata suffix
  (:func:`meta_suffix`, e.g. `` [gtm kind=score rules=pricing-page,title-match]``) that the
  formula cannot carry: the calculation kind, the score's rule ids in order and, for a band
  formula with the score written in place, the source property;
* what it reads: :func:`decompile` parses the formula (the emulator's parser of HubSpot's
  documented syntax) and rebuilds the calculation from the shapes
  :mod:`compiler.backends.hubspot_formula` emits, then *recompiles* it; only when the result is
  the very same text is the calculation trusted.  Anything else (a formula edited in HubSpot, an
  older gtm's formula) reads as ``{"kind": …, "formula": <text>}``, which differs from every
  desired calculation, so the plan rewrites it.

:func:`canonical` puts a desired calculation in the same normal form (``decompile`` of its own
formula): nested ``all``/``any`` flattened, a one-value ``in`` as ``eq``, enumeration values as
their exact option values, bool tests as ``eq``.  Equal canonical calculations compile to the
same formula, so "no diff" means "the portal runs exactly this formula".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from compiler.backends.hubspot_formula import casings
from compiler.conditions.ast import All, Condition, Leaf, Not, to_data
from compiler.conditions.ast import Any as AnyC
from providers.hubspot.emulator import formula_ast as fa
from providers.hubspot.emulator.formula_parser import parse_formula

Compile = Callable[[dict[str, Any]], "str | None"]
_META = re.compile(r"\s*\[gtm ((?:[a-z_]+=[^\s\]]*\s*)+)\]\s*$")
_SAFE_ID = re.compile(r"^[^\s,\]=]+$")


class _NoMatch(Exception):
    """The formula is not one of the shapes gtm emits."""


# -- description metadata --------------------------------------------------------------------------
def meta_of(calc: dict[str, Any] | None) -> dict[str, str]:
    """The metadata a calculation's formula cannot carry (empty for plain properties)."""
    if not calc:
        return {}
    kind = str(calc.get("kind"))
    out = {"kind": kind}
    score = calc if kind == "score" else calc.get("source_calculation")
    if kind == "bands" and score is not None:
        out["source"] = str(calc.get("source"))
    if isinstance(score, dict) and score.get("kind") == "score":
        ids = [str(r["id"]) for r in score.get("rules") or [] if r.get("when") is not None]
        if not all(_SAFE_ID.match(i) for i in ids):
            return {}
        out["rules"] = ",".join(ids)
    return out


def meta_suffix(calc: dict[str, Any] | None) -> str:
    """`` [gtm kind=… rules=…]`` appended to the description of a calculated property."""
    meta = meta_of(calc)
    return " [gtm " + " ".join(f"{k}={v}" for k, v in meta.items()) + "]" if meta else ""


def split_description(text: str) -> tuple[str, dict[str, str]]:
    """The description a user wrote, and the metadata suffix (if any) parsed."""
    m = _META.search(text or "")
    if not m:
        return text or "", {}
    meta = dict(part.split("=", 1) for part in m.group(1).split())
    return text[:m.start()], meta


# -- formula → calculation -------------------------------------------------------------------------
def _number(e: fa.Expr) -> int | float:
    negative = False
    if isinstance(e, fa.Unary) and e.op == "-":
        negative, e = True, e.operand
    if not isinstance(e, fa.Number):
        raise _NoMatch
    v: Decimal = -e.value if negative else e.value
    return int(v) if v == v.to_integral_value() else float(v)


def _literal(e: fa.Expr) -> Any:
    if isinstance(e, fa.String):
        return e.value
    if isinstance(e, fa.Bool):
        return e.value
    return _number(e)


def _chain(e: fa.Expr, op: str) -> list[fa.Expr]:
    if isinstance(e, fa.Binary) and e.op == op:
        return [*_chain(e.left, op), *_chain(e.right, op)]
    return [e]


def _read_name(e: fa.Expr) -> fa.PropertyRef:
    if not isinstance(e, fa.PropertyRef):
        raise _NoMatch
    return e


def _number_test(p: str, test: fa.Expr) -> Leaf:
    negated = isinstance(test, fa.Unary) and test.op == "not"
    inner = test.operand if isinstance(test, fa.Unary) and test.op == "not" else test
    ops = {"=": "eq", "!=": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
    if isinstance(inner, fa.Binary) and inner.op == "and":
        lo, hi = inner.left, inner.right
        if (negated or not isinstance(lo, fa.Binary) or not isinstance(hi, fa.Binary) or lo.op != ">="
                or hi.op != "<=" or _read_name(lo.left).name != p or _read_name(hi.left).name != p):
            raise _NoMatch
        return Leaf(p, "between", [_number(lo.right), _number(hi.right)])
    items = _chain(inner, "or")
    values = []
    for item in items:
        if not isinstance(item, fa.Binary) or item.op not in ops or _read_name(item.left).name != p:
            raise _NoMatch
        if (len(items) > 1 or negated) and item.op != "=":
            raise _NoMatch
        values.append(_number(item.right))
    if negated:
        return Leaf(p, "not_in", values)
    if len(items) == 1:
        only = items[0]
        assert isinstance(only, fa.Binary)
        return Leaf(p, ops[only.op], values[0])
    return Leaf(p, "in", values)


def _string_parts(p: str, test: fa.Expr) -> tuple[str, list[str]]:
    """(``equals`` | ``enum`` | ``contains``, literals) of an or-chain of string tests on ``p``."""
    kinds, literals = set(), []
    for item in _chain(test, "or"):
        if isinstance(item, fa.Binary) and item.op == "=" and isinstance(item.right, fa.String):
            if _read_name(item.left).name != p:
                raise _NoMatch
            kinds.add("equals")
            literals.append(item.right.value)
        elif isinstance(item, fa.Call) and item.name == "contains" and isinstance(item.args[1], fa.String):
            hay, needle = item.args
            assert isinstance(needle, fa.String)
            if isinstance(hay, fa.PropertyRef) and hay.name == p:
                kinds.add("contains")
                literals.append(needle.value)
            elif (isinstance(hay, fa.Binary) and hay.op == "+" and isinstance(hay.right, fa.String)
                  and hay.right.value == ";" and isinstance(hay.left, fa.Binary) and hay.left.op == "+"
                  and isinstance(hay.left.left, fa.String) and hay.left.left.value == ";"
                  and _read_name(hay.left.right).name == p and needle.value.startswith(";")
                  and needle.value.endswith(";") and len(needle.value) > 2):
                kinds.add("enum")
                literals.append(needle.value[1:-1])
            else:
                raise _NoMatch
        else:
            raise _NoMatch
    if len(kinds) != 1:
        raise _NoMatch
    return kinds.pop(), literals


def _grouped(literals: list[str]) -> list[str]:
    """Values from their spellings (each value is followed by its other casings)."""
    values, i = [], 0
    while i < len(literals):
        forms = casings(literals[i])
        if literals[i:i + len(forms)] != forms:
            raise _NoMatch
        values.append(literals[i])
        i += len(forms)
    return values


def _string_test(p: str, test: fa.Expr) -> Condition:
    negated = isinstance(test, fa.Unary) and test.op == "not"
    inner = test.operand if isinstance(test, fa.Unary) and test.op == "not" else test
    kind, literals = _string_parts(p, inner)
    values = literals if kind == "enum" else _grouped(literals)
    if kind == "contains":
        if len(values) == 1:
            return Leaf(p, "not_contains" if negated else "contains", values[0])
        if negated:
            raise _NoMatch
        return AnyC(tuple(Leaf(p, "contains", v) for v in values))  # an ``any`` sharing one guard
    if len(values) == 1:
        return Leaf(p, "ne" if negated else "eq", values[0])
    return Leaf(p, "not_in" if negated else "in", values)


def _condition(e: fa.Expr) -> Condition:
    if isinstance(e, fa.Bool):
        return All(()) if e.value else AnyC(())
    if isinstance(e, fa.Call) and e.name == "is_present":
        return Leaf(_read_name(e.args[0]).name, "known", True)
    if isinstance(e, fa.Unary) and e.op == "not":
        if isinstance(e.operand, fa.Call) and e.operand.name == "is_present":
            return Leaf(_read_name(e.operand.args[0]).name, "known", False)
        return Not(_condition(e.operand))
    if isinstance(e, fa.Binary) and e.op in ("and", "or"):
        items: list[Condition] = []
        for x in _chain(e, e.op):
            item = _condition(x)
            # parentheses do not survive parsing: nested groups of the same kind read flattened
            same = isinstance(item, All if e.op == "and" else AnyC) and item.items
            items.extend(item.items if same else [item])  # type: ignore[union-attr]
        return All(tuple(items)) if e.op == "and" else AnyC(tuple(items))
    if (isinstance(e, fa.If) and len(e.branches) == 1 and isinstance(e.otherwise, fa.Bool)
            and not e.otherwise.value):
        guard, test = e.branches[0]
        if not (isinstance(guard, fa.Call) and guard.name == "is_present"):
            raise _NoMatch
        read = _read_name(guard.args[0])
        if read.kind == "number":
            return _number_test(read.name, test)
        if read.kind == "bool":
            if isinstance(test, fa.PropertyRef) and test.name == read.name and test.kind == "bool":
                return Leaf(read.name, "eq", True)
            if (isinstance(test, fa.Unary) and test.op == "not" and isinstance(test.operand, fa.PropertyRef)
                    and test.operand.name == read.name):
                return Leaf(read.name, "eq", False)
            raise _NoMatch
        return _string_test(read.name, test)
    raise _NoMatch


def _when(e: fa.Expr) -> Any:
    return to_data(_condition(e))


def _score(e: fa.Expr, ids: list[str]) -> dict[str, Any]:
    if isinstance(e, fa.Number) and not ids:
        if e.value != 0:
            raise _NoMatch
        return {"kind": "score", "rules": []}
    terms = _chain(e, "+")
    if len(terms) != len(ids):
        raise _NoMatch
    rules = []
    for rule_id, term in zip(ids, terms, strict=True):
        if not (isinstance(term, fa.If) and len(term.branches) == 1 and term.otherwise is not None
                and _number(term.otherwise) == 0):
            raise _NoMatch
        cond, points = term.branches[0]
        rules.append({"id": rule_id, "points": _number(points), "when": _when(cond)})
    return {"kind": "score", "rules": rules}


def _first_match(e: fa.Expr) -> dict[str, Any]:
    if not isinstance(e, fa.If):
        return {"kind": "first_match", "cases": [], "default": _literal(e)}
    cases = [{"value": _literal(v), "when": _when(c)} for c, v in e.branches]
    default = None if e.otherwise is None else _literal(e.otherwise)
    return {"kind": "first_match", "cases": cases, "default": default}


def _bound(test: fa.Expr) -> tuple[fa.Expr | None, Any, Any]:
    """(source expression, min, max) of one band arm's test."""
    if isinstance(test, fa.Bool) and test.value:
        return None, None, None
    if isinstance(test, fa.Call) and test.name == "is_present":
        return test.args[0], None, None
    if isinstance(test, fa.Binary) and test.op == "and":
        (src, lo, _), (_, _, hi) = _bound(test.left), _bound(test.right)
        return src, lo, hi
    if isinstance(test, fa.Binary) and test.op in (">=", "<="):
        value = _number(test.right)
        return (test.left, value, None) if test.op == ">=" else (test.left, None, value)
    raise _NoMatch


def _bands(e: fa.Expr, meta: dict[str, str]) -> dict[str, Any]:
    if isinstance(e, fa.If):
        arms, otherwise = list(e.branches), e.otherwise
    else:
        arms, otherwise = [], e
    bands: list[dict[str, Any]] = []
    source_expr: fa.Expr | None = None
    for test, value in arms:
        src, lo, hi = _bound(test)
        source_expr = source_expr or src
        bands.append({"value": _literal(value), "min": lo, "max": hi})
    out: dict[str, Any] = {"kind": "bands", "source": meta.get("source")}
    inline = "source" in meta
    if inline:
        if source_expr is None:
            raise _NoMatch
        out["source_calculation"] = _score(source_expr, _ids(meta))
        only_upper = all(b["min"] is None and b["max"] is not None for b in bands)
        if only_upper and (len(bands) > 1 or otherwise is not None):
            for prev, band in zip([None, *bands], bands, strict=False):
                band["min"] = None if prev is None else prev["max"] + 1
            if otherwise is not None:
                bands.append({"value": _literal(otherwise), "min": bands[-1]["max"] + 1 if bands else None,
                              "max": None})
        elif otherwise is not None:
            raise _NoMatch
    else:
        if otherwise is not None or not isinstance(source_expr, fa.PropertyRef):
            raise _NoMatch
        out["source"] = source_expr.name
    out["bands"] = bands
    return out


def _ids(meta: dict[str, str]) -> list[str]:
    return [i for i in meta.get("rules", "").split(",") if i]


def _rebuilt(formula: str, meta: dict[str, str]) -> dict[str, Any] | None:
    kind = meta.get("kind")
    try:
        expr = parse_formula(formula)
        if kind == "score":
            return _score(expr, _ids(meta))
        if kind == "first_match":
            return _first_match(expr)
        if kind == "bands":
            return _bands(expr, meta)
    except (_NoMatch, fa.FormulaError, IndexError, TypeError, ValueError):
        return None
    return None


def decompile(formula: str, meta: dict[str, str], recompile: Compile) -> dict[str, Any] | None:
    """The calculation gtm compiled ``formula`` from, or ``None`` when it is not one of gtm's."""
    calc = _rebuilt(formula, meta)
    return calc if calc is not None and recompile(calc) == formula else None


def opaque(formula: str, meta: dict[str, str]) -> dict[str, Any]:
    """A live formula that is not gtm's shape: compared as text, so any desired calculation differs."""
    return {"kind": meta.get("kind"), "formula": formula}


def canonical(calc: dict[str, Any], recompile: Compile) -> tuple[dict[str, Any], str | None]:
    """A desired calculation in read-back normal form, and the formula to send for it
    (``None``: inexpressible).  The normal form is a fixed point: its formula reads back to it."""
    text = recompile(calc)
    if text is None:
        return calc, None
    normal = _rebuilt(text, meta_of(calc))
    if normal is None:
        return calc, text
    normal_text = recompile(normal)
    if normal_text is None or decompile(normal_text, meta_of(normal), recompile) != normal:
        return calc, text
    return normal, normal_text
