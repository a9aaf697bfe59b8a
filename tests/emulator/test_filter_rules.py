"""The emulator's filter rules (filter_rules.py), sent through the official client: a wrong shape
is HubSpot's 400 error envelope in lists, flow enrolment, goals and re-enrolment triggers alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.lists import ApiException

pytestmark = pytest.mark.emulator


def pf(prop: str, **operation: Any) -> dict[str, Any]:
    operation.setdefault("includeObjectsWithNoValueSet", False)
    return {"filterType": "PROPERTY", "property": prop, "operation": operation}


def tree(*filters: dict[str, Any]) -> dict[str, Any]:
    return {"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [], "filterBranches": [
        {"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": list(filters)}]}


def create_list(client: HubSpot, *filters: dict[str, Any], obj: str = "0-1") -> Any:
    return client.crm.lists.lists_api.create({"name": "gtm-rules", "objectTypeId": obj,
                                              "processingType": "DYNAMIC", "filterBranch": tree(*filters)})


def flow_body(obj: str = "0-1", enrollment: dict[str, Any] | None = None, goal: dict[str, Any] | None = None,
              triggers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "CONTACT_FLOW" if obj == "0-1" else "PLATFORM_FLOW", "objectTypeId": obj, "flowType": "WORKFLOW",
        "name": "gtm-rules", "isEnabled": False, "startActionId": "1", "timeWindows": [], "blockedDates": [],
        "customProperties": {}, "dataSources": [],
        "actions": [{"type": "SINGLE_CONNECTION", "actionId": "1", "actionTypeId": "0-1", "actionTypeVersion": 0,
                     "fields": {"delta": "1", "time_unit": "DAYS"}}],
        "enrollmentCriteria": {"type": "LIST_BASED", "shouldReEnroll": bool(triggers),
                               "unEnrollObjectsNotMeetingCriteria": False,
                               "listFilterBranch": enrollment or tree(pf("email", operationType="ALL_PROPERTY",
                                                                         operator="IS_KNOWN")),
                               "reEnrollmentTriggersFilterBranches": triggers or []},
    }
    if obj == "0-1":
        body.update(suppressionListIds=[], canEnrollFromSalesforce=False)
    if goal is not None:
        body["goalFilterBranch"] = goal
    return body


def post_flow(client: HubSpot, body: dict[str, Any]) -> Any:
    return client.api_request({"method": "POST", "path": "/automation/v4/flows", "body": body})


def list_error(client: HubSpot, *filters: dict[str, Any], obj: str = "0-1") -> dict[str, Any]:
    with pytest.raises(ApiException) as info:
        create_list(client, *filters, obj=obj)
    assert info.value.status == 400
    body: dict[str, Any] = json.loads(info.value.body)
    assert body["status"] == "error" and body["category"] == "VALIDATION_ERROR" and body["correlationId"]
    return body


def flow_error(client: HubSpot, body: dict[str, Any]) -> dict[str, Any]:
    r = post_flow(client, body)
    assert r.status_code == 400, r.text
    out: dict[str, Any] = r.json()
    assert out["status"] == "error" and out["category"] == "VALIDATION_ERROR" and out["correlationId"]
    return out


STRING_ON_ENUM = pf("lifecyclestage", operationType="STRING", operator="IS_EQUAL_TO", value="lead")
NOT_EQUAL_ON_ENUM = pf("lifecyclestage", operationType="ENUMERATION", operator="IS_NOT_EQUAL_TO", values=["lead"])
MULTISTRING_ON_ENUM = pf("lifecyclestage", operationType="MULTISTRING", operator="IS_EQUAL_TO",
                         values=["lead", "customer"])
ENUM_ON_STRING = pf("firstname", operationType="ENUMERATION", operator="IS_ANY_OF", values=["Ann"])
NUMBER_AS_TEXT = pf("hs_analytics_num_page_views", operationType="NUMBER", operator="IS_GREATER_THAN", value="3")
BOOL_AS_TEXT = pf("hs_email_optout", operationType="BOOL", operator="IS_EQUAL_TO", value="true")
ENUM_WITHOUT_VALUES = pf("lifecyclestage", operationType="ENUMERATION", operator="IS_ANY_OF", value="lead")
UNKNOWN_PROPERTY = pf("hs_time_in_gtm_new_business_discovery", operationType="NUMBER",
                      operator="IS_GREATER_THAN", value=5)
TIME_POINT_WITHOUT_TYPE = pf("createdate", operationType="TIME_POINT", operator="IS_BEFORE",
                             timePoint={"timeType": "INDEXED", "zoneId": "UTC",
                                        "indexReference": {"referenceType": "TODAY"}, "offset": {"days": -3}})
TIME_POINT_ON_NUMBER = pf("hs_analytics_num_page_views", operationType="TIME_POINT", type="TIME_POINT",
                          operator="IS_BEFORE", timePoint={"timeType": "INDEXED", "zoneId": "UTC",
                                                           "indexReference": {"referenceType": "TODAY"}})
LOWERCASE_TYPE = pf("firstname", operationType="string", operator="IS_EQUAL_TO", value="Ann")
WRONG = {"string-on-enumeration": (STRING_ON_ENUM, "cannot be used on enumeration"),
         "not-equal-on-enumeration": (NOT_EQUAL_ON_ENUM, "not valid for operationType ENUMERATION"),
         "multistring-on-enumeration": (MULTISTRING_ON_ENUM, "cannot be used on enumeration"),
         "enumeration-on-string": (ENUM_ON_STRING, "cannot be used on string"),
         "number-as-text": (NUMBER_AS_TEXT, "needs a number value"),
         "bool-as-text": (BOOL_AS_TEXT, "true or false"),
         "enumeration-without-values": (ENUM_WITHOUT_VALUES, "values array"),
         "unknown-property": (UNKNOWN_PROPERTY, "does not exist"),
         "time-point-without-type": (TIME_POINT_WITHOUT_TYPE, "needs type: TIME_POINT"),
         "time-point-on-number": (TIME_POINT_ON_NUMBER, "cannot be used on number"),
         "lowercase-operation-type": (LOWERCASE_TYPE, "unknown operationType")}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_shapes_are_refused_in_lists(client: HubSpot, case: str) -> None:
    filt, words = WRONG[case]
    assert words in list_error(client, filt)["message"]


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_shapes_are_refused_in_flow_enrollment_and_goals(client: HubSpot, case: str) -> None:
    filt, words = WRONG[case]
    assert words in flow_error(client, flow_body(enrollment=tree(filt)))["message"]
    assert words in flow_error(client, flow_body(goal=tree(filt)))["message"]


def trigger(prop: str, operation: dict[str, Any]) -> dict[str, Any]:
    return {"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": [
        pf("hs_name", operationType="STRING", operator="IS_EQUAL_TO", value=prop),
        {"filterType": "PROPERTY", "property": "hs_value", "operation": operation}]}


def test_reenrollment_triggers_follow_the_named_propertys_type(client: HubSpot) -> None:
    wrong = trigger("lifecyclestage", STRING_ON_ENUM["operation"])
    assert "cannot be used on enumeration" in flow_error(client, flow_body(triggers=[wrong]))["message"]
    unknown = trigger("no_such_property", {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"})
    assert "does not exist" in flow_error(client, flow_body(triggers=[unknown]))["message"]
    right = trigger("lifecyclestage", {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["lead"],
                                       "includeObjectsWithNoValueSet": False})
    assert post_flow(client, flow_body(triggers=[right])).status_code == 201


def test_right_shapes_are_accepted_everywhere(client: HubSpot) -> None:
    good = [pf("lifecyclestage", operationType="ENUMERATION", operator="IS_NONE_OF", values=["lead"]),
            pf("firstname", operationType="MULTISTRING", operator="IS_EQUAL_TO", values=["Ann", "Bo"]),
            pf("hs_analytics_num_page_views", operationType="NUMBER", operator="IS_LESS_THAN", value=3),
            pf("createdate", operationType="TIME_POINT", type="TIME_POINT", operator="IS_BEFORE",
               endpointBehavior="EXCLUSIVE", propertyParser="VALUE",
               timePoint={"timeType": "INDEXED", "timezoneSource": "CUSTOM", "zoneId": "UTC",
                          "indexReference": {"referenceType": "TODAY"}, "offset": {"days": -14}})]
    assert create_list(client, *good).list.list_id
    assert post_flow(client, flow_body(enrollment=tree(*good), goal=tree(*good))).status_code == 201


def test_time_point_filters_count_records(client: HubSpot) -> None:
    now = datetime.now(UTC)
    deals = client.crm.objects.basic_api
    for days in (3, 30):
        deals.create("deals", {"properties": {"dealname": f"d{days}",
                                              "closedate": (now - timedelta(days=days)).isoformat()}})
    older = pf("closedate", operationType="TIME_POINT", type="TIME_POINT", operator="IS_BEFORE",
               timePoint={"timeType": "INDEXED", "zoneId": "UTC", "indexReference": {"referenceType": "TODAY"},
                          "offset": {"days": -14}})
    lid = create_list(client, older, obj="0-3").list.list_id
    raw = json.loads(client.crm.lists.lists_api.get_by_id(lid, _preload_content=False).data)["list"]
    assert raw["size"] == 1
