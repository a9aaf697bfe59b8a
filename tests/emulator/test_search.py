"""CRM search through ``client.crm.objects.search_api``."""

from __future__ import annotations

from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.objects import ApiException, Filter, FilterGroup, PublicObjectSearchRequest

from providers.hubspot.emulator.server import EmulatorServer

from .conftest import body_of

pytestmark = pytest.mark.emulator

COMPANIES = [
    {
        "name": "Acme Logistics",
        "numberofemployees": "1200",
        "industry": "LOGISTICS_AND_SUPPLY_CHAIN",
        "country": "IN",
    },
    {"name": "Beta Retail", "numberofemployees": "300", "industry": "RETAIL", "country": "US"},
    {"name": "Gamma Freight", "numberofemployees": "5000", "industry": "PACKAGE_FREIGHT_DELIVERY"},
    {"name": "Delta Soft", "numberofemployees": "40", "industry": "COMPUTER_SOFTWARE", "country": "GB"},
    {"name": "Epsilon", "country": "AE"},
]


@pytest.fixture
def companies(client: HubSpot) -> list[str]:
    created = client.crm.objects.batch_api.create(
        "companies", {"inputs": [{"properties": p} for p in COMPANIES]}
    )
    return [r.id for r in created.results]


def names(client: HubSpot, *groups: list[dict[str, Any]], **extra: Any) -> list[str]:
    request = {
        "filterGroups": [{"filters": g} for g in groups],
        "properties": ["name"],
        "limit": 100,
        **extra,
    }
    result = client.crm.objects.search_api.do_search("companies", request)
    assert result.total == len(result.results)
    return [r.properties["name"] for r in result.results]


def f(prop: str, op: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    out = {"propertyName": prop, "operator": op, **extra}
    if value is not None:
        out["value"] = value
    return out


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([f("numberofemployees", "EQ", "300")], ["Beta Retail"]),
        ([f("numberofemployees", "GT", "300")], ["Acme Logistics", "Gamma Freight"]),
        ([f("numberofemployees", "GTE", "300")], ["Acme Logistics", "Beta Retail", "Gamma Freight"]),
        ([f("numberofemployees", "LT", "300")], ["Delta Soft"]),
        ([f("numberofemployees", "LTE", "300")], ["Beta Retail", "Delta Soft"]),
        ([f("numberofemployees", "BETWEEN", "200", highValue="1200")], ["Acme Logistics", "Beta Retail"]),
        ([f("industry", "IN", values=["retail", "computer_software"])], ["Beta Retail", "Delta Soft"]),
        (
            [f("industry", "NOT_IN", values=["RETAIL"])],
            ["Acme Logistics", "Gamma Freight", "Delta Soft", "Epsilon"],
        ),
        ([f("country", "NEQ", "IN")], ["Beta Retail", "Gamma Freight", "Delta Soft", "Epsilon"]),
        ([f("country", "HAS_PROPERTY")], ["Acme Logistics", "Beta Retail", "Delta Soft", "Epsilon"]),
        ([f("country", "NOT_HAS_PROPERTY")], ["Gamma Freight"]),
        ([f("name", "CONTAINS_TOKEN", "freight")], ["Gamma Freight"]),
        ([f("name", "CONTAINS_TOKEN", "*soft")], ["Delta Soft"]),
        (
            [f("name", "NOT_CONTAINS_TOKEN", "acme")],
            ["Beta Retail", "Gamma Freight", "Delta Soft", "Epsilon"],
        ),
        ([f("name", "EQ", "beta retail")], ["Beta Retail"]),
        (
            [f("numberofemployees", "GT", "100"), f("country", "HAS_PROPERTY")],
            ["Acme Logistics", "Beta Retail"],
        ),
    ],
)
def test_operators(
    client: HubSpot, companies: list[str], filters: list[dict[str, Any]], expected: list[str]
) -> None:
    assert names(client, filters) == expected


def test_groups_are_ored(client: HubSpot, companies: list[str]) -> None:
    found = names(client, [f("country", "EQ", "GB")], [f("numberofemployees", "GTE", "5000")])
    assert found == ["Gamma Freight", "Delta Soft"]


def test_sorts_properties_and_paging(client: HubSpot, companies: list[str]) -> None:
    api = client.crm.objects.search_api
    request = PublicObjectSearchRequest(
        filter_groups=[
            FilterGroup(filters=[Filter(property_name="numberofemployees", operator="HAS_PROPERTY")])
        ],
        sorts=["-numberofemployees"],
        properties=["name", "numberofemployees"],
        limit=3,
    )
    first = api.do_search("companies", request)
    assert first.total == 4
    assert [r.properties["numberofemployees"] for r in first.results] == ["5000", "1200", "300"]
    assert set(first.results[0].properties) == {"hs_object_id", "name", "numberofemployees"}
    assert first.paging.next.after == "3"
    request.after = first.paging.next.after
    second = api.do_search("companies", request)
    assert [r.properties["name"] for r in second.results] == ["Delta Soft"] and second.paging is None
    by_name = api.do_search(
        "companies",
        {"sorts": [{"propertyName": "name", "direction": "ASCENDING"}], "properties": ["name"], "limit": 2},
    )
    assert [r.properties["name"] for r in by_name.results] == ["Acme Logistics", "Beta Retail"]
    default_props = api.do_search("companies", {"limit": 1}).results[0].properties
    assert set(default_props) == {"createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"}


def test_query_and_calculated_property_filters(client: HubSpot, companies: list[str]) -> None:
    client.crm.properties.core_api.create(
        "companies",
        {"name": "gtm_tier", "label": "Tier", "type": "string", "fieldType": "calculation_equation",
         "groupName": "companyinformation",
         "calculationFormula": "if is_present(numberofemployees) and numberofemployees >= 1000 "
                               "then 'tier-1' else 'tier-3'"},
    )  # fmt: skip
    assert names(client, [f("gtm_tier", "EQ", "tier-1")]) == ["Acme Logistics", "Gamma Freight"]
    assert names(client, query="delta") == ["Delta Soft"]


@pytest.mark.parametrize(
    ("request_body", "fragment"),
    [
        ({"limit": 201}, "limit"),
        ({"filterGroups": [{"filters": [f("name", "LIKE", "x")]}]}, "operator"),
        ({"filterGroups": [{"filters": [f("nope", "EQ", "x")]}]}, "'nope'"),
        ({"filterGroups": [{"filters": [f("name", "HAS_PROPERTY")] * 7}]}, "6 filters"),
        ({"filterGroups": [{"filters": [f("name", "HAS_PROPERTY")]}] * 6}, "5 groups"),
        ({"filterGroups": [{"filters": [f("name", "HAS_PROPERTY")] * 5}] * 4}, "18 filters"),
        ({"filterGroups": [{"filters": [f("name", "IN")]}]}, "values"),
    ],
)
def test_invalid_searches_are_400(client: HubSpot, request_body: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ApiException) as info:
        client.crm.objects.search_api.do_search("companies", request_body)
    assert info.value.status == 400 and fragment in body_of(info.value)["message"]


def test_paging_past_ten_thousand_is_refused(emulator: EmulatorServer, client: HubSpot) -> None:
    for batch in range(101):
        inputs = [{"properties": {"dealname": f"deal {batch}-{i}", "amount": str(i)}} for i in range(100)]
        client.crm.objects.batch_api.create("deals", {"inputs": inputs})
    api = client.crm.objects.search_api
    request = {
        "filterGroups": [{"filters": [f("amount", "GTE", "0")]}],
        "limit": 200,
        "after": "9800",
        "properties": ["amount"],
    }
    page = api.do_search("deals", request)
    assert page.total == 10_100 and len(page.results) == 200
    assert page.paging.next.after == "10000"
    with pytest.raises(ApiException) as info:
        api.do_search("deals", {**request, "after": page.paging.next.after})
    body = body_of(info.value)
    assert info.value.status == 400 and body["category"] == "VALIDATION_ERROR" and "10000" in body["message"]
    narrower = api.do_search("deals", {"filterGroups": [{"filters": [f("amount", "EQ", "7")]}], "limit": 1})
    assert narrower.total == 101
    assert emulator.stats()["by_endpoint"]["POST /crm/v3/objects/{objectType}/batch/create"] == 101
