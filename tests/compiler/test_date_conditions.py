"""Date conditions (``older_than_days`` / ``within_days``): parsing, evaluation, HubSpot filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from compiler.backends.hubspot_filters import (
    condition_to_filter_branch,
    filter_branch_to_condition,
    normalize_filter_branch,
)
from compiler.backends.hubspot_formula import calculation_to_formula
from compiler.conditions.ast import Leaf, Not
from compiler.conditions.evaluate import as_instant, days_ago_boundary, evaluate
from compiler.conditions.parse import parse_condition
from compiler.source import load_text

NOW = datetime.now(UTC)
TYPES = {"closedate": "datetime", "birthday": "date", "amount": "number", "lifecyclestage": "enumeration"}


def parse(text: str) -> tuple[object, list[str]]:
    doc = load_text(f"c: {text}\n", "c.yaml").documents[0]
    c, diags = parse_condition(doc.data["c"], doc, ("c",))
    return c, [f"{d.code}@{d.range.line if d.range else '?'}:{d.range.col if d.range else '?'}" for d in diags]


@pytest.mark.parametrize("text", ["{property: closedate, older_than_days: -1}",
                                  "{property: closedate, older_than_days: 1.5}",
                                  "{property: closedate, within_days: true}",
                                  "{property: closedate, within_days: '7'}",
                                  "{property: closedate, within_days: 99999999}"])
def test_bad_day_counts_are_gtm108_with_a_position(text: str) -> None:
    c, codes = parse(text)
    assert c is None and codes[0].startswith("GTM108@1:") and len(codes) == 1


def test_good_date_conditions_parse() -> None:
    c, codes = parse("{property: closedate, older_than_days: 14}")
    assert codes == [] and c == Leaf("closedate", "older_than_days", 14)


def _ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


# values are built inside the test from stable ids (parallel workers must collect the same ids)
VALUES = {
    "iso-30-days-ago": (lambda: _ago(30).isoformat(), True, False),
    "iso-3-days-ago": (lambda: _ago(3).isoformat(), False, True),
    "iso-in-3-days": (lambda: _ago(-3).isoformat(), False, True),  # future dates are "within"
    "epoch-ms-30-days-ago": (lambda: str(int(_ago(30).timestamp() * 1000)), True, False),
    "date-30-days-ago": (lambda: _ago(30).date().isoformat(), True, False),
    "garbage": (lambda: "not a date", False, False),
    "none": (lambda: None, False, False),
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_evaluation(name: str) -> None:
    make, older, within = VALUES[name]
    rec = {"closedate": make()}
    assert evaluate(Leaf("closedate", "older_than_days", 14), rec) is older
    assert evaluate(Leaf("closedate", "within_days", 14), rec) is within
    # `not` holds on unknown values, like every other operator
    assert evaluate(Not(Leaf("closedate", "older_than_days", 14)), rec) is (not older)


def test_boundary_is_start_of_today_utc_minus_n_days() -> None:
    b = days_ago_boundary(14, datetime(2026, 3, 20, 15, 30, tzinfo=UTC))
    assert b == datetime(2026, 3, 6, tzinfo=UTC)
    assert as_instant("2026-03-06T00:00:00Z") == b
    assert evaluate(Leaf("d", "within_days", 0), {"d": NOW.isoformat()})


def _only_filter(fb: dict) -> dict:  # type: ignore[type-arg]
    (and_branch,) = fb["filterBranches"]
    (f,) = and_branch["filters"]
    return f  # type: ignore[no-any-return]


def test_older_than_days_is_a_time_point_before_today_minus_n() -> None:
    fb, diags = condition_to_filter_branch(Leaf("closedate", "older_than_days", 14), TYPES.get)
    assert diags == [] and fb is not None
    op = _only_filter(fb)["operation"]
    assert op["operationType"] == op["type"] == "TIME_POINT"
    assert op["operator"] == "IS_BEFORE" and op["includeObjectsWithNoValueSet"] is False
    assert op["timePoint"]["timeType"] == "INDEXED"
    assert op["timePoint"]["indexReference"] == {"referenceType": "TODAY"}
    assert op["timePoint"]["offset"] == {"days": -14}
    assert filter_branch_to_condition(normalize_filter_branch(fb)) == Leaf("closedate", "older_than_days", 14)


def test_negated_date_condition_keeps_records_without_a_value() -> None:
    fb, _ = condition_to_filter_branch(Not(Leaf("birthday", "within_days", 7)), TYPES.get)
    assert fb is not None
    op = _only_filter(fb)["operation"]
    assert (op["operator"], op["includeObjectsWithNoValueSet"]) == ("IS_BEFORE", True)
    assert filter_branch_to_condition(normalize_filter_branch(fb)) == Not(Leaf("birthday", "within_days", 7))


@pytest.mark.parametrize(("leaf", "words"), [
    (Leaf("amount", "older_than_days", 3), "needs a date or datetime property"),
    (Leaf("lifecyclestage", "within_days", 3), "needs a date or datetime property"),
    (Leaf("closedate", "gt", 3), "on a date property"),
])
def test_date_operators_only_on_dates(leaf: Leaf, words: str) -> None:
    fb, diags = condition_to_filter_branch(leaf, TYPES.get)
    assert fb is None and [d.code for d in diags] == ["GTM501"] and words in diags[0].summary


def test_unknown_property_with_a_date_operator_is_treated_as_a_date() -> None:
    fb, diags = condition_to_filter_branch(Leaf("custom_date", "within_days", 3), lambda _n: None)
    assert diags == [] and fb is not None and _only_filter(fb)["operation"]["operator"] == "IS_AFTER"


def test_date_operators_are_not_calculations() -> None:
    calc = {"kind": "score", "rules": [{"when": {"property": "closedate", "older_than_days": 3}, "points": 5}]}
    formula, diags = calculation_to_formula(calc, TYPES.get)
    assert formula is None and diags and diags[0].code == "GTM502"
