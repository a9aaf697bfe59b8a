"""``/crm/v3/properties/{objectType}/groups``: property groups.

OBSERVED behaviour copied here: a duplicate create is 409 ``VALIDATION_ERROR`` /
``PropertyGroupError.GROUP_ALREADY_EXISTS``; deleting a group that still holds live
properties is 400 ``PropertyGroupError.GROUP_WITH_ACTIVE_PROPERTIES``; ``displayOrder``
-1 (or absent) goes after the last group.  An archived group's name can be created again.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response

from .errors import conflict, not_found, validation
from .objecttypes import resolve
from .requestio import check_fields, json_object, no_content, require, respond
from .runtime import portal
from .state import PortalState

bp = Blueprint("groups", __name__)
BASE = "/crm/v3/properties/<objectType>/groups"
_NAME_RE = re.compile(r"^[a-z0-9_]+$")


def view(group: dict[str, Any]) -> dict[str, Any]:
    """The four documented fields of a group."""
    return {k: group[k] for k in ("name", "label", "displayOrder", "archived")}


def _next_order(state: PortalState, object_name: str) -> int:
    orders = [g["displayOrder"] for g in state.groups[object_name].values() if not g["archived"]]
    return max([*orders, -1]) + 1


def _live(state: PortalState, object_name: str, name: str) -> dict[str, Any]:
    group = state.groups[object_name].get(name)
    if group is None or group["archived"]:
        raise not_found(f"Unable to find property group {name} for objectType {object_name}")
    return group


@bp.get(BASE)
def get_all(objectType: str) -> Response:
    object_name = resolve(objectType)
    groups = [view(g) for g in portal().groups[object_name].values() if not g["archived"]]
    return respond({"results": groups})


@bp.post(BASE)
def create(objectType: str) -> Response:
    object_name = resolve(objectType)
    body = json_object("PropertyGroupCreate")
    check_fields(body, ("name", "label", "displayOrder"), "PropertyGroupCreate")
    require(body, ("name", "label"), "PropertyGroupCreate")
    name = body["name"]
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise validation(
            f"Invalid property group name '{name}': use lower-case letters, digits and underscores"
        )
    state = portal()
    existing = state.groups[object_name].get(name)
    if existing is not None and not existing["archived"]:
        raise conflict(
            f"A property group named '{name}' already exists.",
            "VALIDATION_ERROR",
            "PropertyGroupError.GROUP_ALREADY_EXISTS",
        )
    order = body.get("displayOrder")
    if not isinstance(order, int) or order < 0:
        order = _next_order(state, object_name)
    group = {"name": name, "label": body["label"], "displayOrder": order, "archived": False}
    state.groups[object_name][name] = group
    return respond(view(group), 201)


@bp.get(BASE + "/<groupName>")
def get_by_name(objectType: str, groupName: str) -> Response:
    return respond(view(_live(portal(), resolve(objectType), groupName)))


@bp.patch(BASE + "/<groupName>")
def update(objectType: str, groupName: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    group = _live(state, object_name, groupName)
    body = json_object("PropertyGroupUpdate")
    check_fields(body, ("label", "displayOrder"), "PropertyGroupUpdate")
    if "label" in body:
        if not isinstance(body["label"], str) or not body["label"]:
            raise validation("label must be a non-empty string")
        group["label"] = body["label"]
    if "displayOrder" in body:
        order = body["displayOrder"]
        if not isinstance(order, int) or order < 0:
            order = _next_order(state, object_name)
        group["displayOrder"] = order
    return respond(view(group))


@bp.delete(BASE + "/<groupName>")
def archive(objectType: str, groupName: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    group = _live(state, object_name, groupName)
    if any(p["groupName"] == groupName for p in state.active_properties(object_name)):
        raise validation(
            "Can't delete or purge a group with active properties",
            "PropertyGroupError.GROUP_WITH_ACTIVE_PROPERTIES",
            context={"groupName": [groupName]},
        )
    group["archived"] = True
    return no_content()
