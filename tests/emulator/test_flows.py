"""Automation v4 flows through ``client.api_request`` (client 12 has no flows API)."""

from __future__ import annotations

from typing import Any

import pytest
from hubspot import HubSpot

from .conftest import call

pytestmark = pytest.mark.emulator


def contact_flow(name: str = "GTM · SLA hot inbound", **extra: Any) -> dict[str, Any]:
    """A create body with every field the contact-flow create schema requires."""
    return {
        "type": "CONTACT_FLOW",
        "objectTypeId": "0-1",
        "flowType": "WORKFLOW",
        "isEnabled": False,
        "name": name,
        "startActionId": "1",
        "actions": [
            {
                "type": "SINGLE_CONNECTION",
                "actionId": "1",
                "actionTypeId": "0-3",
                "actionTypeVersion": 0,
                "fields": {"task_type": "TODO", "subject": "Call back"},
                "connection": {"edgeType": "STANDARD", "nextActionId": "2"},
            },
            {
                "type": "SINGLE_CONNECTION",
                "actionId": "2",
                "actionTypeId": "0-4",
                "actionTypeVersion": 0,
                "fields": {"content_id": "7001"},
            },
        ],
        "enrollmentCriteria": {"type": "MANUAL", "shouldReEnroll": False},
        "timeWindows": [],
        "blockedDates": [],
        "customProperties": {},
        "dataSources": [],
        "suppressionListIds": [],
        "canEnrollFromSalesforce": False,
        **extra,
    }


def platform_flow(object_type_id: str = "0-2") -> dict[str, Any]:
    body = {k: v for k, v in contact_flow().items() if k not in ("suppressionListIds", "canEnrollFromSalesforce")}
    return {**body, "type": "PLATFORM_FLOW", "objectTypeId": object_type_id}


def put_body(flow: dict[str, Any], revision: str, **extra: Any) -> dict[str, Any]:
    """A PUT body: the create body without objectTypeId, flowType and dataSources, plus revisionId."""
    body = {k: v for k, v in flow.items() if k not in ("objectTypeId", "flowType", "dataSources")}
    return {**body, "revisionId": revision, **extra}


def test_create_fills_server_fields(client: HubSpot) -> None:
    response = call(client, "POST", "/automation/v4/flows", contact_flow())
    assert response.status_code == 201
    flow = response.json()
    assert flow["id"].isdigit() and flow["revisionId"] == "1"
    assert flow["nextAvailableActionId"] == "3"
    assert flow["crmObjectCreationStatus"] == "COMPLETE"
    assert (flow["timeWindows"], flow["blockedDates"], flow["customProperties"], flow["dataSources"]) == (
        [],
        [],
        {},
        [],
    )
    assert flow["createdAt"] == flow["updatedAt"]
    assert call(client, "GET", f"/automation/v4/flows/{flow['id']}").json() == flow


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"type": None}, "type"),
        ({"type": "EMAIL_FLOW"}, "type must be one of"),
        ({"flowType": None}, "flowType"),
        ({"isEnabled": "yes"}, "isEnabled"),
        ({"objectTypeId": "0-2"}, "CONTACT_FLOW"),
        ({"startActionId": "9"}, "startActionId"),
        (
            {
                "actions": [
                    {"type": "SINGLE_CONNECTION", "actionId": "1", "connection": {"nextActionId": "7"}}
                ]
            },
            "nextActionId",
        ),
    ],
)
def test_invalid_flows_are_400(client: HubSpot, change: dict[str, Any], fragment: str) -> None:
    body = {k: v for k, v in {**contact_flow(), **change}.items() if v is not None}
    response = call(client, "POST", "/automation/v4/flows", body)
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR" and fragment in response.json()["message"]


def test_platform_flow_on_companies(client: HubSpot) -> None:
    assert call(client, "POST", "/automation/v4/flows", platform_flow()).status_code == 201


def test_put_needs_the_current_revision_and_bumps_it(client: HubSpot) -> None:
    flow = call(client, "POST", "/automation/v4/flows", contact_flow()).json()
    path = f"/automation/v4/flows/{flow['id']}"
    update = put_body(contact_flow(name="Renamed"), "1", isEnabled=True)
    first = call(client, "PUT", path, update)
    assert first.status_code == 200
    assert first.json()["revisionId"] == "2" and first.json()["name"] == "Renamed"
    assert first.json()["createdAt"] == flow["createdAt"]
    assert first.json()["objectTypeId"] == "0-1" and first.json()["flowType"] == "WORKFLOW"
    stale = call(client, "PUT", path, update)
    assert stale.status_code == 409
    assert "stale" in stale.json()["message"] and stale.json()["category"] == "CONFLICT"
    missing = call(client, "PUT", path, put_body(contact_flow(), "2") | {"revisionId": None})
    assert missing.status_code == 400
    retype = call(client, "PUT", path, {**update, "revisionId": "2", "type": "PLATFORM_FLOW"})
    assert retype.status_code == 400
    assert call(client, "GET", path).json()["revisionId"] == "2"


def test_list_pages_with_cursor(client: HubSpot) -> None:
    ids = [call(client, "POST", "/automation/v4/flows", contact_flow(f"F{i}")).json()["id"] for i in range(5)]
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        qs: dict[str, Any] = {"limit": 2, **({"after": after} if after else {})}
        page = call(client, "GET", "/automation/v4/flows", qs=qs).json()
        pages += 1
        seen.extend(f["id"] for f in page["results"])
        nxt = page.get("paging", {}).get("next")
        if not nxt:
            break
        assert nxt["link"].endswith(f"after={nxt['after']}&limit=2")
        after = nxt["after"]
    assert seen == ids and pages == 3
    listing = call(client, "GET", "/automation/v4/flows").json()["results"][0]
    assert set(listing) <= {
        "id",
        "revisionId",
        "isEnabled",
        "flowType",
        "name",
        "objectTypeId",
        "createdAt",
        "updatedAt",
    }


def test_delete_and_batch_read(client: HubSpot) -> None:
    a = call(client, "POST", "/automation/v4/flows", contact_flow("A")).json()
    b = call(client, "POST", "/automation/v4/flows", contact_flow("B")).json()
    assert call(client, "DELETE", f"/automation/v4/flows/{b['id']}").status_code == 204
    assert call(client, "GET", f"/automation/v4/flows/{b['id']}").status_code == 404
    inputs = [{"flowId": a["id"], "type": "FLOW_ID"}, {"flowId": b["id"], "type": "FLOW_ID"}]
    read = call(client, "POST", "/automation/v4/flows/batch/read", {"inputs": inputs})
    assert read.status_code == 207
    assert [f["id"] for f in read.json()["results"]] == [a["id"]] and read.json()["numErrors"] == 1
    only_a = call(client, "POST", "/automation/v4/flows/batch/read", {"inputs": inputs[:1]})
    assert only_a.status_code == 200 and only_a.json()["status"] == "COMPLETE"
