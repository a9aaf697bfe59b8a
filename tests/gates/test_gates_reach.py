"""Implication between conditions and the tier checks built on it."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.conditions.ast import Condition
from compiler.conditions.parse import parse_condition
from compiler.gates.reach import implies, is_tautology, signed_nodes
from compiler.source import Document


def cond(data: Any) -> Condition:
    c, diags = parse_condition(data, Document("t.yaml", 0, data), ())
    assert c is not None and not diags, diags
    return c


ICP = {"icp": "mid-market-shippers"}
BIG = {"property": "numberofemployees", "gte": 1000}


@pytest.mark.parametrize(("a", "b"), [
    (ICP, ICP),                                                           # identical
    ({"all": [ICP, BIG]}, ICP),                                           # all-superset implies its part
    ({"all": [ICP, BIG, {"property": "country", "eq": "IN"}]}, {"all": [BIG, ICP]}),  # strict superset
    ({"property": "industry", "in": ["logistics"]}, {"property": "industry", "in": ["logistics", "retail"]}),
    ({"property": "industry", "eq": "Logistics"}, {"property": "industry", "in": ["logistics"]}),
    ({"property": "n", "gte": 2000}, {"property": "n", "gte": 1000}),
    ({"property": "n", "gt": 1000}, {"property": "n", "gte": 1000}),
    ({"property": "n", "between": [10, 20]}, {"property": "n", "lte": 20}),
    ({"property": "n", "eq": 15}, {"property": "n", "between": [10, 20]}),
    ({"property": "x", "eq": "a"}, {"property": "x", "known": True}),
    ({"property": "x", "eq": "a"}, {"property": "x", "ne": "b"}),
    ({"property": "x", "not_in": ["a", "b"]}, {"property": "x", "ne": "a"}),
    ({"property": "t", "contains": "head of ops"}, {"property": "t", "contains": "ops"}),
    ({"tier": ["tier-1"]}, {"tier": ["tier-1", "tier-2"]}),
    ({"any": [ICP, {"property": "n", "gte": 5}]}, {"any": [{"property": "n", "gte": 1}, ICP]}),
    ({"not": ICP}, {"not": {"all": [ICP, BIG]}}),                        # contraposition
    (ICP, {"any": [{"property": "x", "known": True}, {"not": {"property": "x", "known": True}}]}),
])
def test_implies(a: Any, b: Any) -> None:
    assert implies(cond(a), cond(b))


@pytest.mark.parametrize(("a", "b"), [
    (ICP, {"all": [ICP, BIG]}),                                           # weaker does not imply stronger
    ({"property": "n", "gte": 1000}, {"property": "n", "gt": 1000}),
    ({"property": "industry", "in": ["logistics", "retail"]}, {"property": "industry", "in": ["logistics"]}),
    ({"property": "industry", "in": ["logistics"]}, ICP),                 # sugar is not expanded: unsure = no
    ({"property": "x", "known": True}, {"property": "x", "eq": "a"}),
    ({"property": "x", "ne": "a"}, {"property": "x", "known": False}),
    ({"property": "x", "eq": "a"}, {"property": "y", "eq": "a"}),
    ({"any": [ICP, BIG]}, ICP),
    ({"tier": ["tier-1", "tier-3"]}, {"tier": ["tier-1"]}),
])
def test_does_not_imply(a: Any, b: Any) -> None:
    assert not implies(cond(a), cond(b))


def test_no_condition_is_a_catch_all() -> None:
    assert implies(cond(ICP), None)
    assert not implies(None, cond(ICP))
    assert is_tautology(None)
    assert is_tautology(cond({"any": [ICP, {"not": ICP}]}))
    assert is_tautology(cond({"any": [{"property": "x", "known": True}, {"property": "x", "known": False}]}))
    assert not is_tautology(cond({"any": [{"property": "x", "eq": 1}, {"property": "x", "ne": 1}]}))


def test_signed_nodes_track_negation() -> None:
    c = cond({"all": [{"persona": "a"}, {"not": {"persona": "b"}}, {"not": {"not": {"persona": "c"}}}]})
    signs = {getattr(n, "persona", None): pos for n, pos in signed_nodes(c) if hasattr(n, "persona")}
    assert signs == {"a": True, "b": False, "c": True}
