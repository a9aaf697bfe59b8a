"""The ``UTMConvention`` kind: allowed values and patterns for UTM parameters."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.models.common import Regex, SpecModel

UTM_PARAMS: tuple[str, ...] = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
UtmParam = Literal["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]


class ParamRule(SpecModel):
    allowed: list[str] | None = Field(default=None, min_length=1)
    pattern: Regex | None = None
    required: bool = False


class Capture(SpecModel):
    first_touch: bool = True
    last_touch: bool = True


class UTMConvention(SpecModel):
    """Lowers to first/last-touch UTM contact properties; drives ``gtm utm check/build``."""

    kind: Literal["UTMConvention"]
    case: Literal["lower", "any"] = "lower"
    params: dict[UtmParam, ParamRule]
    required_for: dict[UtmParam, list[str]] = Field(default_factory=dict)
    capture: Capture = Field(default_factory=Capture)
