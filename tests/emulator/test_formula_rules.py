"""Each strict formula rule of the emulator (docs/emulator.md § Formulas), sent the wrong shape
through the official client: HubSpot's error envelope (400, VALIDATION_ERROR, message,
correlationId) comes back, and the documented shape next to it is accepted."""

from __future__ import annotations

from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.properties import ApiException

from .conftest import body_of

pytestmark = pytest.mark.emulator


def calc(name: str, text: str, type_: str = "number", **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": name, "type": type_, "fieldType": "calculation_equation",
            "groupName": "contactinformation", "calculationFormula": text, **extra}


def rejected(client: HubSpot, body: dict[str, Any]) -> str:
    with pytest.raises(ApiException) as info:
        client.crm.properties.core_api.create("contacts", body)
    err = body_of(info.value)
    assert info.value.status == 400 and err["status"] == "error" and err["category"] == "VALIDATION_ERROR"
    assert err["correlationId"] and err["message"].startswith("Invalid calculationFormula")
    return str(err["message"])


def accepted(client: HubSpot, body: dict[str, Any]) -> None:
    made = client.crm.properties.core_api.create("contacts", body)
    assert made.calculation_formula == body["calculationFormula"]


@pytest.fixture
def base(client: HubSpot) -> HubSpot:
    for name, type_, field in (("gtm_n", "number", "number"), ("gtm_s", "string", "text"),
                               ("gtm_b", "bool", "booleancheckbox")):
        client.crm.properties.core_api.create("contacts", {
            "name": name, "label": name, "type": type_, "fieldType": field, "groupName": "contactinformation"})
    return client


@pytest.mark.parametrize("name", ["coalesce(gtm_n, 0)", "abs(gtm_n)", "to_number(string(gtm_s))"])
def test_undocumented_functions_are_unknown(base: HubSpot, name: str) -> None:
    assert "unknown function" in rejected(base, calc("gtm_x", name))


@pytest.mark.parametrize("text", ["to_lower_case(string(gtm_s))", "begins_with(string(gtm_s), 'a')"])
def test_undocumented_string_functions_are_unknown(base: HubSpot, text: str) -> None:
    assert "unknown function" in rejected(base, calc("gtm_x", text, "string" if "lower" in text else "bool"))


def test_xor_is_not_documented(base: HubSpot) -> None:
    assert "'xor' is not documented" in rejected(base, calc("gtm_x", "bool(gtm_b) xor true", "bool"))
    accepted(base, calc("gtm_y", "(bool(gtm_b) or true) and not (bool(gtm_b) and true)", "bool"))


@pytest.mark.parametrize(("text", "fragment"), [
    ("max(gtm_n)", "max() takes 2 to 100 arguments, got 1"),
    ("contains(string(gtm_s), 'a', 'b')", "contains() takes 2 arguments, got 3"),
    ("is_present()", "is_present() takes 1 arguments, got 0"),
])
def test_wrong_arity(base: HubSpot, text: str, fragment: str) -> None:
    assert fragment in rejected(base, calc("gtm_x", text, "bool" if "max" not in text else "number"))


@pytest.mark.parametrize(("text", "type_", "fragment"), [
    ("string(gtm_s) + gtm_n", "string", "number_to_string"),
    ("gtm_n > 'a'", "bool", "needs a number"),
    ("if gtm_n then 1 else 0", "number", "if condition needs a bool"),
    ("contains(gtm_n, 'a')", "bool", "argument 1 of contains"),
    ("bool(gtm_b) = 1", "bool", "like with like"),
])
def test_type_errors(base: HubSpot, text: str, type_: str, fragment: str) -> None:
    assert fragment in rejected(base, calc("gtm_x", text, type_))


@pytest.mark.parametrize(("text", "type_"), [("'x'", "number"), ("1", "bool"), ("bool(gtm_b)", "string")])
def test_output_type_must_fit_the_property_type(base: HubSpot, text: str, type_: str) -> None:
    assert "the formula yields" in rejected(base, calc("gtm_x", text, type_))


def test_calculated_enumeration_cannot_read_a_calculated_property(base: HubSpot) -> None:
    accepted(base, calc("gtm_score", "(if is_present(gtm_n) then gtm_n else 0) + 5"))
    options = [{"label": "Hot", "value": "hot"}, {"label": "Cold", "value": "cold"}]
    message = rejected(base, calc("gtm_band", "if gtm_score >= 10 then 'hot' else 'cold'", "enumeration",
                                  options=options))
    assert "calculated enumeration" in message and "gtm_score" in message
    accepted(base, calc("gtm_band", "if ((if is_present(gtm_n) then gtm_n else 0) + 5) >= 10 then 'hot' "
                                    "else 'cold'", "enumeration", options=options))


def test_documented_shapes_are_accepted(base: HubSpot) -> None:
    accepted(base, calc("gtm_a", "if is_present(gtm_n) then max(gtm_n, 1, 2) else min(3, 4)"))
    accepted(base, calc("gtm_b2", "concatenate(string(gtm_s), number_to_string(gtm_n))", "string"))
    accepted(base, calc("gtm_c", "(if is_present(bool(gtm_b)) then bool(gtm_b) else false) "
                                 "and contains(string(gtm_s), 'x')", "bool"))
    accepted(base, calc("gtm_d", "string_to_number('4') * 10gtm_n"))


def test_calculated_enumeration_yields_only_its_options(base: HubSpot) -> None:
    options = [{"label": "Hot", "value": "hot"}, {"label": "Cold", "value": "cold"}]
    message = rejected(base, calc("gtm_band", "if gtm_n >= 10 then 'hot' elseif gtm_n >= 5 then 'warm' else 'cold'",
                                  "enumeration", options=options))
    assert "'warm' is not an option" in message
    accepted(base, calc("gtm_band", "if gtm_n >= 10 then 'hot' else 'cold'", "enumeration", options=options))
    with pytest.raises(ApiException) as info:  # on PATCH too: dropping an option the formula yields
        base.crm.properties.core_api.update("contacts", "gtm_band", {"options": options[:1]})
    assert info.value.status == 400 and "'cold' is not an option" in body_of(info.value)["message"]
