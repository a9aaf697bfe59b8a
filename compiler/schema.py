"""JSON Schema export for every kind and for ``gtm.yaml`` (``gtm schema``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from compiler.models import KINDS
from compiler.models.common import CONDITION_MARKER, CONDITION_REF, CONDITION_SCHEMA

SCHEMA_BASE = "https://gtm.dev/schema/v1"


def _replace_markers(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get(CONDITION_MARKER):
            out = dict(CONDITION_REF)
            if "default" in node:
                out["default"] = node["default"]
            return out
        return {k: _replace_markers(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace_markers(v) for v in node]
    return node


def model_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    raw = model.model_json_schema(mode="validation")
    schema: dict[str, Any] = _replace_markers(raw)
    defs = schema.setdefault("$defs", {})
    defs["Condition"] = CONDITION_SCHEMA
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{SCHEMA_BASE}/{name}.json"
    schema["title"] = name
    return schema


def kind_schema(kind: str) -> dict[str, Any]:
    return model_schema(KINDS[kind], kind)


def all_schemas() -> dict[str, dict[str, Any]]:
    from compiler.workspace import Workspace

    out = {k: kind_schema(k) for k in KINDS}
    out["Workspace"] = model_schema(Workspace, "Workspace")
    return out
