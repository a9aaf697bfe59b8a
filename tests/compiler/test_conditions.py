"""The condition language: parsing diagnostics, sugar expansion, evaluator semantics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from compiler.conditions.ast import All, Any, Leaf, Not, from_data, is_core, leaves, to_data
from compiler.conditions.evaluate import evaluate
from compiler.conditions.expand import expand
from compiler.conditions.parse import parse_condition
from compiler.lowering.context import build_expand_context
from compiler.project import load_project
from compiler.source import load_text

REPO = Path(__file__).resolve().parents[2]


def parse(text: str) -> tuple[object, list[str]]:
    doc = load_text(f"c: {text}\n", "c.yaml").documents[0]
    c, diags = parse_condition(doc.data["c"], doc, ("c",))
    return c, [d.code for d in diags]


@pytest.mark.parametrize(
    ("rec", "cond", "want"),
    [
        ({"a": "5"}, {"property": "a", "gt": 3}, True),
        ({"a": "5"}, {"property": "a", "lte": 4.5}, False),
        ({}, {"property": "a", "gt": 3}, False),
        ({}, {"not": {"property": "a", "gt": 3}}, True),
        ({"a": ""}, {"property": "a", "known": False}, True),
        ({"a": "x"}, {"property": "a", "known": True}, True),
        ({}, {"property": "a", "ne": "x"}, False),
        ({"a": "Logistics"}, {"property": "a", "in": ["logistics", "retail"]}, True),
        ({"a": "sap;netsuite"}, {"property": "a", "in": ["sap"]}, True),
        ({"a": "sap;netsuite"}, {"property": "a", "not_in": ["sap"]}, False),
        ({"a": "VP Operations, EMEA"}, {"property": "a", "contains": "vp operations"}, True),
        ({"a": "true"}, {"property": "a", "eq": True}, True),
        ({"a": "false"}, {"property": "a", "eq": True}, False),
        ({"a": "7"}, {"property": "a", "between": [7, 9]}, True),
        ({"a": "abc"}, {"property": "a", "gt": 3}, False),
        ({"a": "1", "b": "2"}, {"all": [{"property": "a", "eq": 1}, {"any": [{"property": "b", "eq": 3},
                                                                            {"property": "b", "eq": 2}]}]}, True),
    ],
)
def test_evaluator(rec: dict[str, str], cond: dict[str, object], want: bool) -> None:
    assert evaluate(from_data(cond), rec) is want


def test_round_trip_data() -> None:
    c = All((Leaf("a", "eq", 1), Not(Any((Leaf("b", "in", ["x"]), Leaf("c", "known", True))))))
    assert from_data(to_data(c)) == c


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("{property: a, eq: 1}", []),
        ("{property: a, eq: [1]}", ["GTM108"]),
        ("{property: a, in: []}", ["GTM108"]),
        ("{property: a, between: [1]}", ["GTM108"]),
        ("{property: a, gte: true}", ["GTM108"]),
        ("{property: a, known: yes}", ["GTM108"]),
        ("{propery: a, eq: 1}", ["GTM108"]),
        ("{all: [{property: a, eq: 1}], any: []}", ["GTM108"]),
        ("{tier: [1, 2]}", ["GTM108"]),
        ("[]", ["GTM108"]),
    ],
)
def test_parse_diagnostics(text: str, codes: list[str]) -> None:
    _, got = parse(text)
    assert got == codes


def test_sugar_expands_to_core_on_the_example() -> None:
    project = load_project(REPO)
    ctx = build_expand_context(project.specs)
    for (_f, _i, _p), cond in project.specs.conditions.items():
        for obj in ("contacts", "companies", "deals"):
            assert is_core(expand(cond, ctx, obj))
    icp = project.specs.by_id("ICP")["mid-market-shippers"]
    from compiler.conditions.ast import IcpRef, PersonaRef, StageDaysOverMax

    company = expand(IcpRef("mid-market-shippers"), ctx, "companies")
    assert evaluate(company, {"industry": "RETAIL", "numberofemployees": "900", "country": "GB",
                              "web_technologies": "sap"})
    assert not evaluate(company, {"industry": "Retail", "numberofemployees": "90", "country": "GB",
                                  "web_technologies": "sap"})
    contact = expand(IcpRef("mid-market-shippers"), ctx, "contacts")
    assert evaluate(contact, {"industry": "LOGISTICS_AND_SUPPLY_CHAIN", "numemployees": "1000+", "country": "US"})
    assert not evaluate(contact, {"industry": "LOGISTICS_AND_SUPPLY_CHAIN", "numemployees": "25-50", "country": "US"})
    assert evaluate(expand(PersonaRef("any"), ctx, "contacts"), {"jobtitle": "Head of IT"})
    assert not evaluate(expand(PersonaRef("vp-operations"), ctx, "contacts"), {"jobtitle": "Head of IT"})
    stale = expand(StageDaysOverMax(True), ctx, "deals")
    now = datetime.now(UTC)
    entered = "hs_v2_date_entered_current_stage"
    assert not any(leaf.property.startswith("hs_time_in_") for leaf in leaves(stale))
    assert evaluate(stale, {"dealstage": "gtm-new-business-discovery",
                            entered: (now - timedelta(days=16)).isoformat()})
    assert not evaluate(stale, {"dealstage": "gtm-new-business-discovery",
                                entered: (now - timedelta(days=13)).isoformat()})
    assert not evaluate(stale, {"dealstage": "gtm-new-business-discovery"})  # no entry date: not stale
    assert icp.model.personas
