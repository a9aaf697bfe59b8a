"""The ``Pipeline`` kind: a deal pipeline and its ordered stages."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import Slug, SpecModel


class Stage(SpecModel):
    id: Slug
    label: str = Field(min_length=1, max_length=100)
    probability: float | None = None
    max_days: int | None = Field(default=None, gt=0, le=3650)
    closed: Literal["won", "lost"] | None = None
    entry: list[str] = Field(default_factory=list)
    exit: list[str] = Field(default_factory=list)


class RemovedStage(SpecModel):
    """A stage taken out of the pipeline, and where the deals it holds move to."""

    id: str = Field(min_length=1)
    moved_to: Slug


class Pipeline(SpecModel):
    """Lowers to ``pipeline.deals.gtm-<id>`` (or the live id when ``adopt: true``)."""

    kind: Literal["Pipeline"]
    object: Literal["deals"] = "deals"
    id: Slug
    label: str = Field(min_length=1, max_length=100)
    adopt: bool = Field(default=False, description="manage an existing pipeline with this exact id")
    display_order: int = Field(default=0, ge=-1, le=1_000_000)
    stages: list[Stage] = Field(min_length=1, max_length=100)
    removed_stages: list[RemovedStage] = Field(default_factory=list)
