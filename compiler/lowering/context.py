"""Shared state for lowering: the spec set, the expansion context, naming and helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.conditions.ast import Condition, to_data
from compiler.conditions.expand import ExpandContext, StageLimit, expand
from compiler.diagnostics import Diagnostic, SourceRange
from compiler.ir import Resource, make_address
from compiler.parse import Spec
from compiler.specset import SpecSet
from compiler.workspace import Ownership

GROUP_LABEL = "GTM managed"


@dataclass
class LowerContext:
    specs: SpecSet
    ownership: Ownership = field(default_factory=Ownership)
    resources: list[Resource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    expand_ctx: ExpandContext = field(default_factory=ExpandContext)
    groups_needed: dict[str, SourceRange | None] = field(default_factory=dict)
    # pipeline address -> [{"from": live stage id, "to": live stage id}] from `removed_stages`
    stage_moves: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # live addresses gtm manages although their names lack the prefix (`adopt: true`, removals)
    adopted: set[str] = field(default_factory=set)

    @property
    def prop_prefix(self) -> str:
        return self.ownership.prefix + "_"

    @property
    def name_prefix(self) -> str:
        return self.ownership.prefix + "-"

    @property
    def group_name(self) -> str:
        return self.ownership.prefix

    def group_address(self, obj: str) -> str:
        return make_address("property_group", obj, self.group_name)

    def need_group(self, obj: str, src: SourceRange | None) -> str:
        self.groups_needed.setdefault(obj, src)
        return self.group_address(obj)

    def core(self, spec: Spec, path: tuple[str | int, ...], obj: str) -> Condition | None:
        c = self.specs.condition(spec, *path)
        if c is None:
            return None
        return expand(c, self.expand_ctx, obj)

    def core_data(self, spec: Spec, path: tuple[str | int, ...], obj: str) -> Any:
        c = self.core(spec, path, obj)
        return None if c is None else to_data(c)

    def add(self, r: Resource) -> None:
        self.resources.append(r)


def pipeline_live_id(spec_id: str, adopt: bool, prefix: str = "gtm") -> str:
    return spec_id if adopt else f"{prefix}-{spec_id}"


def stage_live_id(pipeline_id: str, stage_id: str, adopt: bool) -> str:
    return stage_id if adopt else f"{pipeline_id}-{stage_id}"


def build_expand_context(ss: SpecSet, prefix: str = "gtm") -> ExpandContext:
    ctx = ExpandContext(tier_property=f"{prefix}_tier")
    for s in ss.of("ICP"):
        ctx.icps[s.model.id] = s.model
        for p in s.model.personas:
            ctx.personas[p.id] = list(p.titles)
    for s in ss.of("Pipeline"):
        if s.model.object != "deals":  # stage ageing reads dealstage
            continue
        pid = pipeline_live_id(s.model.id, s.model.adopt, prefix)
        for st in s.model.stages:
            if st.max_days and st.closed is None:
                ctx.stage_limits.append(StageLimit(stage_live_id(pid, st.id, s.model.adopt), st.max_days))
    return ctx


def prop_attrs(label: str, group: str, typ: str, field_type: str, description: str = "",
               options: list[str] | list[tuple[str, str]] | None = None,
               calculation: dict[str, Any] | None = None) -> dict[str, Any]:
    """The canonical attribute dict of a property (every key always present)."""
    opts: list[dict[str, Any]] = []
    for i, o in enumerate(options or []):
        value, olabel = (o, o) if isinstance(o, str) else o
        opts.append({"value": value, "label": olabel, "display_order": i, "hidden": False})
    return {
        "label": label,
        "description": description,
        "group": group,
        "type": typ,
        "field_type": field_type,
        "options": opts,
        "calculation": calculation,
    }
