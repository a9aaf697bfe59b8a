"""Lowering: checked specs → desired CRM resources (the IR), one module per kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from compiler.conditions.ast import from_data, leaves
from compiler.diagnostics import Diagnostic
from compiler.ir import Resource
from compiler.lowering import alert, pipeline, properties, scoring, sequence, sla, tiers, utm
from compiler.lowering.context import GROUP_LABEL, LowerContext, build_expand_context
from compiler.parse import Spec
from compiler.specset import SpecSet
from compiler.workspace import Ownership

LOWERERS: dict[str, Callable[[Spec, LowerContext], None]] = {
    "Tiers": tiers.lower,
    "Pipeline": pipeline.lower,
    "LeadScoring": scoring.lower,
    "SLA": sla.lower,
    "UTMConvention": utm.lower,
    "Sequence": sequence.lower,
    "AlertRule": alert.lower,
    "Properties": properties.lower,
    # ICP lowers to nothing by itself: it feeds the icp/persona sugar and the gates
}


@dataclass
class Lowered:
    resources: list[Resource]
    diagnostics: list[Diagnostic]
    stage_moves: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    declared_adopted: frozenset[str] = frozenset()

    @property
    def adopted(self) -> frozenset[str]:
        """Live addresses gtm manages without its marker: pipelines with ``adopt: true``, adopted fields and
        groups, and fields a spec lists under ``removed_properties``.  Recorded by the lowerers, which know
        the configured ownership prefix (a name is never judged against a hard-coded ``gtm-``)."""
        return self.declared_adopted


# which spec kind made a live resource, from the names lowering gives (for deletes, whose spec is gone)
ORIGIN_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("property", r"_lead_(score|band)$", "LeadScoring"),
    ("property", r"_tier$", "Tiers"),
    ("property", r"_(first|last)_utm_", "UTMConvention"),
    ("list", r"-band-", "LeadScoring"),
    ("list", r"-tier-", "Tiers"),
    ("workflow", r"-mql$", "LeadScoring"),
    ("workflow", r"-sla-", "SLA"),
    ("workflow", r"-seq-", "Sequence"),
    ("workflow", r"-alert-", "AlertRule"),
    ("workflow", r"-tier-sync$", "Tiers"),
    ("pipeline", r"", "Pipeline"),
    ("property_group", r"", "workspace"),
)


def infer_origin(r: Resource) -> str | None:
    """The business object a live resource belongs to, judged by its name."""
    for rtype, pattern, origin in ORIGIN_PATTERNS:
        if r.type == rtype and re.search(pattern, r.name):
            return origin
    return None


def resource_conditions(r: Resource) -> list[Any]:
    """The core-condition data a resource holds: list filter, workflow enrolment and goal, and the
    cases of its calculation."""
    a = r.attributes
    conds = [a[k] for k in ("filter", "enrollment", "goal") if a.get(k)]
    calc = a.get("calculation") or {}
    conds += [x["when"] for x in calc.get("rules", []) + calc.get("cases", []) if x.get("when")]
    return conds


def referenced_properties(r: Resource) -> set[str]:
    """Names of the properties a resource's conditions and calculations read."""
    names = {leaf.property for c in resource_conditions(r) for leaf in leaves(from_data(c))}
    source = (r.attributes.get("calculation") or {}).get("source")
    if source:
        names.add(source)
    return names


def with_property_dependencies(resources: list[Resource]) -> list[Resource]:
    """Add each resource's dependency on the desired properties it reads (for ordering and --target)."""
    props = {(r.object, r.name): r.address for r in resources if r.type == "property"}
    out = []
    for r in resources:
        obj = r.attributes.get("object") or r.object
        deps = {props[(obj, n)] for n in referenced_properties(r) if (obj, n) in props} - {r.address}
        extra = tuple(sorted(deps - set(r.depends_on)))
        out.append(replace(r, depends_on=r.depends_on + extra) if extra else r)
    return out


def lower(ss: SpecSet, ownership: Ownership | None = None) -> Lowered:
    own = ownership or Ownership()
    cx = LowerContext(ss, own, expand_ctx=build_expand_context(ss, own.prefix))
    for spec in ss.specs:
        fn = LOWERERS.get(spec.kind)
        if fn is not None:
            fn(spec, cx)
    declared = {r.address for r in cx.resources if r.type == "property_group"}
    groups = [Resource("property_group", obj, cx.group_name, {"label": GROUP_LABEL}, src, (), "workspace")
              for obj, src in sorted(cx.groups_needed.items()) if cx.group_address(obj) not in declared]
    resources = with_property_dependencies(groups + cx.resources)
    resources.sort(key=lambda r: r.address)
    return Lowered(resources, cx.diagnostics, cx.stage_moves, frozenset(cx.adopted))
