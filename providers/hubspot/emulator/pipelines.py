"""``/crm/v3/pipelines/{objectType}``: pipelines (deals, tickets).

Create accepts the optional ``pipelineId`` and per-stage ``stageId`` of the spec to pick
ids; otherwise numeric ids are generated.  PUT replaces label, order and stages: an input
stage whose ``stageId`` exists is updated in place, a stage left out is archived.  PATCH
``{"archived": false}`` restores an archived pipeline; ``archived: true`` is 400.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .errors import conflict, missing_field, not_found, unknown_field, validation
from .objecttypes import resolve_pipeline_object
from .pipeline_rules import (
    check_labels_unique,
    check_pipeline_id,
    check_stage_input,
    find_pipeline,
    live_stages,
    new_stage,
    normalize_metadata,
    pipeline_view,
    refuse_if_in_use,
    touch,
    used_stage_ids,
)
from .requestio import json_object, no_content, respond
from .runtime import portal
from .state import PortalState, now_iso

bp = Blueprint("pipelines", __name__)
BASE = "/crm/v3/pipelines/<objectType>"


def _check_body(body: dict[str, Any], allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise unknown_field(key, "PipelineInput")
    for key in required:
        if body.get(key) is None:
            raise missing_field(key, "PipelineInput")
    if "label" in body and (not isinstance(body["label"], str) or not body["label"].strip()):
        raise validation("label must be a non-empty string")
    if "displayOrder" in body and not isinstance(body["displayOrder"], int):
        raise validation("displayOrder must be an integer")
    if "stages" in body and (not isinstance(body["stages"], list) or not body["stages"]):
        raise validation("stages must be a non-empty array: every pipeline needs at least one stage")


def _check_label_free(state: PortalState, object_name: str, label: str, skip: str | None = None) -> None:
    for pipeline in state.active_pipelines(object_name):
        if pipeline["id"] != skip and pipeline["label"].strip().lower() == label.strip().lower():
            raise validation(f"A pipeline labelled '{label}' already exists", context={"label": [label]})


def _build_stages(
    state: PortalState, object_name: str, inputs: list[Any], current: dict[str, Any] | None, stamp: str
) -> list[dict[str, Any]]:
    """Stages for a create (``current`` None) or a replace of ``current``."""
    own = {s["id"]: s for s in current["stages"]} if current else {}
    taken = used_stage_ids(state, object_name) - set(own)
    out: list[dict[str, Any]] = []
    chosen: set[str] = set()
    for raw in inputs:
        check_stage_input(raw, allow_id=True)
        stage_id = raw.get("stageId")
        if stage_id is not None and (stage_id in taken or stage_id in chosen):
            raise validation(f"Stage id '{stage_id}' is already in use", context={"stageId": [stage_id]})
        if stage_id in own:
            stage = {**own[stage_id], "label": raw["label"], "displayOrder": raw["displayOrder"]}
            stage.update(
                metadata=normalize_metadata(object_name, raw["metadata"]), updatedAt=stamp, archived=False
            )
            stage.pop("archivedAt", None)
        else:
            stage = new_stage(object_name, raw, stage_id or state.new_id("stage"), stamp)
        chosen.add(stage["id"])
        out.append(stage)
    check_labels_unique(out)
    return out


@bp.get(BASE)
def get_all(objectType: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    pipelines = sorted(portal().active_pipelines(object_name), key=lambda p: (p["displayOrder"], p["label"]))
    return respond({"results": [pipeline_view(p) for p in pipelines]})


@bp.post(BASE)
def create(objectType: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    state = portal()
    body = json_object("PipelineInput")
    _check_body(body, ("label", "displayOrder", "stages", "pipelineId"), ("label", "displayOrder", "stages"))
    pipeline_id = body.get("pipelineId")
    if pipeline_id is not None:
        check_pipeline_id(pipeline_id)
        if pipeline_id in state.pipelines[object_name]:
            raise conflict(f"A pipeline with id '{pipeline_id}' already exists")
    _check_label_free(state, object_name, body["label"])
    stamp = now_iso()
    stages = _build_stages(state, object_name, body["stages"], None, stamp)
    pipeline = {
        "label": body["label"],
        "displayOrder": body["displayOrder"],
        "id": pipeline_id or state.new_id("pipeline"),
        "stages": stages,
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
    }
    state.pipelines[object_name][pipeline["id"]] = pipeline
    return respond(pipeline_view(pipeline), 201)


@bp.get(BASE + "/<pipelineId>")
def get_by_id(objectType: str, pipelineId: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    return respond(pipeline_view(find_pipeline(portal(), object_name, pipelineId)))


@bp.put(BASE + "/<pipelineId>")
def replace(objectType: str, pipelineId: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    state = portal()
    pipeline = find_pipeline(state, object_name, pipelineId)
    body = json_object("PipelineInput")
    _check_body(body, ("label", "displayOrder", "stages"), ("label", "displayOrder", "stages"))
    _check_label_free(state, object_name, body["label"], skip=pipelineId)
    stamp = now_iso()
    stages = _build_stages(state, object_name, body["stages"], pipeline, stamp)
    kept = {s["id"] for s in stages}
    dropped = [s for s in live_stages(pipeline) if s["id"] not in kept]
    if dropped:
        refuse_if_in_use(state, object_name, pipelineId, {s["id"] for s in dropped})
    history = [s for s in pipeline["stages"] if s["id"] not in kept]
    for stage in dropped:
        stage.update(archived=True, archivedAt=stamp, updatedAt=stamp)
    pipeline.update(label=body["label"], displayOrder=body["displayOrder"], stages=stages + history)
    pipeline["updatedAt"] = stamp
    return respond(pipeline_view(pipeline))


@bp.patch(BASE + "/<pipelineId>")
def update(objectType: str, pipelineId: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    state = portal()
    body = json_object("PipelinePatchInput")
    _check_body(body, ("label", "displayOrder", "archived"), ())
    pipeline = state.pipelines[object_name].get(pipelineId)
    if pipeline is None:
        raise not_found(f"Unable to find pipeline {pipelineId} for objectType {object_name}")
    if body.get("archived") is True:
        raise validation(
            "archived can only be set to false, to restore an archived pipeline; use DELETE to archive"
        )
    if pipeline["archived"]:
        if body.get("archived") is not False:
            raise not_found(f"Unable to find pipeline {pipelineId} for objectType {object_name}")
        _check_label_free(state, object_name, body.get("label", pipeline["label"]), skip=pipelineId)
        pipeline["archived"] = False
        pipeline.pop("archivedAt", None)
    if "label" in body:
        _check_label_free(state, object_name, body["label"], skip=pipelineId)
        pipeline["label"] = body["label"]
    if "displayOrder" in body:
        pipeline["displayOrder"] = body["displayOrder"]
    touch(pipeline)
    return respond(pipeline_view(pipeline))


@bp.delete(BASE + "/<pipelineId>")
def archive(objectType: str, pipelineId: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    state = portal()
    pipeline = find_pipeline(state, object_name, pipelineId)
    if len(state.active_pipelines(object_name)) == 1:
        raise validation(f"Cannot delete the only {object_name} pipeline: every object keeps at least one")
    refuse_if_in_use(state, object_name, pipelineId, None)
    stamp = now_iso()
    pipeline.update(archived=True, archivedAt=stamp, updatedAt=stamp)
    return no_content()
