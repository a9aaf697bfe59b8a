"""What ``/automation/v4/flows`` refuses: request fields, enrolment criteria and actions.

Each rule names its source:

* SPEC - HubSpot's OpenAPI spec as generated into ``HubSpot/hubspot-sdk-python``
  (``src/hubspot_sdk/types/automation/api_*_param.py``): which fields a request has and which are
  required.
* DOC - HubSpot's v4 guide / "Workflow actions and enrollment types" reference.
* OBSERVED - flows read back from live portals (third-party code on GitHub).
* HS-SKILLS - HubSpot's own ``HubSpot/agent-cli-skills`` repository,
  ``workflow-automation/resources/workflow-json-reference.md`` (commit 62ddd52): the v4 flow body as
  HubSpot's CLI sends it, checked by that CLI's acceptance test.
* OBS-695 - hubspot-api-nodejs#695 / airbyte#83314 / hubspot-api-python#498 (one reporter, a live
  Marketing Hub Pro portal, 2026-07-30): answers to wrong flow requests.
* STRICT - HubSpot's behaviour is not documented; the emulator takes the stricter reading
  (listed as unverified in ``docs/emulator.md``).
"""

from __future__ import annotations

from typing import Any

from .directory import Directory
from .errors import ApiError, missing_field, validation

_COMMON_OPTIONAL = frozenset({"description", "enrollmentCriteria", "enrollmentSchedule", "name", "startActionId",
                              "uuid"})
_CONTACT_OPTIONAL = _COMMON_OPTIONAL | {"eventAnchor", "goalFilterBranch", "unEnrollmentSetting"}
_PLATFORM_OPTIONAL = _COMMON_OPTIONAL | {"suppressionFilterBranch"}

#: the fields of api_{contact,platform}_flow_create_request_param.py (SPEC) that HubSpot fills with a
#: default when a create leaves them out (HS-SKILLS: the spec marks them required, the API defaults
#: them, and a body of only name, type, flowType, isEnabled, objectTypeId and actions is created)
CREATE_DEFAULTED = {"CONTACT_FLOW": frozenset({"blockedDates", "canEnrollFromSalesforce", "customProperties",
                                               "dataSources", "suppressionListIds", "timeWindows"}),
                    "PLATFORM_FLOW": frozenset({"blockedDates", "customProperties", "dataSources", "timeWindows"})}
#: SPEC: api_{contact,platform}_flow_create_request_param.py -> (model, required, optional); required
#: is what HS-SKILLS's minimal body holds (whether HubSpot defaults any of these too is unverified)
CREATE: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "CONTACT_FLOW": ("ApiContactFlowCreateRequest",
                     frozenset({"actions", "flowType", "isEnabled", "objectTypeId", "type"}),
                     _CONTACT_OPTIONAL | CREATE_DEFAULTED["CONTACT_FLOW"]),
    "PLATFORM_FLOW": ("ApiPlatformFlowCreateRequest",
                      frozenset({"actions", "flowType", "isEnabled", "objectTypeId", "type"}),
                      _PLATFORM_OPTIONAL | CREATE_DEFAULTED["PLATFORM_FLOW"]),
}
#: SPEC: api_{contact,platform}_flow_put_request_param.py (no objectTypeId, flowType, dataSources;
#: revisionId required)
PUT: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "CONTACT_FLOW": ("ApiContactFlowPutRequest",
                     frozenset({"actions", "blockedDates", "canEnrollFromSalesforce", "customProperties",
                                "isEnabled", "revisionId", "suppressionListIds", "timeWindows", "type"}),
                     _CONTACT_OPTIONAL),
    "PLATFORM_FLOW": ("ApiPlatformFlowPutRequest",
                      frozenset({"actions", "blockedDates", "customProperties", "isEnabled", "revisionId",
                                 "timeWindows", "type"}), _PLATFORM_OPTIONAL),
}
#: SPEC: api_{list_based,manual}_enrollment_criteria_param.py
ENROLLMENT_REQUIRED: dict[str, frozenset[str]] = {
    "LIST_BASED": frozenset({"listFilterBranch", "reEnrollmentTriggersFilterBranches", "shouldReEnroll", "type",
                             "unEnrollObjectsNotMeetingCriteria"}),
    "MANUAL": frozenset({"shouldReEnroll", "type"}),
}
#: SPEC: api_single_connection_action_param.py (``connection`` optional) and api_connection_param.py
SINGLE_CONNECTION_REQUIRED = ("actionId", "actionTypeId", "actionTypeVersion", "fields", "type")
SINGLE_CONNECTION_FIELDS = frozenset({*SINGLE_CONNECTION_REQUIRED, "connection"})
CONNECTION_REQUIRED = ("edgeType", "nextActionId")

#: built-in action type id -> (what it is, required ``fields`` keys, source).  The ids are those of
#: the action-type table of HubSpot's v4 "workflow actions and enrollment types" reference (DOC-TABLE:
#: the stored copy of the page shows the table's start; its rows are transcribed, with HubSpot's row
#: descriptions, in AndrewGarwood/HubSpot ``src/api/automation/types/Action.ts``: 0-35, 0-1, 0-13,
#: 0-4, 0-8, 0-9, 0-5, 0-3, 0-14).  Field names are OBSERVED in flows read back from live portals.
ACTION_TYPES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "0-1": ("delay", ("delta", "time_unit"), "DOC: '0-1' designates a DELAY action; fields OBSERVED"),
    "0-3": ("create task", ("task_type", "subject"), "DOC-TABLE id; fields OBSERVED"),
    "0-4": ("send marketing email", ("content_id",), "DOC-TABLE id; fields OBSERVED"),
    "0-5": ("set property value", ("property_name", "value"),
            "DOC-TABLE id; fields OBSERVED (property_name + a value object, by several independent tools)"),
    "0-8": ("send internal email notification", ("subject", "body"), "DOC-TABLE id; fields OBSERVED"),
    "0-9": ("send in-app notification", ("user_ids", "delivery_method", "subject", "body"),
            "DOC: the v4 guide's example flow"),
    "0-63809083": ("add to a static list", ("listId", "targetObject"), "OBS-695: what replaced 0-13 for adding"),
    "0-63863438": ("remove from a static list", ("listId", "targetObject"),
                   "OBS-695: what replaced 0-13 for removing"),
}
#: OBS-695: the list-membership type the v4 guide's example still shows answers 500 with an empty body
#: when a flow is created with it on a live portal (HubSpot split it in two; see above)
RETIRED_ACTION_TYPES = frozenset({"0-13"})
DELAY_UNITS = ("MINUTES", "HOURS", "DAYS", "WEEKS")  # OBSERVED MINUTES and DAYS; the others STRICT-accepted


def _flow_error(message: str, field: str) -> ApiError:
    return validation(message, context={"field": [field]})


def check_request_fields(body: dict[str, Any], put: bool) -> None:
    """Required and unknown top-level fields, per flow type (SPEC).  An unknown field is refused
    (STRICT: HubSpot's CRM v3 inputs refuse unrecognised JSON fields; for flows it is undocumented)."""
    kind = body.get("type")
    table = PUT if put else CREATE
    if kind not in table:
        return  # the caller reports a missing or wrong ``type``
    model, required, optional = table[str(kind)]
    for key in sorted(required):
        if body.get(key) is None:
            raise missing_field(key, model)
    for key in body:
        if key not in required and key not in optional:
            raise validation(f'Invalid input JSON: Unrecognized field "{key}" ({model}), not marked as ignorable',
                             context={"unrecognizedField": [key]})


def check_enrollment(body: dict[str, Any]) -> None:
    """Enrolment criteria: the required keys per type (SPEC) and no re-enrolment without triggers."""
    crit = body.get("enrollmentCriteria")
    if crit is None:
        return
    if not isinstance(crit, dict) or crit.get("type") not in ("LIST_BASED", "MANUAL", "EVENT_BASED"):
        raise _flow_error("enrollmentCriteria.type must be LIST_BASED, EVENT_BASED or MANUAL", "enrollmentCriteria")
    model = f"Api{crit['type'].title().replace('_', '')}EnrollmentCriteria"
    for key in sorted(ENROLLMENT_REQUIRED.get(crit["type"], ())):
        if crit.get(key) is None:
            raise missing_field(key, model)
    # SPEC: LIST_BASED and MANUAL criteria have no optional keys; another key is refused (STRICT)
    if crit["type"] in ENROLLMENT_REQUIRED:
        for key in crit:
            if key not in ENROLLMENT_REQUIRED[crit["type"]]:
                raise validation(f'Invalid input JSON: Unrecognized field "{key}" ({model}), not marked as '
                                 "ignorable", context={"unrecognizedField": [key]})
    if crit["type"] == "LIST_BASED":
        triggers = crit["reEnrollmentTriggersFilterBranches"]
        if not isinstance(triggers, list):
            raise _flow_error("reEnrollmentTriggersFilterBranches must be an array", "enrollmentCriteria")
        # STRICT: re-enrolment on a list-based flow happens only on its re-enrolment triggers
        # (SPEC: "filter branches to listen for in order to re-enroll objects"); with none, HubSpot's
        # editor cannot turn re-enrolment on, so the emulator refuses shouldReEnroll without a trigger.
        if crit["shouldReEnroll"] is True and not triggers:
            raise _flow_error("shouldReEnroll is true but reEnrollmentTriggersFilterBranches is empty: "
                              "name the triggers that re-enroll a record", "enrollmentCriteria.shouldReEnroll")


def _ids(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def check_action(index: int, action: dict[str, Any], directory: Directory) -> None:
    """One action: required keys (SPEC), a known built-in type (DOC/OBSERVED, STRICT for others),
    its required fields and the directory ids it names (STRICT: a portal cannot act on ids it lacks)."""
    where = f"actions[{index}]"
    if action.get("type") != "SINGLE_CONNECTION":
        return  # branches, custom code and webhooks are not modelled here
    for key in SINGLE_CONNECTION_REQUIRED:
        if action.get(key) is None:
            raise missing_field(key, "ApiSingleConnectionAction")
    # SPEC keys; OBSERVED: a top-level ``nextActionId`` (instead of ``connection``) is refused by
    # HubSpot as an invalid flow request (third-party field log)
    for key in action:
        if key not in SINGLE_CONNECTION_FIELDS:
            raise validation(f'Invalid input JSON: Unrecognized field "{key}" (ApiSingleConnectionAction), '
                             "not marked as ignorable", context={"unrecognizedField": [key]})
    conn = action.get("connection")
    if conn is not None:
        for key in CONNECTION_REQUIRED:
            if not isinstance(conn, dict) or conn.get(key) is None:
                raise missing_field(key, "ApiConnection")
    type_id = str(action["actionTypeId"])
    if type_id in RETIRED_ACTION_TYPES:
        raise ApiError(500, "", "INTERNAL_ERROR", empty=True)  # OBS-695: HTTP 500, empty body
    if type_id not in ACTION_TYPES:
        raise _flow_error(f"{where}: unknown actionTypeId '{type_id}'", f"{where}.actionTypeId")
    # DOC: built-in action types have actionTypeVersion 0
    if action["actionTypeVersion"] != 0 or isinstance(action["actionTypeVersion"], bool):
        raise _flow_error(f"{where}: built-in action type {type_id} has actionTypeVersion 0",
                          f"{where}.actionTypeVersion")
    fields = action["fields"]
    if not isinstance(fields, dict):
        raise _flow_error(f"{where}.fields must be an object", f"{where}.fields")
    what, required, _source = ACTION_TYPES[type_id]
    for key in required:
        if fields.get(key) in (None, "", []):
            raise _flow_error(f"{where}: a {what} action needs fields.{key}", f"{where}.fields.{key}")
    if type_id == "0-1" and str(fields["time_unit"]) not in DELAY_UNITS:
        raise _flow_error(f"{where}: time_unit must be one of {list(DELAY_UNITS)}", f"{where}.fields.time_unit")
    if type_id == "0-4" and str(fields["content_id"]) not in directory.emails:
        raise _flow_error(f"{where}: marketing email {fields['content_id']} does not exist in this portal",
                          f"{where}.fields.content_id")
    if type_id == "0-3":
        value = ((fields.get("owner_assignment") or {}).get("value") or {})
        if value.get("type") == "STATIC_VALUE" and str(value.get("staticValue")) not in directory.owners:
            raise _flow_error(f"{where}: owner {value.get('staticValue')} does not exist in this portal",
                              f"{where}.fields.owner_assignment")
    if type_id in ("0-8", "0-9"):
        users, teams = _ids(fields.get("user_ids")), _ids(fields.get("team_ids"))
        if type_id == "0-8" and not (users or teams or fields.get("owner_properties")):
            raise _flow_error(f"{where}: a notification needs user_ids, team_ids or owner_properties",
                              f"{where}.fields")
        for uid in users:
            if uid not in directory.users:
                raise _flow_error(f"{where}: user {uid} does not exist in this portal", f"{where}.fields.user_ids")
        for tid in teams:
            if tid not in directory.teams:
                raise _flow_error(f"{where}: team {tid} does not exist in this portal", f"{where}.fields.team_ids")
