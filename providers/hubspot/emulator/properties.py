"""``/crm/v3/properties/{objectType}``: property definitions (single and batch).

Archive is a soft delete: the definition stays as a tombstone with ``archived: true``
and ``archivedAt``, visible only with ``?archived=true``.  Whether a new property may
take an archived property's name is the ``archived_name_reuse`` switch.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response

from .errors import ApiError, conflict, not_found, validation
from .objecttypes import resolve
from .property_rules import apply_update, build_property, dependents
from .requestio import inputs_of, json_object, no_content, query_bool, query_list, respond
from .runtime import portal, runtime
from .seed import sync_pipeline_options
from .state import PortalState, now_iso

bp = Blueprint("properties", __name__)
BASE = "/crm/v3/properties/<objectType>"


def view(prop: dict[str, Any]) -> dict[str, Any]:
    """The response shape of a stored property (a deep copy)."""
    out = copy.deepcopy(prop)
    if not out.get("archived"):
        out.pop("archivedAt", None)
    return out


def _lookup(state: PortalState, object_name: str, name: str, archived: bool) -> dict[str, Any]:
    if archived:
        tombstones = state.archived_properties(object_name, name)
        if tombstones:
            return tombstones[-1]
    else:
        prop = state.active_property(object_name, name)
        if prop is not None:
            return prop
    raise not_found(
        f"Unable to find property with name {name} for objectType {object_name}",
        context={"propertyName": [name]},
    )


def create_one(state: PortalState, object_name: str, body: Any) -> dict[str, Any]:
    """Validate and store one property; raise :class:`ApiError` on any problem."""
    if not isinstance(body, dict):
        raise validation("Each property input must be an object")
    name = body.get("name")
    if isinstance(name, str):
        if state.active_property(object_name, name) is not None:
            raise conflict(
                f"Property named '{name}' already exists.",
                "VALIDATION_ERROR",
                "PropertyValidationError.PROPERTY_EXISTS",
            )
        if state.archived_properties(object_name, name) and not runtime().config.archived_name_reuse:
            raise conflict(
                f"Property named '{name}' already exists as an archived property; its name cannot be reused.",
                "VALIDATION_ERROR",
                "PropertyValidationError.PROPERTY_EXISTS",
            )
    prop = build_property(state, object_name, body)
    state.properties[object_name].append(prop)
    return prop


def archive_one(state: PortalState, object_name: str, prop: dict[str, Any]) -> None:
    """Soft-delete ``prop``; HubSpot-defined or formula-referenced properties are refused."""
    if not prop["modificationMetadata"].get("archivable", True):
        raise validation(f"HubSpot-defined property '{prop['name']}' cannot be archived")
    users = dependents(state, object_name, prop["name"])
    if users:
        raise validation(
            f"Property '{prop['name']}' is used by calculation properties: {', '.join(users)}",
            context={"calculationProperties": users},
        )
    stamp = now_iso()
    prop.update(archived=True, archivedAt=stamp, updatedAt=stamp)


@bp.get(BASE)
def get_all(objectType: str) -> Response:
    object_name = resolve(objectType)
    archived = query_bool("archived")
    wanted = set(query_list("properties"))
    sync_pipeline_options(portal(), object_name)
    results = [
        view(p)
        for p in portal().properties[object_name]
        if bool(p["archived"]) == archived and (not wanted or p["name"] in wanted)
    ]
    return respond({"results": results})


@bp.post(BASE)
def create(objectType: str) -> Response:
    object_name = resolve(objectType)
    prop = create_one(portal(), object_name, json_object("PropertyCreate"))
    return respond(view(prop), 201)


@bp.get(BASE + "/<propertyName>")
def get_by_name(objectType: str, propertyName: str) -> Response:
    object_name = resolve(objectType)
    sync_pipeline_options(portal(), object_name)
    return respond(view(_lookup(portal(), object_name, propertyName, query_bool("archived"))))


@bp.patch(BASE + "/<propertyName>")
def update(objectType: str, propertyName: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    prop = _lookup(state, object_name, propertyName, False)
    updated = apply_update(state, object_name, prop, json_object("PropertyUpdate"))
    prop.clear()
    prop.update(updated)
    return respond(view(prop))


@bp.delete(BASE + "/<propertyName>")
def archive(objectType: str, propertyName: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    archive_one(state, object_name, _lookup(state, object_name, propertyName, False))
    return no_content()


def _batch(results: list[dict[str, Any]], errors: list[ApiError], ok_status: int, started: str) -> Response:
    body: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = [e.standard_error() for e in errors]
    body.update(startedAt=started, completedAt=now_iso())
    return respond(body, 207 if errors else ok_status)


@bp.post(BASE + "/batch/create")
def batch_create(objectType: str) -> Response:
    object_name = resolve(objectType)
    started = now_iso()
    state = portal()
    results: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    for item in inputs_of(json_object("BatchInputPropertyCreate"), "BatchInputPropertyCreate"):
        try:
            results.append(view(create_one(state, object_name, item)))
        except ApiError as exc:
            name = item.get("name") if isinstance(item, dict) else None
            exc.context = {**(exc.context or {}), "name": [str(name)]}
            errors.append(exc)
    return _batch(results, errors, 201, started)


@bp.post(BASE + "/batch/read")
def batch_read(objectType: str) -> Response:
    object_name = resolve(objectType)
    started = now_iso()
    body = json_object("BatchReadInputPropertyName")
    archived = bool(body.get("archived", False))
    sync_pipeline_options(portal(), object_name)
    results: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    for item in inputs_of(body, "BatchReadInputPropertyName"):
        name = item.get("name") if isinstance(item, dict) else None
        try:
            results.append(view(_lookup(portal(), object_name, str(name), archived)))
        except ApiError as exc:
            errors.append(exc)
    return _batch(results, errors, 200, started)


@bp.post(BASE + "/batch/archive")
def batch_archive(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    for item in inputs_of(json_object("BatchInputPropertyName"), "BatchInputPropertyName"):
        name = item.get("name") if isinstance(item, dict) else None
        prop = state.active_property(object_name, name) if isinstance(name, str) else None
        if prop is None:
            continue  # missing or already archived: still 204
        try:
            archive_one(state, object_name, prop)
        except ApiError:
            continue
    return no_content()
