"""AlertRule → a workflow on the object that notifies or creates a task."""

from __future__ import annotations

from typing import Any

from compiler.ir import Resource
from compiler.lowering.context import LowerContext
from compiler.parse import Spec


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    actions: list[dict[str, Any]] = [
        {"type": "notify", "recipient": who, "message": f"[{m.severity}] alert {m.id}"} for who in m.notify
    ]
    if m.create_task:
        actions.append({"type": "create_task", "title": f"Alert {m.id}: review this record", "assign_to": "owner",
                        "due_in": "1d"})
    cx.add(Resource("workflow", m.object, f"{cx.name_prefix}alert-{m.id}", {
        "object": m.object,
        "description": f"Alert {m.id} ({m.severity}).",
        "enrollment": cx.core_data(spec, ("when",), m.object),
        "reenroll": True,
        "goal": None,
        "actions": actions,
    }, spec.at("id"), (), "AlertRule"))
