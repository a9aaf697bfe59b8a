"""Tiers → the calculation property ``gtm_tier`` plus one dynamic list per tier."""

from __future__ import annotations

from compiler.conditions.ast import to_data
from compiler.ir import Resource, make_address
from compiler.lowering.context import LowerContext, prop_attrs
from compiler.parse import Spec


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    obj = m.object
    prop = cx.expand_ctx.tier_property
    group = cx.need_group(obj, spec.at("kind"))
    cases = []
    for i, t in enumerate(m.tiers):
        cond = cx.core_data(spec, ("tiers", i, "when"), obj)
        cases.append({"value": t.id, "when": cond if cond is not None else {"all": []}})
    attrs = prop_attrs(
        "GTM · Tier", cx.group_name, "enumeration", "calculation_equation",
        "Account tier (first matching tier wins). Managed by gtm from the Tiers spec.",
        options=[(t.id, t.label or t.id) for t in m.tiers],
        calculation={"kind": "first_match", "cases": cases, "default": None},
    )
    prop_addr = make_address("property", obj, prop)
    cx.add(Resource("property", obj, prop, attrs, spec.at("tiers"), (group,), "Tiers"))
    for i, t in enumerate(m.tiers):
        name = f"{cx.name_prefix}{t.id}"
        cx.add(Resource("list", obj, name, {
            "object": obj,
            "processing": "DYNAMIC",
            "filter": to_data_leaf(prop, t.id),
        }, spec.at("tiers", i, "id"), (prop_addr,), "Tiers"))


def to_data_leaf(prop: str, value: str) -> dict[str, object]:
    from compiler.conditions.ast import Leaf

    data = to_data(Leaf(prop, "eq", value))
    assert isinstance(data, dict)
    return data
