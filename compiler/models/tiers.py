"""The ``Tiers`` kind: ordered account tiers (first match wins)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import ConditionData, Slug, SpecModel

Personalization = Literal["buyer", "account", "jtbd", "vertical"]


class Tier(SpecModel):
    id: Slug
    label: str | None = None
    personalization: Personalization | None = None
    when: ConditionData = None


class Tiers(SpecModel):
    """Lowers to the calculation property ``gtm_tier`` and one dynamic list per tier."""

    kind: Literal["Tiers"]
    object: Literal["companies", "contacts"] = "companies"
    tiers: list[Tier] = Field(min_length=1)
