"""The ``Properties`` kind: custom CRM fields (and their groups) of one object."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from compiler.models.common import SpecModel

PROPERTY_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_PROPERTY_NAME = 100


def _name(v: str) -> str:
    if not PROPERTY_NAME_RE.fullmatch(v) or len(v) > MAX_PROPERTY_NAME:
        raise PydanticCustomError(
            "value_error",
            "invalid internal name '{value}': use lower-case letters, digits and underscores, starting with a "
            "letter, at most 100 characters", {"value": v})
    return v


PropertyName = Annotated[str, AfterValidator(_name), WithJsonSchema(
    {"type": "string", "pattern": PROPERTY_NAME_RE.pattern, "maxLength": MAX_PROPERTY_NAME})]

PropertyType = Literal["string", "number", "enumeration", "bool", "date", "datetime"]
FieldType = Literal["text", "textarea", "html", "phonenumber", "file", "number", "select", "radio", "checkbox",
                    "booleancheckbox", "date"]
CrmObject = Literal["contacts", "companies", "deals", "tickets"]

# which field types HubSpot offers for each property type
FIELD_TYPES: dict[str, tuple[str, ...]] = {
    "string": ("text", "textarea", "html", "phonenumber", "file"),
    "number": ("number",),
    "enumeration": ("select", "radio", "checkbox", "booleancheckbox"),
    "bool": ("booleancheckbox",),
    "date": ("date",),
    "datetime": ("date",),
}


class Option(SpecModel):
    """One value of an enumeration: internal ``value``, shown ``label``; list order is display order."""

    value: str = Field(min_length=1, max_length=500)
    label: str = Field(min_length=1, max_length=500)
    hidden: bool = False
    order: int | None = Field(default=None, description="display order when it is not the list position")


class Group(SpecModel):
    """A property group (the section a field shows under)."""

    name: PropertyName
    label: str = Field(min_length=1, max_length=100)
    adopt: bool = Field(default=False, description="manage an existing group with this exact name")


class Property(SpecModel):
    """One custom field."""

    name: PropertyName
    label: str = Field(min_length=1, max_length=100)
    type: PropertyType
    field_type: FieldType
    group: str | None = Field(default=None, description="group name (default: gtm's own group)")
    description: str = ""
    options: list[Option] = Field(default_factory=list)
    adopt: bool = Field(default=False, description="manage an existing field (or create one) with this exact name")


class Properties(SpecModel):
    """Lowers to ``property_group.<object>.<name>`` and ``property.<object>.<name>`` resources."""

    kind: Literal["Properties"]
    object: CrmObject
    groups: list[Group] = Field(default_factory=list)
    properties: list[Property] = Field(default_factory=list)
    removed_properties: list[PropertyName] = Field(
        default_factory=list, description="adopted fields to delete from the portal (needs --allow-destroy when "
                                          "records hold values)")
