"""``/crm/v3/objects/{objectType}``: CRM records (contacts, companies, deals, tickets).

Single create (201), read, update, archive; batch create (201, all-or-nothing on invalid
values, at most 100 inputs), batch update (200, or 207 listing unknown ids), batch read
(200/207, at most 100 inputs here), batch archive (204); ``GET`` pages with ``after``
(``limit`` default 10, at most 100).  Values are always strings in responses.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .errors import ApiError, not_found, validation
from .objecttypes import resolve
from .record_values import (
    DEFAULT_PROPERTIES,
    check_write,
    claim_unique,
    modified_field,
    record_values,
    unique_index,
)
from .requestio import (
    base_url,
    inputs_of,
    json_object,
    no_content,
    query_bool,
    query_int,
    query_list,
    respond,
)
from .runtime import portal
from .state import PortalState, now_iso

bp = Blueprint("records", __name__)
BASE = "/crm/v3/objects/<objectType>"
BATCH_LIMIT = 100


def record_view(
    state: PortalState, object_name: str, record: dict[str, Any], wanted: list[str] | None = None,
    values: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """The ``SimplePublicObject`` for a stored record with the requested properties (``values``: its
    effective values when the caller computed them already)."""
    if values is None:
        values = record_values(state, object_name, record)
    names = list(DEFAULT_PROPERTIES[object_name]) if not wanted else ["hs_object_id", *wanted]
    props: dict[str, str | None] = {}
    for name in names:
        if name in props or (state.active_property(object_name, name) is None and name not in values):
            continue
        props[name] = values.get(name)
    out: dict[str, Any] = {
        "id": record["id"],
        "properties": props,
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
        "archived": record["archived"],
    }
    if record["archived"]:
        out["archivedAt"] = record["updatedAt"]
    return out


def find_record(
    state: PortalState, object_name: str, record_id: str, id_property: str | None = None
) -> dict[str, Any]:
    """A live record by id (or by a unique property value), else 404."""
    records = state.records[object_name]
    if id_property and id_property != "hs_object_id":
        value = record_id.lower() if id_property == "email" else record_id
        for record in records.values():
            if not record["archived"] and record["properties"].get(id_property) == value:
                return record
    else:
        found = records.get(record_id)
        if found is not None and not found["archived"]:
            return found
    raise not_found(f"Object not found.  objectId are usually numeric. ({record_id})")


def _new_record(
    state: PortalState, object_name: str, values: Any, index: dict[str, dict[str, str]]
) -> dict[str, Any]:
    changes = check_write(state, object_name, values, {})
    record_id = state.new_id("record")
    conflict = claim_unique(index, changes, record_id)
    if conflict is not None:
        raise conflict
    stamp = now_iso()
    props = {k: v for k, v in changes.items() if v is not None}
    props.setdefault("createdate", stamp)
    props.update({"hs_object_id": record_id, modified_field(object_name): stamp})
    return {"id": record_id, "properties": props, "createdAt": stamp, "updatedAt": stamp, "archived": False}


def _apply(
    state: PortalState,
    object_name: str,
    record: dict[str, Any],
    values: Any,
    index: dict[str, dict[str, str]],
) -> None:
    changes = check_write(state, object_name, values, record["properties"])
    conflict = claim_unique(index, changes, record["id"])
    if conflict is not None:
        raise conflict
    for name, value in changes.items():
        if value is None:
            record["properties"].pop(name, None)
        else:
            record["properties"][name] = value
    stamp = now_iso()
    record["updatedAt"] = stamp
    record["properties"][modified_field(object_name)] = stamp


def _item_properties(item: Any, model: str) -> Any:
    if not isinstance(item, dict):
        raise validation(f"Each input of {model} must be an object")
    return item.get("properties", {})


def _batch_body(results: list[dict[str, Any]], errors: list[ApiError], started: str) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = [e.standard_error() for e in errors]
    body.update(startedAt=started, completedAt=now_iso())
    return body


@bp.post(BASE)
def create(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    body = json_object("SimplePublicObjectInputForCreate")
    record = _new_record(state, object_name, body.get("properties"), unique_index(state, object_name))
    state.records[object_name][record["id"]] = record
    return respond(record_view(state, object_name, record, sorted(record["properties"])), 201)


@bp.get(BASE + "/<objectId>")
def get_by_id(objectType: str, objectId: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    record = find_record(state, object_name, objectId, request.args.get("idProperty"))
    return respond(record_view(state, object_name, record, query_list("properties")))


@bp.patch(BASE + "/<objectId>")
def update(objectType: str, objectId: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    record = find_record(state, object_name, objectId, request.args.get("idProperty"))
    body = json_object("SimplePublicObjectInput")
    _apply(state, object_name, record, body.get("properties"), unique_index(state, object_name))
    return respond(record_view(state, object_name, record, sorted(record["properties"])))


@bp.delete(BASE + "/<objectId>")
def archive(objectType: str, objectId: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    record = find_record(state, object_name, objectId)
    record.update(archived=True, updatedAt=now_iso())
    state.record_epoch += 1
    return no_content()


@bp.get(BASE)
def get_page(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    limit = query_int("limit", 10, minimum=1, maximum=100)
    after = query_int("after", 0)
    archived = query_bool("archived")
    wanted = query_list("properties")
    live = [r for r in state.records[object_name].values() if r["archived"] == archived]
    page = live[after : after + limit]
    body: dict[str, Any] = {"results": [record_view(state, object_name, r, wanted) for r in page]}
    if after + limit < len(live):
        nxt = str(after + limit)
        body["paging"] = {
            "next": {"after": nxt, "link": f"{base_url()}{request.path}?after={nxt}&limit={limit}"}
        }
    return respond(body)


@bp.post(BASE + "/batch/create")
def batch_create(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    started = now_iso()
    model = "BatchInputSimplePublicObjectBatchInputForCreate"
    items = inputs_of(json_object(model), model, BATCH_LIMIT)
    index = unique_index(state, object_name)
    created = [_new_record(state, object_name, _item_properties(item, model), index) for item in items]
    for record in created:
        state.records[object_name][record["id"]] = record
    results = [record_view(state, object_name, r, sorted(r["properties"])) for r in created]
    return respond(_batch_body(results, [], started), 201)


@bp.post(BASE + "/batch/update")
def batch_update(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    started = now_iso()
    model = "BatchInputSimplePublicObjectBatchInput"
    items = inputs_of(json_object(model), model, BATCH_LIMIT)
    index = unique_index(state, object_name)
    results: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    targets: list[tuple[dict[str, Any], Any]] = []
    for item in items:
        values = _item_properties(item, model)
        try:
            record = find_record(state, object_name, str(item.get("id")), item.get("idProperty"))
        except ApiError as exc:
            exc.context = {"ids": [str(item.get("id"))]}
            errors.append(exc)
            continue
        check_write(state, object_name, values, record["properties"])  # all-or-nothing validation
        targets.append((record, values))
    for record, values in targets:
        _apply(state, object_name, record, values, index)
        results.append(record_view(state, object_name, record, sorted(record["properties"])))
    return respond(_batch_body(results, errors, started), 207 if errors else 200)


@bp.post(BASE + "/batch/read")
def batch_read(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    started = now_iso()
    body = json_object("BatchReadInputSimplePublicObjectId")
    wanted = body.get("properties") or []
    id_property = body.get("idProperty")
    results: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    for item in inputs_of(body, "BatchReadInputSimplePublicObjectId", BATCH_LIMIT):
        record_id = str(item.get("id")) if isinstance(item, dict) else ""
        try:
            record = find_record(state, object_name, record_id, id_property)
        except ApiError as exc:
            exc.context = {"ids": [record_id]}
            errors.append(exc)
            continue
        results.append(record_view(state, object_name, record, wanted))
    return respond(_batch_body(results, errors, started), 207 if errors else 200)


@bp.post(BASE + "/batch/archive")
def batch_archive(objectType: str) -> Response:
    object_name = resolve(objectType)
    state = portal()
    stamp = now_iso()
    for item in inputs_of(
        json_object("BatchInputSimplePublicObjectId"), "BatchInputSimplePublicObjectId", BATCH_LIMIT
    ):
        record = state.records[object_name].get(str(item.get("id"))) if isinstance(item, dict) else None
        if record is not None and not record["archived"]:
            record.update(archived=True, updatedAt=stamp)
            state.record_epoch += 1
    return no_content()
