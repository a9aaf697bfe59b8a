"""Abstract calculations and core conditions → HubSpot calculation-property formulas.

Public API
----------
* :func:`calculation_to_formula` ``(calc, types) -> (formula | None, diagnostics)`` for the IR's
  ``score``, ``first_match`` and ``bands`` calculations (:mod:`compiler.calculations`);
* :func:`condition_to_formula` ``(cond, types) -> str`` (raises :class:`InexpressibleCondition`
  carrying GTM502 diagnostics).

Dialect (DOC: HubSpot developer guide "CRM API | Properties", section "Calculation property
syntax", read from a stored copy of the page): string literals in ``'…'`` or ``"…"``; number
literals; ``true``/``false``; a bare identifier reads a **number** property, ``string(p)`` a
string property, ``bool(p)`` a bool one; operators ``+`` (numbers or strings) ``- * / < > <= >=
= != and or not``; functions ``max min is_present contains concatenate number_to_string
string_to_number``; conditionals are *statements* ``if c then a [elseif c then b]* [else d]``
(not ``if(c, a, b)``); string comparison is case-sensitive (``'a'`` ≠ ``'A'``); ``is_present``
"evaluates whether an expression can be evaluated" (false when the property is empty).
OBSERVED (a third-party spike against a live portal, which PATCHed candidate formulas and read
HubSpot's 400 bodies): the API rejects ``if(…)`` function syntax and a trailing ``endif`` after
``else``; the token list HubSpot's parser accepts includes ``coalesce``, ``to_lower_case`` and
``begins_with``; a bool property read by a bare name is a number (1/0), and
``coalesce(flag, 0) = 1`` and ``bool(flag)`` are accepted.  The emulator
(``providers/hubspot/emulator/formula.py``) implements the same dialect; the tests check every
formula produced here against it.

How a condition compiles.  The evaluator's semantics (``compiler.conditions.evaluate``) must hold
exactly, including on unknown values, without relying on short-circuit ``and``/``or`` or on
lazy ``if`` branches (HubSpot's runtime null handling is undocumented).  Each leaf therefore
reads its property through ``coalesce(p, SENTINEL)`` where the sentinel is a literal chosen so
that the leaf is *false* on an unknown value (``gte 3`` reads ``coalesce(p, 2) >= 3``, ``ne
'x'`` reads ``coalesce(string(p), 'x') != 'x'``); a leaf is never blank, so ``not``, ``and`` and
``or`` compose exactly, and ``not`` of a leaf holds on unknown values as the evaluator requires.
``known`` uses ``is_present``.  Strings compare case-insensitively through ``to_lower_case`` with
the literal lower-cased at compile time; ``eq``/``ne``/``in``/``not_in`` on an *enumeration*
match any of the ``;``-separated values of a multi-checkbox value
(``contains(';' + v + ';', ';x;')``), as the evaluator does; on a plain string they compare the
whole value.  A bool property is read as a number: ``eq true`` is ``coalesce(p, 0) = 1``.

Calculations: ``score`` is ``(if C1 then P1 else 0) + (if C2 then P2 else 0) + …`` (``0`` with
no rules); ``first_match`` is ``if C1 then V1 elseif C2 then V2 … [else DEFAULT]`` — with no
default the formula has no ``else`` and the property is blank when no case matches, like
``compute`` returning ``None``; ``bands`` is ``if S >= MIN and S <= MAX then V elseif …`` on the
bare source property, blank when the source is blank or no band matches.

GTM502 (an error naming the leaf) for what the dialect cannot express exactly: ordering on a
non-number, ``contains`` on a number or bool, anything but ``known`` on a date, a string
property compared with a number (the evaluator compares numerically), empty strings, values
holding ``;``, a string literal holding both quote characters, property names that are not
identifiers.

UNVERIFIED against a live portal: runtime semantics of ``coalesce`` and ``to_lower_case`` (only
their acceptance by the parser is observed); ``string(p)`` of a multi-checkbox property returning
the raw ``a;b`` text; ``(if …) + (if …)`` sums; an ``if`` without ``else`` yielding a blank
value; a calculation reading another calculated property (``bands`` reads ``gtm_lead_score``);
and whether HubSpot allows ``enumeration`` output for calculation properties (the properties
API lists ``calculation_equation`` as valid for ``enumeration``; the same spike quotes a
knowledge-base line saying enumeration outputs are not supported).  Values are assumed to carry
no leading/trailing whitespace (the evaluator strips, the formula cannot).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any as AnyT

from compiler.backends import TypeLookup
from compiler.conditions.ast import All, Any, Condition, Leaf, Not, from_data
from compiler.diagnostics import Diagnostic, error

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEYWORDS = frozenset({"if", "then", "elseif", "else", "endif", "and", "or", "xor", "not", "equals", "true",
                       "false", "string", "bool"})
_KINDS: dict[str, str] = {
    "number": "number", "string": "string", "phone_number": "string", "enumeration": "enumeration",
    "bool": "bool", "date": "date", "datetime": "date",
}


class InexpressibleCondition(ValueError):
    """Raised by :func:`condition_to_formula`; ``diagnostics`` holds one GTM502 per bad leaf."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.summary for d in diagnostics))
        self.diagnostics = diagnostics


class _Bad(Exception):
    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.hint = reason, hint


# -- literals ------------------------------------------------------------------------------------
def _dec(v: AnyT) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _Bad(f"{v!r} is not a number")
    try:
        d = Decimal(v) if isinstance(v, int) else Decimal(repr(v))
    except InvalidOperation as e:  # pragma: no cover - repr of a float is always valid
        raise _Bad(f"{v!r} is not a number") from e
    if not d.is_finite():
        raise _Bad(f"{v!r} is not a finite number")
    return d


def number_literal(d: Decimal | int | float) -> str:
    """A number in the formula dialect (plain digits, a leading ``-`` for negatives)."""
    d = d if isinstance(d, Decimal) else _dec(d)
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def string_literal(s: str) -> str:
    """A string literal; the dialect has no escapes, so pick the quote the text does not use."""
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    raise _Bad("a string holding both ' and \" cannot be written as a formula literal")


def _literal(v: AnyT) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return number_literal(v)
    return string_literal(str(v))


# -- leaves ----------------------------------------------------------------------------------------
def _kind(leaf: Leaf, types: TypeLookup) -> str:
    t = types(leaf.property)
    if t is not None:
        kind = _KINDS.get(t)
        if kind is None:
            raise _Bad(f"property type {t!r} has no formula mapping")
        return kind
    sample = leaf.value[0] if isinstance(leaf.value, list) and leaf.value else leaf.value
    if isinstance(sample, bool):
        return "bool"
    if isinstance(sample, int | float):
        return "number"
    return "string"


def _ident(name: str) -> str:
    if not _IDENT.match(name) or name.lower() in _KEYWORDS:
        raise _Bad(f"property name {name!r} cannot be written in a formula")
    return name


def _list(leaf: Leaf) -> list[AnyT]:
    if not isinstance(leaf.value, list) or not leaf.value:
        raise _Bad(f"{leaf.op} needs a non-empty list")
    return list(leaf.value)


def _or(parts: list[str]) -> str:
    if not parts:
        return "false"
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


def _and(parts: list[str]) -> str:
    if not parts:
        return "true"
    return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"


def _not(part: str) -> str:
    return f"not ({part})"


def _number_leaf(leaf: Leaf, p: str) -> str:
    op = leaf.op
    if op in ("in", "not_in"):
        vals = [_dec(x) for x in _list(leaf)]
        sentinel = max(vals) + 1 if op == "in" else vals[0]
        read = f"coalesce({p}, {number_literal(sentinel)})"
        hit = _or([f"{read} = {number_literal(v)}" for v in vals])
        return hit if op == "in" else _not(hit)
    if op == "between":
        if not (isinstance(leaf.value, list) and len(leaf.value) == 2):
            raise _Bad("between needs [low, high]")
        lo, hi = _dec(leaf.value[0]), _dec(leaf.value[1])
        read = f"coalesce({p}, {number_literal(lo - 1)})"
        return f"({read} >= {number_literal(lo)} and {read} <= {number_literal(hi)})"
    if op in ("contains", "not_contains"):
        raise _Bad(f"{op} on a number property")
    try:
        v = _dec(leaf.value)
    except _Bad as e:
        raise _Bad(f"a number property compared with {leaf.value!r}", "write the value unquoted") from e
    sentinel, sym = {
        "eq": (v + 1, "="), "ne": (v, "!="), "gt": (v, ">"), "gte": (v - 1, ">="), "lt": (v, "<"),
        "lte": (v + 1, "<="),
    }[op]
    return f"coalesce({p}, {number_literal(sentinel)}) {sym} {number_literal(v)}"


def _as_bool(v: AnyT) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    raise _Bad(f"a bool property compared with {v!r}")


def _bool_leaf(leaf: Leaf, p: str) -> str:
    op = leaf.op
    if op in ("eq", "ne"):
        v = _as_bool(leaf.value)
        allowed = {v} if op == "eq" else {not v}
    elif op in ("in", "not_in"):
        listed = {_as_bool(x) for x in _list(leaf)}
        allowed = listed if op == "in" else {True, False} - listed
    else:
        raise _Bad(f"{op} on a bool property")
    if len(allowed) == 2:
        return f"is_present({p})"
    if not allowed:
        return "false"
    return f"coalesce({p}, 0) = 1" if True in allowed else f"coalesce({p}, 1) = 0"


def _str_operand(v: AnyT, strip: bool) -> str:
    if not isinstance(v, str):
        raise _Bad(f"a string property compared with {v!r}", 'quote the value, e.g. "5"')
    s = (v.strip() if strip else v).lower()
    if s == "":
        raise _Bad("empty string value", "use {known: false} to match records with no value")
    if strip and ";" in s:
        raise _Bad(f"value {v!r} contains ';', which separates multiple values")
    string_literal(s)  # fail early on unquotable text
    return s


def _string_leaf(leaf: Leaf, p: str, multi: bool) -> str:
    op = leaf.op
    raw = f"string({p})"

    def lowered(sentinel: str) -> str:
        return f"to_lower_case(coalesce({raw}, {string_literal(sentinel)}))"

    def equals(sentinel: str, value: str) -> str:
        if multi:
            return f"contains(';' + {lowered(sentinel)} + ';', {string_literal(';' + value + ';')})"
        return f"{lowered(sentinel)} = {string_literal(value)}"

    if op in ("eq", "ne"):
        v = _str_operand(leaf.value, strip=True)
        return equals("", v) if op == "eq" else _not(equals(v, v))
    if op in ("in", "not_in"):
        vals = [_str_operand(x, strip=True) for x in _list(leaf)]
        if op == "in":
            return _or([equals("", v) for v in vals])
        return _not(_or([equals(vals[0], v) for v in vals]))
    if op in ("contains", "not_contains"):
        needle = _str_operand(leaf.value, strip=False)
        if op == "contains":
            return f"contains({lowered('')}, {string_literal(needle)})"
        return _not(f"contains({lowered(needle)}, {string_literal(needle)})")
    raise _Bad(f"{op} on a string property", "ordering comparisons need a number property")


def _leaf(leaf: Leaf, types: TypeLookup) -> str:
    p = _ident(leaf.property)
    kind = _kind(leaf, types)
    read = {"number": p, "date": p, "bool": p, "string": f"string({p})", "enumeration": f"string({p})"}[kind]
    if leaf.op in ("older_than_days", "within_days"):
        raise _Bad(f"{leaf.op} needs today's date", "use the condition in a list, workflow or alert instead")
    if leaf.op == "known":
        present = f"is_present({read})"
        return present if bool(leaf.value) else _not(present)
    if kind == "date":
        raise _Bad(f"{leaf.op} on a date property", "only `known` is supported on dates")
    if kind == "number":
        return _number_leaf(leaf, p)
    if kind == "bool":
        return _bool_leaf(leaf, p)
    if leaf.op in ("gt", "gte", "lt", "lte", "between"):
        raise _Bad(f"{leaf.op} on a string property", "ordering comparisons need a number property")
    return _string_leaf(leaf, p, multi=kind == "enumeration")


def _gtm502(leaf: Leaf, reason: str, hint: str | None = None) -> Diagnostic:
    return error("GTM502", f"cannot express {leaf.describe()} as a HubSpot calculation formula: {reason}",
                 leaf.range, hint=hint)


class _Compiler:
    def __init__(self, types: TypeLookup) -> None:
        self.types = types
        self.diagnostics: list[Diagnostic] = []

    def cond(self, c: Condition) -> str:
        if isinstance(c, Leaf):
            try:
                return _leaf(c, self.types)
            except _Bad as e:
                self.diagnostics.append(_gtm502(c, e.reason, e.hint))
                return "false"
        if isinstance(c, Not):
            return _not(self.cond(c.item))
        if isinstance(c, All):
            return _and([self.cond(i) for i in c.items])
        if isinstance(c, Any):
            return _or([self.cond(i) for i in c.items])
        raise TypeError(f"not a core condition: {c!r} (expand sugar first)")

    def calc(self, calc: dict[str, AnyT]) -> str | None:
        kind = calc.get("kind")
        if kind == "score":
            parts = []
            for rule in calc.get("rules") or []:
                if rule.get("when") is None:
                    continue
                points = number_literal(_dec(int(rule["points"])))
                parts.append(f"(if {self.cond(from_data(rule['when']))} then {points} else 0)")
            return " + ".join(parts) if parts else "0"
        if kind == "first_match":
            return self._first_match(calc)
        if kind == "bands":
            return self._bands(calc)
        self.diagnostics.append(error("GTM502", f"unknown calculation kind {kind!r}"))
        return None

    def _chain(self, arms: list[tuple[str, str]], default: str | None) -> str | None:
        if not arms:
            return default
        text = " elseif ".join(f"{c} then {v}" for c, v in arms)
        return f"if {text}" + (f" else {default}" if default is not None else "")

    def _first_match(self, calc: dict[str, AnyT]) -> str | None:
        arms = [(self.cond(from_data(case["when"])), _literal(case["value"]))
                for case in calc.get("cases") or []]
        default = calc.get("default")
        out = self._chain(arms, None if default is None else _literal(default))
        if out is None:
            self.diagnostics.append(error("GTM502", "a first_match calculation needs a case or a default"))
        return out

    def _bands(self, calc: dict[str, AnyT]) -> str | None:
        try:
            src = _ident(str(calc["source"]))
            arms = []
            for band in calc.get("bands") or []:
                tests = []
                if band.get("min") is not None:
                    tests.append(f"{src} >= {number_literal(_dec(band['min']))}")
                if band.get("max") is not None:
                    tests.append(f"{src} <= {number_literal(_dec(band['max']))}")
                arms.append((_and(tests) if tests else f"is_present({src})", _literal(band["value"])))
        except _Bad as e:
            self.diagnostics.append(error(
                "GTM502", f"cannot express the bands of {calc.get('source')!r}: {e.reason}"))
            return None
        out = self._chain(arms, None)
        if out is None:
            self.diagnostics.append(error("GTM502", "a bands calculation needs at least one band"))
        return out


def condition_to_formula(cond: Condition, types: TypeLookup) -> str:
    """A boolean formula equal to the evaluator on every record (never blank).

    Raises :class:`InexpressibleCondition` (GTM502 diagnostics, one per leaf) when a leaf cannot be
    expressed exactly.
    """
    comp = _Compiler(types)
    text = comp.cond(cond)
    if comp.diagnostics:
        raise InexpressibleCondition(comp.diagnostics)
    return text


def calculation_to_formula(calc: dict[str, AnyT], types: TypeLookup) -> tuple[str | None, list[Diagnostic]]:
    """Compile an IR calculation (``score``, ``first_match``, ``bands``) to a ``calculationFormula``.

    Returns ``(None, diagnostics)`` when anything cannot be expressed exactly.
    """
    comp = _Compiler(types)
    text = comp.calc(calc)
    if any(d.is_error for d in comp.diagnostics):
        return None, comp.diagnostics
    return text, comp.diagnostics
