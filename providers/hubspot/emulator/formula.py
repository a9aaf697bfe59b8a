"""HubSpot calculation-property formulas (``calculationFormula``): parse and evaluate.

Public API::

    parse(formula: str) -> Expr                     # raises FormulaSyntaxError(message, position)
    check_types(expr) -> "number"|"string"|"bool"|"any"   # raises FormulaTypeError(message, position)
    evaluate(expr, record: dict[str, str | None], types: dict[str, str]) -> int | float | str | bool | None
    format_value(value) -> str | None                # how the emulator returns a calculated value

Sources
-------
*DOC*: HubSpot developer guide "CRM API | Properties", section "Calculation property
syntax" (developers.hubspot.com/docs/api/crm/properties#calculation-property-syntax;
read from copies of the page stored in public repositories).  It documents:

* literals: strings in ``'single'`` or ``"double"`` quotes; numbers such as ``1005``,
  ``1.5589``; booleans ``true`` / ``false``;
* property syntax: a bare identifier ``var1`` is the value of the **number** property
  ``var1``; ``string(var1)`` reads a **string** property; ``bool(var1)`` a **bool** one;
* "the language used is case sensitive for all types except strings. For example,
  ``If A ThEn B`` is exactly the same as ``if a then b`` but ``'a'`` is not the same as
  ``'A'``"; spaces, tabs and newlines only separate tokens;
* operators ``+`` (numbers or strings), ``-``, ``*``, ``/``, ``<``, ``>``, ``<=``, ``>=``
  (numbers), ``=`` and ``equals`` and ``!=`` (numbers and strings), ``or``, ``and``,
  ``not``; "prefix notation to multiply": ``10property1`` = ``10 * property1``;
  parentheses group;
* functions ``max``/``min`` (2 to 100 numbers), ``is_present`` ("evaluates whether an
  expression can be evaluated": false when the property is empty or of another type),
  ``contains(a, b)`` (true if string ``a`` contains ``b``), ``concatenate`` (2 to 100
  strings), ``number_to_string``, ``string_to_number``; ``"Number of cars: " + num_cars``
  is documented as invalid (string plus number);
* conditionals are **statements**, not a function:
  ``if boolean_expression then statement [elseif expression then statement]* [else statement | endif]``;
  ``endif`` closes an ``if`` early so a following ``elseif``/``else`` binds to the outer one.

*OBSERVED* (third-party notes of real ``PATCH /crm/v3/properties`` calls, found with the
code search): the API refuses ``if(...)`` function syntax, ``is_known()`` and a trailing
``endif`` after ``else``; HubSpot's 400 body lists further tokens its parser knows
(``coalesce``, ``to_lower_case``, ``xor``...), which no HubSpot document describes: this
emulator takes the stricter reading and refuses every undocumented function and ``xor``
(docs/emulator.md § Formulas); HubSpot's stock ``hs_task_label`` formula is
``if is_present(string(name)) then string(name) else string(domain)``; a calculated
property is blank when a term of a plain sum is blank.

Accepted dialect (exactly)
--------------------------
Tokens: whitespace; numbers ``\\d+(\\.\\d*)?|\\.\\d+`` (no sign, no exponent); strings
``'...'`` / ``"..."`` with **no escape sequences** (use the other quote to embed one);
identifiers ``[A-Za-z_][A-Za-z0-9_]*``, compared case-insensitively (property names are
lower-cased); keywords, case-insensitive: ``if then elseif else endif and or not
equals true false`` (``xor`` is refused with a hint); operators
``+ - * / < > <= >= = != ( ) ,``.  ``==``, ``&&``, ``||`` and ``!`` are rejected with a
hint, as is ``if(c, a, b)``.

Grammar, loosest binding first::

    formula  := expr EOF
    expr     := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | cmp
    cmp      := sum [("<"|">"|"<="|">="|"="|"equals"|"!=") sum]      (not chainable)
    sum      := prod (("+"|"-") prod)*
    prod     := unary (("*"|"/") unary)*
    unary    := "-" unary | primary
    primary  := NUMBER [primary]        (only when written with no space: 10x, 2(a+b))
              | STRING | "true" | "false"
              | IDENT                   (number property)
              | ("string"|"bool") "(" IDENT ")"
              | FUNC "(" expr ("," expr)* ")"
              | "(" expr ")"
              | "if" expr "then" expr ("elseif" expr "then" expr)* ["else" expr | "endif"]

``FUNC`` is one of ``max min is_present contains concatenate number_to_string
string_to_number`` (the documented list; any other name is an unknown function).  Branches of an
``if`` extend as far right as possible (``if c then 1 else 2 + 3`` has else-branch
``2 + 3``); a nested ``if`` takes the nearest ``else``.

Types (:func:`check_types`): the documented operand rules above; branches of an ``if``
may differ (the guide's own example mixes ``true`` and ``''``), giving type ``any``.

Evaluation (:func:`evaluate`)
-----------------------------
HubSpot documents ``is_present`` and OBSERVED shows a blank term blanking a sum; the
other blank-value rules below are this emulator's choices, picked so that a formula whose
``is_present`` guards come first gives the same answer under any reasonable reading.

* Arithmetic is decimal (34 significant digits, like Java's BigDecimal DECIMAL128).
* A property with no value (key absent, ``None`` or ``""``) is **unevaluable**, and so is
  a value that does not fit the read: a bare name whose value is not a number, ``bool()``
  of anything but ``true``/``false`` (case-insensitive).  ``types`` maps property names to
  HubSpot property types (``number``, ``string``, ``bool``, ``enumeration``, ``date``,
  ``datetime``...); a bare name of a ``bool`` property (or of a property missing from
  ``types`` whose value is ``true``/``false``) reads as 1/0, because HubSpot passes
  booleans to formulas as numbers; ``date``/``datetime`` values (ISO or epoch ms) read as
  epoch milliseconds.  Record keys are property names; lookup falls back to a
  case-insensitive match.
  ``string(x)`` returns the stored string unchanged, whatever the property type.
* Unevaluable propagates through every operator and function: the result is ``None`` (the
  calculated property is blank) except where caught:
  ``is_present(e)`` is false; ``and`` / ``or``
  evaluate left to right and stop early (``false and ...`` is false, ``true or ...`` is
  true), so put ``is_present`` guards on the **left**; an ``if`` evaluates only the
  condition(s) it needs and the branch it takes, so a blank term in an untaken branch does
  not matter, but a blank condition makes the result blank, and so does an ``if`` without
  ``else`` when no condition holds.  Division by zero is unevaluable.
* Strings compare case-sensitively (``'a' = 'A'`` is false); ``contains`` is
  case-sensitive too (no case-folding function is documented).  ``=`` between values of different types is unevaluable.
* The result is ``None`` (blank), a ``bool``, a ``str``, or a number returned as ``int``
  when integral, else ``float``.  :func:`format_value` renders it as the emulator returns
  record properties: ``"45"``, ``"2.5"``, ``"true"``, the string itself, or ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .formula_ast import (
    FUNCTIONS,
    Expr,
    FormulaError,
    FormulaSyntaxError,
    FormulaTypeError,
    referenced_properties,
)
from .formula_eval import check_types, evaluate_value, format_value, to_python
from .formula_parser import parse_formula

__all__ = [
    "FUNCTIONS",
    "Expr",
    "FormulaError",
    "FormulaSyntaxError",
    "FormulaTypeError",
    "check_types",
    "evaluate",
    "format_value",
    "parse",
    "referenced_properties",
]


def parse(formula: str) -> Expr:
    """Parse ``formula`` or raise :class:`FormulaSyntaxError` with ``.message`` and ``.position``."""
    return parse_formula(formula)


def evaluate(
    expr: Expr, record: Mapping[str, str | None], types: Mapping[str, str] | None = None
) -> int | float | str | bool | None:
    """Evaluate ``expr`` for one record of string values; ``None`` means blank.

    ``evaluate`` does not type-check: run :func:`check_types` once after :func:`parse` to
    know whether HubSpot would accept the formula at all.
    """
    return to_python(evaluate_value(expr, record, types or {}))
