"""Sequence → a contact workflow: delays, email sends, tasks and exit criteria."""

from __future__ import annotations

from typing import Any

from compiler.diagnostics import warning
from compiler.ir import Resource
from compiler.lowering.context import LowerContext
from compiler.models.common import duration_seconds
from compiler.parse import Spec


def _delay(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m"


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    actions: list[dict[str, Any]] = []
    prev = 0
    for i, st in enumerate(m.steps):
        t = duration_seconds(st.after)
        if t > prev:
            actions.append({"type": "delay", "duration": _delay(t - prev)})
            prev = t
        if st.channel == "email":
            actions.append({"type": "send_email", "email": st.email, "ask": st.ask})
        else:
            verb = {"linkedin": "LinkedIn", "call": "Call", "task": "Task"}[st.channel]
            actions.append({"type": "create_task", "title": f"{verb}: ask to {st.ask} ({m.id} step {i + 1})",
                            "assign_to": "owner", "due_in": "1d"})
            if st.channel == "linkedin":
                cx.diagnostics.append(warning(
                    "GTM503", f"step {i + 1}: HubSpot has no API for LinkedIn actions; "
                              "it becomes a task for the contact owner", spec.at("steps", i, "channel")))
    cx.add(Resource("workflow", "contacts", f"{cx.name_prefix}seq-{m.id}", {
        "object": "contacts",
        "description": f"Sequence {m.id} (starts at trust level {m.start_trust}).",
        "enrollment": cx.core_data(spec, ("audience",), "contacts"),
        "reenroll": False,
        "goal": cx.core_data(spec, ("exit_when",), "contacts"),
        "actions": actions,
    }, spec.at("id"), (), "Sequence"))
