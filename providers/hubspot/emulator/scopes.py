"""Which granular scope each route needs (any one listed scope suffices).

By default every scope is granted; ``configure(granted_scopes=[...])`` restricts the
token so tests can see HubSpot's 403 ``MISSING_SCOPES`` answer.  Tickets use the single
``tickets`` scope (HubSpot has no separate read/write ticket scope).
"""

from __future__ import annotations

from collections.abc import Mapping

from .objecttypes import resolve

_READ_METHODS = frozenset({"GET", "HEAD"})
_READ_POSTS = ("/search", "/batch/read")


def _is_read(method: str, template: str) -> bool:
    return method in _READ_METHODS or (method == "POST" and template.endswith(_READ_POSTS))


def _object_scope(family: str, object_type: str, read: bool) -> str:
    try:
        name = resolve(object_type)
    except Exception:  # an unknown object type fails later with its own 400
        name = object_type
    if name == "tickets":
        return "tickets"
    return f"crm.{family}.{name}.{'read' if read else 'write'}"


def required_scopes(method: str, template: str, args: Mapping[str, str]) -> list[str]:
    """Scopes that would each allow ``method template``; empty when none is needed."""
    read = _is_read(method, template)
    object_type = args.get("objectType", "")
    if template.startswith("/crm/v3/properties/"):
        return [_object_scope("schemas", object_type, read)]
    if template.startswith("/crm/v3/objects/"):
        return [_object_scope("objects", object_type, read)]
    if template.startswith("/crm/v3/pipelines/"):
        return [_object_scope("objects", object_type, read)]
    if template.startswith("/crm/v3/lists"):
        return ["crm.lists.read" if read else "crm.lists.write"]
    if template.startswith("/automation/v4/flows"):
        return ["automation"]
    if template.startswith("/crm/v3/owners"):
        return ["crm.objects.owners.read"]
    if template.startswith("/marketing/v3/emails"):  # DOC: the Marketing Emails v3 guide's scope list
        return ["content", "marketing-email", "transactional-email"]
    return []


def missing(required: list[str], granted: list[str] | None) -> bool:
    """True when ``granted`` (None = all) contains none of ``required``."""
    if not required or granted is None:
        return False
    return not set(required) & set(granted)
