"""``/crm/v3/lists``: lists (segments), v3.

Create answers **200** ``{"list": ...}``; names are unique among live lists
(case-insensitively here) or 400 ``ILS.DUPLICATE_LIST_NAMES``.  ``filterBranch`` is
normalised (see :mod:`list_filters`) and returned only with ``includeFilters=true`` on
reads (always on create and filter updates).  ``size`` is computed from the records:
live for DYNAMIC lists, frozen at creation for SNAPSHOT lists, 0 for MANUAL lists (the
emulator has no membership endpoints).  DELETE is restorable with ``PUT .../restore``.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response, request

from .errors import not_found, validation
from .list_filters import matches, normalize, object_name_of, relative_to_now
from .record_values import record_values
from .requestio import check_fields, json_object, no_content, query_bool, query_list, respond
from .runtime import portal
from .state import PortalState, now_iso

bp = Blueprint("lists", __name__)
BASE = "/crm/v3/lists"
PROCESSING_TYPES = ("MANUAL", "DYNAMIC", "SNAPSHOT")
CREATE_FIELDS = (
    "name",
    "objectTypeId",
    "processingType",
    "filterBranch",
    "listFolderId",
    "customProperties",
    "membershipSettings",
    "listPermissions",
)


def compute_size(state: PortalState, lst: dict[str, Any]) -> int:
    """How many live records of the list's object match its filters (memoised while reading, unless
    a filter counts from now or today: that size moves with the clock and the portal's time zone,
    which no write marks)."""
    tree = lst.get("filterBranch")
    if tree is None:
        return 0
    if relative_to_now(tree):
        return _count(state, lst, tree)
    return state.memo(("size", lst["listId"]), lambda: _count(state, lst, tree))


def _count(state: PortalState, lst: dict[str, Any], tree: dict[str, Any]) -> int:
    object_name = object_name_of(lst["objectTypeId"])
    return sum(
        1
        for record in state.records[object_name].values()
        if not record["archived"] and matches(tree, record_values(state, object_name, record))
    )


def view(state: PortalState, lst: dict[str, Any], include_filters: bool) -> dict[str, Any]:
    """``PublicObjectList`` for a stored list."""
    size = compute_size(state, lst) if lst["processingType"] == "DYNAMIC" else lst["frozenSize"]
    out = {k: copy.deepcopy(v) for k, v in lst.items() if k not in ("filterBranch", "frozenSize", "deleted")}
    out["size"] = size
    if include_filters and lst.get("filterBranch") is not None:
        out["filterBranch"] = copy.deepcopy(lst["filterBranch"])
    return out


def _live(state: PortalState, list_id: str) -> dict[str, Any]:
    lst = state.lists.get(list_id)
    if lst is None or lst["deleted"]:
        raise not_found(f"List {list_id} does not exist.", context={"listId": [list_id]})
    return lst


def _check_name(state: PortalState, name: Any, skip: str | None = None) -> str:
    if not isinstance(name, str) or not name.strip():
        raise validation("name is required and must be a non-empty string")
    for other in state.lists.values():
        if other["listId"] != skip and not other["deleted"] and other["name"].lower() == name.lower():
            raise validation(
                f"A list named '{name}' already exists.",
                "ILS.DUPLICATE_LIST_NAMES",
                context={"listName": [name]},
            )
    return name


@bp.post(BASE)
def create() -> Response:
    state = portal()
    body = json_object("ListCreateRequest")
    check_fields(body, CREATE_FIELDS, "ListCreateRequest")
    name = _check_name(state, body.get("name"))
    object_name = object_name_of(body.get("objectTypeId"))
    processing = body.get("processingType")
    if processing not in PROCESSING_TYPES:
        raise validation(f"processingType must be one of {list(PROCESSING_TYPES)}, got {processing!r}")
    raw_tree = body.get("filterBranch")
    if processing == "DYNAMIC" and raw_tree is None:
        raise validation("DYNAMIC lists need a filterBranch")
    if processing == "MANUAL" and raw_tree is not None:
        raise validation("MANUAL lists cannot have a filterBranch")
    tree = normalize(state, object_name, raw_tree) if raw_tree is not None else None
    stamp = now_iso()
    lst: dict[str, Any] = {
        "listId": state.new_id("list"),
        "listVersion": 1,
        "name": name,
        "objectTypeId": body["objectTypeId"],
        "processingType": processing,
        "processingStatus": "COMPLETE",
        "createdAt": stamp,
        "updatedAt": stamp,
        "filtersUpdatedAt": stamp,
        "createdById": "1",
        "updatedById": "1",
        "filterBranch": tree,
        "frozenSize": 0,
        "deleted": False,
    }
    if isinstance(body.get("listFolderId"), int):
        lst["listFolderId"] = body["listFolderId"]
    if processing == "SNAPSHOT":
        lst["frozenSize"] = compute_size(state, lst)
    state.lists[lst["listId"]] = lst
    out = view(state, lst, True)
    if processing != "MANUAL":
        out["processingStatus"] = "PROCESSING"
    return respond({"list": out})


@bp.get(BASE)
def get_all() -> Response:
    state = portal()
    include = query_bool("includeFilters")
    lists = [
        state.lists[i] for i in query_list("listIds") if i in state.lists and not state.lists[i]["deleted"]
    ]
    return respond({"lists": [view(state, lst, include) for lst in lists]})


@bp.get(BASE + "/<listId>")
def get_by_id(listId: str) -> Response:
    state = portal()
    return respond({"list": view(state, _live(state, listId), query_bool("includeFilters"))})


@bp.get(BASE + "/object-type-id/<objectTypeId>/name/<listName>")
def get_by_name(objectTypeId: str, listName: str) -> Response:
    state = portal()
    object_name_of(objectTypeId)
    for lst in state.lists.values():
        if (
            not lst["deleted"]
            and lst["objectTypeId"] == objectTypeId
            and lst["name"].lower() == listName.lower()
        ):
            return respond({"list": view(state, lst, query_bool("includeFilters"))})
    raise not_found(f"List with name '{listName}' does not exist for objectTypeId {objectTypeId}.")


@bp.post(BASE + "/search")
def search() -> Response:
    state = portal()
    body = json_object("ListSearchRequest")
    check_fields(
        body,
        ("query", "processingTypes", "listIds", "offset", "count", "additionalProperties", "sort"),
        "ListSearchRequest",
    )
    offset, count = body.get("offset") or 0, body.get("count") or 20
    if not isinstance(offset, int) or offset < 0 or not isinstance(count, int) or not 0 < count <= 500:
        raise validation("offset must be >= 0 and count between 1 and 500")
    query = str(body.get("query") or "").lower()
    types = body.get("processingTypes") or []
    ids = {str(i) for i in body.get("listIds") or []}
    found = [
        lst
        for lst in state.lists.values()
        if not lst["deleted"]
        and query in lst["name"].lower()
        and (not types or lst["processingType"] in types)
        and (not ids or lst["listId"] in ids)
    ]
    page = found[offset : offset + count]
    results = []
    for lst in page:
        item = view(state, lst, False)
        item["additionalProperties"] = {"hs_list_size": str(item.pop("size"))}
        results.append(item)
    return respond(
        {
            "lists": results,
            "offset": offset + len(page),
            "hasMore": offset + len(page) < len(found),
            "total": len(found),
        }
    )


@bp.put(BASE + "/<listId>/update-list-name")
def update_name(listId: str) -> Response:
    state = portal()
    lst = _live(state, listId)
    lst["name"] = _check_name(state, request.args.get("listName"), skip=listId)
    lst["updatedAt"] = now_iso()
    return respond({"updatedList": view(state, lst, query_bool("includeFilters"))})


@bp.put(BASE + "/<listId>/update-list-filters")
def update_filters(listId: str) -> Response:
    state = portal()
    lst = _live(state, listId)
    body = json_object("ListFilterUpdateRequest")
    check_fields(body, ("filterBranch",), "ListFilterUpdateRequest")
    if lst["processingType"] != "DYNAMIC":
        raise validation(
            f"Only DYNAMIC lists have filters to update; list {listId} is {lst['processingType']}"
        )
    if body.get("filterBranch") is None:
        raise validation("filterBranch is required")
    lst["filterBranch"] = normalize(state, object_name_of(lst["objectTypeId"]), body["filterBranch"])
    stamp = now_iso()
    lst.update(listVersion=lst["listVersion"] + 1, updatedAt=stamp, filtersUpdatedAt=stamp)
    return respond({"updatedList": view(state, lst, True)})


@bp.delete(BASE + "/<listId>")
def remove(listId: str) -> Response:
    state = portal()
    lst = _live(state, listId)
    lst.update(deleted=True, deletedAt=now_iso())
    return no_content()


@bp.put(BASE + "/<listId>/restore")
def restore(listId: str) -> Response:
    state = portal()
    lst = state.lists.get(listId)
    if lst is None or not lst["deleted"]:
        raise not_found(f"No deleted list {listId} to restore.", context={"listId": [listId]})
    _check_name(state, lst["name"], skip=listId)
    lst["deleted"] = False
    lst.pop("deletedAt", None)
    lst["updatedAt"] = now_iso()
    return no_content()
