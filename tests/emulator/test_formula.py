"""The calculation-formula dialect: parsing, positions of errors, types, evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers.hubspot.emulator.formula import (
    FormulaSyntaxError,
    FormulaTypeError,
    check_types,
    evaluate,
    format_value,
    parse,
    referenced_properties,
)


def ev(text: str, record: dict[str, str | None] | None = None, types: dict[str, str] | None = None) -> object:
    return evaluate(parse(text), record or {}, types or {})


# -- the developer guide's own examples --------------------------------------------------
def test_doc_example_subtraction_of_number_properties() -> None:
    assert ev("closed - started", {"closed": "10", "started": "4"}) == 6


def test_doc_example_nested_conditional_with_guards() -> None:
    text = (
        "if is_present(hs_latest_sequence_enrolled_date) then "
        "if is_present(hs_sequences_actively_enrolled_count) and hs_sequences_actively_enrolled_count >= 1 "
        "then true else false else ''"
    )
    expr = parse(text)
    assert (
        evaluate(expr, {"hs_latest_sequence_enrolled_date": "1", "hs_sequences_actively_enrolled_count": "2"})
        is True
    )
    assert evaluate(expr, {"hs_latest_sequence_enrolled_date": "1"}) is False
    assert evaluate(expr, {}) == ""


def test_doc_example_operators_and_implicit_multiplication() -> None:
    assert ev("(a + b - 100c * 150.652) = 150-230b", {"a": "0", "b": "0", "c": "0"}) is False
    assert ev("10property1", {"property1": "3"}) == 30
    assert (
        ev(
            "property1 * (100 - property2/(50 - property3))",
            {"property1": "2", "property2": "40", "property3": "30"},
        )
        == 196
    )
    assert ev("a + b - 100.2c * 150 equals 150 - 230", {"a": "1", "b": "1", "c": "0"}) is False
    assert ev("string(property1) != 'test_string'", {"property1": "x"}) is True
    assert ev("not (bool(a) and bool(c))", {"a": "true", "c": "false"}) is True


def test_doc_functions() -> None:
    assert ev("max(a, b, c, 100)", {"a": "1", "b": "200", "c": "3"}) == 200
    assert ev("min(a, b)", {"a": "1.5", "b": "2"}) == 1.5
    assert ev("contains('hello', 'ello')") is True
    assert ev("contains('ello', 'hello')") is False
    assert ev("concatenate('a', 'b', string(a), string(b))", {"a": "x", "b": "y"}) == "abxy"
    assert ev('"Number of cars: " + number_to_string(num_cars)', {"num_cars": "3"}) == "Number of cars: 3"
    assert ev("string_to_number('42') + 1") == 43


def test_keywords_are_case_insensitive_but_strings_are_not() -> None:
    assert ev("If A > 0 ThEn 1 ElSe 2", {"a": "5"}) == 1
    assert ev("'a' = 'A'") is False
    assert ev("string(x) = 'Logistics'", {"x": "logistics"}) is False
    assert ev("contains(string(x), 'logi')", {"x": "LOGISTICS"}) is False


def test_elseif_chain_and_endif() -> None:
    text = (
        'if (if is_present(bool(flag)) then bool(flag) else false) then "D" '
        'elseif score >= 70 then "A" elseif score >= 40 then "B" else "C"'
    )
    expr = parse(text)
    assert evaluate(expr, {"flag": "true", "score": "90"}) == "D"
    assert evaluate(expr, {"score": "90"}) == "A"
    assert evaluate(expr, {"score": "45"}) == "B"
    assert evaluate(expr, {"score": "1"}) == "C"
    # endif closes the inner if, so the else belongs to the outer one
    closed = parse("if a > 0 then if b > 0 then 1 endif else 2")
    assert evaluate(closed, {"a": "-1", "b": "1"}) == 2
    assert evaluate(closed, {"a": "1", "b": "-1"}) is None  # inner if without else, no branch taken


# -- missing values ------------------------------------------------------------------------
def test_blank_terms_make_the_result_blank_unless_guarded() -> None:
    assert ev("a + b", {"a": "1"}) is None
    assert ev("a + b", {"a": "1", "b": ""}) is None
    assert ev("is_present(b)", {"b": ""}) is False
    assert ev("is_present(a) and a > 3", {}) is False  # left guard short-circuits
    assert ev("a > 3 and is_present(a)", {}) is None  # a blank left operand is not rescued
    assert ev("if is_present(a) then a else 0", {}) == 0
    assert ev("if a > 1 then 1 else 2", {}) is None  # blank condition
    assert ev("if true then 1 else missing", {}) == 1  # untaken branch never evaluated
    assert ev("if is_present(a) then a elseif is_present(b) then b else 7", {"b": "3"}) == 3
    assert ev("1 / a", {"a": "0"}) is None


def test_property_reads_by_type() -> None:
    assert ev("flag + 1", {"flag": "true"}, {"flag": "bool"}) == 2  # booleans arrive as 1/0
    assert ev("is_present(bool(x))", {"x": "maybe"}) is False
    assert ev("is_present(x)", {"x": "logistics"}) is False  # not a number
    assert ev("string(n)", {"n": "007"}) == "007"
    assert ev("d2 - d1", {"d1": "2024-01-01", "d2": "2024-01-02"}, {"d1": "date", "d2": "date"}) == 86_400_000


def test_decimal_arithmetic_and_formatting() -> None:
    assert ev("0.1 + 0.2 = 0.3") is True
    assert ev("1 / 4") == 0.25
    assert format_value(ev("2.50 * 2")) == "5"
    assert format_value(ev("1 / 4")) == "0.25"
    assert format_value(True) == "true"
    assert format_value(None) is None


def test_referenced_properties() -> None:
    expr = parse("if is_present(string(a)) then b + c else max(d, 1)")
    assert referenced_properties(expr) == {"a", "b", "c", "d"}


# -- errors with positions -------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("if(a > 1, 1, 2)", 0, "if COND then A else B"),
        ("a == b", 2, "'='"),
        ("a && b", 2, "'and'"),
        ("1 +", 3, "expected a value"),
        ("foo(1)", 0, "unknown function"),
        ("'abc", 0, "unterminated"),
        ("a < b < c", 6, "chained"),
        ("if a > 1 then 1 else 2 endif", 23, "endif"),
        ("string(1)", 7, "property name"),
        ("max(1)", 0, "2 to 100 arguments"),
        ("", 0, "empty"),
        ("a b", 2, "unexpected"),
        ("if a > 1 1", 9, "'then'"),
        ("a # b", 2, "unexpected character"),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int, fragment: str) -> None:
    with pytest.raises(FormulaSyntaxError) as info:
        parse(text)
    assert info.value.position == position
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('"Number of cars: " + num_cars', "number_to_string"),
        ("if a then 1 else 2", "if condition needs a bool"),
        ("string(a) > 3", "needs a number"),
        ("contains(a, 'x')", "argument 1 of contains"),
        ("bool(a) = 1", "like with like"),
        ("max(a, 'x')", "argument 2 of max"),
        ("concatenate('a', 1)", "argument 2 of concatenate"),
        ("number_to_string('1')", "argument 1 of number_to_string"),
        ("string_to_number(1)", "argument 1 of string_to_number"),
        ("not 1", "'not' needs a bool"),
    ],
)
def test_type_errors(text: str, fragment: str) -> None:
    with pytest.raises(FormulaTypeError) as info:
        check_types(parse(text))
    assert fragment in info.value.message


def test_static_types() -> None:
    assert check_types(parse("a + 1")) == "number"
    assert check_types(parse("string(a) + 'x'")) == "string"
    assert check_types(parse("is_present(a) or bool(b)")) == "bool"
    assert check_types(parse("if a > 1 then 'x' else 2")) == "any"


# -- generated checks ------------------------------------------------------------------
_ints = st.integers(min_value=-1000, max_value=1000)


@given(a=_ints, b=_ints, c=_ints, ops=st.lists(st.sampled_from(["+", "-", "*"]), min_size=2, max_size=2))
def test_arithmetic_precedence_matches_python(a: int, b: int, c: int, ops: list[str]) -> None:
    text = f"x {ops[0]} y {ops[1]} z"
    expected = eval(f"{a} {ops[0]} {b} {ops[1]} {c}")  # integers only: exact
    assert ev(text, {"x": str(a), "y": str(b), "z": str(c)}) == expected


@given(values=st.dictionaries(st.sampled_from(["a", "b", "c"]), _ints.map(str)), threshold=_ints)
def test_guarded_score_ladder_never_blank(values: dict[str, str], threshold: int) -> None:
    text = (
        f"if (if is_present(a) then a else 0) + (if is_present(b) then b else 0) >= {threshold} then 'hot' "
        "elseif is_present(c) and c > 0 then 'warm' else 'cold'"
    )
    a, b, c = (int(values[k]) if k in values else None for k in "abc")
    if (a or 0) + (b or 0) >= threshold:
        expected = "hot"
    elif c is not None and c > 0:
        expected = "warm"
    else:
        expected = "cold"
    assert ev(text, values) == expected


@given(st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=3))
def test_number_to_string_round_trips(number: Decimal) -> None:
    assert ev("string_to_number(number_to_string(x)) = x", {"x": str(number)}) is True
