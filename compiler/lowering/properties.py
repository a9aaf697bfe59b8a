"""Properties → property groups and custom properties of one object, as declared."""

from __future__ import annotations

from typing import Any

from compiler.ir import Resource, make_address
from compiler.lowering.context import LowerContext
from compiler.parse import Spec


def option_dicts(options: list[Any]) -> list[dict[str, Any]]:
    """Options in the IR's shape: value, label, display order (list position unless given), hidden."""
    return [{"value": o.value, "label": o.label, "display_order": i if o.order is None else o.order,
             "hidden": o.hidden} for i, o in enumerate(options)]


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    obj = m.object
    for i, g in enumerate(m.groups):
        r = Resource("property_group", obj, g.name, {"label": g.label}, spec.at("groups", i, "name"), (),
                     "Properties")
        cx.add(r)
        if g.adopt:
            cx.adopted.add(r.address)
    declared = {g.name for g in m.groups}
    for i, p in enumerate(m.properties):
        src = spec.at("properties", i, "name")
        if p.group is None:
            group = cx.group_name
            deps: tuple[str, ...] = (cx.need_group(obj, src),)
        else:
            group = p.group
            deps = (make_address("property_group", obj, group),) if group in declared or group == cx.group_name \
                else ()
            if group == cx.group_name and group not in declared:
                cx.need_group(obj, src)
        attrs = {
            "label": p.label,
            "description": p.description,
            "group": group,
            "type": p.type,
            "field_type": p.field_type,
            "options": option_dicts(p.options),
            "calculation": None,
        }
        r = Resource("property", obj, p.name, attrs, src, deps, "Properties")
        cx.add(r)
        if p.adopt:
            cx.adopted.add(r.address)
    for name in m.removed_properties:
        # an explicit, reviewed instruction: the live field is gtm's to delete (the plan shows record counts)
        cx.adopted.add(make_address("property", obj, name))
