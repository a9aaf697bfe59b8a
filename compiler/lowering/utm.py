"""UTMConvention → first/last-touch UTM contact properties (enumerations where values are allowed)."""

from __future__ import annotations

from compiler.ir import Resource
from compiler.lowering.context import LowerContext, prop_attrs
from compiler.models.utm import UTM_PARAMS
from compiler.parse import Spec


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    obj = "contacts"
    group = cx.need_group(obj, spec.at("kind"))
    touches = [t for t, on in (("first", m.capture.first_touch), ("last", m.capture.last_touch)) if on]
    for param in UTM_PARAMS:
        rule = m.params.get(param)
        if rule is None:
            continue
        for touch in touches:
            name = f"{cx.prop_prefix}{touch}_{param}"
            label = f"GTM · {touch.capitalize()}-touch {param}"
            if rule.allowed:
                attrs = prop_attrs(label, cx.group_name, "enumeration", "select",
                                   f"{touch.capitalize()}-touch {param}; allowed values from the UTM convention.",
                                   options=list(rule.allowed))
            else:
                desc = f"{touch.capitalize()}-touch {param}."
                if rule.pattern:
                    desc += f" Must match {rule.pattern}."
                attrs = prop_attrs(label, cx.group_name, "string", "text", desc)
            cx.add(Resource("property", obj, name, attrs, spec.at("params", param), (group,), "UTMConvention"))
