"""``/crm/v3/pipelines/{objectType}/{pipelineId}/stages``: stages of one pipeline.

Stage PATCH needs ``metadata`` (the spec marks it required, and client 12's model
carries it).  DELETE archives the stage; the ``validateReferencesBeforeDelete`` flag
(absent from client 12's method, but honoured here) refuses it while records sit in it.
"""

from __future__ import annotations

from flask import Blueprint, Response

from .errors import validation
from .objecttypes import resolve_pipeline_object
from .pipeline_rules import (
    check_labels_unique,
    check_stage_input,
    find_pipeline,
    find_stage,
    live_stages,
    new_stage,
    normalize_metadata,
    refuse_if_in_use,
    stage_view,
    touch,
    used_stage_ids,
)
from .requestio import json_object, no_content, respond
from .runtime import portal
from .state import now_iso

bp = Blueprint("stages", __name__)
BASE = "/crm/v3/pipelines/<objectType>/<pipelineId>/stages"


@bp.get(BASE)
def get_all(objectType: str, pipelineId: str) -> Response:
    pipeline = find_pipeline(portal(), resolve_pipeline_object(objectType), pipelineId)
    return respond({"results": [stage_view(s) for s in live_stages(pipeline)]})


@bp.post(BASE)
def create(objectType: str, pipelineId: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    state = portal()
    pipeline = find_pipeline(state, object_name, pipelineId)
    raw = check_stage_input(json_object("PipelineStageInput"), allow_id=True)
    stage_id = raw.get("stageId")
    if stage_id is not None and stage_id in used_stage_ids(state, object_name):
        raise validation(f"Stage id '{stage_id}' is already in use", context={"stageId": [stage_id]})
    stamp = now_iso()
    stage = new_stage(object_name, raw, stage_id or state.new_id("stage"), stamp)
    check_labels_unique([*live_stages(pipeline), stage])
    pipeline["stages"].append(stage)
    touch(pipeline)
    return respond(stage_view(stage), 201)


@bp.get(BASE + "/<stageId>")
def get_by_id(objectType: str, pipelineId: str, stageId: str) -> Response:
    pipeline = find_pipeline(portal(), resolve_pipeline_object(objectType), pipelineId)
    return respond(stage_view(find_stage(pipeline, stageId)))


def _write(objectType: str, pipelineId: str, stageId: str, *, partial: bool) -> Response:
    object_name = resolve_pipeline_object(objectType)
    pipeline = find_pipeline(portal(), object_name, pipelineId)
    model = "PipelineStagePatchInput" if partial else "PipelineStageInput"
    raw = check_stage_input(json_object(model), allow_id=False, partial=partial)
    stage = find_stage(pipeline, stageId, archived_too=raw.get("archived") is False)
    candidate = {**stage, **{k: v for k, v in raw.items() if k != "metadata"}}
    if raw.get("archived") is False:
        candidate.pop("archivedAt", None)
    candidate["metadata"] = normalize_metadata(object_name, raw["metadata"])
    others = [s for s in live_stages(pipeline) if s["id"] != stageId]
    check_labels_unique([*others, candidate])
    candidate["updatedAt"] = now_iso()
    stage.clear()
    stage.update(candidate)
    touch(pipeline)
    return respond(stage_view(stage))


@bp.put(BASE + "/<stageId>")
def replace(objectType: str, pipelineId: str, stageId: str) -> Response:
    return _write(objectType, pipelineId, stageId, partial=False)


@bp.patch(BASE + "/<stageId>")
def update(objectType: str, pipelineId: str, stageId: str) -> Response:
    return _write(objectType, pipelineId, stageId, partial=True)


@bp.delete(BASE + "/<stageId>")
def archive(objectType: str, pipelineId: str, stageId: str) -> Response:
    object_name = resolve_pipeline_object(objectType)
    state = portal()
    pipeline = find_pipeline(state, object_name, pipelineId)
    stage = find_stage(pipeline, stageId)
    if len(live_stages(pipeline)) == 1:
        raise validation("Cannot delete the last stage: every pipeline keeps at least one stage")
    refuse_if_in_use(state, object_name, pipelineId, {stageId})
    stamp = now_iso()
    stage.update(archived=True, archivedAt=stamp, updatedAt=stamp)
    touch(pipeline)
    return no_content()
