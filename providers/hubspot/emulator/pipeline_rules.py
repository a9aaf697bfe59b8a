"""Validation and shapes shared by the pipeline and stage routes.

* SPEC: stage ``metadata`` is a string-to-string map (``true``/``1.0`` are rejected).
* DOC: deal stages need ``probability`` between 0.0 and 1.0 in steps of 0.1; ``isClosed``
  is ``"true"``/``"false"`` (filled with ``"false"`` when absent); ticket stages may carry
  ``ticketState`` ``OPEN``/``CLOSED``; stage labels are unique within a pipeline; at most
  100 stages; every pipeline keeps at least one stage and every object one pipeline.
* SPEC: ``validateReferencesBeforeDelete`` / ``validateDealStageUsagesBeforeDelete``
  default to false; when either is true, removing a stage (or pipeline) that records sit
  in is refused with 400 ``VALIDATION_ERROR``.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import missing_field, not_found, unknown_field, validation
from .requestio import query_bool
from .state import PortalState, now_iso

MAX_STAGES = 100
_ID_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
STAGE_FIELDS = ("label", "displayOrder", "metadata", "stageId")
#: object -> (pipeline property, stage property) on records.
RECORD_FIELDS = {"deals": ("pipeline", "dealstage"), "tickets": ("hs_pipeline", "hs_pipeline_stage")}


def stage_view(stage: dict[str, Any]) -> dict[str, Any]:
    """A stage as returned (deep copy; ``archivedAt`` only when archived)."""
    out = copy.deepcopy(stage)
    if not out["archived"]:
        out.pop("archivedAt", None)
    return out


def live_stages(pipeline: dict[str, Any]) -> list[dict[str, Any]]:
    """Un-archived stages, in display order."""
    return sorted((s for s in pipeline["stages"] if not s["archived"]), key=lambda s: s["displayOrder"])


def pipeline_view(pipeline: dict[str, Any]) -> dict[str, Any]:
    """A pipeline as returned, with its live stages."""
    out = {k: copy.deepcopy(v) for k, v in pipeline.items() if k != "stages"}
    out["stages"] = [stage_view(s) for s in live_stages(pipeline)]
    if not out["archived"]:
        out.pop("archivedAt", None)
    return out


def find_pipeline(state: PortalState, object_name: str, pipeline_id: str) -> dict[str, Any]:
    """A live pipeline, else 404 (archived ids are 404 too)."""
    pipeline = state.pipelines[object_name].get(pipeline_id)
    if pipeline is None or pipeline["archived"]:
        raise not_found(f"Unable to find pipeline {pipeline_id} for objectType {object_name}")
    return pipeline


def find_stage(pipeline: dict[str, Any], stage_id: str, *, archived_too: bool = False) -> dict[str, Any]:
    """A live stage of ``pipeline`` (or an archived one when ``archived_too``), else 404."""
    for stage in pipeline["stages"]:
        if stage["id"] == stage_id and (archived_too or not stage["archived"]):
            return stage
    raise not_found(f"Unable to find stage {stage_id} in pipeline {pipeline['id']}")


def normalize_metadata(object_name: str, metadata: Any) -> dict[str, str]:
    """Validated stage metadata; deal probabilities rendered with one decimal."""
    if not isinstance(metadata, dict):
        raise validation("metadata must be an object of string values")
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise validation(
                f"metadata.{key} must be a string, got {json_type(value)}",
                context={"metadata": [key]},
            )
    out = dict(metadata)
    if object_name == "deals":
        raw = out.get("probability")
        if raw is None:
            raise validation(
                "Deal stages require metadata.probability", context={"metadata": ["probability"]}
            )
        try:
            probability = Decimal(raw)
        except InvalidOperation as exc:
            raise validation(f"metadata.probability '{raw}' is not a number") from exc
        if not (0 <= probability <= 1) or (probability * 10) % 1 != 0:
            raise validation(
                f"metadata.probability must be between 0.0 and 1.0 in steps of 0.1, got '{raw}'",
                context={"metadata": ["probability"]},
            )
        out["probability"] = f"{probability:.1f}"
        closed = out.setdefault("isClosed", "false")
        if closed not in ("true", "false"):
            raise validation(f'metadata.isClosed must be "true" or "false", got \'{closed}\'')
    if object_name == "tickets" and out.get("ticketState", "OPEN") not in ("OPEN", "CLOSED"):
        raise validation(f"metadata.ticketState must be OPEN or CLOSED, got '{out['ticketState']}'")
    return out


def json_type(value: Any) -> str:
    """JSON type name of a decoded value, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return "an object" if isinstance(value, dict) else "an array"


def check_stage_input(raw: Any, *, allow_id: bool, partial: bool = False) -> dict[str, Any]:
    """A stage input object with known fields (required ones unless ``partial``)."""
    if not isinstance(raw, dict):
        raise validation("Each stage must be an object")
    allowed = (*STAGE_FIELDS, "archived") if partial else STAGE_FIELDS
    for key in raw:
        if key not in allowed or (key == "stageId" and not allow_id):
            raise unknown_field(key, "PipelineStageInput")
    if raw.get("archived") is True:
        raise validation(
            "archived can only be set to false, to restore an archived stage; use DELETE to archive"
        )
    required = ("metadata",) if partial else ("label", "displayOrder", "metadata")
    for key in required:
        if raw.get(key) is None:
            raise missing_field(key, "PipelineStageInput")
    if "label" in raw and (not isinstance(raw["label"], str) or not raw["label"].strip()):
        raise validation("stage label must be a non-empty string")
    if "displayOrder" in raw and not isinstance(raw["displayOrder"], int):
        raise validation("stage displayOrder must be an integer")
    stage_id = raw.get("stageId")
    if stage_id is not None and (not isinstance(stage_id, str) or not _ID_RE.match(stage_id)):
        raise validation(f"Invalid stageId '{stage_id}'")
    return raw


def check_pipeline_id(pipeline_id: Any) -> str:
    """A caller-chosen pipeline id must be a simple token."""
    if not isinstance(pipeline_id, str) or not _ID_RE.match(pipeline_id):
        raise validation(f"Invalid pipelineId '{pipeline_id}'")
    return pipeline_id


def check_labels_unique(stages: list[dict[str, Any]]) -> None:
    """400 when two live stages share a label (case-insensitive) or there are too many."""
    if len(stages) > MAX_STAGES:
        raise validation(f"A pipeline can have at most {MAX_STAGES} stages")
    seen: set[str] = set()
    for stage in stages:
        key = stage["label"].strip().lower()
        if key in seen:
            raise validation(f"Stage labels must be unique within a pipeline: '{stage['label']}'")
        seen.add(key)


def new_stage(object_name: str, raw: dict[str, Any], stage_id: str, stamp: str) -> dict[str, Any]:
    """A stored stage built from a validated input."""
    return {
        "label": raw["label"],
        "displayOrder": raw["displayOrder"],
        "metadata": normalize_metadata(object_name, raw["metadata"]),
        "id": stage_id,
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
    }


def used_stage_ids(state: PortalState, object_name: str) -> set[str]:
    """Every stage id of the object, archived ones included."""
    return {s["id"] for p in state.pipelines[object_name].values() for s in p["stages"]}


def validate_flags() -> bool:
    """True when the request asks HubSpot to check references before deleting."""
    return query_bool("validateReferencesBeforeDelete") or query_bool("validateDealStageUsagesBeforeDelete")


def records_in(state: PortalState, object_name: str, pipeline_id: str, stage_ids: set[str] | None) -> int:
    """How many live records sit in the pipeline (and, if given, in one of ``stage_ids``)."""
    pipe_field, stage_field = RECORD_FIELDS[object_name]
    count = 0
    for record in state.records[object_name].values():
        if record["archived"]:
            continue
        props = record["properties"]
        if stage_ids is None:
            count += props.get(pipe_field) == pipeline_id
        else:
            count += props.get(stage_field) in stage_ids and props.get(pipe_field, pipeline_id) == pipeline_id
    return count


def refuse_if_in_use(
    state: PortalState, object_name: str, pipeline_id: str, stage_ids: set[str] | None
) -> None:
    """Apply the validate flags: 400 when records use what is being removed."""
    if not validate_flags():
        return
    count = records_in(state, object_name, pipeline_id, stage_ids)
    if count:
        what = "pipeline " + pipeline_id if stage_ids is None else "stage(s) " + ", ".join(sorted(stage_ids))
        raise validation(
            f"Cannot remove {what}: {count} {object_name} record(s) are in it",
            context={"recordCount": [str(count)]},
        )


def touch(item: dict[str, Any]) -> None:
    """Bump ``updatedAt``."""
    item["updatedAt"] = now_iso()
