"""Reference checks: personas, ICPs, tiers, SLAs and stages named anywhere must exist."""

from __future__ import annotations

from compiler.conditions.ast import IcpRef, Leaf, PersonaRef, StageDaysOverMax, TierRef, walk
from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.parse import Spec, suggest
from compiler.specset import SpecSet

VALUE_OPS = ("eq", "ne", "in", "not_in")


def condition_object(spec: Spec) -> str:
    """The CRM object a spec's conditions are evaluated on."""
    if spec.kind == "Sequence":
        return "contacts"
    return str(getattr(spec.model, "object", "contacts"))


def _unknown(code: str, what: str, name: str, rng: SourceRange | None,
             known: dict[str, SourceRange]) -> Diagnostic:
    s = suggest(name, list(known))
    notes: tuple[str, ...] = ()
    if s:
        notes = (f'did you mean "{s}" ({known[s]})?',)
    elif known:
        notes = ("known: " + ", ".join(sorted(known)[:12]),)
    else:
        notes = (f"no {what} is defined in the specs",)
    return error(code, f'unknown {what} "{name}"', rng, notes=notes)


def check(ss: SpecSet) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    icps = {s.ident: s.at("id") for s in ss.of("ICP") if s.ident}
    personas = {p.id: s.at("personas", i, "id") for s, i, p in ss.personas()}
    tiers = {t.id: s.at("tiers", i, "id") for s, i, t in ss.tiers()}
    slas = {s.ident: s.at("id") for s in ss.of("SLA") if s.ident}
    has_stage_limits = any(st.max_days for p in ss.of("Pipeline") for st in p.model.stages)
    bands = {b.id: s.at("bands", i, "id") for s in ss.of("LeadScoring") for i, b in enumerate(s.model.bands)}
    # properties gtm computes, whose values are spec ids: a typo there is a dangling reference
    value_refs = {"gtm_lead_band": ("GTM306", "band", bands), "gtm_tier": ("GTM303", "tier", tiers)}

    for spec in ss.specs:
        obj = condition_object(spec)
        for _path, cond in ss.condition_sites(spec):
            for node in walk(cond):
                if isinstance(node, IcpRef) and node.icp not in icps and not ss.was_rejected("ICP", node.icp):
                    out.append(_unknown("GTM302", "ICP", node.icp, node.range, icps))
                elif isinstance(node, PersonaRef):
                    if obj != "contacts":
                        out.append(error("GTM408", f"persona conditions apply to contacts, not {obj}",
                                         node.range))
                    elif (node.persona != "any" and node.persona not in personas
                          and not ss.was_rejected("persona", node.persona)):
                        out.append(_unknown("GTM301", "persona", node.persona, node.range, personas))
                elif isinstance(node, TierRef):
                    for i, t in enumerate(node.tiers):
                        if t not in tiers and not ss.was_rejected("tier", t):
                            at = node.id_ranges[i] if i < len(node.id_ranges) else node.range
                            out.append(_unknown("GTM303", "tier", t, at, tiers))
                elif isinstance(node, Leaf) and node.property in value_refs and node.op in VALUE_OPS:
                    code, what, known = value_refs[node.property]
                    if known:
                        many = isinstance(node.value, list)
                        values = node.value if isinstance(node.value, list) else [node.value]
                        for i, v in enumerate(values):
                            if str(v) not in known and not ss.was_rejected(what, str(v)):
                                # at the value itself (in the list), else at the leaf
                                at = (spec.doc.at((*node.path, node.op, i) if many else (*node.path, node.op))
                                      if node.path else node.range)
                                out.append(_unknown(code, what, str(v), at, known))
                elif isinstance(node, StageDaysOverMax):
                    if obj != "deals":
                        out.append(error("GTM408", f"stage_days_over_max applies to deals, not {obj}",
                                         node.range))
                    elif not has_stage_limits and not ss.was_rejected("Pipeline"):
                        out.append(error("GTM408", "stage_days_over_max needs a pipeline stage with max_days",
                                         node.range))
        if spec.kind == "LeadScoring":
            for i, b in enumerate(spec.model.bands):
                if b.sla is not None and b.sla not in slas and not ss.was_rejected("SLA", b.sla):
                    out.append(_unknown("GTM304", "SLA", b.sla, spec.at("bands", i, "sla"), slas))
        if spec.kind == "Pipeline":
            stages = {st.id: spec.at("stages", i, "id") for i, st in enumerate(spec.model.stages)}
            for i, r in enumerate(spec.model.removed_stages):
                if r.moved_to not in stages:
                    out.append(_unknown("GTM305", "stage", r.moved_to,
                                        spec.at("removed_stages", i, "moved_to"), stages))
                if r.id in stages:
                    out.append(error("GTM404", f'stage "{r.id}" is both listed and removed',
                                     spec.at("removed_stages", i, "id")))
    return out
