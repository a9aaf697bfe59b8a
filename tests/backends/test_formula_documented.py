"""HubSpot formulas use only documented syntax: documented functions, ``bool()`` for booleans,
exact enumeration option values, and a band formula that writes its calculated source in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.backends.hubspot_formula import (
    DOCUMENTED_FUNCTIONS,
    calculation_to_formula,
    condition_to_formula,
    undocumented_functions,
)
from compiler.calculations import compute, with_calculated
from compiler.conditions.ast import Leaf
from compiler.ir import Resource
from compiler.lowering import lower
from compiler.project import load_project
from providers.hubspot.emulator import formula as emulator
from providers.hubspot.provider import HubSpotProvider

from .support import REPO, TYPES, Record, records_st, types_of

T = types_of(TYPES)


def test_the_check_finds_undocumented_calls_outside_string_literals() -> None:
    assert undocumented_functions("coalesce(a, 0) + to_lower_case(string(b))") == ["coalesce", "to_lower_case"]
    assert undocumented_functions("if is_present(string(a)) then contains(string(a), 'abs(x)') else false") == []
    assert undocumented_functions("max(a, b) + min (c, d)") == []


def test_a_calculation_needing_an_undocumented_function_is_gtm504() -> None:
    from compiler.backends import hubspot_formula as hf

    original = hf.DOCUMENTED_FUNCTIONS
    hf.DOCUMENTED_FUNCTIONS = frozenset(original - {"contains"})  # as if contains were undocumented
    try:
        formula, diags = calculation_to_formula(
            {"kind": "score", "rules": [{"id": "r", "points": 5, "when": {"property": "s1", "contains": "x"}}]}, T)
    finally:
        hf.DOCUMENTED_FUNCTIONS = original
    assert formula is None and [d.code for d in diags] == ["GTM504"] and "contains" in diags[0].summary


def test_enumerations_compare_exact_internal_option_values() -> None:
    options = {"e1": ("LOGISTICS_AND_SUPPLY_CHAIN", "RETAIL")}.get
    text = condition_to_formula(Leaf("e1", "in", ["logistics_and_supply_chain", "Retail"]), T,
                                lambda n: options(n) or ())
    assert "';LOGISTICS_AND_SUPPLY_CHAIN;'" in text and "';RETAIL;'" in text
    assert "logistics_and_supply_chain" not in text and "Retail" not in text


def test_booleans_read_with_bool() -> None:
    assert condition_to_formula(Leaf("b1", "eq", True), T) == "(if is_present(bool(b1)) then bool(b1) else false)"
    assert condition_to_formula(Leaf("b1", "eq", False), T) == (
        "(if is_present(bool(b1)) then not (bool(b1)) else false)")


SCORE = {"kind": "score", "rules": [
    {"id": "a", "points": 15, "when": {"property": "n1", "gte": 3}},
    {"id": "b", "points": 20, "when": {"property": "s1", "contains": "al"}},
    {"id": "c", "points": -30, "when": {"not": {"property": "e1", "in": ["a", "b"]}}},
    {"id": "d", "points": 10, "when": {"property": "b1", "eq": True}},
]}
BANDS = {"kind": "bands", "source": "score", "bands": [
    {"value": "cold", "min": None, "max": 9}, {"value": "cool", "min": 10, "max": 19},
    {"value": "warm", "min": 20, "max": 29}, {"value": "hot", "min": 30, "max": None}]}
GAPPED = {"kind": "bands", "source": "score", "bands": [
    {"value": "low", "min": -40, "max": -1}, {"value": "top", "min": 25, "max": None}]}


@pytest.mark.parametrize("bands", [BANDS, GAPPED], ids=["contiguous", "gapped"])
def test_bands_over_a_calculated_source_inline_it_and_agree_with_compute(bands: dict) -> None:
    formula, diags = calculation_to_formula(bands, T, sources={"score": SCORE})
    assert formula is not None and not diags
    expr = emulator.parse(formula)
    assert "score" not in emulator.referenced_properties(expr)
    assert emulator.check_types(expr) == "string"
    score_text, _ = calculation_to_formula(SCORE, T)
    assert score_text is not None
    writes = formula.count(score_text)
    # contiguous: once per boundary (3); gapped: each bound tested (1 + 1 + 1)
    assert writes == 3, formula

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rec=records_st())
    def check(rec: Record) -> None:
        full = with_calculated(dict(rec), [("score", SCORE), ("band", bands)])
        assert emulator.evaluate(expr, rec, TYPES) == compute(bands, full), (formula, rec)

    check()


# -- every emitted formula of every example and fixture tree -------------------------------------------
def _spec_dirs() -> list[Path]:
    dirs = {REPO / "specs"}
    for base in (REPO / "tests" / "golden" / "trees", REPO / "tests" / "fixtures"):
        for path in base.rglob("*.yaml"):
            if path.name != "gtm.yaml" and "kind:" in path.read_text(encoding="utf-8", errors="replace"):
                dirs.add(path.parent)
    return sorted(dirs)


def _emitted(resources: list[Resource]) -> list[tuple[str, str]]:
    provider = HubSpotProvider("pat-na1-test", "http://127.0.0.1:9")
    realized, diags = provider.realize(resources)
    assert not [d for d in diags if d.code in ("GTM502", "GTM504")], [d.summary for d in diags]
    out = []
    for r in realized:
        text = provider.formula_for(r) if r.type == "property" else None
        if text:
            out.append((r.address, text))
    return out


def test_every_emitted_formula_of_every_tree_is_documented_syntax() -> None:
    checked_trees = 0
    formulas = 0
    for spec_dir in _spec_dirs():
        project = load_project(REPO, spec_dir)
        if not project.ok:
            continue
        checked_trees += 1
        for address, text in _emitted(list(lower(project.specs).resources)):
            formulas += 1
            assert undocumented_functions(text) == [], (spec_dir, address)
            expr = emulator.parse(text)  # the strict emulator accepts it
            emulator.check_types(expr)
            if address.endswith("gtm_lead_band"):
                assert "gtm_lead_score" not in emulator.referenced_properties(expr), spec_dir
    assert checked_trees >= 3 and formulas >= 9, (checked_trees, formulas)


def test_documented_list_is_the_emulators() -> None:
    assert set(emulator.FUNCTIONS) == DOCUMENTED_FUNCTIONS


@given(st.sampled_from(sorted(DOCUMENTED_FUNCTIONS)))
def test_documented_functions_pass_the_check(name: str) -> None:
    assert undocumented_functions(f"{name}(a, b)") == []
