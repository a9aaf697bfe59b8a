"""Lists v3 through ``client.crm.lists.lists_api``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.lists import ApiException, ListCreateResponse, ListSearchRequest

from .conftest import body_of

pytestmark = pytest.mark.emulator


def property_filter(prop: str, operation: dict[str, Any]) -> dict[str, Any]:
    return {"filterType": "PROPERTY", "property": prop, "operation": operation}


def tree(*filters: dict[str, Any]) -> dict[str, Any]:
    """The minimal request shape: no operators, no empty arrays, no includeObjectsWithNoValueSet."""
    return {
        "filterBranchType": "OR",
        "filterBranches": [{"filterBranchType": "AND", "filters": list(filters)}],
    }


PAGE_VIEWS = property_filter(
    "hs_analytics_num_page_views",
    {"operationType": "NUMBER", "operator": "IS_GREATER_THAN_OR_EQUAL_TO", "value": 3},
)


def dynamic(name: str, *filters: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "objectTypeId": "0-1", "processingType": "DYNAMIC", "filterBranch": tree(*filters)}


def raw_list(client: HubSpot, list_id: str, include_filters: bool = True) -> dict[str, Any]:
    response = client.crm.lists.lists_api.get_by_id(
        list_id, include_filters=include_filters, _preload_content=False
    )
    return json.loads(response.data)["list"]


def test_create_is_200_with_normalised_filter_branch(client: HubSpot) -> None:
    created = client.crm.lists.lists_api.create(dynamic("GTM hot", PAGE_VIEWS))
    assert isinstance(created, ListCreateResponse)  # 200, not 201
    assert created.list.list_version == 1 and created.list.processing_type == "DYNAMIC"
    stored = raw_list(client, created.list.list_id)
    assert stored["filterBranch"] == {
        "filterBranchType": "OR",
        "filterBranchOperator": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranchOperator": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "hs_analytics_num_page_views",
                        "operation": {
                            "operationType": "NUMBER",
                            "operator": "IS_GREATER_THAN_OR_EQUAL_TO",
                            "value": 3,
                            "includeObjectsWithNoValueSet": False,
                        },
                    }
                ],
                "filterBranches": [],
            }
        ],
    }
    assert "filterBranch" not in raw_list(client, created.list.list_id, include_filters=False)


def test_duplicate_names_are_400_ils(client: HubSpot) -> None:
    client.crm.lists.lists_api.create({"name": "Dup", "objectTypeId": "0-1", "processingType": "MANUAL"})
    with pytest.raises(ApiException) as info:
        client.crm.lists.lists_api.create({"name": "dup", "objectTypeId": "0-2", "processingType": "MANUAL"})
    body = body_of(info.value)
    assert info.value.status == 400 and body["subCategory"] == "ILS.DUPLICATE_LIST_NAMES"


@pytest.mark.parametrize(
    ("request_body", "fragment"),
    [
        ({"name": "x", "objectTypeId": "0-1", "processingType": "SOMETIMES"}, "processingType"),
        ({"name": "x", "objectTypeId": "0-1", "processingType": "DYNAMIC"}, "need a filterBranch"),
        ({"name": "x", "objectTypeId": "0-1", "processingType": "MANUAL", "filterBranch": tree()}, "MANUAL"),
        ({"name": "x", "objectTypeId": "9-9", "processingType": "MANUAL"}, "objectTypeId"),
        (
            dynamic("x", property_filter("nope", {"operationType": "BOOL", "operator": "IS_EQUAL_TO"})),
            "'nope'",
        ),
        (
            dynamic("x", property_filter("email", {"operationType": "STRING", "operator": "IS_ANY_OF"})),
            "IS_ANY_OF",
        ),
        ({**dynamic("x"), "filterBranch": {"filterBranchType": "AND"}}, "root branch must be an OR"),
    ],
)
def test_invalid_creates_are_400(client: HubSpot, request_body: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ApiException) as info:
        client.crm.lists.lists_api.create(request_body)
    assert info.value.status == 400
    assert fragment in body_of(info.value)["message"]


def test_size_follows_the_records(client: HubSpot) -> None:
    created = client.crm.lists.lists_api.create(dynamic("Engaged", PAGE_VIEWS))
    list_id = created.list.list_id
    assert created.list.size == 0
    ids = [
        client.crm.objects.basic_api.create(
            "contacts", {"properties": {"hs_analytics_num_page_views": str(n)}}
        ).id
        for n in (1, 3, 7)
    ]
    assert client.crm.lists.lists_api.get_by_id(list_id).list.size == 2
    client.crm.objects.basic_api.update(
        "contacts", ids[0], {"properties": {"hs_analytics_num_page_views": "9"}}
    )
    assert client.crm.lists.lists_api.get_by_id(list_id).list.size == 3
    unknown_ok = dynamic(
        "Unknown too",
        property_filter(
            "hs_analytics_num_page_views",
            {
                "operationType": "NUMBER",
                "operator": "IS_GREATER_THAN",
                "value": 5,
                "includeObjectsWithNoValueSet": True,
            },
        ),
    )
    client.crm.objects.basic_api.create("contacts", {"properties": {"firstname": "No views"}})
    assert client.crm.lists.lists_api.create(unknown_ok).list.size == 3  # 7, 9 and the one without a value
    snapshot = client.crm.lists.lists_api.create(
        {**dynamic("Snap", PAGE_VIEWS), "processingType": "SNAPSHOT"}
    )
    client.crm.objects.basic_api.create("contacts", {"properties": {"hs_analytics_num_page_views": "4"}})
    assert client.crm.lists.lists_api.get_by_id(snapshot.list.list_id).list.size == 3  # frozen
    assert client.crm.lists.lists_api.get_by_id(list_id).list.size == 4  # live


def test_enumeration_string_and_known_operators(client: HubSpot) -> None:
    for stage, email in (("lead", "a@x.com"), ("customer", "b@y.com"), ("lead", None)):
        props = {"lifecyclestage": stage, **({"email": email} if email else {})}
        client.crm.objects.basic_api.create("contacts", {"properties": props})
    leads = property_filter(
        "lifecyclestage", {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["LEAD"]}
    )
    known = property_filter("email", {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"})
    domain = property_filter("email", {"operationType": "STRING", "operator": "ENDS_WITH", "value": "@Y.COM"})
    assert client.crm.lists.lists_api.create(dynamic("Leads", leads)).list.size == 2
    assert client.crm.lists.lists_api.create(dynamic("Leads with email", leads, known)).list.size == 1
    either = {
        "name": "Either",
        "objectTypeId": "0-1",
        "processingType": "DYNAMIC",
        "filterBranch": {
            "filterBranchType": "OR",
            "filterBranches": [
                {"filterBranchType": "AND", "filters": [leads, known]},
                {"filterBranchType": "AND", "filters": [domain]},
            ],
        },
    }
    assert client.crm.lists.lists_api.create(either).list.size == 2


def test_get_all_by_name_search_rename(client: HubSpot) -> None:
    api = client.crm.lists.lists_api
    made = [
        api.create({"name": f"GTM tier {i}", "objectTypeId": "0-2", "processingType": "MANUAL"}).list
        for i in range(5)
    ]
    api.create({"name": "Other", "objectTypeId": "0-2", "processingType": "MANUAL"})
    fetched = api.get_all(list_ids=[made[0].list_id, made[2].list_id, "999"])
    assert [lst.name for lst in fetched.lists] == ["GTM tier 0", "GTM tier 2"]
    assert api.get_by_name("GTM tier 3", "0-2").list.list_id == made[3].list_id
    with pytest.raises(ApiException) as info:
        api.get_by_name("GTM tier 3", "0-1")
    assert info.value.status == 404
    first = api.do_search(ListSearchRequest(query="gtm tier", offset=0, count=3))
    assert (first.total, first.has_more, first.offset, len(first.lists)) == (5, True, 3, 3)
    assert first.lists[0].additional_properties["hs_list_size"] == "0"
    rest = api.do_search(ListSearchRequest(query="gtm tier", offset=first.offset, count=3))
    assert (rest.has_more, len(rest.lists)) == (False, 2)
    renamed = api.update_name(made[0].list_id, list_name="GTM tier zero")
    assert renamed.updated_list.name == "GTM tier zero"
    with pytest.raises(ApiException) as info:
        api.update_name(made[1].list_id, list_name="Other")
    assert body_of(info.value)["subCategory"] == "ILS.DUPLICATE_LIST_NAMES"


def test_update_filters_bumps_version_and_only_for_dynamic(client: HubSpot) -> None:
    api = client.crm.lists.lists_api
    created = api.create(dynamic("Versioned", PAGE_VIEWS)).list
    known = property_filter("email", {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"})
    updated = api.update_list_filters(created.list_id, {"filterBranch": tree(known)})
    assert updated.updated_list.list_version == 2
    assert (
        raw_list(client, created.list_id)["filterBranch"]["filterBranches"][0]["filters"][0]["property"]
        == "email"
    )
    manual = api.create({"name": "Manual", "objectTypeId": "0-1", "processingType": "MANUAL"}).list
    with pytest.raises(ApiException) as info:
        api.update_list_filters(manual.list_id, {"filterBranch": tree(known)})
    assert info.value.status == 400


def test_delete_and_restore(client: HubSpot) -> None:
    api = client.crm.lists.lists_api
    created = api.create({"name": "Bin me", "objectTypeId": "0-1", "processingType": "MANUAL"}).list
    assert api.remove(created.list_id) is None
    with pytest.raises(ApiException) as info:
        api.get_by_id(created.list_id)
    assert info.value.status == 404
    assert api.do_search({"query": "Bin me"}).total == 0
    assert api.restore(created.list_id) is None
    assert api.get_by_id(created.list_id).list.name == "Bin me"
    with pytest.raises(ApiException) as info:
        api.restore(created.list_id)
    assert info.value.status == 404
