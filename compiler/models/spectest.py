"""The ``Test`` kind: example records and the outcomes the specs must give them (``gtm test``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import Slug, SpecModel

Value = str | int | float | bool | None


class Expect(SpecModel):
    """What the evaluator must compute for the record; only the keys given are checked."""

    score: int | None = None
    band: str | None = Field(default=None, description="band id; `none` for no band")
    route: str | None = None
    mql: bool | None = None
    tier: str | None = Field(default=None, description="tier id; `none` when no tier matches")
    lifecycle: str | None = Field(default=None, description="lifecycle stage after gtm's workflows ran")
    slas: list[Slug] | None = Field(default=None, description="exactly the SLAs the record enters")
    sequences: list[Slug] | None = Field(default=None, description="exactly the sequences the record enters")
    alerts: list[Slug] | None = Field(default=None, description="exactly the alerts that fire for the record")
    properties: dict[str, Value] | None = Field(default=None, description="any calculated property's value")


class Case(SpecModel):
    id: Slug
    description: str | None = None
    object: Literal["contacts", "companies", "deals"] = "contacts"
    record: dict[str, Value] = Field(description="the record's property values")
    company: dict[str, Value] | None = Field(
        default=None, description="the associated company's properties (its tier is copied to a contact)")
    expect: Expect


class Test(SpecModel):
    """Record fixtures checked offline by ``gtm test`` with the same evaluator the local provider uses."""

    kind: Literal["Test"]
    id: Slug
    description: str | None = None
    cases: list[Case] = Field(min_length=1)
