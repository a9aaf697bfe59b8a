"""Core conditions ⇄ HubSpot list filterBranch: shape, semantics on every record, negation on
unknown values, every operator for every property type, the DNF cap, normalisation."""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from compiler.backends.hubspot_filters import (
    MAX_BRANCHES,
    condition_to_filter_branch,
    factor_common,
    filter_branch_to_condition,
    normalize_filter_branch,
    readable_condition,
)
from compiler.conditions.ast import All, Condition, Leaf, Not, from_data
from compiler.conditions.ast import Any as AnyC
from compiler.conditions.evaluate import evaluate
from compiler.diagnostics import SourceRange

from .support import (
    RECORD_VALUES,
    TYPES,
    Record,
    branch_matches,
    conditions_st,
    example,
    example_types,
    records_st,
    types_of,
)

T = types_of(TYPES)


def compile_ok(cond: Condition, types: Any = T) -> dict[str, Any]:
    fb, diags = condition_to_filter_branch(cond, types)
    assert not diags, [d.summary for d in diags]
    assert fb is not None
    return fb


def all_records(props: list[str]) -> list[Record]:
    """Every combination of (no value, empty, each realistic value) for ``props``."""
    pools = [[None, "", *RECORD_VALUES[TYPES[p]]] for p in props]
    return [dict(zip(props, combo, strict=True)) for combo in itertools.product(*pools)]


# -- shape --------------------------------------------------------------------------------------------
def test_root_or_of_and_branches_with_property_filters() -> None:
    fb = compile_ok(All((Leaf("n1", "gte", 3), AnyC((Leaf("s1", "eq", "alpha"), Leaf("e1", "in", ["a", "b"]))))))
    assert fb["filterBranchType"] == "OR" and fb["filterBranchOperator"] == "OR" and fb["filters"] == []
    assert [b["filterBranchType"] for b in fb["filterBranches"]] == ["AND", "AND"]
    for b in fb["filterBranches"]:
        assert b["filterBranches"] == [] and b["filterBranchOperator"] == "AND"
        assert all(f["filterType"] == "PROPERTY" for f in b["filters"])
    first = fb["filterBranches"][0]["filters"]
    assert first[0] == {
        "filterType": "PROPERTY",
        "property": "n1",
        "operation": {
            "operationType": "NUMBER",
            "operator": "IS_GREATER_THAN_OR_EQUAL_TO",
            "value": 3,
            "includeObjectsWithNoValueSet": False,
        },
    }
    assert first[1]["operation"] == {
        "operationType": "STRING",
        "operator": "IS_EQUAL_TO",
        "value": "alpha",
        "includeObjectsWithNoValueSet": False,
    }


def test_output_is_deterministic() -> None:
    cond = AnyC((All((Leaf("n1", "gt", 1), Leaf("s1", "contains", "al"))), Not(Leaf("e1", "eq", "a"))))
    assert compile_ok(cond) == compile_ok(cond)


def test_duplicate_filters_and_branches_are_merged() -> None:
    leaf = Leaf("n1", "gt", 1)
    fb = compile_ok(AnyC((All((leaf, leaf)), leaf)))
    assert len(fb["filterBranches"]) == 1 and len(fb["filterBranches"][0]["filters"]) == 1


def test_true_and_false() -> None:
    assert compile_ok(All(()))["filterBranches"] == [
        {"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": []}
    ]
    assert compile_ok(AnyC(()))["filterBranches"] == []
    assert filter_branch_to_condition(compile_ok(All(()))) == All(())
    assert filter_branch_to_condition(compile_ok(AnyC(()))) == AnyC(())


# -- negation -----------------------------------------------------------------------------------------
def _only_filter(cond: Condition) -> dict[str, Any]:
    fb = compile_ok(cond)
    assert len(fb["filterBranches"]) == 1 and len(fb["filterBranches"][0]["filters"]) == 1
    return fb["filterBranches"][0]["filters"][0]["operation"]


@pytest.mark.parametrize(
    ("op", "negated_operator"),
    [
        ("gt", "IS_LESS_THAN_OR_EQUAL_TO"),
        ("gte", "IS_LESS_THAN"),
        ("lt", "IS_GREATER_THAN_OR_EQUAL_TO"),
        ("lte", "IS_GREATER_THAN"),
        ("eq", "IS_NOT_EQUAL_TO"),
        ("ne", "IS_EQUAL_TO"),
    ],
)
def test_negated_number_leaf_flips_operator_and_includes_no_value(op: str, negated_operator: str) -> None:
    assert _only_filter(Leaf("n1", op, 5))["includeObjectsWithNoValueSet"] is False
    neg = _only_filter(Not(Leaf("n1", op, 5)))
    assert neg["operator"] == negated_operator and neg["includeObjectsWithNoValueSet"] is True


def test_not_gt_differs_from_lte_on_unknown() -> None:
    unknown: Record = {"n1": None}
    not_gt, lte = compile_ok(Not(Leaf("n1", "gt", 5))), compile_ok(Leaf("n1", "lte", 5))
    assert evaluate(Not(Leaf("n1", "gt", 5)), unknown) is True and branch_matches(not_gt, unknown) is True
    assert evaluate(Leaf("n1", "lte", 5), unknown) is False and branch_matches(lte, unknown) is False


def test_double_negation_and_de_morgan() -> None:
    assert compile_ok(Not(Not(Leaf("n1", "gt", 5)))) == compile_ok(Leaf("n1", "gt", 5))
    fb = compile_ok(Not(All((Leaf("n1", "gt", 5), Leaf("s1", "eq", "alpha")))))
    ops = [b["filters"][0]["operation"] for b in fb["filterBranches"]]
    assert [(o["operator"], o["includeObjectsWithNoValueSet"]) for o in ops] == [
        ("IS_LESS_THAN_OR_EQUAL_TO", True),
        ("IS_NOT_EQUAL_TO", True),
    ]


def test_negated_known_and_between() -> None:
    assert _only_filter(Not(Leaf("d1", "known", True)))["operator"] == "IS_UNKNOWN"
    assert _only_filter(Not(Leaf("d1", "known", False)))["operator"] == "IS_KNOWN"
    fb = compile_ok(Not(Leaf("n1", "between", [1, 3])))
    assert [
        (b["filters"][0]["operation"]["operator"], b["filters"][0]["operation"]["value"]) for b in fb["filterBranches"]
    ] == [("IS_LESS_THAN", 1), ("IS_GREATER_THAN", 3)]
    assert all(b["filters"][0]["operation"]["includeObjectsWithNoValueSet"] for b in fb["filterBranches"])


# -- every operator for every property type -------------------------------------------------------------
SUPPORTED: list[tuple[str, str, Any, str, str]] = [
    # prop, op, value, operationType, operator (positive leaf)
    ("n1", "eq", 3, "NUMBER", "IS_EQUAL_TO"),
    ("n1", "ne", 3, "NUMBER", "IS_NOT_EQUAL_TO"),
    ("n1", "gt", 3, "NUMBER", "IS_GREATER_THAN"),
    ("n1", "gte", 2.5, "NUMBER", "IS_GREATER_THAN_OR_EQUAL_TO"),
    ("n1", "lt", 3, "NUMBER", "IS_LESS_THAN"),
    ("n1", "lte", -5, "NUMBER", "IS_LESS_THAN_OR_EQUAL_TO"),
    ("n1", "in", [0, 3], "NUMBER", "IS_EQUAL_TO"),
    ("n1", "not_in", [0, 3], "NUMBER", "IS_NOT_EQUAL_TO"),
    ("n1", "between", [0, 3], "NUMBER", "IS_GREATER_THAN_OR_EQUAL_TO"),
    ("n1", "known", True, "ALL_PROPERTY", "IS_KNOWN"),
    ("n1", "known", False, "ALL_PROPERTY", "IS_UNKNOWN"),
    ("s1", "eq", "Alpha", "STRING", "IS_EQUAL_TO"),
    ("s1", "ne", "alpha", "STRING", "IS_NOT_EQUAL_TO"),
    ("s1", "in", ["alpha", "beta"], "MULTISTRING", "IS_EQUAL_TO"),
    ("s1", "not_in", ["alpha", "beta"], "MULTISTRING", "IS_NOT_EQUAL_TO"),
    ("s1", "contains", "AL", "STRING", "CONTAINS"),
    ("s1", "not_contains", "al", "STRING", "DOES_NOT_CONTAIN"),
    ("s1", "contains", "o'", "STRING", "CONTAINS"),
    ("s1", "known", True, "ALL_PROPERTY", "IS_KNOWN"),
    ("e1", "eq", "a", "ENUMERATION", "IS_ANY_OF"),
    ("e1", "ne", "a", "ENUMERATION", "IS_NONE_OF"),
    ("e1", "in", ["a", "E"], "ENUMERATION", "IS_ANY_OF"),
    ("e1", "not_in", ["a", "E"], "ENUMERATION", "IS_NONE_OF"),
    ("e1", "known", False, "ALL_PROPERTY", "IS_UNKNOWN"),
    ("b1", "eq", True, "BOOL", "IS_EQUAL_TO"),
    ("b1", "ne", True, "BOOL", "IS_NOT_EQUAL_TO"),
    ("b1", "eq", "false", "BOOL", "IS_EQUAL_TO"),
    ("b1", "in", [False], "BOOL", "IS_EQUAL_TO"),
    ("b1", "in", [True, False], "ALL_PROPERTY", "IS_KNOWN"),
    ("b1", "not_in", [True], "BOOL", "IS_EQUAL_TO"),
    ("b1", "known", True, "ALL_PROPERTY", "IS_KNOWN"),
    ("d1", "known", True, "ALL_PROPERTY", "IS_KNOWN"),
]


@pytest.mark.parametrize(("prop", "op", "value", "otype", "operator"), SUPPORTED)
def test_every_supported_op_matches_the_evaluator_on_every_record(
    prop: str, op: str, value: Any, otype: str, operator: str
) -> None:
    leaf = Leaf(prop, op, value)
    fb = compile_ok(leaf)
    first = fb["filterBranches"][0]["filters"][0]["operation"]
    assert (first["operationType"], first["operator"]) == (otype, operator)
    for cond in (leaf, Not(leaf)):
        fb = compile_ok(cond)
        back = filter_branch_to_condition(fb)
        for rec in all_records([prop]):
            want = evaluate(cond, rec)
            assert branch_matches(fb, rec) == want, (cond, rec)
            assert evaluate(back, rec) == want, (cond, back, rec)


UNSUPPORTED: list[tuple[str, str, Any, str]] = [
    ("n1", "contains", "1", "contains on a number property"),
    ("n1", "eq", "3", "a number property compared with '3'"),
    ("n1", "gt", True, "a number property compared with True"),
    ("s1", "gt", "a", "gt on a string property"),
    ("s1", "between", [1, 2], "between needs a number property"),
    ("s1", "eq", 5, "is not a string"),
    ("s1", "eq", "", "empty string value"),
    ("s1", "eq", "a;b", "contains ';'"),
    ("s1", "in", [], "needs a non-empty list"),
    ("e1", "contains", "a", "contains on an enumeration property"),
    ("e1", "lt", 3, "lt on an enumeration property"),
    ("e1", "eq", 7, "is not a string"),
    ("b1", "eq", "maybe", "a bool property compared with 'maybe'"),
    ("b1", "contains", "t", "contains on a bool property"),
    ("d1", "gt", "2024-01-01", "gt on a date property"),
    ("d1", "eq", "2024-01-01", "eq on a date property"),
]


@pytest.mark.parametrize(("prop", "op", "value", "reason"), UNSUPPORTED)
def test_inexpressible_leaf_is_gtm501_naming_the_leaf(prop: str, op: str, value: Any, reason: str) -> None:
    rng = SourceRange("specs/x.yaml", 4, 9, 4, 30)
    leaf = Leaf(prop, op, value, rng)
    fb, diags = condition_to_filter_branch(All((Leaf("n2", "gt", 1), Not(leaf))), T)
    assert fb is None
    assert [d.code for d in diags] == ["GTM501"]
    assert diags[0].is_error and diags[0].range == rng
    assert leaf.describe() in diags[0].summary and reason in diags[0].summary


def test_every_bad_leaf_is_reported() -> None:
    fb, diags = condition_to_filter_branch(AnyC((Leaf("s1", "gt", "a"), Leaf("d1", "eq", "x"))), T)
    assert fb is None and len(diags) == 2


def test_unknown_property_type_is_inferred_from_the_value() -> None:
    def none(_: str) -> str | None:
        return None

    ops = [
        compile_ok(Leaf("x", "eq", v), none)["filterBranches"][0]["filters"][0]["operation"]["operationType"]
        for v in (True, 3, "a")
    ]
    assert ops == ["BOOL", "NUMBER", "STRING"]


# -- the DNF cap ------------------------------------------------------------------------------------------
def test_dnf_cap_is_an_error_naming_the_leaf() -> None:
    rng = SourceRange("specs/big.yaml", 7, 5)
    left = AnyC(tuple(Leaf("s1", "eq", f"v{i}") for i in range(8)))
    right = AnyC(tuple(Leaf("s2", "eq", f"w{i}", rng if i == 0 else None) for i in range(8)))
    fb, diags = condition_to_filter_branch(All((left, right)), T)
    assert fb is None and [d.code for d in diags] == ["GTM501"]
    assert "{property: s2, eq: 'w0'}" in diags[0].summary and diags[0].range == rng
    assert "64 AND-branches" in diags[0].summary and str(MAX_BRANCHES) in diags[0].summary


def test_dnf_at_the_cap_compiles() -> None:
    left = AnyC(tuple(Leaf("s1", "eq", f"v{i}") for i in range(5)))
    right = AnyC(tuple(Leaf("s2", "eq", f"w{i}") for i in range(10)))
    assert len(compile_ok(All((left, right)))["filterBranches"]) == MAX_BRANCHES


def test_filter_cap() -> None:
    wide = All(tuple(Leaf("n1", "ne", i) for i in range(251)))
    fb, diags = condition_to_filter_branch(wide, T)
    assert fb is None and "251 filters" in diags[0].summary


# -- semantics on generated conditions and records ------------------------------------------------------
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cond=conditions_st(),
    records=records_st().map(lambda r: [r]) | records_st().flatmap(lambda a: records_st().map(lambda b: [a, b])),
)
def test_filter_branch_agrees_with_the_evaluator(cond: Condition, records: list[Record]) -> None:
    fb, _diags = condition_to_filter_branch(cond, T)
    assume(fb is not None)
    back = filter_branch_to_condition(fb)
    back_normalized = filter_branch_to_condition(normalize_filter_branch(fb))
    for rec in records:
        want = evaluate(cond, rec)
        assert branch_matches(fb, rec) == want
        assert evaluate(back, rec) == want
        assert evaluate(back_normalized, rec) == want


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cond=conditions_st(),
    records=records_st().map(lambda r: [r]) | records_st().flatmap(lambda a: records_st().map(lambda b: [a, b])),
)
def test_readable_condition_means_the_branch_and_compiles_back_to_it(cond: Condition, records: list[Record]) -> None:
    """The factored read-back (what plans show for a live list) means what the branch means, and
    recompiles to the same branch (so comparing read-backs compares branches)."""
    fb, _ = condition_to_filter_branch(cond, T)
    assume(fb is not None)
    shown = readable_condition(fb)
    for rec in records:
        assert evaluate(shown, rec) == evaluate(cond, rec)
    assert normalize_filter_branch(compile_ok(shown)) == normalize_filter_branch(fb)
    assert readable_condition(compile_ok(shown)) == shown


def test_shared_conjuncts_are_factored_out_of_the_or_of_ands() -> None:
    a, b, c, d = (Leaf("score", "gte", 5), Leaf("industry", "eq", "x"), Leaf("employees", "gt", 9),
                  Leaf("city", "eq", "y"))
    assert factor_common(AnyC((All((a, b)), All((a, c))))) == All((a, AnyC((b, c))))
    # nested: (a∧b∧c) ∨ (a∧b∧d) ∨ (a∧c) → a ∧ ((b∧c) ∨ (b∧d) ∨ c): b is not in every branch
    assert factor_common(AnyC((All((a, b, c)), All((a, b, d)), All((a, c))))) == \
        All((a, AnyC((All((b, c)), All((b, d)), c))))
    assert factor_common(AnyC((All((a, b, c)), All((a, b, d))))) == All((a, b, AnyC((c, d))))
    assert factor_common(AnyC((a, All((a, b))))) == AnyC((a, All((a, b))))  # recompiles to itself
    assert factor_common(AnyC((b, c))) == AnyC((b, c))
    # the spec's shape comes back from HubSpot's OR-of-ANDs
    spec = All((Leaf("gtm_tier", "eq", "tier-1"), AnyC((Leaf("industry", "in", ["a", "b"]),
                                                         Leaf("numberofemployees", "gte", 500)))))
    fb = compile_ok(spec, lambda n: {"gtm_tier": "enumeration", "industry": "enumeration",
                                     "numberofemployees": "number"}.get(n))
    assert len(fb["filterBranches"]) == 2
    assert readable_condition(fb) == spec


@settings(max_examples=200, deadline=None)
@given(cond=conditions_st())
def test_round_trip_is_a_fixed_point(cond: Condition) -> None:
    fb, _ = condition_to_filter_branch(cond, T)
    assume(fb is not None)
    back = filter_branch_to_condition(normalize_filter_branch(fb))
    fb2 = compile_ok(back)
    assert normalize_filter_branch(fb2) == normalize_filter_branch(fb)
    # the canonical condition (what a provider compares) is stable too
    assert filter_branch_to_condition(normalize_filter_branch(fb2)) == back


# -- normalisation --------------------------------------------------------------------------------------
def test_normalize_fills_hubspot_defaults() -> None:
    sparse = {
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "e1",
                        "operation": {
                            "operationType": "ENUMERATION",
                            "operator": "IS_ANY_OF",
                            "values": ["b", "a"],
                        },
                    }
                ],
            }
        ],
    }
    full = normalize_filter_branch(sparse)
    assert full == {
        "filterBranchType": "OR",
        "filterBranchOperator": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranchOperator": "AND",
                "filterBranches": [],
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "e1",
                        "operation": {
                            "includeObjectsWithNoValueSet": False,
                            "operationType": "ENUMERATION",
                            "operator": "IS_ANY_OF",
                            "values": ["a", "b"],
                        },
                    }
                ],
            }
        ],
    }
    assert normalize_filter_branch(full) == full


def test_normalize_ignores_order_and_number_spelling() -> None:
    fb = compile_ok(AnyC((All((Leaf("n1", "gt", 1), Leaf("s1", "eq", "alpha"))), Leaf("e1", "in", ["a", "b"]))))
    shuffled = {
        **fb,
        "filterBranches": [dict(b, filters=list(reversed(b["filters"]))) for b in reversed(fb["filterBranches"])],
    }
    shuffled["filterBranches"][1]["filters"][1]["operation"]["value"] = 1.0
    assert normalize_filter_branch(shuffled) == normalize_filter_branch(fb)


def test_inverse_rejects_what_gtm_does_not_model() -> None:
    assoc = {"filterBranchType": "ASSOCIATION", "filterBranches": [], "filters": []}
    with pytest.raises(ValueError):
        filter_branch_to_condition({"filterBranchType": "OR", "filters": [], "filterBranches": [assoc]})
    odd = {
        "filterType": "PROPERTY",
        "property": "x",
        "operation": {"operationType": "STRING", "operator": "STARTS_WITH", "value": "a"},
    }
    with pytest.raises(ValueError):
        filter_branch_to_condition({"filterBranchType": "AND", "filters": [odd], "filterBranches": []})


def test_inverse_reads_nested_and_negated_branches() -> None:
    leaf = {
        "filterType": "PROPERTY",
        "property": "n1",
        "operation": {"operationType": "NUMBER", "operator": "IS_GREATER_THAN", "value": 3},
    }
    fb = {
        "filterBranchType": "NOT_ANY",
        "filters": [leaf],
        "filterBranches": [{"filterBranchType": "AND", "filters": [leaf], "filterBranches": []}],
    }
    cond = filter_branch_to_condition(fb)
    for rec in all_records(["n1"]):
        assert evaluate(cond, rec) == (not evaluate(Leaf("n1", "gt", 3), rec))


# -- the example specs ----------------------------------------------------------------------------------
@pytest.mark.parametrize("res", example("list"), ids=lambda r: r.address)
def test_example_lists_compile_and_read_back_unchanged(res: Any) -> None:
    cond = from_data(res.attributes["filter"])
    fb = compile_ok(cond, example_types(res.object))
    from compiler.conditions.ast import to_data

    assert to_data(filter_branch_to_condition(normalize_filter_branch(fb))) == res.attributes["filter"]


def test_compiler_never_imports_providers_or_gtm() -> None:
    code = (
        "import sys, compiler.backends.hubspot_filters, compiler.backends.hubspot_formula, "
        "compiler.backends.hubspot_flows; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('providers', 'gtm')]; "
        "assert not bad, bad"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=str(__import__("tests.backends.support", fromlist=["REPO"]).REPO),
    )


def _canonical(data: Any, types: Any) -> Any:
    from compiler.conditions.ast import to_data

    fb = compile_ok(from_data(data), types)
    return to_data(filter_branch_to_condition(normalize_filter_branch(fb)))


@pytest.mark.parametrize("res", example("workflow") + example("list"), ids=lambda r: r.address)
def test_canonical_condition_does_not_depend_on_known_types(res: Any) -> None:
    """A provider reading a live flow may canonicalise its conditions without property types;
    the result must equal the canonical form of the desired condition (typed)."""
    for key in ("enrollment", "goal", "filter"):
        data = res.attributes.get(key)
        if data is not None:
            typed = _canonical(data, example_types(str(res.object)))
            assert _canonical(data, lambda _name: None) == typed
            assert _canonical(typed, example_types(str(res.object))) == typed


# -- agreement with the HubSpot emulator's list-filter engine -----------------------------------------------
def _filters(fb: dict[str, Any]) -> list[dict[str, Any]]:
    return list(fb.get("filters") or []) + [f for b in fb.get("filterBranches") or [] for f in _filters(b)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cond=conditions_st(), records=records_st().flatmap(lambda a: records_st().map(lambda b: [a, b])))
def test_emulator_list_engine_agrees_with_the_evaluator(cond: Condition, records: list[Record]) -> None:
    engine = pytest.importorskip("providers.hubspot.emulator.list_filters")
    fb, _ = condition_to_filter_branch(cond, T)
    assume(fb is not None)
    for f in _filters(fb):  # every operator is one the emulator (and HubSpot's SDK enums) accept
        assert f["operation"]["operator"] in engine.OPERATORS[f["operation"]["operationType"]]
    for rec in records:
        assert engine.matches(fb, rec) == evaluate(cond, rec), (fb, rec)
