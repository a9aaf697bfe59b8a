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
    lower_mirrors(spec, cx)


def mirror_objects(cx: LowerContext, tiers_object: str) -> list[str]:
    """Objects other than the tiers' own whose conditions use ``{tier: ...}``."""
    from compiler.checks.references import condition_object
    from compiler.conditions.ast import TierRef, walk

    out: set[str] = set()
    for spec in cx.specs.specs:
        obj = condition_object(spec)
        if obj == tiers_object:
            continue
        for _path, cond in cx.specs.condition_sites(spec):
            if any(isinstance(n, TierRef) for n in walk(cond)):
                out.add(obj)
    return sorted(out)


def lower_mirrors(spec: Spec, cx: LowerContext) -> None:
    """Contacts (say) cannot compute a company tier: gtm adds a plain ``gtm_tier`` property on them
    and a workflow on the tiers' object that copies the tier to associated records."""
    m = spec.model
    prop = cx.expand_ctx.tier_property
    targets = mirror_objects(cx, m.object)
    if not targets:
        return
    src_addr = make_address("property", m.object, prop)
    deps = [src_addr]
    for obj in targets:
        group = cx.need_group(obj, spec.at("kind"))
        attrs = prop_attrs(f"GTM · Tier (from {m.object})", cx.group_name, "enumeration", "select",
                           f"Copied from the associated {m.object[:-1]}'s gtm_tier by gtm's tier sync workflow.",
                           options=[(t.id, t.label or t.id) for t in m.tiers])
        cx.add(Resource("property", obj, prop, attrs, spec.at("tiers"), (group,), "Tiers"))
        deps.append(make_address("property", obj, prop))
    cx.add(Resource("workflow", m.object, f"{cx.name_prefix}tier-sync", {
        "object": m.object,
        "description": f"Copies gtm_tier from {m.object} to associated {', '.join(targets)}.",
        "enrollment": {"property": prop, "known": True},
        "reenroll": True,
        "goal": None,
        "actions": [{"type": "copy_property", "property": prop, "to_object": obj} for obj in targets],
    }, spec.at("tiers"), tuple(deps), "Tiers"))


def to_data_leaf(prop: str, value: str) -> dict[str, object]:
    from compiler.conditions.ast import Leaf

    data = to_data(Leaf(prop, "eq", value))
    assert isinstance(data, dict)
    return data
