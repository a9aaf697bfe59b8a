"""Calculations → HubSpot calculation formulas, checked against the emulator's formula engine
(``providers/hubspot/emulator/formula.py``: ``parse`` + ``evaluate``) on generated records."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.backends.hubspot_formula import (
    InexpressibleCondition,
    calculation_to_formula,
    condition_to_formula,
    number_literal,
)
from compiler.calculations import compute
from compiler.catalog import property_options
from compiler.conditions.ast import All, Condition, Leaf, Not, from_data
from compiler.conditions.ast import Any as AnyC
from compiler.conditions.evaluate import evaluate
from compiler.diagnostics import SourceRange

from .support import (
    TYPES,
    Record,
    conditions_st,
    example,
    example_types,
    records_st,
    types_of,
    value_pools,
)

emulator = pytest.importorskip("providers.hubspot.emulator.formula")

T = types_of(TYPES)


def run(formula: str, rec: Record, types: dict[str, str]) -> object:
    expr = emulator.parse(formula)
    emulator.check_types(expr)
    return emulator.evaluate(expr, rec, types)


def compiled(cond: Condition) -> str:
    text = condition_to_formula(cond, T)
    assert emulator.check_types(emulator.parse(text)) == "bool", text
    return text


# -- leaves, one by one -------------------------------------------------------------------------------
LEAVES: list[Leaf] = [
    Leaf("n1", "eq", 3),
    Leaf("n1", "ne", 3),
    Leaf("n1", "gt", 3),
    Leaf("n1", "gte", 2.5),
    Leaf("n1", "lt", 0),
    Leaf("n1", "lte", -5),
    Leaf("n1", "in", [0, 3, 2.5]),
    Leaf("n1", "not_in", [0, 3]),
    Leaf("n1", "between", [0, 3]),
    Leaf("n1", "between", [3, 0]),
    Leaf("n1", "known", True),
    Leaf("n1", "known", False),
    Leaf("s1", "eq", "Alpha"),
    Leaf("s1", "ne", " alpha "),
    Leaf("s1", "in", ["alpha", "o'k"]),
    Leaf("s1", "not_in", ["BETA", "al"]),
    Leaf("s1", "contains", "AL"),
    Leaf("s1", "not_contains", "al"),
    Leaf("s1", "contains", "o'"),
    Leaf("s1", "known", True),
    Leaf("e1", "eq", "a"),
    Leaf("e1", "ne", "E"),
    Leaf("e1", "in", ["a", "c-d"]),
    Leaf("e1", "not_in", ["b"]),
    Leaf("e1", "contains", "c-"),
    Leaf("e1", "known", False),
    Leaf("b1", "eq", True),
    Leaf("b1", "eq", False),
    Leaf("b1", "ne", True),
    Leaf("b1", "eq", "true"),
    Leaf("b1", "in", [True, False]),
    Leaf("b1", "not_in", [True, False]),
    Leaf("b1", "known", True),
    Leaf("d1", "known", True),
]


@pytest.mark.parametrize("leaf", LEAVES, ids=lambda leaf: leaf.describe())
def test_every_supported_leaf_agrees_with_the_evaluator(leaf: Leaf) -> None:
    from .test_backend_filters import all_records

    for cond in (leaf, Not(leaf)):
        text = compiled(cond)
        for rec in all_records([leaf.property]):
            assert run(text, rec, TYPES) is evaluate(cond, rec), (text, rec)


BAD: list[tuple[Leaf, str]] = [
    (Leaf("n1", "contains", "1"), "contains on a number property"),
    (Leaf("n1", "eq", "3"), "a number property compared with '3'"),
    (Leaf("s1", "gt", "a"), "gt on a string property"),
    (Leaf("s1", "eq", 5), "a string property compared with 5"),
    (Leaf("s1", "eq", "a;b"), "contains ';'"),
    (Leaf("s1", "contains", ""), "empty string value"),
    (Leaf("s1", "eq", 'it\'s "x"'), "both ' and"),
    (Leaf("e1", "between", [1, 2]), "between on a string property"),
    (Leaf("b1", "gt", 1), "gt on a bool property"),
    (Leaf("d1", "eq", "2024-01-01"), "eq on a date property"),
    (Leaf("bad-name", "known", True), "cannot be written in a formula"),
    (Leaf("if", "known", True), "cannot be written in a formula"),
]


@pytest.mark.parametrize(("leaf", "reason"), BAD, ids=lambda x: x.describe() if isinstance(x, Leaf) else "")
def test_inexpressible_leaf_is_gtm502_naming_the_leaf(leaf: Leaf, reason: str) -> None:
    rng = SourceRange("specs/scoring.yaml", 3, 40)
    leaf = Leaf(leaf.property, leaf.op, leaf.value, rng)
    with pytest.raises(InexpressibleCondition) as exc:
        condition_to_formula(All((Leaf("n2", "gt", 1), Not(leaf))), T)
    [d] = exc.value.diagnostics
    assert d.code == "GTM502" and d.is_error and d.range == rng
    assert leaf.describe() in d.summary and reason in d.summary
    calc = {
        "kind": "score",
        "rules": [{"id": "r", "points": 5, "when": {"not": {"property": leaf.property, leaf.op: leaf.value}}}],
    }
    formula, diags = calculation_to_formula(calc, T)
    assert formula is None and [x.code for x in diags] == ["GTM502"]


def test_unknown_leaves_never_make_the_formula_blank() -> None:
    text = compiled(AnyC((Not(Leaf("n1", "gt", 5)), Leaf("s1", "eq", "zzz"))))
    assert run(text, {}, TYPES) is True


def test_literals() -> None:
    assert [number_literal(x) for x in (3, 3.0, -30, 2.5, 1e20, 0.1)] == [
        "3",
        "3",
        "-30",
        "2.5",
        "100000000000000000000",
        "0.1",
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cond=conditions_st(max_leaves=8), recs=st.lists(records_st(), min_size=1, max_size=3))
def test_generated_conditions_agree_with_the_evaluator(cond: Condition, recs: list[Record]) -> None:
    text = compiled(cond)
    for rec in recs:
        assert run(text, rec, TYPES) is evaluate(cond, rec), (text, rec)


# -- calculations -------------------------------------------------------------------------------------------
def test_score_shape() -> None:
    calc = {
        "kind": "score",
        "rules": [
            {"id": "a", "points": 15, "when": {"property": "n1", "gte": 3}},
            {"id": "b", "points": -30, "when": {"not": {"property": "s1", "eq": "alpha"}}},
            {"id": "c", "points": 99, "when": None},
        ],
    }
    formula, diags = calculation_to_formula(calc, T)
    assert not diags
    assert formula == (
        "(if (if is_present(n1) then n1 >= 3 else false) then 15 else 0) + "
        "(if not ((if is_present(string(s1)) then (string(s1) = 'alpha' or string(s1) = 'ALPHA' "
        "or string(s1) = 'Alpha') else false)) then -30 else 0)"
    )
    assert calculation_to_formula({"kind": "score", "rules": []}, T) == ("0", [])


def test_first_match_and_bands_shape() -> None:
    fm = {
        "kind": "first_match",
        "cases": [{"value": "t1", "when": {"property": "n1", "gt": 5}}, {"value": "t2", "when": {"all": []}}],
        "default": None,
    }
    assert calculation_to_formula(fm, T)[0] == (
        "if (if is_present(n1) then n1 > 5 else false) then 't1' elseif true then 't2'")
    assert calculation_to_formula({**fm, "default": "none"}, T)[0].endswith(" else 'none'")
    bands = {
        "kind": "bands",
        "source": "score",
        "bands": [
            {"value": "low", "min": None, "max": 9},
            {"value": "mid", "min": 10, "max": 19},
            {"value": "top", "min": 20, "max": None},
            {"value": "any", "min": None, "max": None},
        ],
    }
    assert calculation_to_formula(bands, T)[0] == (
        "if score <= 9 then 'low' elseif (score >= 10 and score <= 19) then 'mid' elseif score >= 20 "
        "then 'top' elseif is_present(score) then 'any'"
    )


def test_bad_calculations() -> None:
    assert calculation_to_formula({"kind": "median"}, T)[1][0].code == "GTM502"
    assert calculation_to_formula({"kind": "first_match", "cases": [], "default": None}, T)[0] is None
    assert calculation_to_formula({"kind": "bands", "source": "my-score", "bands": []}, T)[0] is None


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_generated_calculations_agree_with_compute(data: st.DataObject) -> None:
    conds = data.draw(st.lists(conditions_st(max_leaves=4), min_size=1, max_size=4))
    kind = data.draw(st.sampled_from(["score", "first_match", "bands"]))
    from compiler.conditions.ast import to_data

    if kind == "score":
        points = data.draw(st.lists(st.integers(-50, 50), min_size=len(conds), max_size=len(conds)))
        calc = {
            "kind": "score",
            "rules": [
                {"id": f"r{i}", "points": p, "when": to_data(c)}
                for i, (c, p) in enumerate(zip(conds, points, strict=True))
            ],
        }
    elif kind == "first_match":
        calc = {
            "kind": "first_match",
            "cases": [{"value": f"v{i}", "when": to_data(c)} for i, c in enumerate(conds)],
            "default": data.draw(st.sampled_from([None, "other"])),
        }
    else:
        edges = sorted(data.draw(st.lists(st.integers(-10, 10), min_size=2, max_size=5, unique=True)))
        calc = {
            "kind": "bands",
            "source": "n1",
            "bands": [
                {"value": f"b{i}", "min": lo, "max": hi - 1} for i, (lo, hi) in enumerate(itertools.pairwise(edges))
            ]
            + [{"value": "top", "min": edges[-1], "max": None}],
        }
    formula, diags = calculation_to_formula(calc, T)
    assert formula is not None and not diags
    for rec in data.draw(st.lists(records_st(), min_size=1, max_size=3)):
        assert run(formula, rec, TYPES) == compute(calc, rec), (formula, rec)


# -- the example specs' calculations ----------------------------------------------------------------------
CALC_PROPS = [r for r in example("property") if r.attributes.get("calculation")]


def _pools(res: object) -> tuple[dict[str, str], dict[str, list[str]]]:
    calc = res.attributes["calculation"]  # type: ignore[attr-defined]
    obj = res.object  # type: ignore[attr-defined]
    types = example_types(obj)
    if calc["kind"] == "bands":
        table = {calc["source"]: "number"}
        return table, {calc["source"]: [str(i) for i in range(-90, 90)] + ["9.5", "29.5"]}
    whens = [r["when"] for r in calc.get("rules", [])] + [c["when"] for c in calc.get("cases", [])]
    return value_pools([from_data(w) for w in whens if w is not None], types, lambda name: property_options(obj, name))


@pytest.mark.parametrize("res", CALC_PROPS, ids=lambda r: r.address)
def test_example_calculations_agree_with_compute(res: object) -> None:
    calc = res.attributes["calculation"]  # type: ignore[attr-defined]
    formula, diags = calculation_to_formula(calc, example_types(res.object))  # type: ignore[attr-defined]
    assert formula is not None and not diags, diags
    table, pools = _pools(res)

    @settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rec=records_st(table, pools))
    def check(rec: Record) -> None:
        assert run(formula, rec, table) == compute(calc, rec), rec

    check()
