"""The ``ICP`` kind: ideal customer profile with its buying-committee personas."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import Slug, SpecModel

Role = Literal["economic_buyer", "champion", "technical_buyer", "end_user", "influencer", "gatekeeper"]
ROLES: tuple[str, ...] = ("economic_buyer", "champion", "technical_buyer", "end_user", "influencer", "gatekeeper")


class Range(SpecModel):
    min: int | None = Field(default=None, ge=0, le=10**9)
    max: int | None = Field(default=None, ge=0, le=10**9)


class Firmographics(SpecModel):
    industries: list[str] = Field(default_factory=list)
    employees: Range | None = None
    countries: list[str] = Field(default_factory=list)


class Technographics(SpecModel):
    uses_any: list[str] = Field(default_factory=list)


class Persona(SpecModel):
    id: Slug
    role: Role
    titles: list[str] = Field(min_length=1)
    pains: list[str] = Field(default_factory=list)
    triggers: list[str] = Field(default_factory=list)
    objections: list[str] = Field(default_factory=list)


def _default_committee() -> list[Role]:
    return ["economic_buyer", "champion"]


class ICP(SpecModel):
    """Who we sell to; feeds the ``icp`` and ``persona`` condition sugar and the phase-1 gate."""

    kind: Literal["ICP"]
    id: Slug
    description: str | None = None
    firmographics: Firmographics = Field(default_factory=Firmographics)
    technographics: Technographics = Field(default_factory=Technographics)
    buying_committee: list[Role] = Field(
        default_factory=lambda: _default_committee(),
        description="roles that must each have a persona (phase-1 gate)",
    )
    personas: list[Persona] = Field(default_factory=list)
