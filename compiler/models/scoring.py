"""The ``LeadScoring`` kind: additive rules, score bands with routes, the MQL threshold."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import ConditionData, Slug, SpecModel


class Rule(SpecModel):
    id: Slug
    points: int = Field(ge=-1000, le=1000)
    when: ConditionData
    description: str | None = None


class Band(SpecModel):
    id: Slug
    min: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)
    max: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)
    route: Slug
    sla: Slug | None = None


class Mql(SpecModel):
    min_score: int = Field(ge=-1_000_000, le=1_000_000)


class LeadScoring(SpecModel):
    """Lowers to ``gtm_lead_score`` and ``gtm_lead_band`` (calculations), band lists and an MQL workflow."""

    kind: Literal["LeadScoring"]
    object: Literal["contacts"] = "contacts"
    rules: list[Rule] = Field(min_length=1)
    bands: list[Band] = Field(min_length=1)
    mql: Mql | None = None
    sales_routes: list[Slug] = Field(
        default_factory=lambda: ["sales", "sdr"],
        description="routes that hand a lead to sales (each needs an SLA, phase-3 gate)",
    )
