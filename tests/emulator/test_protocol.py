"""Cross-cutting protocol: auth, scopes, the error envelope, headers, routing."""

from __future__ import annotations

import uuid

import pytest
import requests
from hubspot import HubSpot
from hubspot.crm.properties import ApiException as PropertiesApiException
from hubspot.crm.properties.exceptions import ForbiddenException, UnauthorizedException

from providers.hubspot.emulator.server import EmulatorServer

from .conftest import TOKEN, body_of, call

pytestmark = pytest.mark.emulator

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
    "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
RATE_HEADERS = (
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Interval-Milliseconds",
    "X-HubSpot-RateLimit-Daily",
    "X-HubSpot-RateLimit-Daily-Remaining",
)


def assert_envelope(body: dict[str, object], category: str) -> None:
    assert body["status"] == "error"
    assert body["category"] == category
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list)
    uuid.UUID(str(body["correlationId"]), version=4)


def test_wrong_token_is_401_with_hubspot_message(emulator: EmulatorServer) -> None:
    bad = HubSpot(access_token="pat-wrong", host=emulator.base_url)
    with pytest.raises(UnauthorizedException) as info:
        bad.crm.properties.core_api.get_all("contacts")
    body = body_of(info.value)
    assert info.value.status == 401
    assert_envelope(body, "INVALID_AUTHENTICATION")
    assert body["message"] == AUTH_MESSAGE
    assert info.value.headers["X-HubSpot-Correlation-Id"] == body["correlationId"]


def test_missing_header_is_401(emulator: EmulatorServer) -> None:
    response = requests.get(f"{emulator.base_url}/crm/v3/pipelines/deals", timeout=5)
    assert response.status_code == 401
    assert_envelope(response.json(), "INVALID_AUTHENTICATION")
    for header in RATE_HEADERS:
        assert header in response.headers


def test_missing_scope_is_403_naming_the_scope(emulator: EmulatorServer, client: HubSpot) -> None:
    emulator.configure(granted_scopes=["crm.schemas.contacts.read"])
    assert client.crm.properties.core_api.get_all("contacts").results  # granted
    with pytest.raises(ForbiddenException) as info:
        client.crm.properties.core_api.get_all("companies")
    body = body_of(info.value)
    assert_envelope(body, "MISSING_SCOPES")
    assert body["errors"][0]["context"]["requiredGranularScopes"] == ["crm.schemas.companies.read"]
    with pytest.raises(ForbiddenException) as info:
        client.crm.properties.groups_api.create("contacts", {"name": "g1", "label": "G"})
    assert body_of(info.value)["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.schemas.contacts.write"
    ]
    assert call(client, "GET", "/automation/v4/flows").status_code == 403
    emulator.configure(granted_scopes=None)
    assert call(client, "GET", "/automation/v4/flows").status_code == 200


def test_unknown_route_is_404_envelope(client: HubSpot) -> None:
    response = call(client, "GET", "/crm/v3/nothing-here")
    assert response.status_code == 404
    assert_envelope(response.json(), "OBJECT_NOT_FOUND")
    assert response.headers["X-HubSpot-Correlation-Id"] == response.json()["correlationId"]
    wrong_method = call(client, "PATCH", "/crm/v3/lists/search", body={"x": 1})
    assert wrong_method.status_code == 404


def test_unknown_object_type_is_400(client: HubSpot) -> None:
    with pytest.raises(PropertiesApiException) as info:
        client.crm.properties.core_api.get_all("spaceships")
    assert info.value.status == 400
    assert "spaceships" in body_of(info.value)["message"]


def test_invalid_json_is_400_validation_error(emulator: EmulatorServer) -> None:
    response = requests.post(
        f"{emulator.base_url}/crm/v3/properties/contacts",
        data="{not json",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    body = response.json()
    assert_envelope(body, "VALIDATION_ERROR")
    assert body["message"].startswith("Invalid input JSON on line 1")


def test_trailing_slash_and_object_ids_are_equivalent(client: HubSpot) -> None:
    plain = call(client, "GET", "/crm/v3/properties/contacts").json()
    slashed = call(client, "GET", "/crm/v3/properties/contacts/").json()
    by_id = call(client, "GET", "/crm/v3/properties/0-1").json()
    assert plain == slashed == by_id
    # the client itself posts lists to /crm/v3/lists/ (trailing slash)
    created = client.crm.lists.lists_api.create(
        {"name": "Slash", "objectTypeId": "0-1", "processingType": "MANUAL"}
    )
    assert created.list.name == "Slash"


def test_every_response_has_rate_limit_and_correlation_headers(client: HubSpot) -> None:
    response = client.crm.pipelines.pipelines_api.get_all_with_http_info("deals")
    headers = response[2]
    for header in RATE_HEADERS:
        assert header in headers
    assert headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert int(headers["X-HubSpot-RateLimit-Daily-Remaining"]) < int(headers["X-HubSpot-RateLimit-Daily"])
    uuid.UUID(headers["X-HubSpot-Correlation-Id"])


def test_correlation_ids_are_unique_per_request(client: HubSpot) -> None:
    ids = {call(client, "GET", "/crm/v3/nothing").json()["correlationId"] for _ in range(5)}
    assert len(ids) == 5
