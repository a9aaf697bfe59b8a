"""What a fresh portal holds: default groups, HubSpot-defined properties, pipelines.

Everything comes from the project's catalog of a fresh portal (:mod:`compiler.catalog`), the
same source the local provider and the offline checks read.  SPEC: HubSpot-defined properties
report ``hubspotDefined: true`` and ``readOnlyDefinition: true``; defaults report ``createdAt``
at epoch 0.  OBSERVED: the default deal pipeline is ``default`` "Sales Pipeline"
(appointmentscheduled 0.2 … closedwon 1.0, closedlost 0.0) and the default ticket pipeline
``0`` "Support Pipeline" (stages 1, 2, 3 OPEN and 4 CLOSED).  ``pipeline``/``dealstage`` and
``hs_pipeline``/``hs_pipeline_stage`` list the live pipelines and stages as options (kept in
step by :func:`sync_pipeline_options` whenever a pipeline changes), as HubSpot does.
"""

from __future__ import annotations

from typing import Any

from compiler import catalog

from .directory import seed_directory
from .state import EPOCH_ISO, PortalState

# enumeration -> what its options list, per object
PIPELINE_OPTION_PROPERTIES: dict[str, dict[str, str]] = {
    "deals": {"pipeline": "pipelines", "dealstage": "stages"},
    "tickets": {"hs_pipeline": "pipelines", "hs_pipeline_stage": "stages"},
}


def _property(object_name: str, spec: dict[str, Any], order: int) -> dict[str, Any]:
    name = spec["name"]
    prop: dict[str, Any] = {
        "updatedAt": EPOCH_ISO,
        "createdAt": EPOCH_ISO,
        "name": name,
        "label": spec["label"],
        "type": spec["type"],
        "fieldType": spec["fieldType"],
        "description": "",
        "groupName": spec["groupName"],
        "options": [
            {"label": o["label"], "value": o["value"], "description": "", "displayOrder": i, "hidden": False}
            for i, o in enumerate(spec.get("options", ()))
        ],
        "displayOrder": order,
        "calculated": bool(spec.get("calculated")),
        "externalOptions": spec.get("optionSource") == catalog.EXTERNAL,
        "hasUniqueValue": False,
        "hidden": False,
        "hubspotDefined": True,
        "modificationMetadata": {
            "archivable": False,
            "readOnlyDefinition": True,
            "readOnlyOptions": bool(spec.get("readOnlyOptions", spec["type"] != "enumeration")),
            "readOnlyValue": bool(spec.get("readOnlyValue")),
        },
        "formField": not spec.get("readOnlyValue") and spec["type"] not in ("datetime", "object_coordinates"),
        "dataSensitivity": "non_sensitive",
        "archived": False,
    }
    if "referencedObjectType" in spec:
        prop["referencedObjectType"] = spec["referencedObjectType"]
    return prop


def _stage(stage: dict[str, Any], order: int) -> dict[str, Any]:
    return {
        "label": stage["label"],
        "displayOrder": order,
        "metadata": dict(stage["metadata"]),
        "id": stage["id"],
        "createdAt": EPOCH_ISO,
        "updatedAt": EPOCH_ISO,
        "archived": False,
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
    }


def sync_pipeline_options(state: PortalState, object_name: str) -> None:
    """Make the pipeline and stage enumerations of ``object_name`` list the live pipelines and stages.

    Caller holds the state lock.  Pipelines in display order, stages in each pipeline's order."""
    wanted = PIPELINE_OPTION_PROPERTIES.get(object_name)
    if not wanted:
        return
    pipes = sorted((p for p in state.pipelines[object_name].values() if not p.get("archived")),
                   key=lambda p: (p.get("displayOrder", 0), p["id"]))
    choices = {
        "pipelines": [(p["id"], p["label"]) for p in pipes],
        "stages": [(s["id"], s["label"]) for p in pipes
                   for s in sorted((s for s in p["stages"] if not s.get("archived")),
                                   key=lambda s: s.get("displayOrder", 0))],
    }
    for prop in state.properties.get(object_name, []):
        source = wanted.get(prop["name"])
        if source is None:
            continue
        prop["options"] = [{"label": label, "value": value, "description": "", "displayOrder": i, "hidden": False}
                           for i, (value, label) in enumerate(choices[source])]


def seed_portal(state: PortalState) -> None:
    """Fill an empty :class:`PortalState` with a fresh portal's defaults."""
    seed_directory(state.directory)
    for object_name in catalog.OBJECTS:
        for order, (name, label) in enumerate(catalog.groups(object_name)):
            state.groups[object_name][name] = {
                "name": name,
                "label": label,
                "displayOrder": order,
                "archived": False,
            }
        state.properties[object_name] = [
            _property(object_name, spec, order) for order, spec in enumerate(catalog.properties(object_name))
        ]
        for order, pipe in enumerate(catalog.pipelines(object_name)):
            state.pipelines[object_name][pipe["id"]] = {
                "label": pipe["label"],
                "displayOrder": order,
                "id": pipe["id"],
                "stages": [_stage(st, i) for i, st in enumerate(pipe["stages"])],
                "createdAt": EPOCH_ISO,
                "updatedAt": EPOCH_ISO,
                "archived": False,
            }
        sync_pipeline_options(state, object_name)
