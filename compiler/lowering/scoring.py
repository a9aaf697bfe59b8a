"""LeadScoring → ``gtm_lead_score`` and ``gtm_lead_band`` (calculations), a list per band, an MQL workflow."""

from __future__ import annotations

from typing import Any

from compiler.ir import Resource, make_address
from compiler.lowering.context import LowerContext, prop_attrs
from compiler.parse import Spec


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    obj = m.object
    group = cx.need_group(obj, spec.at("kind"))
    score = f"{cx.prop_prefix}lead_score"
    band = f"{cx.prop_prefix}lead_band"
    rules: list[dict[str, Any]] = []
    for i, r in enumerate(m.rules):
        rules.append({"id": r.id, "points": r.points, "when": cx.core_data(spec, ("rules", i, "when"), obj)})
    score_addr = make_address("property", obj, score)
    band_addr = make_address("property", obj, band)
    cx.add(Resource("property", obj, score, prop_attrs(
        "GTM · Lead score", cx.group_name, "number", "calculation_equation",
        "Sum of the points of every matching scoring rule. Managed by gtm.",
        calculation={"kind": "score", "rules": rules}), spec.at("rules"), (group,), "LeadScoring"))
    bands = sorted(m.bands, key=lambda b: (b.min is not None, b.min if b.min is not None else 0))
    cx.add(Resource("property", obj, band, prop_attrs(
        "GTM · Lead band", cx.group_name, "enumeration", "calculation_equation",
        "Score band of gtm_lead_score. Managed by gtm.",
        options=[(b.id, b.id.capitalize()) for b in m.bands],
        calculation={"kind": "bands", "source": score,
                     "bands": [{"value": b.id, "min": b.min, "max": b.max} for b in bands]}),
        spec.at("bands"), (group, score_addr), "LeadScoring"))
    for i, b in enumerate(m.bands):
        cx.add(Resource("list", obj, f"{cx.name_prefix}band-{b.id}", {
            "object": obj, "processing": "DYNAMIC", "filter": {"property": band, "eq": b.id},
        }, spec.at("bands", i, "id"), (band_addr,), "LeadScoring"))
    if m.mql is not None:
        cx.add(Resource("workflow", obj, f"{cx.name_prefix}mql", {
            "object": obj,
            "description": f"Marks contacts with a lead score of {m.mql.min_score} or more as MQLs.",
            "enrollment": {"property": score, "gte": m.mql.min_score},
            "reenroll": False,
            "goal": None,
            "actions": [{"type": "set_property", "property": "lifecyclestage", "value": "marketingqualifiedlead"}],
        }, spec.at("mql"), (score_addr,), "LeadScoring"))
