"""The seeded directory through the official client: owners (with user and team ids) and
marketing emails, cursor-paged, 404 with HubSpot's envelope for an unknown id."""

from __future__ import annotations

import json

import pytest
from hubspot import HubSpot

from .conftest import call

pytestmark = pytest.mark.emulator


def test_owners_page_with_users_and_teams(client: HubSpot) -> None:
    api = client.crm.owners.owners_api
    first = json.loads(api.get_page(limit=2, _preload_content=False).data)
    assert [o["id"] for o in first["results"]] == ["101", "102"]
    rest = json.loads(api.get_page(limit=2, after=first["paging"]["next"]["after"], _preload_content=False).data)
    assert [o["id"] for o in rest["results"]] == ["103"] and "paging" not in rest
    owner = api.get_by_id("101")
    assert owner.user_id == 9001 and owner.teams[0].id == "301"


def test_marketing_emails_and_unknown_ids(client: HubSpot) -> None:
    page = call(client, "GET", "/marketing/v3/emails").json()
    assert [e["id"] for e in page["results"]] == [str(i) for i in range(7001, 7013)]
    assert call(client, "GET", "/marketing/v3/emails/7005").json()["id"] == "7005"
    missing = call(client, "GET", "/marketing/v3/emails/7999")
    assert missing.status_code == 404 and missing.json()["category"] == "OBJECT_NOT_FOUND"
    assert call(client, "GET", "/crm/v3/owners/555").status_code == 404
