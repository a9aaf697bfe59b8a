"""SLA → a workflow: enrol on the condition, a task for the owner due in ``respond_within``,
then the breach actions (contacts leave the workflow as soon as they are contacted)."""

from __future__ import annotations

from typing import Any

from compiler.ir import Resource
from compiler.lowering.context import LowerContext
from compiler.parse import Spec

CONTACTED: dict[str, Any] = {"property": "notes_last_contacted", "known": True}


def breach_actions(actions: list[Any], sla_id: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for a in actions:
        if a.after is not None:
            out.append({"type": "delay", "duration": a.after})
        if a.notify is not None:
            out.append({"type": "notify", "recipient": a.notify,
                        "message": f"SLA {sla_id} breached: no response in time"})
        if a.set is not None:
            for k, v in sorted(a.set.items()):
                out.append({"type": "set_property", "property": k, "value": v})
        if a.task is not None:
            out.append({"type": "create_task", "title": a.task, "assign_to": "owner", "due_in": "1d"})
    return out


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    actions: list[dict[str, Any]] = [
        {"type": "create_task", "title": f"Respond within {m.respond_within} ({m.id})", "assign_to": m.owner,
         "due_in": m.respond_within},
        {"type": "delay", "duration": m.respond_within},
        *breach_actions(m.on_breach, m.id),
    ]
    cx.add(Resource("workflow", m.object, f"{cx.name_prefix}sla-{m.id}", {
        "object": m.object,
        "description": f"SLA {m.id}: {m.owner} responds within {m.respond_within}.",
        "enrollment": cx.core_data(spec, ("when",), m.object),
        "reenroll": True,
        # only contact workflows have goals in HubSpot; elsewhere the breach steps always run
        "goal": CONTACTED if m.object == "contacts" else None,
        "actions": actions,
    }, spec.at("id"), (), "SLA"))
