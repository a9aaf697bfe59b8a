"""AST nodes and errors of HubSpot's calculation-property formula language.

The nodes are immutable dataclasses; every node carries ``pos``, the 0-based
character offset in the formula text where it starts, so later stages (the type
checker, the emulator's 400 messages) can point at the offending spot.
:mod:`providers.hubspot.emulator.formula` documents the language itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias


class FormulaError(ValueError):
    """A formula problem found at ``position`` (0-based character offset)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


class FormulaSyntaxError(FormulaError):
    """The text is not a formula of the accepted dialect."""


class FormulaTypeError(FormulaError):
    """The formula parses but combines values of incompatible types."""


@dataclass(frozen=True)
class Number:
    """A number literal such as ``1005`` or ``1.5589``."""

    value: Decimal
    pos: int


@dataclass(frozen=True)
class String:
    """A string literal, written ``'x'`` or ``"x"``."""

    value: str
    pos: int


@dataclass(frozen=True)
class Bool:
    """``true`` or ``false``."""

    value: bool
    pos: int


@dataclass(frozen=True)
class PropertyRef:
    """A property read: ``name`` (number), ``string(name)`` or ``bool(name)``."""

    name: str
    kind: str  # "number" | "string" | "bool"
    pos: int


@dataclass(frozen=True)
class Unary:
    """``-x`` or ``not x``."""

    op: str  # "-" | "not"
    operand: Expr
    pos: int


@dataclass(frozen=True)
class Binary:
    """An infix operation; ``=`` and ``equals`` are both stored as ``"="``."""

    op: str  # + - * / < > <= >= = != and or
    left: Expr
    right: Expr
    pos: int


@dataclass(frozen=True)
class Call:
    """A function call such as ``max(a, b)`` (name lower-cased)."""

    name: str
    args: tuple[Expr, ...]
    pos: int


@dataclass(frozen=True)
class If:
    """``if c1 then v1 [elseif c2 then v2]* [else v | endif]``."""

    branches: tuple[tuple[Expr, Expr], ...]
    otherwise: Expr | None
    pos: int


Expr: TypeAlias = Number | String | Bool | PropertyRef | Unary | Binary | Call | If


def referenced_properties(expr: Expr) -> set[str]:
    """Every property name the expression reads."""
    found: set[str] = set()
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, PropertyRef):
            found.add(node.name)
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Call):
            stack.extend(node.args)
        elif isinstance(node, If):
            for cond, value in node.branches:
                stack.extend((cond, value))
            if node.otherwise is not None:
                stack.append(node.otherwise)
    return found


@dataclass(frozen=True)
class Signature:
    """Arity and types of a function: ``params`` repeat their last entry when variadic."""

    min_args: int
    max_args: int
    params: tuple[str, ...]  # "number" | "string" | "bool" | "any" | "same"
    result: str  # a type name, or "same": the (common) type of the arguments


#: Functions of HubSpot's documented calculation-property syntax, with their arity and
#: parameter types (DOC: developer guide "CRM API | Properties", § "Calculation property
#: syntax": max/min take 2 to 100 numbers, concatenate 2 to 100 strings, contains two
#: strings, is_present any expression, number_to_string a number, string_to_number a
#: string).  Anything else is rejected as an unknown function — the stricter reading: a
#: third-party note quotes HubSpot's parser listing more tokens (coalesce, to_lower_case,
#: begins_with, abs...), but no HubSpot document describes them, so ``gtm`` never emits them
#: and this emulator refuses them (docs/emulator.md § Formulas, "unverified").
#: ``string``/``bool`` are property syntax and are handled by the parser, not here.
FUNCTIONS: dict[str, Signature] = {
    "max": Signature(2, 100, ("number",), "number"),
    "min": Signature(2, 100, ("number",), "number"),
    "is_present": Signature(1, 1, ("any",), "bool"),
    "contains": Signature(2, 2, ("string", "string"), "bool"),
    "concatenate": Signature(2, 100, ("string",), "string"),
    "number_to_string": Signature(1, 1, ("number",), "string"),
    "string_to_number": Signature(1, 1, ("string",), "number"),
}
