"""The ``Pipeline`` kind: a deal or ticket pipeline and its ordered stages."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from compiler.models.common import MAX_SLUG, SpecModel

LIVE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _live_id(v: str) -> str:
    if not LIVE_ID_RE.fullmatch(v) or len(v) > MAX_SLUG:
        raise PydanticCustomError(
            "gtm_slug", "invalid identifier '{value}': use letters, digits, hyphens and underscores, at most 60",
            {"value": v})
    return v


# a slug, or (in an adopted pipeline) the id the CRM gave: HubSpot numbers pipelines and stages made
# in its UI; compiler.checks.semantics asks for a slug unless the pipeline says `adopt: true`
PipelineId = Annotated[str, AfterValidator(_live_id), WithJsonSchema(
    {"type": "string", "pattern": LIVE_ID_RE.pattern, "maxLength": MAX_SLUG})]


class Stage(SpecModel):
    id: PipelineId
    label: str = Field(min_length=1, max_length=100)
    probability: float | None = None
    max_days: int | None = Field(default=None, gt=0, le=3650)
    closed: Literal["won", "lost"] | bool | None = Field(
        default=None, description="deal stages: won or lost; ticket stages: true (the ticket is closed)")
    entry: list[str] = Field(default_factory=list)
    exit: list[str] = Field(default_factory=list)
    order: int | None = Field(default=None, description="display order when it is not the list position")


class RemovedStage(SpecModel):
    """A stage taken out of the pipeline, and where the deals it holds move to."""

    id: str = Field(min_length=1)
    moved_to: PipelineId


class Pipeline(SpecModel):
    """Lowers to ``pipeline.deals.gtm-<id>`` (or the live id when ``adopt: true``)."""

    kind: Literal["Pipeline"]
    object: Literal["deals", "tickets"] = "deals"
    id: PipelineId
    label: str = Field(min_length=1, max_length=100)
    adopt: bool = Field(default=False, description="manage an existing pipeline with this exact id")
    display_order: int = Field(default=0, ge=-1, le=1_000_000)
    stages: list[Stage] = Field(min_length=1, max_length=100)
    removed_stages: list[RemovedStage] = Field(default_factory=list)
