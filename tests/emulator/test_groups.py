"""Property groups through ``client.crm.properties.groups_api``."""

from __future__ import annotations

import pytest
from hubspot import HubSpot
from hubspot.crm.properties import ApiException, PropertyGroup, PropertyGroupCreate, PropertyGroupUpdate

from compiler import catalog

from .conftest import body_of

pytestmark = pytest.mark.emulator


def test_create_get_update_delete(client: HubSpot) -> None:
    api = client.crm.properties.groups_api
    created = api.create("contacts", PropertyGroupCreate(name="gtm", label="GTM", display_order=-1))
    assert isinstance(created, PropertyGroup)  # 201 deserialised
    seeded = len(catalog.groups("contacts"))  # -1 means: after the groups a fresh portal has
    assert created.archived is False and created.display_order == seeded
    assert api.get_by_name("contacts", "gtm").label == "GTM"
    updated = api.update("contacts", "gtm", PropertyGroupUpdate(label="GTM · managed", display_order=9))
    assert (updated.label, updated.display_order) == ("GTM · managed", 9)
    assert "gtm" in [g.name for g in api.get_all("0-1").results]
    assert api.archive("contacts", "gtm") is None
    with pytest.raises(ApiException) as info:
        api.get_by_name("contacts", "gtm")
    assert info.value.status == 404
    assert "gtm" not in [g.name for g in api.get_all("contacts").results]


def test_duplicate_group_is_409(client: HubSpot) -> None:
    client.crm.properties.groups_api.create("deals", {"name": "gtm", "label": "GTM"})
    with pytest.raises(ApiException) as info:
        client.crm.properties.groups_api.create("deals", {"name": "gtm", "label": "Again"})
    body = body_of(info.value)
    assert info.value.status == 409
    assert body["category"] == "VALIDATION_ERROR"
    assert body["subCategory"] == "PropertyGroupError.GROUP_ALREADY_EXISTS"


def test_group_with_active_properties_cannot_be_deleted(client: HubSpot) -> None:
    client.crm.properties.groups_api.create("contacts", {"name": "gtm", "label": "GTM"})
    client.crm.properties.core_api.create(
        "contacts", {"name": "gtm_x", "label": "X", "type": "string", "fieldType": "text", "groupName": "gtm"}
    )
    with pytest.raises(ApiException) as info:
        client.crm.properties.groups_api.archive("contacts", "gtm")
    body = body_of(info.value)
    assert info.value.status == 400
    assert body["subCategory"] == "PropertyGroupError.GROUP_WITH_ACTIVE_PROPERTIES"
    assert body["message"] == "Can't delete or purge a group with active properties"
    client.crm.properties.core_api.archive("contacts", "gtm_x")  # archived properties do not block
    assert client.crm.properties.groups_api.archive("contacts", "gtm") is None


def test_group_update_rejects_unknown_fields(client: HubSpot) -> None:
    client.crm.properties.groups_api.create("contacts", {"name": "gtm", "label": "GTM"})
    with pytest.raises(ApiException) as info:
        client.crm.properties.groups_api.update("contacts", "gtm", {"name": "renamed"})
    assert info.value.status == 400
