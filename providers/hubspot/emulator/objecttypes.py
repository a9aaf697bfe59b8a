"""Object type names and ids (``contacts`` = ``0-1`` ...) accepted in paths and bodies."""

from __future__ import annotations

from .errors import validation

#: The CRM objects the emulator knows, by canonical name, with their type ids.
OBJECT_IDS: dict[str, str] = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5"}
_ALIASES: dict[str, str] = {
    **{name: name for name in OBJECT_IDS},
    **{type_id: name for name, type_id in OBJECT_IDS.items()},
    "contact": "contacts",
    "company": "companies",
    "deal": "deals",
    "ticket": "tickets",
}
PIPELINE_OBJECTS = ("deals", "tickets")


def resolve(object_type: str) -> str:
    """The canonical name for ``object_type`` (name, singular or id), else 400."""
    name = _ALIASES.get(object_type.lower())
    if name is None:
        raise validation(f"Unable to infer object type from: {object_type}")
    return name


def type_id(name: str) -> str:
    """The ``0-x`` id of a canonical object name."""
    return OBJECT_IDS[name]


def resolve_pipeline_object(object_type: str) -> str:
    """Like :func:`resolve`, limited to objects that have pipelines (deals, tickets)."""
    name = resolve(object_type)
    if name not in PIPELINE_OBJECTS:
        raise validation(f"Object type {object_type} does not support pipelines through this emulator")
    return name
