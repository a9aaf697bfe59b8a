"""The ``Sequence`` kind: a multi-step outreach that must respect trust levels."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import ConditionData, Duration, Slug, SpecModel

Ask = Literal["read", "connect", "reply", "meeting", "demo", "proposal"]
ASK_TRUST: dict[str, int] = {"read": 0, "connect": 1, "reply": 2, "meeting": 3, "demo": 4, "proposal": 4}
TRUST_LEVELS: dict[int, str] = {0: "unknown", 1: "aware", 2: "interested", 3: "engaged", 4: "trusting", 5: "customer"}


class Step(SpecModel):
    after: Duration
    channel: Literal["email", "linkedin", "call", "task"]
    ask: Ask
    email: Slug | None = None
    note: str | None = None


class Sequence(SpecModel):
    """Lowers to a contact workflow: delays, email sends, tasks and exit criteria."""

    kind: Literal["Sequence"]
    id: Slug
    audience: ConditionData
    start_trust: int = Field(ge=0, le=5)
    steps: list[Step] = Field(min_length=1)
    exit_when: ConditionData = None
