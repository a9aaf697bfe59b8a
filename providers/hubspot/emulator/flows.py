"""``/automation/v4/flows``: workflows (automation v4, BETA in HubSpot; not in client 12).

Create (201) takes the create schema of its ``type`` (CONTACT_FLOW, on ``0-1`` only, or
PLATFORM_FLOW); the server fills ``id``, ``revisionId`` "1", timestamps,
``nextAvailableActionId`` and ``crmObjectCreationStatus``.  Action ids must be unique and
every ``connection.nextActionId`` / ``startActionId`` must name an action.  PUT takes the PUT
schema (no ``objectTypeId``, ``flowType``, ``dataSources``), must carry the current
``revisionId`` (a stale one is 409 ``CONFLICT``, UNVERIFIED status) and bumps it.  Request fields,
enrolment criteria and actions are checked by :mod:`.flow_rules` (each rule cites its source;
``docs/emulator.md`` lists them).  The list pages with ``after``/``limit`` (default 100).
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response

from .errors import ApiError, conflict, missing_field, not_found, validation
from .filter_rules import check_flow_filters
from .flow_rules import check_action, check_enrollment, check_request_fields
from .list_filters import object_name_of
from .requestio import base_url, inputs_of, json_object, no_content, query_int, respond
from .runtime import portal
from .state import PortalState, now_iso

bp = Blueprint("flows", __name__)
BASE = "/automation/v4/flows"
FLOW_TYPES = ("CONTACT_FLOW", "PLATFORM_FLOW")
KINDS = ("WORKFLOW", "ACTION_SET", "UNKNOWN")
SERVER_FIELDS = (
    "id",
    "revisionId",
    "createdAt",
    "updatedAt",
    "nextAvailableActionId",
    "crmObjectCreationStatus",
)
LISTING_FIELDS = (
    "id",
    "revisionId",
    "isEnabled",
    "flowType",
    "name",
    "objectTypeId",
    "createdAt",
    "updatedAt",
)


def _check_actions(body: dict[str, Any]) -> int:
    """Validate ``actions``; return the next free numeric action id."""
    actions = body["actions"]
    if not isinstance(actions, list):
        raise validation("actions must be an array")
    ids: set[str] = set()
    for index, action in enumerate(actions):
        if (
            not isinstance(action, dict)
            or not isinstance(action.get("actionId"), str)
            or not action.get("type")
        ):
            raise validation(f"actions[{index}] needs a string actionId and a type")
        if action["actionId"] in ids:
            raise validation(f"Duplicate actionId '{action['actionId']}'")
        ids.add(action["actionId"])
    for index, action in enumerate(actions):
        target = (action.get("connection") or {}).get("nextActionId")
        if target is not None and target not in ids:
            raise validation(f"actions[{index}].connection.nextActionId '{target}' names no action")
    start = body.get("startActionId")
    if start is not None and start not in ids:
        raise validation(f"startActionId '{start}' names no action")
    numeric = [int(i) for i in ids if i.isdigit()]
    return max([*numeric, 0]) + 1


def _check_flow(body: dict[str, Any]) -> None:
    if body.get("type") is None:  # OBS-695: the answer a live portal gives a flow without ``type``
        raise validation("Some required fields were not set: [type]", context={"missingField": ["type"]})
    for key in ("objectTypeId", "flowType", "isEnabled", "actions"):
        if body.get(key) is None:
            raise missing_field(key, "ApiFlowCreateRequest")
    if body["type"] not in FLOW_TYPES:
        raise validation(f"type must be one of {list(FLOW_TYPES)}, got {body['type']!r}")
    if body["flowType"] not in KINDS:
        raise validation(f"flowType must be one of {list(KINDS)}, got {body['flowType']!r}")
    if not isinstance(body["isEnabled"], bool):
        raise validation("isEnabled must be a boolean")
    object_name_of(body["objectTypeId"])
    if body["type"] == "CONTACT_FLOW" and body["objectTypeId"] != "0-1":  # SPEC oneOf; message STRICT
        raise validation("CONTACT_FLOW flows run on contacts (objectTypeId 0-1); use PLATFORM_FLOW otherwise")
    if body["type"] == "PLATFORM_FLOW" and body["objectTypeId"] == "0-1":  # OBS-695: this message
        raise validation('Expected an object type other than "0-1" objectType but got "0-1"')


def _build(body: dict[str, Any], flow_id: str, revision: int, created: str, state: PortalState) -> dict[str, Any]:
    _check_flow(body)
    next_action = _check_actions(body)
    check_enrollment(body)
    # enrolment, goal and re-enrolment filters follow the list-filter rules (filter_rules.py)
    object_name = object_name_of(body["objectTypeId"])
    check_flow_filters(body, lambda n: state.active_property(object_name, str(n)), object_name)
    for index, action in enumerate(body["actions"]):
        check_action(index, action, state.directory)
    flow = {k: copy.deepcopy(v) for k, v in body.items() if k not in SERVER_FIELDS}
    flow.update(id=flow_id, revisionId=str(revision), createdAt=created, updatedAt=now_iso())
    flow["nextAvailableActionId"] = str(next_action)
    flow["crmObjectCreationStatus"] = "COMPLETE"
    for key, default in (
        ("timeWindows", []),
        ("blockedDates", []),
        ("customProperties", {}),
        ("dataSources", []),
    ):
        flow.setdefault(key, default)
    if flow["type"] == "CONTACT_FLOW":
        flow.setdefault("canEnrollFromSalesforce", False)
        flow.setdefault("suppressionListIds", [])
    return flow


def _find(state: PortalState, flow_id: str) -> dict[str, Any]:
    flow = state.flows.get(flow_id)
    if flow is None:
        raise not_found(f"Flow {flow_id} does not exist.", context={"flowId": [flow_id]})
    return flow


@bp.get(BASE)
def get_page() -> Response:
    state = portal()
    limit = query_int("limit", 100, minimum=1, maximum=100)
    after = query_int("after", 0)
    flows = list(state.flows.values())
    page = flows[after : after + limit]
    body: dict[str, Any] = {"results": [{k: f[k] for k in LISTING_FIELDS if k in f} for f in page]}
    if after + limit < len(flows):
        nxt = str(after + limit)
        body["paging"] = {"next": {"after": nxt, "link": f"{base_url()}{BASE}?after={nxt}&limit={limit}"}}
    return respond(body)


@bp.post(BASE)
def create() -> Response:
    state = portal()
    body = json_object("ApiFlowCreateRequest")
    check_request_fields(body, put=False)
    flow = _build(body, state.new_id("flow"), 1, now_iso(), state)
    flow["createdAt"] = flow["updatedAt"]
    state.flows[flow["id"]] = flow
    return respond(flow, 201)


@bp.get(BASE + "/<flowId>")
def get_by_id(flowId: str) -> Response:
    return respond(_find(portal(), flowId))


@bp.put(BASE + "/<flowId>")
def update(flowId: str) -> Response:
    state = portal()
    current = _find(state, flowId)
    body = json_object("ApiFlowPutRequest")
    revision = body.get("revisionId")
    if revision is None:
        raise missing_field("revisionId", "ApiFlowPutRequest")
    if str(revision) != current["revisionId"]:
        raise conflict(
            f"revisionId {revision} is stale: flow {flowId} is at revision {current['revisionId']}. "
            "Fetch the flow and send its current revisionId."
        )
    if "type" in body and body["type"] != current["type"]:
        raise validation("type of an existing flow cannot be changed")
    check_request_fields(body, put=True)
    # SPEC: a PUT body has no objectTypeId, flowType or dataSources; the flow keeps its own
    kept: dict[str, Any] = {k: current[k] for k in ("type", "objectTypeId", "flowType", "dataSources")
                            if k in current}
    merged = {**kept, **body}
    flow = _build(merged, flowId, int(current["revisionId"]) + 1, current["createdAt"], state)
    state.flows[flowId] = flow
    return respond(flow)


@bp.delete(BASE + "/<flowId>")
def delete(flowId: str) -> Response:
    state = portal()
    _find(state, flowId)
    del state.flows[flowId]
    return no_content()


@bp.post(BASE + "/batch/read")
def batch_read() -> Response:
    state = portal()
    started = now_iso()
    results: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    for item in inputs_of(json_object("BatchInputFlowBatchReadInput"), "BatchInputFlowBatchReadInput"):
        flow_id = str(item.get("flowId")) if isinstance(item, dict) else ""
        try:
            results.append(_find(state, flow_id))
        except ApiError as exc:
            errors.append(exc)
    body: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = [e.standard_error() for e in errors]
    body.update(startedAt=started, completedAt=now_iso())
    return respond(body, 207 if errors else 200)
