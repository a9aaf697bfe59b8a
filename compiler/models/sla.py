"""The ``SLA`` kind: a response-time promise and what happens on breach."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from compiler.models.common import ConditionData, Duration, Slug, SpecModel


class BreachAction(SpecModel):
    after: Duration | None = None
    notify: Literal["owner", "owner_manager", "team"] | None = None
    set: dict[str, str | int | float | bool] | None = None
    task: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> BreachAction:
        given = [k for k in ("notify", "set", "task") if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "gtm_one_of", "a breach action needs exactly one of notify, set, task (got {given})",
                {"given": ", ".join(given) or "none"},
            )
        return self


class SLA(SpecModel):
    """Lowers to a workflow: enrol on ``when``, a task due in ``respond_within``, breach actions."""

    kind: Literal["SLA"]
    id: Slug
    object: Literal["contacts", "companies", "deals"] = "contacts"
    when: ConditionData
    owner: Slug
    respond_within: Duration
    on_breach: list[BreachAction] = Field(default_factory=list)

