"""CRM records through ``client.crm.objects.basic_api`` / ``batch_api``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.objects import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchReadInputSimplePublicObjectId,
    SimplePublicObject,
)

from providers.hubspot.emulator.server import EmulatorServer

from .conftest import body_of

pytestmark = pytest.mark.emulator


def error(fn: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(ApiException) as info:
        fn()
    return info.value.status, body_of(info.value)


def test_create_read_update_archive(client: HubSpot) -> None:
    api = client.crm.objects.basic_api
    created = api.create("contacts", {"properties": {"email": "Ada@Example.com", "firstname": "Ada"}})
    assert isinstance(created, SimplePublicObject)  # 201
    assert created.properties["email"] == "ada@example.com"
    assert created.properties["hs_object_id"] == created.id
    fetched = api.get_by_id("contacts", created.id)
    assert set(fetched.properties) == {
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    }
    assert fetched.properties["lastname"] is None
    assert api.get_by_id("contacts", created.id, properties=["jobtitle"]).properties == {
        "hs_object_id": created.id,
        "jobtitle": None,
    }
    by_email = api.get_by_id("contacts", "ADA@example.com", id_property="email")
    assert by_email.id == created.id
    updated = api.update("contacts", created.id, {"properties": {"jobtitle": "COO", "firstname": ""}})
    assert updated.properties["jobtitle"] == "COO" and "firstname" not in updated.properties
    assert api.archive("contacts", created.id) is None
    status, body = error(lambda: api.get_by_id("contacts", created.id))
    assert status == 404 and body["category"] == "OBJECT_NOT_FOUND"


def test_values_are_validated_and_strings(client: HubSpot) -> None:
    api = client.crm.objects.basic_api
    made = api.create(
        "companies",
        {"properties": {"name": "Acme", "numberofemployees": 250, "industry": "RETAIL"}},
    )
    assert made.properties["numberofemployees"] == "250"
    status, body = error(
        lambda: api.create("companies", {"properties": {"industry": "logistics", "colour": "red"}})
    )
    assert status == 400 and body["message"].startswith("Property values were not valid: ")
    codes = {e["name"]: e["error"] for e in body["errors"]}
    assert codes == {"industry": "INVALID_OPTION", "colour": "PROPERTY_DOESNT_EXIST"}
    status, body = error(lambda: api.create("companies", {"properties": {"numberofemployees": "lots"}}))
    assert status == 400
    status, body = error(lambda: api.create("contacts", {"properties": {"hs_email_optout": "maybe"}}))
    assert status == 400 and body["errors"][0]["error"] == "INVALID_BOOLEAN"
    normalised = api.create(
        "contacts", {"properties": {"hs_email_optout": True, "hs_sales_email_last_replied": "1427997766000"}}
    )
    assert normalised.properties["hs_email_optout"] == "true"
    assert normalised.properties["hs_sales_email_last_replied"] == "2015-04-02T18:02:46.000Z"


def test_duplicate_contact_email_is_409(client: HubSpot) -> None:
    first = client.crm.objects.basic_api.create("contacts", {"properties": {"email": "x@y.com"}})
    status, body = error(
        lambda: client.crm.objects.basic_api.create("contacts", {"properties": {"email": "X@y.com"}})
    )
    assert status == 409 and body["category"] == "CONFLICT" and first.id in body["message"]


def test_deal_stage_drives_pipeline_and_closed_flags(client: HubSpot) -> None:
    api = client.crm.objects.basic_api
    deal = api.create("deals", {"properties": {"dealname": "Big", "dealstage": "closedwon"}})
    assert deal.properties["pipeline"] == "default"
    flags = api.get_by_id(
        "deals", deal.id, properties=["hs_is_closed", "hs_is_closed_won", "hs_deal_stage_probability"]
    )
    assert flags.properties["hs_is_closed"] == "true" and flags.properties["hs_is_closed_won"] == "true"
    assert flags.properties["hs_deal_stage_probability"] == "1.0"
    status, body = error(lambda: api.create("deals", {"properties": {"dealstage": "nope"}}))
    assert status == 400 and body["errors"][0]["name"] == "dealstage"
    status, _ = error(lambda: api.update("deals", deal.id, {"properties": {"hs_is_closed": "false"}}))
    assert status == 400


def test_calculation_properties_are_computed_on_read(client: HubSpot) -> None:
    core = client.crm.properties.core_api
    core.create(
        "contacts",
        {
            "name": "gtm_fit",
            "label": "Fit",
            "type": "number",
            "fieldType": "number",
            "groupName": "contactinformation",
        },
    )
    core.create(
        "contacts",
        {"name": "gtm_lead_score", "label": "Score", "type": "number", "fieldType": "calculation_equation",
         "groupName": "contactinformation",
         "calculationFormula": "(if is_present(gtm_fit) then gtm_fit else 0) "
                               "+ if hs_analytics_num_page_views >= 3 then 15 else 0"},
    )  # fmt: skip
    core.create(
        "contacts",
        {"name": "gtm_lead_band", "label": "Band", "type": "string", "fieldType": "calculation_equation",
         "groupName": "contactinformation",
         "calculationFormula": "if gtm_lead_score >= 30 then 'hot' "
                               "elseif gtm_lead_score >= 20 then 'warm' else 'cold'"},
    )  # fmt: skip
    api = client.crm.objects.basic_api
    wanted = ["gtm_lead_score", "gtm_lead_band"]
    hot = api.create("contacts", {"properties": {"gtm_fit": "20", "hs_analytics_num_page_views": "4"}})
    assert api.get_by_id("contacts", hot.id, properties=wanted).properties == {
        "hs_object_id": hot.id,
        "gtm_lead_score": "35",
        "gtm_lead_band": "hot",
    }
    blank = api.create("contacts", {"properties": {"gtm_fit": "20"}})
    assert api.get_by_id("contacts", blank.id, properties=wanted).properties["gtm_lead_score"] is None
    api.update("contacts", blank.id, {"properties": {"hs_analytics_num_page_views": "1"}})
    assert api.get_by_id("contacts", blank.id, properties=wanted).properties["gtm_lead_band"] == "warm"
    status, body = error(lambda: api.update("contacts", blank.id, {"properties": {"gtm_lead_score": "99"}}))
    assert status == 400 and body["errors"][0]["error"] == "READ_ONLY_VALUE"


def test_batch_create_update_read_archive(client: HubSpot) -> None:
    batch = client.crm.objects.batch_api
    created = batch.create(
        "companies",
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[{"properties": {"name": f"Co {i}", "numberofemployees": str(i * 100)}} for i in range(3)]
        ),
    )
    assert created.status == "COMPLETE" and len(created.results) == 3  # 201
    ids = [r.id for r in created.results]
    updated = batch.update(
        "companies",
        BatchInputSimplePublicObjectBatchInput(inputs=[{"id": ids[0], "properties": {"city": "Pune"}}]),
    )
    assert updated.results[0].properties["city"] == "Pune"
    partial = batch.update(
        "companies",
        {"inputs": [{"id": ids[1], "properties": {"city": "Oslo"}}, {"id": "404404", "properties": {}}]},
    )
    assert partial.num_errors == 1 and partial.results[0].properties["city"] == "Oslo"
    read = batch.read(
        "companies",
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": i} for i in ids], properties=["city", "name"], properties_with_history=[]
        ),
    )
    assert [r.properties.get("city") for r in read.results] == ["Pune", "Oslo", None]
    status, _ = error(
        lambda: batch.create(
            "companies", {"inputs": [{"properties": {"name": "ok"}}, {"properties": {"industry": "bad"}}]}
        )
    )
    assert status == 400  # all or nothing
    assert batch.archive("companies", {"inputs": [{"id": ids[2]}]}) is None
    read_again = batch.read("companies", {"inputs": [{"id": ids[2]}], "properties": []})
    assert read_again.num_errors == 1
    too_many = {"inputs": [{"properties": {"name": str(i)}} for i in range(101)]}
    status, _ = error(lambda: batch.create("companies", too_many))
    assert status == 400


def test_get_page_cursor(client: HubSpot) -> None:
    client.crm.objects.batch_api.create(
        "deals", {"inputs": [{"properties": {"dealname": f"D{i}"}} for i in range(25)]}
    )
    names: list[str] = []
    after = None
    while True:
        page = client.crm.objects.basic_api.get_page("deals", limit=10, after=after, properties=["dealname"])
        names.extend(r.properties["dealname"] for r in page.results)
        if page.paging is None:
            break
        after = page.paging.next.after
    assert names == [f"D{i}" for i in range(25)]


def test_concurrent_writers_get_distinct_records(emulator: EmulatorServer, client: HubSpot) -> None:
    def create(worker: int) -> list[str]:
        return [
            client.crm.objects.basic_api.create(
                "contacts", {"properties": {"email": f"w{worker}-{i}@x.com"}}
            ).id
            for i in range(20)
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = [record_id for batch in pool.map(create, range(8)) for record_id in batch]
    assert len(ids) == len(set(ids)) == 160
    assert len(emulator.state.records["contacts"]) == 160
    assert emulator.stats()["by_status"] == {"201": 160}
