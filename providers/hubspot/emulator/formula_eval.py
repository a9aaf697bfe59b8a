"""Static type check and evaluation of parsed calculation-property formulas.

:func:`check_types` enforces the operand rules that HubSpot documents (``+`` joins
two numbers or two strings, ``- * /`` and ``< > <= >=`` take numbers, ``= !=``
compare like with like, ``and/or/not`` take booleans, each function its own
parameter types).  :func:`evaluate` computes a value for one record; the rules
for missing values are stated in :mod:`providers.hubspot.emulator.formula`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Context, Decimal, InvalidOperation

from .formula_ast import (
    FUNCTIONS,
    Binary,
    Bool,
    Call,
    Expr,
    FormulaTypeError,
    Number,
    PropertyRef,
    String,
    Unary,
)

Value = Decimal | str | bool
_CTX = Context(prec=34)  # the precision of Java's MathContext.DECIMAL128 (HubSpot uses BigDecimal)
_ARITHMETIC = frozenset("-*/")
_ORDERING = frozenset({"<", ">", "<=", ">="})
_LOGIC = frozenset({"and", "or"})


class Unevaluable(Exception):
    """Raised inside evaluation when a term has no value (blank, missing, wrong type)."""


# ---------------------------------------------------------------------------
# static types: "number" | "string" | "bool" | "any" (mixed if-branches)
# ---------------------------------------------------------------------------
def _require(actual: str, wanted: str, node: Expr, what: str) -> None:
    if actual != "any" and wanted != "any" and actual != wanted:
        raise FormulaTypeError(f"{what} needs a {wanted}, got a {actual}", node.pos)


def check_types(expr: Expr) -> str:
    """Return the static type of ``expr`` or raise :class:`FormulaTypeError`."""
    if isinstance(expr, Number):
        return "number"
    if isinstance(expr, String):
        return "string"
    if isinstance(expr, Bool):
        return "bool"
    if isinstance(expr, PropertyRef):
        return expr.kind
    if isinstance(expr, Unary):
        inner = check_types(expr.operand)
        wanted = "bool" if expr.op == "not" else "number"
        _require(inner, wanted, expr.operand, f"'{expr.op}'")
        return wanted
    if isinstance(expr, Binary):
        return _check_binary(expr)
    if isinstance(expr, Call):
        return _check_call(expr)
    branch_types: set[str] = set()
    for cond, value in expr.branches:
        _require(check_types(cond), "bool", cond, "an if condition")
        branch_types.add(check_types(value))
    if expr.otherwise is not None:
        branch_types.add(check_types(expr.otherwise))
    return branch_types.pop() if len(branch_types) == 1 else "any"


def _check_binary(expr: Binary) -> str:
    left, right = check_types(expr.left), check_types(expr.right)
    if expr.op == "+":
        if "any" not in (left, right) and (left != right or left == "bool"):
            raise FormulaTypeError(
                f"'+' adds two numbers or joins two strings, not a {left} and a {right}"
                " (use number_to_string or string_to_number)",
                expr.pos,
            )
        return left if left != "any" else right
    if expr.op in _ARITHMETIC:
        _require(left, "number", expr.left, f"'{expr.op}'")
        _require(right, "number", expr.right, f"'{expr.op}'")
        return "number"
    if expr.op in _ORDERING:
        _require(left, "number", expr.left, f"'{expr.op}'")
        _require(right, "number", expr.right, f"'{expr.op}'")
        return "bool"
    if expr.op in ("=", "!="):
        if "any" not in (left, right) and left != right:
            raise FormulaTypeError(
                f"'{expr.op}' compares like with like, not a {left} and a {right}", expr.pos
            )
        return "bool"
    _require(left, "bool", expr.left, f"'{expr.op}'")
    _require(right, "bool", expr.right, f"'{expr.op}'")
    return "bool"


def _check_call(expr: Call) -> str:
    signature = FUNCTIONS[expr.name]
    arg_types = [check_types(arg) for arg in expr.args]
    same = "any"
    for index, (arg, actual) in enumerate(zip(expr.args, arg_types, strict=True)):
        wanted = signature.params[min(index, len(signature.params) - 1)]
        if wanted == "same":
            if same == "any":
                same = actual
            wanted = same
        _require(actual, wanted, arg, f"argument {index + 1} of {expr.name}()")
    return same if signature.result == "same" else signature.result


# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------
def _raw(record: Mapping[str, str | None], name: str) -> str:
    value = record.get(name)
    if value is None:
        value = next((v for k, v in record.items() if k.lower() == name), None)
    if value is None or value == "":
        raise Unevaluable(name)
    return value


def _to_decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation as exc:
        raise Unevaluable(text) from exc
    if not number.is_finite():
        raise Unevaluable(text)
    return number


def epoch_millis(text: str) -> Decimal:
    text = text.strip()
    if text.isdigit():
        return Decimal(text)
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError as exc:
        raise Unevaluable(text) from exc
    return Decimal(int(moment.timestamp() * 1000))


def _read(ref: PropertyRef, record: Mapping[str, str | None], types: Mapping[str, str]) -> Value:
    text = _raw(record, ref.name)
    prop_type = types.get(ref.name, "")
    if ref.kind == "string":
        return text
    if ref.kind == "bool":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise Unevaluable(ref.name)
        return lowered == "true"
    lowered = text.strip().lower()
    if prop_type == "bool" or (not prop_type and lowered in ("true", "false")):
        if lowered not in ("true", "false"):
            raise Unevaluable(ref.name)
        return Decimal(1 if lowered == "true" else 0)
    if prop_type in ("date", "datetime"):
        return epoch_millis(text)
    return _to_decimal(text)


def _number(value: Value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise Unevaluable(value)
    return value


def _string(value: Value) -> str:
    if not isinstance(value, str):
        raise Unevaluable(value)
    return value


def _boolean(value: Value) -> bool:
    if not isinstance(value, bool):
        raise Unevaluable(value)
    return value


def _format_decimal(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(_CTX), "f")


class _Evaluator:
    """Evaluates one expression against one record."""

    def __init__(self, record: Mapping[str, str | None], types: Mapping[str, str]) -> None:
        self.record = record
        self.types = types

    def value(self, expr: Expr) -> Value:
        if isinstance(expr, Number):
            return expr.value
        if isinstance(expr, String):
            return expr.value
        if isinstance(expr, Bool):
            return expr.value
        if isinstance(expr, PropertyRef):
            return _read(expr, self.record, self.types)
        if isinstance(expr, Unary):
            if expr.op == "not":
                return not _boolean(self.value(expr.operand))
            return _CTX.minus(_number(self.value(expr.operand)))
        if isinstance(expr, Binary):
            return self.binary(expr)
        if isinstance(expr, Call):
            return self.call(expr)
        for cond, branch in expr.branches:
            if _boolean(self.value(cond)):
                return self.value(branch)
        if expr.otherwise is None:
            raise Unevaluable("no branch taken")
        return self.value(expr.otherwise)

    def binary(self, expr: Binary) -> Value:
        if expr.op in ("and", "or"):
            left = _boolean(self.value(expr.left))
            if (expr.op == "and" and not left) or (expr.op == "or" and left):
                return left  # short-circuit, left to right
            return _boolean(self.value(expr.right))
        left_value, right_value = self.value(expr.left), self.value(expr.right)
        if expr.op in ("=", "!="):
            if type(left_value) is not type(right_value):
                raise Unevaluable("type mismatch")
            return (left_value == right_value) == (expr.op == "=")
        if expr.op == "+" and isinstance(left_value, str):
            return left_value + _string(right_value)
        a, b = _number(left_value), _number(right_value)
        arithmetic: dict[str, Callable[[Decimal, Decimal], Value]] = {
            "+": _CTX.add,
            "-": _CTX.subtract,
            "*": _CTX.multiply,
            "<": lambda x, y: x < y,
            ">": lambda x, y: x > y,
            "<=": lambda x, y: x <= y,
            ">=": lambda x, y: x >= y,
        }
        if expr.op == "/":
            if b == 0:
                raise Unevaluable("division by zero")
            return _CTX.divide(a, b)
        return arithmetic[expr.op](a, b)

    def call(self, expr: Call) -> Value:
        name = expr.name
        if name == "is_present":
            try:
                self.value(expr.args[0])
            except Unevaluable:
                return False
            return True
        args = [self.value(arg) for arg in expr.args]
        if name in ("max", "min"):
            numbers = [_number(a) for a in args]
            return max(numbers) if name == "max" else min(numbers)
        if name == "number_to_string":
            return _format_decimal(_number(args[0]))
        if name == "string_to_number":
            return _to_decimal(_string(args[0]))
        strings = [_string(a) for a in args]
        if name == "contains":
            return strings[1] in strings[0]
        return "".join(strings)  # concatenate


def evaluate_value(expr: Expr, record: Mapping[str, str | None], types: Mapping[str, str]) -> Value | None:
    """Evaluate to a raw :data:`Value` (numbers as :class:`Decimal`), or ``None`` if blank."""
    try:
        return _Evaluator(record, types).value(expr)
    except Unevaluable:
        return None


def to_python(value: Value | None) -> int | float | str | bool | None:
    """Numbers become ``int`` when integral, else ``float``; other values pass through."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def format_value(value: object) -> str | None:
    """Render an evaluation result the way a record property value is returned."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _format_decimal(Decimal(str(value)))
    return str(value)
