"""The IR: provider-neutral CRM resources with addresses, attributes, sources and dependencies.

| type             | address                              | natural key   |
| ---------------- | ------------------------------------ | ------------- |
| property_group   | ``property_group.contacts.gtm``      | object + name |
| property         | ``property.contacts.gtm_lead_score`` | object + name |
| pipeline         | ``pipeline.deals.gtm-new-business``  | object + id   |
| list             | ``list.companies.gtm-tier-1``        | name          |
| workflow         | ``workflow.gtm-sla-hot-inbound``     | name          |

Attributes are plain JSON data.  Conditions inside attributes are core-condition data
(``compiler.conditions.ast.to_data``); calculations are abstract (``score``, ``first_match``,
``bands``) so that each provider realises them in its own dialect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from compiler.diagnostics import SourceRange

RESOURCE_TYPES: tuple[str, ...] = ("property_group", "property", "pipeline", "list", "workflow")
# apply order for creates/updates; deletes run in reverse
TYPE_ORDER: dict[str, int] = {t: i for i, t in enumerate(RESOURCE_TYPES)}
OBJECT_TYPE_IDS: dict[str, str] = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5"}


def make_address(rtype: str, obj: str | None, name: str) -> str:
    if rtype in ("workflow",) or obj is None:
        return f"{rtype}.{name}"
    return f"{rtype}.{obj}.{name}"


@dataclass(frozen=True)
class Resource:
    """One CRM object that gtm manages (desired) or found (live)."""

    type: str
    object: str | None
    name: str
    attributes: dict[str, Any]
    source: SourceRange | None = field(default=None, compare=False)
    depends_on: tuple[str, ...] = field(default=(), compare=False)
    origin: str | None = field(default=None, compare=False)  # business object, e.g. "LeadScoring"
    readonly: bool = field(default=False, compare=False)
    live_id: str | None = field(default=None, compare=False)  # provider id (list id, flow id), live only
    # live only: does the object carry gtm's stored marker (a flow's customProperties.gtm_spec)?
    # None where the provider keeps no marker (ownership then follows the name)
    marker: bool | None = field(default=None, compare=False)

    @cached_property
    def address(self) -> str:
        # computed once (a plan looks it up several times per resource); not a field: never compared
        return make_address(self.type, self.object, self.name)

    def with_attributes(self, attrs: dict[str, Any]) -> Resource:
        # a field-for-field copy with other attributes (``dataclasses.replace`` re-runs ``__init__``,
        # which costs more than all the rest of realize for a few thousand properties)
        new = object.__new__(Resource)
        new.__dict__.update(self.__dict__)
        new.__dict__["attributes"] = attrs
        return new

    def fingerprint(self) -> str:
        """A stable digest of the attributes (used by saved plans to detect moved live state)."""
        import hashlib

        blob = json.dumps(self.attributes, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "type": self.type,
            "object": self.object,
            "name": self.name,
            "attributes": self.attributes,
            "source": self.source.to_dict() if self.source else None,
            "depends_on": list(self.depends_on),
            "origin": self.origin,
        }


def owned(r: Resource, prefix: str = "gtm", label_prefix: str = "GTM · ", adopted: frozenset[str] = frozenset()
          ) -> bool:
    """Does gtm manage this live resource?  Marker in the name/label, or adopted by a spec."""
    if r.address in adopted:
        return True
    if r.marker is False:  # named like gtm's, but gtm never wrote it: someone else's object
        return False
    if r.type == "property_group":
        return r.name == prefix or r.name.startswith(prefix + "_")
    if r.type == "property":
        return r.name.startswith(prefix + "_")
    if r.type in ("pipeline", "list", "workflow"):
        if r.name.startswith(prefix + "-"):
            return True
        label = r.attributes.get("label") or r.attributes.get("name") or ""
        return isinstance(label, str) and label.startswith(label_prefix)
    return False
