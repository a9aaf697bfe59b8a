"""The emulator's flow rules (providers/hubspot/emulator/flow_rules.py), each sent the wrong shape
through the official client and expected to answer with HubSpot's error envelope."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hubspot import HubSpot

from .conftest import call
from .test_flows import contact_flow, platform_flow, put_body

pytestmark = pytest.mark.emulator
FLOWS = "/automation/v4/flows"


def _action(type_id: str, fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "SINGLE_CONNECTION", "actionId": "1", "actionTypeId": type_id, "actionTypeVersion": 0,
            "fields": fields, **extra}


def _with_action(action: dict[str, Any]) -> dict[str, Any]:
    return {**contact_flow(), "actions": [action]}


def _list_based(should: bool, triggers: list[Any]) -> dict[str, Any]:
    fb = {"filterBranchType": "OR", "filterBranches": [{"filterBranchType": "AND", "filterBranches": [], "filters": [
        {"filterType": "PROPERTY", "property": "email",
         "operation": {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"}}]}], "filters": []}
    return {"type": "LIST_BASED", "shouldReEnroll": should, "listFilterBranch": fb,
            "unEnrollObjectsNotMeetingCriteria": False, "reEnrollmentTriggersFilterBranches": triggers}


def _refused(client: HubSpot, method: str, path: str, body: dict[str, Any], fragment: str) -> dict[str, Any]:
    r = call(client, method, path, body)
    assert r.status_code == 400, r.text
    err = r.json()
    assert err["status"] == "error" and err["category"] == "VALIDATION_ERROR" and err["correlationId"]
    assert fragment in err["message"], err["message"]
    return err  # type: ignore[no-any-return]


# -- request fields (SPEC create/put schemas; unknown fields STRICT) ------------------------------------------
@pytest.mark.parametrize("field", ["blockedDates", "timeWindows", "customProperties", "dataSources",
                                   "suppressionListIds", "canEnrollFromSalesforce"])
def test_create_fills_the_fields_hubspot_defaults(client: HubSpot, field: str) -> None:
    """HubSpot's own CLI reference (HubSpot/agent-cli-skills, workflow-json-reference.md): the spec
    marks these required, the API fills defaults, a minimal body creates."""
    body = {k: v for k, v in contact_flow().items() if k != field}
    r = call(client, "POST", FLOWS, body)
    assert r.status_code == 201, r.text
    assert r.json()[field] == {"canEnrollFromSalesforce": False, "customProperties": {}}.get(field, [])


def test_hubspots_minimal_create_body_is_created(client: HubSpot) -> None:
    minimal = {"name": "My flow", "type": "CONTACT_FLOW", "flowType": "WORKFLOW", "isEnabled": False,
               "objectTypeId": "0-1", "actions": []}
    r = call(client, "POST", FLOWS, minimal)
    assert r.status_code == 201, r.text
    assert r.json()["revisionId"] == "1" and r.json()["crmObjectCreationStatus"] == "COMPLETE"


@pytest.mark.parametrize("field", ["actions", "flowType", "isEnabled", "objectTypeId"])
def test_create_without_a_field_of_the_minimal_body_is_refused(client: HubSpot, field: str) -> None:
    body = {k: v for k, v in contact_flow().items() if k != field}
    err = _refused(client, "POST", FLOWS, body, f"Missing required creator property '{field}'")
    assert err["context"] == {"missingField": [field]}


def test_flow_type_is_the_discriminator_hubspot_names(client: HubSpot) -> None:
    """OBS-695 (hubspot-api-nodejs#695): a live portal's answers for a missing or mismatched ``type``."""
    body = {k: v for k, v in contact_flow().items() if k != "type"}
    _refused(client, "POST", FLOWS, body, "Some required fields were not set: [type]")
    _refused(client, "POST", FLOWS, {**platform_flow(), "objectTypeId": "0-1"},
             'Expected an object type other than "0-1" objectType but got "0-1"')


def test_the_retired_list_action_answers_500_with_no_body(client: HubSpot) -> None:
    """OBS-695: ``0-13`` (list membership, still in the v4 guide's example) answers HTTP 500 with an
    empty body on a live portal; HubSpot split it into ``0-63809083`` / ``0-63863438``."""
    r = call(client, "POST", FLOWS, _with_action(_action("0-13", {"operation": "ADD", "list_id": "178"})))
    assert r.status_code == 500 and r.content == b""
    ok = call(client, "POST", FLOWS, _with_action(_action("0-63809083", {"listId": "178",
                                                                         "targetObject": "{{ enrolled_object }}"})))
    assert ok.status_code == 201, ok.text
    _refused(client, "POST", FLOWS, _with_action(_action("0-63863438", {"listId": "178"})), "fields.targetObject")


def test_next_available_action_id_on_create_is_an_unknown_field(client: HubSpot) -> None:
    err = _refused(client, "POST", FLOWS, {**contact_flow(), "nextAvailableActionId": "3"},
                   'Unrecognized field "nextAvailableActionId"')
    assert err["context"] == {"unrecognizedField": ["nextAvailableActionId"]}


def test_contact_only_fields_on_a_platform_flow_are_unknown(client: HubSpot) -> None:
    _refused(client, "POST", FLOWS, {**platform_flow(), "suppressionListIds": []}, 'Unrecognized field')
    _refused(client, "POST", FLOWS, {**platform_flow(), "goalFilterBranch": {}}, '"goalFilterBranch"')


@pytest.mark.parametrize("field", ["objectTypeId", "flowType", "dataSources"])
def test_put_with_a_create_only_field_is_refused(client: HubSpot, field: str) -> None:
    created = call(client, "POST", FLOWS, contact_flow()).json()
    body = {**put_body(contact_flow(), created["revisionId"]), field: contact_flow()[field]}
    _refused(client, "PUT", f"{FLOWS}/{created['id']}", body, f'Unrecognized field "{field}"')
    assert call(client, "GET", f"{FLOWS}/{created['id']}").json()["revisionId"] == "1"


def test_put_without_a_required_field_is_refused(client: HubSpot) -> None:
    created = call(client, "POST", FLOWS, contact_flow()).json()
    body = {k: v for k, v in put_body(contact_flow(), created["revisionId"]).items() if k != "timeWindows"}
    _refused(client, "PUT", f"{FLOWS}/{created['id']}", body, "'timeWindows'")


# -- enrolment (SPEC required keys; re-enrolment without triggers STRICT) -----------------------------------
def test_reenrolment_without_triggers_is_refused(client: HubSpot) -> None:
    _refused(client, "POST", FLOWS, contact_flow(enrollmentCriteria=_list_based(True, [])),
             "shouldReEnroll is true but reEnrollmentTriggersFilterBranches is empty")
    trigger = {"filterBranchType": "AND", "filterBranches": [], "filters": []}
    assert call(client, "POST", FLOWS, contact_flow(enrollmentCriteria=_list_based(True, [trigger]))) \
        .status_code == 201
    assert call(client, "POST", FLOWS, contact_flow(enrollmentCriteria=_list_based(False, []))).status_code == 201


def test_list_based_enrolment_needs_its_required_keys(client: HubSpot) -> None:
    crit = _list_based(False, [])
    del crit["reEnrollmentTriggersFilterBranches"]
    _refused(client, "POST", FLOWS, contact_flow(enrollmentCriteria=crit), "reEnrollmentTriggersFilterBranches")
    _refused(client, "POST", FLOWS, contact_flow(enrollmentCriteria={"type": "MANUAL"}), "shouldReEnroll")


# -- actions (SPEC keys; DOC/OBSERVED type ids and fields; directory ids STRICT) -------------------------------
@pytest.mark.parametrize(("action", "fragment"), [
    ({k: v for k, v in _action("0-1", {"delta": "1", "time_unit": "DAYS"}).items() if k != "actionTypeVersion"},
     "'actionTypeVersion'"),
    (_action("0-77", {}), "unknown actionTypeId '0-77'"),
    (_action("0-1", {"delta": "1", "time_unit": "DAYS"}, actionTypeVersion=1), "actionTypeVersion 0"),
    (_action("0-1", {"delta": "1"}), "fields.time_unit"),
    (_action("0-1", {"delta": "1", "time_unit": "FORTNIGHTS"}), "time_unit must be one of"),
    (_action("0-4", {}), "fields.content_id"),
    (_action("0-4", {"content_id": "gtm-email:welcome"}), "marketing email gtm-email:welcome does not exist"),
    (_action("0-3", {"task_type": "TODO", "subject": "x", "owner_assignment": {
        "type": "CUSTOM", "value": {"type": "STATIC_VALUE", "staticValue": "sales"}}}), "owner sales does not exist"),
    (_action("0-3", {"task_type": "TODO"}), "fields.subject"),
    (_action("0-5", {"property_name": "x"}), "fields.value"),
    (_action("0-8", {"subject": "s", "body": "b"}), "user_ids, team_ids or owner_properties"),
    (_action("0-8", {"subject": "s", "body": "b", "user_ids": ["owner_manager"]}), "user owner_manager"),
    (_action("0-8", {"subject": "s", "body": "b", "team_ids": ["999"]}), "team 999 does not exist"),
])
def test_wrong_actions_are_refused(client: HubSpot, action: dict[str, Any], fragment: str) -> None:
    _refused(client, "POST", FLOWS, _with_action(action), fragment)


def test_actions_naming_seeded_ids_are_accepted(client: HubSpot) -> None:
    actions = [
        _action("0-4", {"content_id": "7012"}),
        _action("0-3", {"task_type": "TODO", "subject": "x", "owner_assignment": {
            "type": "CUSTOM", "value": {"type": "STATIC_VALUE", "staticValue": "103"}}}),
        _action("0-8", {"subject": "s", "body": "b", "user_ids": ["9001"], "team_ids": ["302"]}),
        _action("0-9", {"user_ids": ["9002"], "delivery_method": "APP", "subject": "s", "body": "b"}),
    ]
    for i, a in enumerate(actions):
        a["actionId"] = str(i + 1)
    body = copy.deepcopy({**contact_flow(), "actions": actions})
    r = call(client, "POST", FLOWS, body)
    assert r.status_code == 201, r.text
    assert [a["actionTypeId"] for a in r.json()["actions"]] == ["0-4", "0-3", "0-8", "0-9"]


def test_an_unseeded_portal_has_no_directory() -> None:
    from providers.hubspot.emulator.server import EmulatorServer

    with EmulatorServer(token="pat-x", seed=False) as emu:
        hs = HubSpot(access_token="pat-x", host=emu.base_url, base_url=emu.base_url)
        r = call(hs, "POST", FLOWS, contact_flow())
        assert r.status_code == 400 and "marketing email 7001 does not exist" in r.json()["message"]


def test_action_keys_follow_the_action_schema(client: HubSpot) -> None:
    flat = _action("0-1", {"delta": "1", "time_unit": "DAYS"}, nextActionId="2")
    _refused(client, "POST", FLOWS, _with_action(flat), 'Unrecognized field "nextActionId"')
    half = _action("0-1", {"delta": "1", "time_unit": "DAYS"}, connection={"nextActionId": "1"})
    _refused(client, "POST", FLOWS, _with_action(half), "'edgeType'")


def test_enrolment_criteria_have_only_their_schema_keys(client: HubSpot) -> None:
    _refused(client, "POST", FLOWS, contact_flow(enrollmentCriteria={"type": "MANUAL", "shouldReEnroll": False,
                                                                     "listFilterBranch": {}}),
             'Unrecognized field "listFilterBranch"')
    _refused(client, "POST", FLOWS, contact_flow(enrollmentCriteria={**_list_based(False, []), "reenroll": True}),
             'Unrecognized field "reenroll"')
