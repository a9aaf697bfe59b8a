"""Shared field types for spec models: slugs, durations, regexes, conditions."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
DURATION_RE = re.compile(r"^([0-9]+)(m|h|d)$")  # ASCII digits: \d also matches ٣ and ３
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}
MAX_SLUG = 60


class SpecModel(BaseModel):
    """Base for every spec model: unknown keys are errors, no silent coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def _slug(v: str) -> str:
    if not SLUG_RE.fullmatch(v):  # fullmatch: `$` alone would accept a trailing newline
        raise PydanticCustomError(
            "gtm_slug",
            "invalid identifier '{value}': use lower-case letters, digits and single hyphens, starting with a letter",
            {"value": v},
        )
    if len(v) > MAX_SLUG:
        raise PydanticCustomError("gtm_slug", "identifier '{value}' is longer than 60 characters", {"value": v})
    return v


MAX_DURATION_S = 3650 * 86400  # ten years


def _duration(v: str) -> str:
    m = DURATION_RE.fullmatch(v)
    if not m:
        raise PydanticCustomError(
            "gtm_duration", "invalid duration '{value}': write a whole number and a unit, like 30m, 4h or 2d",
            {"value": v},
        )
    if int(m.group(1)) * _UNIT_SECONDS[m.group(2)] > MAX_DURATION_S:
        raise PydanticCustomError("gtm_duration", "duration '{value}' is longer than ten years", {"value": v})
    return v


def _regex(v: str) -> str:
    from compiler.safe_regex import regex_problem

    why = regex_problem(v)
    if why is not None:
        raise PydanticCustomError("gtm_regex", "invalid regular expression: {reason}", {"reason": why})
    return v


Slug = Annotated[str, AfterValidator(_slug), WithJsonSchema(
    {"type": "string", "pattern": SLUG_RE.pattern, "maxLength": MAX_SLUG})]
Duration = Annotated[str, AfterValidator(_duration), WithJsonSchema(
    {"type": "string", "pattern": DURATION_RE.pattern, "description": "a whole number and a unit: 30m, 4h, 2d"})]
Regex = Annotated[str, AfterValidator(_regex), WithJsonSchema({"type": "string", "format": "regex"})]

CONDITION_REF: dict[str, Any] = {"$ref": "#/$defs/Condition"}
CONDITION_MARKER = "x-gtm-condition"
# A condition stays raw data in the model; compiler.conditions.parse checks it with positions.
# The schema carries a marker that compiler.schema replaces with a $ref to $defs/Condition.
ConditionData = Annotated[Any, WithJsonSchema({CONDITION_MARKER: True})]

_SCALAR = {"type": ["string", "number", "boolean"]}
CONDITION_SCHEMA: dict[str, Any] = {
    "description": "A condition: all/any/not, a property leaf, or sugar (icp, persona, tier, stage_days_over_max).",
    "oneOf": [
        {"type": "object", "properties": {"all": {"type": "array", "items": CONDITION_REF, "minItems": 1}},
         "required": ["all"], "additionalProperties": False},
        {"type": "object", "properties": {"any": {"type": "array", "items": CONDITION_REF, "minItems": 1}},
         "required": ["any"], "additionalProperties": False},
        {"type": "object", "properties": {"not": CONDITION_REF}, "required": ["not"], "additionalProperties": False},
        {"type": "object", "required": ["property"], "minProperties": 2, "maxProperties": 2,
         "properties": {
             "property": {"type": "string"},
             "eq": _SCALAR, "ne": _SCALAR,
             "in": {"type": "array", "items": _SCALAR, "minItems": 1},
             "not_in": {"type": "array", "items": _SCALAR, "minItems": 1},
             "gt": {"type": ["number", "string"]}, "gte": {"type": ["number", "string"]},
             "lt": {"type": ["number", "string"]}, "lte": {"type": ["number", "string"]},
             "between": {"type": "array", "items": {"type": ["number", "string"]}, "minItems": 2, "maxItems": 2},
             "contains": {"type": "string"}, "not_contains": {"type": "string"},
             "known": {"type": "boolean"},
             "older_than_days": {"type": "integer", "minimum": 0, "maximum": 36500},
             "within_days": {"type": "integer", "minimum": 0, "maximum": 36500},
         }, "additionalProperties": False},
        {"type": "object", "properties": {"icp": {"type": "string"}}, "required": ["icp"],
         "additionalProperties": False},
        {"type": "object", "properties": {"persona": {"type": "string"}}, "required": ["persona"],
         "additionalProperties": False},
        {"type": "object",
         "properties": {"tier": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
         "required": ["tier"], "additionalProperties": False},
        {"type": "object", "properties": {"stage_days_over_max": {"type": "boolean"}},
         "required": ["stage_days_over_max"], "additionalProperties": False},
    ],
}


def duration_seconds(d: str) -> int:
    m = DURATION_RE.fullmatch(d)
    if not m:
        raise ValueError(d)
    return int(m.group(1)) * _UNIT_SECONDS[m.group(2)]
