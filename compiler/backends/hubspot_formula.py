"""Abstract calculations and core conditions → HubSpot calculation-property formulas.

Public API
----------
* :func:`calculation_to_formula` ``(calc, types) -> (formula | None, diagnostics)`` for the IR's
  ``score``, ``first_match`` and ``bands`` calculations (:mod:`compiler.calculations`);
* :func:`condition_to_formula` ``(cond, types) -> str`` (raises :class:`InexpressibleCondition`
  carrying GTM502 diagnostics).

Dialect: only what HubSpot documents (developer guide "CRM API | Properties", section
"Calculation property syntax"; summary in ``docs/emulator.md`` § Formulas): string literals in
``'…'`` or ``"…"``; number literals; ``true``/``false``; a bare identifier reads a **number**
property, ``string(p)`` a string property, ``bool(p)`` a bool one; operators ``+`` (numbers or
strings) ``- * / < > <= >= = != and or not``; functions ``max min is_present contains
concatenate number_to_string string_to_number`` (:data:`DOCUMENTED_FUNCTIONS`; emitted text is
checked against it, GTM504); conditionals are *statements* ``if c then a [elseif c then b]*
[else d]``; string comparison is case-sensitive; ``is_present`` is false when its argument
cannot be evaluated (an empty property).  HubSpot's own stock formula for ``hs_task_label``
(``if is_present(string(name)) then string(name) else string(domain)``) shows the guard
pattern used below.

How a condition compiles.  The evaluator's semantics (``compiler.conditions.evaluate``) must hold
on unknown values without relying on short-circuit ``and``/``or``.  Each leaf is therefore
``(if is_present(READ) then TEST else false)``: false on an unknown value, never blank (adjacent
``contains`` leaves of one ``any`` on the same property share one guard), so
``not``, ``and`` and ``or`` compose exactly and ``not`` of a leaf holds on unknown values as the
evaluator requires; ``known`` is ``is_present(READ)``.  Numbers compare with ``= != < <= > >=``;
a bool property reads as ``bool(p)`` (``eq true`` tests ``bool(p)``, ``eq false`` ``not
(bool(p))``).  An *enumeration* compares with the option's exact internal value (looked up
case-insensitively in ``options``, since HubSpot stores and compares the internal value) and
matches any of the ``;``-separated values of a multi-checkbox value
(``contains(';' + string(p) + ';', ';VALUE;')``).  Free text is where the dialect falls short:
the evaluator ignores case but HubSpot's comparison is case-sensitive and no case-folding
function is documented, so a text literal is matched as written, lower-case, UPPER-CASE and
Title Case (:func:`casings`) — other mixed spellings of free text do not match on HubSpot.

Calculations: ``score`` is ``(if C1 then P1 else 0) + (if C2 then P2 else 0) + …`` (``0`` with
no rules); ``first_match`` is ``if C1 then V1 elseif C2 then V2 … [else DEFAULT]`` — with no
default the formula has no ``else`` and the property is blank when no case matches, like
``compute`` returning ``None``; ``bands`` is ``if S >= MIN and S <= MAX then V elseif …`` on the
bare source property, blank when the source is blank or no band matches.  When the source is
itself calculated (``sources``), its expression is written in place of ``S`` (HubSpot's
knowledge base does not support a calculated dropdown reading another calculated property), and
contiguous whole-number bands test only their upper bound.

GTM502 (an error naming the leaf) for what the dialect cannot express exactly: ordering on a
non-number, ``contains`` on a number or bool, anything but ``known`` on a date, a string
property compared with a number (the evaluator compares numerically), empty strings, values
holding ``;``, a string literal holding both quote characters, property names that are not
identifiers.

UNVERIFIED against a live portal: ``string(p)`` of a multi-checkbox property returning the raw
``a;b`` text; ``(if …) + (if …)`` sums; an ``if`` without ``else`` yielding a blank value;
whether HubSpot allows ``enumeration`` output for calculation properties (the properties API
lists ``calculation_equation`` as valid for ``enumeration``).  Values are assumed to carry no
leading/trailing whitespace (the evaluator strips, the formula cannot).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any as AnyT

from compiler.backends import TypeLookup
from compiler.conditions.ast import All, Any, Condition, Leaf, Not, from_data
from compiler.diagnostics import Diagnostic, error

DOCUMENTED_FUNCTIONS = frozenset({"max", "min", "is_present", "contains", "concatenate", "number_to_string",
                                  "string_to_number"})
"""Functions HubSpot's calculation-property syntax documents (``string``/``bool`` are property reads)."""

OptionLookup = Callable[[str], Iterable[str]]
"""Property name → its enumeration options' internal values (empty when unknown)."""


def _no_options(_name: str) -> tuple[str, ...]:
    return ()


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


def _guard(read: str, test: str) -> str:
    """A leaf: ``test`` when ``read`` has a value, else false (never blank)."""
    return f"(if is_present({read}) then {test} else false)"


def _number_leaf(leaf: Leaf, p: str) -> str:
    op = leaf.op
    if op in ("in", "not_in"):
        vals = [_dec(x) for x in _list(leaf)]
        hit = _or([f"{p} = {number_literal(v)}" for v in vals])
        return _guard(p, hit if op == "in" else _not(hit))
    if op == "between":
        if not (isinstance(leaf.value, list) and len(leaf.value) == 2):
            raise _Bad("between needs [low, high]")
        lo, hi = _dec(leaf.value[0]), _dec(leaf.value[1])
        return _guard(p, f"({p} >= {number_literal(lo)} and {p} <= {number_literal(hi)})")
    if op in ("contains", "not_contains"):
        raise _Bad(f"{op} on a number property")
    try:
        v = _dec(leaf.value)
    except _Bad as e:
        raise _Bad(f"a number property compared with {leaf.value!r}", "write the value unquoted") from e
    sym = {"eq": "=", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
    return _guard(p, f"{p} {sym} {number_literal(v)}")


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
    read = f"bool({p})"
    if len(allowed) == 2:
        return f"is_present({read})"
    if not allowed:
        return "false"
    return _guard(read, read if True in allowed else _not(read))


def _str_operand(v: AnyT, strip: bool) -> str:
    if not isinstance(v, str):
        raise _Bad(f"a string property compared with {v!r}", 'quote the value, e.g. "5"')
    s = v.strip() if strip else v
    if s == "":
        raise _Bad("empty string value", "use {known: false} to match records with no value")
    if strip and ";" in s:
        raise _Bad(f"value {v!r} contains ';', which separates multiple values")
    for form in casings(s):
        string_literal(form)  # fail early on unquotable text
    return s


def casings(s: str) -> list[str]:
    """The spellings a free-text comparison matches: as written, lower, UPPER and Title case.

    HubSpot documents string comparison in formulas as case-sensitive and documents no
    case-folding function, so a case-insensitive test is approximated by these spellings."""
    out: list[str] = []
    for form in (s, s.lower(), s.upper(), s.title()):
        if form not in out:
            out.append(form)
    return out


def _exact_option(value: str, options: tuple[str, ...]) -> str:
    """The option's internal value as HubSpot stores it (``value`` itself when no option matches)."""
    if value in options:
        return value
    folded = [o for o in options if o.lower() == value.lower()]
    return folded[0] if len(folded) == 1 else value


def _string_leaf(leaf: Leaf, p: str, multi: bool, options: tuple[str, ...]) -> str:
    op = leaf.op
    raw = f"string({p})"

    def equals(value: str) -> str:
        if multi:
            exact = _exact_option(value, options)
            return f"contains(';' + {raw} + ';', {string_literal(';' + exact + ';')})"
        return _or([f"{raw} = {string_literal(form)}" for form in casings(value)])

    if op in ("eq", "ne"):
        v = _str_operand(leaf.value, strip=True)
        return _guard(raw, equals(v) if op == "eq" else _not(equals(v)))
    if op in ("in", "not_in"):
        hit = _or([equals(_str_operand(x, strip=True)) for x in _list(leaf)])
        return _guard(raw, hit if op == "in" else _not(hit))
    if op in ("contains", "not_contains"):
        needle = _str_operand(leaf.value, strip=False)
        hit = _or([f"contains({raw}, {string_literal(form)})" for form in casings(needle)])
        return _guard(raw, hit if op == "contains" else _not(hit))
    raise _Bad(f"{op} on a string property", "ordering comparisons need a number property")


def _leaf(leaf: Leaf, types: TypeLookup, options: OptionLookup) -> str:
    p = _ident(leaf.property)
    kind = _kind(leaf, types)
    read = {"number": p, "date": p, "bool": f"bool({p})", "string": f"string({p})",
            "enumeration": f"string({p})"}[kind]
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
    multi = kind == "enumeration"
    return _string_leaf(leaf, p, multi, tuple(options(leaf.property)) if multi else ())


def _gtm502(leaf: Leaf, reason: str, hint: str | None = None) -> Diagnostic:
    return error("GTM502", f"cannot express {leaf.describe()} as a HubSpot calculation formula: {reason}",
                 leaf.range, hint=hint)


class _Compiler:
    def __init__(self, types: TypeLookup, options: OptionLookup | None = None,
                 sources: Mapping[str, dict[str, AnyT]] | None = None,
                 calculated: Callable[[str], bool] | None = None) -> None:
        self.types = types
        self.options = options or _no_options
        self.sources = sources or {}
        #: set when the formula is a calculated dropdown's: which properties are calculated
        self.calculated = calculated
        self.inlined = False  # compiling a source calculation written in place (bands over a score)
        self.diagnostics: list[Diagnostic] = []

    def cond(self, c: Condition) -> str:
        if isinstance(c, Leaf):
            if self.calculated is not None and self.calculated(c.property):
                # KB: a calculated dropdown cannot read another calculated property (the emulator
                # refuses it: docs/emulator.md § Formulas); say so at the leaf, before any apply
                where = " (the bands write this score's rules in place)" if self.inlined else ""
                self.diagnostics.append(_gtm502(
                    c, f"{c.property} is a calculated property, and a HubSpot calculated dropdown cannot read "
                       f"one{where}", "compare the properties it is calculated from, or use the condition in a "
                                      "list, workflow or alert instead"))
                return "false"
            try:
                return _leaf(c, self.types, self.options)
            except _Bad as e:
                self.diagnostics.append(_gtm502(c, e.reason, e.hint))
                return "false"
        if isinstance(c, Not):
            return _not(self.cond(c.item))
        if isinstance(c, All):
            return _and([self.cond(i) for i in c.items])
        if isinstance(c, Any):
            parts, i = [], 0
            while i < len(c.items):
                run = self._contains_run(c.items, i)
                if len(run) >= 2:
                    raw = f"string({run[0].property})"
                    needles = [_str_operand(leaf.value, strip=False) for leaf in run]
                    hit = _or([f"contains({raw}, {string_literal(form)})" for n in needles for form in casings(n)])
                    parts.append(_guard(raw, hit))
                    i += len(run)
                else:
                    parts.append(self.cond(c.items[i]))
                    i += 1
            return _or(parts)
        raise TypeError(f"not a core condition: {c!r} (expand sugar first)")

    def _contains_run(self, items: tuple[Condition, ...], start: int) -> list[Leaf]:
        """Adjacent ``contains`` leaves on one text property from ``start`` (one shared guard)."""
        run: list[Leaf] = []
        for item in items[start:]:
            if not (isinstance(item, Leaf) and item.op == "contains"
                    and (not run or item.property == run[0].property)):
                break
            try:
                if _kind(item, self.types) not in ("string", "enumeration"):
                    break
                _ident(item.property)
                _str_operand(item.value, strip=False)
            except _Bad:
                break
            run.append(item)
        return run

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
        source = str(calc.get("source"))
        inline = self.sources.get(source)
        try:
            if inline is not None:
                return self._inlined_bands(calc, inline)
            src = _ident(source)
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

    def _inlined_bands(self, calc: dict[str, AnyT], source: dict[str, AnyT]) -> str | None:
        """Bands over a calculated source, with the source's expression written in place.

        HubSpot's knowledge base does not support a calculated dropdown reading another
        calculated property, so the score is inlined.  A score never is blank and, with whole
        points, always is a whole number; when the bands are ordered and leave no whole number
        between them, each arm tests only its upper bound (the earlier arms took the rest), so
        the score expression is written once per boundary.
        """
        inner = _without_inlining(self).calc(source)
        if inner is None:
            return None
        expr = f"({inner})"
        bands = list(calc.get("bands") or [])
        if not bands:
            self.diagnostics.append(error("GTM502", "a bands calculation needs at least one band"))
            return None
        whole = source.get("kind") == "score"
        ordered = sorted(bands, key=lambda b: (b.get("min") is not None, _dec(b["min"]) if b.get("min") is not None
                                               else Decimal(0)))
        contiguous = whole and ordered[0].get("min") is None and all(
            a.get("max") is not None and b.get("min") is not None
            and _dec(b["min"]) == _dec(a["max"]) + 1 and _dec(a["max"]) == _dec(a["max"]).to_integral_value()
            for a, b in itertools.pairwise(ordered))
        arms: list[tuple[str, str]] = []
        if contiguous:
            for band in ordered[:-1]:
                arms.append((f"{expr} <= {number_literal(_dec(band['max']))}", _literal(band["value"])))
            last = ordered[-1]
            if last.get("max") is None:
                return self._chain(arms, _literal(last["value"])) if arms else _literal(last["value"])
            arms.append((f"{expr} <= {number_literal(_dec(last['max']))}", _literal(last["value"])))
            return self._chain(arms, None)
        for band in bands:
            tests = []
            if band.get("min") is not None:
                tests.append(f"{expr} >= {number_literal(_dec(band['min']))}")
            if band.get("max") is not None:
                tests.append(f"{expr} <= {number_literal(_dec(band['max']))}")
            arms.append((_and(tests) if tests else "true", _literal(band["value"])))
        return self._chain(arms, None)


def _without_inlining(parent: _Compiler) -> _Compiler:
    """A compiler sharing ``parent``'s lookups and diagnostics, without inlining (no cycles)."""
    child = _Compiler(parent.types, parent.options, calculated=parent.calculated)
    child.inlined = True
    child.diagnostics = parent.diagnostics
    return child


_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def undocumented_functions(text: str) -> list[str]:
    """Names called in ``text`` that HubSpot's calculation-property syntax does not document."""
    calls = {m.group(1).lower() for m in _CALL.finditer(_QUOTED.sub("''", text))}
    return sorted(calls - DOCUMENTED_FUNCTIONS - _KEYWORDS)


def condition_to_formula(cond: Condition, types: TypeLookup, options: OptionLookup | None = None) -> str:
    """A boolean formula equal to the evaluator on every record (never blank).

    Raises :class:`InexpressibleCondition` (GTM502 diagnostics, one per leaf) when a leaf cannot be
    expressed exactly.
    """
    comp = _Compiler(types, options)
    text = comp.cond(cond)
    if comp.diagnostics:
        raise InexpressibleCondition(comp.diagnostics)
    return text


def calculation_to_formula(calc: dict[str, AnyT], types: TypeLookup, options: OptionLookup | None = None,
                           sources: Mapping[str, dict[str, AnyT]] | None = None,
                           calculated: Callable[[str], bool] | None = None
                           ) -> tuple[str | None, list[Diagnostic]]:
    """Compile an IR calculation (``score``, ``first_match``, ``bands``) to a ``calculationFormula``.

    ``options`` gives enumeration properties' internal option values (comparisons use them
    exactly); ``sources`` maps calculated property names to their calculations: a ``bands``
    calculation over one of them writes the source's expression in place instead of reading
    the calculated property.  ``calculated`` (given for a calculated dropdown, an enumeration
    output) tells which properties are calculated: HubSpot's knowledge base says such a formula
    cannot read one, so a leaf naming one is GTM502.  Returns ``(None, diagnostics)`` when anything
    cannot be expressed exactly.
    """
    comp = _Compiler(types, options, sources, calculated)
    text = comp.calc(calc)
    if text is not None and (bad := undocumented_functions(text)):
        comp.diagnostics.append(error(
            "GTM504", f"the HubSpot formula would call {', '.join(bad)}, outside HubSpot's documented "
            "calculation syntax"))
    if any(d.is_error for d in comp.diagnostics):
        return None, comp.diagnostics
    return text, comp.diagnostics
