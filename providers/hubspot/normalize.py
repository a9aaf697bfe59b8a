"""Live HubSpot objects → IR resources, normalised so an apply followed by a read compares equal."""

from __future__ import annotations

from typing import Any

from compiler.ir import Resource

OBJECT_TYPE_IDS: dict[str, str] = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5"}
OBJECT_NAMES: dict[str, str] = {v: k for k, v in OBJECT_TYPE_IDS.items()}
LOCK_GROUP = "gtm_lock"


def _get(d: dict[str, Any], *keys: str, default: Any = None) -> Any:
    for k in keys:
        if k in d and d[k] is not None:
            return d[k]
    return default


def group(obj: str, g: dict[str, Any]) -> Resource:
    return Resource("property_group", obj, g["name"], {"label": g.get("label", "")})


def options(opts: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    out = []
    for i, o in enumerate(opts or []):
        out.append({
            "value": str(o.get("value")),
            "label": str(o.get("label", "")),
            "display_order": int(_get(o, "displayOrder", "display_order", default=i)),
            "hidden": bool(o.get("hidden", False)),
        })
    out.sort(key=lambda o: (o["display_order"], o["value"]))
    return out


def prop(obj: str, p: dict[str, Any]) -> Resource:
    formula = _get(p, "calculationFormula", "calculation_formula")
    attrs = {
        "label": p.get("label", ""),
        "description": p.get("description") or "",
        "group": _get(p, "groupName", "group_name", default=""),
        "type": p.get("type"),
        "field_type": _get(p, "fieldType", "field_type"),
        "options": options(p.get("options")),
        "formula": formula or None,
    }
    hs = bool(_get(p, "hubspotDefined", "hubspot_defined", default=False))
    return Resource("property", obj, p["name"], attrs, readonly=hs)


def _prob(meta: dict[str, Any]) -> float:
    try:
        return round(float(meta.get("probability", 0.0)), 1)
    except (TypeError, ValueError):
        return 0.0


def pipeline(obj: str, p: dict[str, Any]) -> Resource:
    stages = []
    for s in sorted(p.get("stages") or [], key=lambda s: (_get(s, "displayOrder", "display_order", default=0),
                                                           s.get("id", ""))):
        if s.get("archived"):
            continue
        meta = s.get("metadata") or {}
        stage: dict[str, Any] = {
            "id": s["id"],
            "label": s.get("label", ""),
            "display_order": int(_get(s, "displayOrder", "display_order", default=0)),
            "probability": _prob(meta),
            "closed": str(_get(meta, "isClosed", default="false")).lower() == "true",
        }
        if obj == "tickets":  # ticket stages: open or closed, no probability
            del stage["probability"]
            stage["closed"] = str(meta.get("ticketState", "OPEN")).upper() == "CLOSED"
        stages.append(stage)
    attrs = {"label": p.get("label", ""), "display_order": int(_get(p, "displayOrder", "display_order",
                                                                     default=0)), "stages": stages}
    readonly = p.get("id") == "default" or str(_get(p, "createdAt", "created_at", default="")) in (
        "0", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z")
    default_id = "0" if obj == "tickets" else "default"  # HubSpot's own pipeline of each object
    return Resource("pipeline", obj, p["id"], attrs, readonly=readonly and p.get("id") == default_id)


def stage_input(stage: dict[str, Any]) -> dict[str, Any]:
    if "probability" not in stage:  # a ticket stage
        return {"stageId": stage["id"], "label": stage["label"], "displayOrder": stage["display_order"],
                "metadata": {"ticketState": "CLOSED" if stage["closed"] else "OPEN"}}
    return {
        "stageId": stage["id"],
        "label": stage["label"],
        "displayOrder": stage["display_order"],
        "metadata": {"probability": f"{float(stage['probability']):.1f}",
                     "isClosed": "true" if stage["closed"] else "false"},
    }
