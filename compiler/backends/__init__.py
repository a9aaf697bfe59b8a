"""Backends: realise the IR's provider-neutral conditions, calculations and workflows in a
provider's own dialect.

* :mod:`compiler.backends.hubspot_filters` — core conditions ⇄ HubSpot list ``filterBranch`` JSON;
* :mod:`compiler.backends.hubspot_formula` — abstract calculations → HubSpot
  ``calculationFormula`` text;
* :mod:`compiler.backends.hubspot_flows` — neutral workflow attributes ⇄ HubSpot automation v4
  flow bodies.

Every function here is pure and deterministic (same input, same output, no I/O), so that an
apply followed by a read compares equal.  They need to know each property's HubSpot ``type``
(``string``, ``number``, ``bool``, ``enumeration``, ``date``, ``datetime``, ``phone_number``):
callers pass a :data:`TypeLookup`; :func:`property_types` builds one from a fresh portal's
catalog plus the IR's own properties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from compiler.catalog import property_type
from compiler.ir import Resource

TypeLookup = Callable[[str], str | None]
"""Property name → HubSpot property ``type`` (``None`` when unknown)."""


def property_types(obj: str, resources: Iterable[Resource] = (),
                   extra: dict[str, str] | None = None) -> TypeLookup:
    """A :data:`TypeLookup` for ``obj``: the IR's properties on ``obj`` (``resources``), then
    ``extra`` (e.g. a live portal's properties), then the catalog of a fresh portal."""
    known: dict[str, str] = dict(extra or {})
    for r in resources:
        if r.type == "property" and r.object == obj and r.attributes.get("type"):
            known[r.name] = str(r.attributes["type"])

    def lookup(name: str) -> str | None:
        return known.get(name) or property_type(obj, name)

    return lookup
