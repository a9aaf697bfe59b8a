"""Neutral workflows ⇄ HubSpot v4 flows: body shape, action chain, round trips (with and without
gtm's stored metadata), server-side normalisation, the example specs' workflows."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings

from compiler.backends.hubspot_flows import (
    ACTION_TYPES,
    DIGEST_KEY,
    SPEC_KEY,
    flow_to_workflow_attrs,
    normalize_flow,
    put_body,
    workflow_to_flow,
)
from compiler.conditions.ast import from_data
from compiler.conditions.evaluate import evaluate
from compiler.ir import Resource

from .support import Record, example, example_resolver, example_types, records_st, value_pools

WORKFLOWS = example("workflow")


def build(res: Resource, **kw: Any) -> tuple[dict[str, Any], list[Any]]:
    """The example workflow's body with the bundled gtm.yaml's emulator mappings."""
    kw.setdefault("resolve", example_resolver())
    return workflow_to_flow(res.name, res.attributes, example_types(str(res.object)), env_name="emulator", **kw)


def as_server_returns(flow: dict[str, Any]) -> dict[str, Any]:
    """What GET /automation/v4/flows/{id} plausibly returns for a created body: server fields
    added, defaults filled, actions and filters in another order."""
    live = copy.deepcopy(flow)
    live.update(
        {
            "id": "1234567",
            "revisionId": "3",
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-02T00:00:00Z",
            "crmObjectCreationStatus": "COMPLETE",
            "uuid": "0b7c-...",
        }
    )
    live["actions"] = list(reversed(live["actions"]))
    crit = live.get("enrollmentCriteria") or {}
    fb = crit.get("listFilterBranch")
    if fb:
        fb["filterBranches"] = list(reversed(fb["filterBranches"]))
        for b in fb["filterBranches"]:
            b["filters"] = list(reversed(b["filters"]))
            del b["filterBranchOperator"]
    return live


def _filters(fb: dict[str, Any]) -> list[dict[str, Any]]:
    return [*fb.get("filters", []), *(f for b in fb.get("filterBranches", []) for f in _filters(b))]


# -- shape ------------------------------------------------------------------------------------------------
def test_contact_flow_shape() -> None:
    attrs = {
        "object": "contacts",
        "description": "d",
        "enrollment": {"property": "n1", "gte": 3},
        "reenroll": True,
        "goal": {"property": "d1", "known": True},
        "actions": [
            {"type": "delay", "duration": "2h"},
            {"type": "set_property", "property": "hs_lead_status", "value": "OPEN"},
            {"type": "delay", "duration": "3d"},
        ],
    }
    flow, diags = workflow_to_flow("gtm-x", attrs, {"n1": "number", "d1": "datetime"}.get)
    assert not diags
    assert {
        k: flow[k]
        for k in (
            "type",
            "objectTypeId",
            "flowType",
            "isEnabled",
            "name",
            "description",
            "startActionId",
        )
    } == {
        "type": "CONTACT_FLOW",
        "objectTypeId": "0-1",
        "flowType": "WORKFLOW",
        "isEnabled": False,
        "name": "gtm-x",
        "description": "d",
        "startActionId": "1",
    }
    assert "nextAvailableActionId" not in flow  # not in the create schema: the server fills it
    assert [(a["actionId"], a["actionTypeId"], a["type"], a.get("connection")) for a in flow["actions"]] == [
        ("1", "0-1", "SINGLE_CONNECTION", {"edgeType": "STANDARD", "nextActionId": "2"}),
        ("2", "0-5", "SINGLE_CONNECTION", {"edgeType": "STANDARD", "nextActionId": "3"}),
        ("3", "0-1", "SINGLE_CONNECTION", None),
    ]
    assert flow["actions"][0]["fields"] == {"delta": "120", "time_unit": "MINUTES"}
    assert flow["actions"][2]["fields"] == {"delta": "3", "time_unit": "DAYS"}
    assert flow["actions"][1]["fields"] == {
        "property_name": "hs_lead_status",
        "value": {"type": "STATIC_VALUE", "staticValue": "OPEN"},
    }
    crit = flow["enrollmentCriteria"]
    assert crit["type"] == "LIST_BASED" and crit["shouldReEnroll"] is True
    # re-enrolment only with triggers: "the property changed to a value meeting the enrolment operation"
    trigger = crit["reEnrollmentTriggersFilterBranches"][0]
    assert trigger["filterBranchType"] == "AND"
    assert [f["property"] for f in trigger["filters"]] == ["hs_name", "hs_value"]
    assert trigger["filters"][0]["operation"]["value"] in {f["property"] for f in _filters(crit["listFilterBranch"])}
    assert crit["listFilterBranch"]["filterBranchType"] == "OR"
    assert flow["goalFilterBranch"]["filterBranches"][0]["filters"][0]["operation"]["operator"] == "IS_KNOWN"
    assert flow["suppressionListIds"] == [] and flow["canEnrollFromSalesforce"] is False
    assert set(flow["customProperties"]) == {SPEC_KEY, DIGEST_KEY}
    assert all(isinstance(v, str) for v in flow["customProperties"].values())


def test_platform_flow_and_object_type_ids() -> None:
    for obj, type_id in (("companies", "0-2"), ("deals", "0-3")):
        flow, diags = workflow_to_flow(
            "gtm-y",
            {
                "object": obj,
                "description": "",
                "enrollment": None,
                "reenroll": False,
                "goal": None,
                "actions": [],
            },
            lambda _: None,
        )
        assert not diags
        assert (flow["type"], flow["objectTypeId"]) == ("PLATFORM_FLOW", type_id)
        assert flow["enrollmentCriteria"] == {"type": "MANUAL", "shouldReEnroll": False}
        assert "startActionId" not in flow and "nextAvailableActionId" not in flow and flow["actions"] == []
        assert "goalFilterBranch" not in flow and "suppressionListIds" not in flow


def test_goal_on_a_platform_flow_is_an_error() -> None:
    attrs = {
        "object": "deals",
        "description": "",
        "enrollment": None,
        "reenroll": False,
        "goal": {"property": "notes_last_contacted", "known": True},
        "actions": [],
    }
    flow, diags = workflow_to_flow("gtm-sla-deals", attrs, lambda _: None)
    assert [(d.code, d.is_error) for d in diags] == [("GTM503", True)]
    assert diags[0].address == "workflow.gtm-sla-deals" and "goalFilterBranch" not in flow


def test_enrollment_errors_are_reported_with_the_address() -> None:
    attrs = {
        "object": "contacts",
        "description": "",
        "enrollment": {"property": "s1", "gt": "x"},
        "reenroll": False,
        "goal": None,
        "actions": [],
    }
    flow, diags = workflow_to_flow("gtm-bad", attrs, {"s1": "string"}.get)
    assert [d.code for d in diags] == ["GTM501"] and diags[0].address == "workflow.gtm-bad"
    assert "enrollmentCriteria" not in flow


def test_every_action_type_and_the_resolver() -> None:
    refs = {("email", "welcome"): "5551", ("assignee", "sales"): "77", ("recipient", "owner_manager"): "user:88",
            ("recipient", "team"): "team:301"}
    attrs = {
        "object": "companies",
        "description": "",
        "enrollment": None,
        "reenroll": False,
        "goal": None,
        "actions": [
            {"type": "send_email", "email": "welcome", "ask": "read"},
            {"type": "create_task", "title": "Call", "assign_to": "sales", "due_in": "4h"},
            {"type": "create_task", "title": "Own", "assign_to": "owner", "due_in": "2d"},
            {"type": "notify", "recipient": "owner_manager", "message": "late"},
            {"type": "notify", "recipient": "owner", "message": "late"},
            {"type": "notify", "recipient": "team", "message": "late"},
            {"type": "set_property", "property": "flag", "value": True},
            {"type": "copy_property", "property": "gtm_tier", "to_object": "contacts"},
            {"type": "hubspot", "action_type_id": "0-99", "fields": {"x": "1"}},
        ],
    }
    flow, diags = workflow_to_flow("gtm-all", attrs, lambda _: None, resolve=lambda kind, key: refs.get((kind, key)))
    assert not diags
    f = [a["fields"] for a in flow["actions"]]
    assert [a["actionTypeId"] for a in flow["actions"]] == [
        "0-4",
        "0-3",
        "0-3",
        "0-8",
        "0-8",
        "0-8",
        "0-5",
        "0-5",
        "0-99",
    ]
    assert f[0] == {"content_id": "5551"}
    assert f[1]["owner_assignment"] == {
        "type": "CUSTOM",
        "value": {"type": "STATIC_VALUE", "staticValue": "77"},
    }
    assert f[1]["due_time"] == {"delta": 240, "timeUnit": "MINUTES", "daysOfWeek": []}
    assert f[1]["associations"][0]["target"]["associationTypeId"] == 192
    assert f[2]["owner_assignment"]["value"] == {
        "type": "OBJECT_PROPERTY",
        "propertyName": "hubspot_owner_id",
    }
    assert f[2]["due_time"]["timeUnit"] == "DAYS" and f[2]["due_time"]["delta"] == 2
    assert f[3] == {"subject": "late", "body": "late", "user_ids": ["88"]}
    assert f[4] == {"subject": "late", "body": "late", "owner_properties": ["hubspot_owner_id"]}
    assert f[5] == {"subject": "late", "body": "late", "team_ids": ["301"]}
    assert f[6]["value"] == {"type": "STATIC_VALUE", "staticValue": "true"}
    assert f[7] == {
        "property_name": "gtm_tier",
        "association": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280},
        "value": {"type": "OBJECT_PROPERTY", "propertyName": "gtm_tier"},
    }
    assert flow_to_workflow_attrs(flow) == attrs
    stripped = dict(flow, customProperties={})
    back = flow_to_workflow_attrs(stripped)["actions"]
    assert back[0] == {"type": "send_email", "email": "hubspot-email-5551", "ask": None}
    assert back[1]["assign_to"] == "hubspot-owner-77" and back[1]["due_in"] == "4h"
    assert back[3]["recipient"] == "hubspot-user-88"
    assert back[5]["recipient"] == "hubspot-team-301"
    assert back[6:] == [
        {"type": "set_property", "property": "flag", "value": "true"},
        {"type": "copy_property", "property": "gtm_tier", "to_object": "contacts"},
        {"type": "hubspot", "action_type_id": "0-99", "fields": {"x": "1"}},
    ]


def test_unmapped_references_are_errors_never_placeholders() -> None:
    attrs = {
        "object": "contacts",
        "description": "",
        "enrollment": None,
        "reenroll": False,
        "goal": None,
        "actions": [
            {"type": "send_email", "email": "welcome", "ask": "read"},
            {"type": "create_task", "title": "t", "assign_to": "sdr", "due_in": "1d"},
            {"type": "notify", "recipient": "team", "message": "m"},
        ],
    }
    for resolve in (None, lambda kind, key: None):
        flow, diags = workflow_to_flow("gtm-w", attrs, lambda _: None, resolve=resolve, env_name="prod")
        assert [(d.code, d.is_error) for d in diags] == [("GTM510", True), ("GTM511", True), ("GTM512", True)]
        assert diags[0].summary == 'email "welcome" is not mapped to a HubSpot marketing email in environment "prod"'
        assert all(d.address == "workflow.gtm-w" for d in diags)
        assert "gtm-email:" not in json.dumps(flow)
        assert "staticValue" not in json.dumps(flow["actions"][1]) and "user_ids" not in flow["actions"][2]["fields"]


def test_reenrolment_never_without_triggers() -> None:
    attrs = {"object": "deals", "description": "", "reenroll": True, "goal": None, "actions": [],
             "enrollment": {"property": "amount", "gte": 5}}
    flow, diags = workflow_to_flow("gtm-r", attrs, {"amount": "number"}.get)
    crit = flow["enrollmentCriteria"]
    assert crit["shouldReEnroll"] is True and len(crit["reEnrollmentTriggersFilterBranches"]) == 1
    hs_value = crit["reEnrollmentTriggersFilterBranches"][0]["filters"][1]
    assert hs_value["operation"]["operator"] == "IS_GREATER_THAN_OR_EQUAL_TO" and hs_value["operation"]["value"] == 5
    assert not diags
    off, _ = workflow_to_flow("gtm-r", dict(attrs, reenroll=False), {"amount": "number"}.get)
    assert off["enrollmentCriteria"]["shouldReEnroll"] is False
    assert off["enrollmentCriteria"]["reEnrollmentTriggersFilterBranches"] == []


def test_put_body_carries_only_put_schema_fields() -> None:
    for obj in ("contacts", "deals"):
        attrs = {"object": obj, "description": "", "reenroll": False, "goal": None, "actions": [],
                 "enrollment": None}
        flow, _ = workflow_to_flow("gtm-p", attrs, lambda _: None)
        body = put_body(flow, "7", True)
        assert not {"objectTypeId", "flowType", "dataSources", "nextAvailableActionId"} & set(body)
        assert body["revisionId"] == "7" and body["isEnabled"] is True and body["type"] == flow["type"]


def test_unknown_actions_and_bad_copies_are_errors() -> None:
    attrs = {
        "object": "contacts",
        "description": "",
        "enrollment": None,
        "reenroll": False,
        "goal": None,
        "actions": [
            {"type": "sms", "text": "hi"},
            {"type": "copy_property", "property": "p", "to_object": "tickets"},
            {"type": "delay", "duration": "soon"},
        ],
    }
    flow, diags = workflow_to_flow("gtm-e", attrs, lambda _: None)
    assert [(d.code, d.is_error) for d in diags] == [("GTM503", True)] * 3
    assert flow["actions"] == []


def test_action_types_table_is_complete() -> None:
    assert set(ACTION_TYPES) == {
        "delay",
        "send_email",
        "create_task",
        "notify",
        "set_property",
        "copy_property",
    }
    assert all(prov.split(":")[0] in ("DOC", "OBSERVED") for _, prov in ACTION_TYPES.values())


# -- normalisation ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("res", WORKFLOWS, ids=lambda r: r.name)
def test_normalize_drops_server_fields_and_is_idempotent(res: Resource) -> None:
    flow, _ = build(res)
    live = as_server_returns(flow)
    n = normalize_flow(live)
    assert not {"id", "revisionId", "createdAt", "updatedAt", "crmObjectCreationStatus", "uuid"} & set(n)
    assert n == normalize_flow(flow) == normalize_flow(n)


# -- round trips ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("res", WORKFLOWS, ids=lambda r: r.name)
def test_example_workflows_round_trip(res: Resource) -> None:
    flow, diags = build(res)
    assert not [d for d in diags if d.is_error]
    assert flow["isEnabled"] is False
    assert flow_to_workflow_attrs(flow) == res.attributes
    assert flow_to_workflow_attrs(as_server_returns(flow)) == res.attributes
    json.dumps(flow)  # plain JSON


@pytest.mark.parametrize("res", WORKFLOWS, ids=lambda r: r.name)
def test_edited_flow_reads_back_from_hubspot_fields(res: Resource) -> None:
    """Someone changes the flow in HubSpot: the stored metadata no longer applies."""
    flow, _ = build(res)
    live = as_server_returns(flow)
    live["enrollmentCriteria"]["shouldReEnroll"] = not live["enrollmentCriteria"]["shouldReEnroll"]
    live["actions"] = live["actions"][1:] if len(live["actions"]) > 1 else live["actions"]
    attrs = flow_to_workflow_attrs(live)
    assert attrs["reenroll"] is not res.attributes["reenroll"]
    if len(flow["actions"]) > 1:
        assert attrs["actions"] != res.attributes["actions"]


@pytest.mark.parametrize("res", WORKFLOWS, ids=lambda r: r.name)
def test_without_metadata_conditions_keep_their_meaning(res: Resource) -> None:
    flow, _ = build(res)
    attrs = flow_to_workflow_attrs(dict(as_server_returns(flow), customProperties={}))
    assert {k: attrs[k] for k in ("object", "description", "reenroll")} == {
        k: res.attributes[k] for k in ("object", "description", "reenroll")
    }
    assert [a["type"] for a in attrs["actions"]] == [a["type"] for a in res.attributes["actions"]]
    pairs = [(res.attributes[k], attrs[k]) for k in ("enrollment", "goal") if res.attributes[k] is not None]
    types = example_types(str(res.object))
    table, pools = value_pools([from_data(a) for a, _ in pairs], types, lambda _name: ["x", "y"])

    @settings(max_examples=200, deadline=None)
    @given(rec=records_st(table, pools))
    def check(rec: Record) -> None:
        for want, got in pairs:
            assert evaluate(from_data(got), rec) == evaluate(from_data(want), rec)

    if pairs:
        check()


# -- apply, then read, against the HubSpot emulator over loopback ---------------------------------------------
_FIELD_TYPES = {"enumeration": "select", "number": "number", "string": "text", "bool": "booleancheckbox",
                "date": "date", "datetime": "date"}


def _create_example_properties(client: Any) -> None:
    """The example's own properties, as plain (not calculated) properties of their type."""
    props = example("property")
    for obj in sorted({str(r.object) for r in props}):
        for g in sorted({str(r.attributes["group"]) for r in props if r.object == obj}):
            client.crm.properties.groups_api.create(obj, {"name": g, "label": g})
    for r in props:
        a = r.attributes
        body = {"name": r.name, "label": a["label"], "groupName": a["group"], "type": a["type"],
                "fieldType": _FIELD_TYPES[a["type"]],
                "options": [{"label": o["label"], "value": o["value"], "displayOrder": i, "hidden": False}
                            for i, o in enumerate(a.get("options") or [])]}
        client.crm.properties.core_api.create(str(r.object), body)


@pytest.mark.emulator
def test_example_flows_survive_create_and_read_in_the_emulator() -> None:
    server_mod = pytest.importorskip("providers.hubspot.emulator.server")
    from hubspot import HubSpot

    with server_mod.EmulatorServer(token="pat-backends", seed=True) as emu:
        client = HubSpot(access_token="pat-backends", host=emu.base_url, base_url=emu.base_url)
        _create_example_properties(client)  # the emulator refuses filters on properties it lacks
        for res in WORKFLOWS:
            flow, _ = build(res)
            created = client.api_request({"method": "POST", "path": "/automation/v4/flows", "body": flow})
            assert created.status_code == 201, created.text
            flow_id = created.json()["id"]
            live = client.api_request({"method": "GET", "path": f"/automation/v4/flows/{flow_id}"}).json()
            assert flow_to_workflow_attrs(live) == res.attributes
            assert normalize_flow(live) == normalize_flow(flow)
            # an update (PUT with the live revision) keeps reading back the same
            put = put_body(flow, live["revisionId"], live["isEnabled"])
            updated = client.api_request({"method": "PUT", "path": f"/automation/v4/flows/{flow_id}", "body": put})
            assert updated.status_code == 200, updated.text
            assert flow_to_workflow_attrs(updated.json()) == res.attributes


def test_no_property_filter_means_no_reenrolment_triggers() -> None:
    from compiler.backends.hubspot_flows import reenrollment_triggers

    assoc_only = {"filterBranchType": "OR", "filters": [], "filterBranches": [
        {"filterBranchType": "ASSOCIATION", "filters": [], "filterBranches": []}]}
    assert reenrollment_triggers(assoc_only) == []
    two = {"filterBranchType": "OR", "filters": [], "filterBranches": [
        {"filterBranchType": "AND", "filterBranches": [], "filters": [
            {"filterType": "PROPERTY", "property": "a", "operation": {"operationType": "ALL_PROPERTY",
                                                                      "operator": "IS_KNOWN"}}] * 2}]}
    assert len(reenrollment_triggers(two)) == 1  # the same filter twice is one trigger


def test_date_filters_make_no_reenrolment_trigger() -> None:
    """A trigger tests the value a property changes to; a date set now is never older than N days,
    so an ``older_than_days`` trigger could never fire: date leaves make no trigger."""
    from compiler.backends.hubspot_flows import reenrollment_triggers, workflow_to_flow

    types = {"dealstage": "enumeration", "hs_v2_date_entered_current_stage": "datetime"}.get
    both = {"all": [{"property": "dealstage", "eq": "qualified"},
                    {"property": "hs_v2_date_entered_current_stage", "older_than_days": 7}]}
    flow, diags = workflow_to_flow("gtm-x", {"object": "deals", "enrollment": both, "reenroll": True,
                                             "actions": []}, types)
    crit = flow["enrollmentCriteria"]
    watched = [f["operation"]["value"] for t in crit["reEnrollmentTriggersFilterBranches"]
               for f in t["filters"] if f["property"] == "hs_name"]
    assert watched == ["dealstage"] and crit["shouldReEnroll"] is True and not diags
    assert all(f["operation"]["operationType"] != "TIME_POINT" for t in reenrollment_triggers(crit["listFilterBranch"])
               for f in t["filters"])

    only_date = {"property": "hs_v2_date_entered_current_stage", "within_days": 3}
    flow, diags = workflow_to_flow("gtm-y", {"object": "deals", "enrollment": only_date, "reenroll": True,
                                             "actions": []}, types)
    crit = flow["enrollmentCriteria"]
    assert crit["reEnrollmentTriggersFilterBranches"] == [] and crit["shouldReEnroll"] is False
    assert [d.code for d in diags] == ["GTM513"]
