"""The ``AlertRule`` kind: notify or create a task when records match a condition."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import ConditionData, Slug, SpecModel

Recipient = Literal["owner", "owner_manager", "team"]


def _owner() -> list[Recipient]:
    return ["owner"]


class AlertRule(SpecModel):
    """Lowers to a workflow on ``object`` that notifies or creates a task."""

    kind: Literal["AlertRule"]
    id: Slug
    object: Literal["contacts", "companies", "deals"] = "deals"
    when: ConditionData
    severity: Literal["info", "warning", "critical"] = "warning"
    notify: list[Recipient] = Field(default_factory=lambda: _owner())
    create_task: bool = False
