"""Identity checks: duplicate ids across files, singleton kinds, ids inside one spec."""

from __future__ import annotations

from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.parse import Spec
from compiler.specset import SpecSet

ID_KINDS = ("ICP", "Pipeline", "SLA", "Sequence", "AlertRule", "Test")
SINGLETON_PER_OBJECT = ("Tiers", "LeadScoring", "UTMConvention")


def _dup(what: str, ident: str, here: SourceRange, first: SourceRange) -> Diagnostic:
    return error("GTM310", f'duplicate {what} id "{ident}"', here, notes=(f"first defined at {first}",))


def check(ss: SpecSet) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for kind in ID_KINDS:
        seen: dict[str, SourceRange] = {}
        for s in ss.of(kind):
            rng = s.at("id")
            if s.ident in seen:
                out.append(_dup(kind, s.ident, rng, seen[s.ident]))
            elif s.ident is not None:
                seen[s.ident] = rng
    for kind in SINGLETON_PER_OBJECT:
        seen_obj: dict[str, SourceRange] = {}
        for s in ss.of(kind):
            obj = getattr(s.model, "object", "contacts")
            rng = s.at("kind")
            if obj in seen_obj:
                out.append(error("GTM311", f"{kind} for {obj} is defined twice", rng,
                                 notes=(f"first defined at {seen_obj[obj]}",),
                                 hint=f"merge the two {kind} documents into one"))
            else:
                seen_obj[obj] = rng
    # ids unique across all ICPs' personas, across tiers, inside lists
    personas: dict[str, SourceRange] = {}
    for s, i, p in ss.personas():
        rng = s.at("personas", i, "id")
        if p.id in personas:
            out.append(_dup("persona", p.id, rng, personas[p.id]))
        else:
            personas[p.id] = rng
    tiers: dict[str, SourceRange] = {}
    for s, i, t in ss.tiers():
        rng = s.at("tiers", i, "id")
        if t.id in tiers:
            out.append(_dup("tier", t.id, rng, tiers[t.id]))
        else:
            tiers[t.id] = rng
    pipeline_labels: dict[tuple[str, str], SourceRange] = {}
    for s in ss.of("Pipeline"):
        out.extend(_unique_in(s, "stages", "stage"))
        key = (str(s.model.object), s.model.label.strip().lower())
        lrng = s.at("label")
        if key in pipeline_labels:
            out.append(error("GTM310", f'duplicate pipeline label "{s.model.label}" (HubSpot compares labels '
                                       "without regard to case and needs them unique)", lrng,
                             notes=(f"first used at {pipeline_labels[key]}",)))
        else:
            pipeline_labels[key] = lrng
    # stage ids must be unique across pipelines of one object (HubSpot: dealstage is one enumeration)
    for s in ss.of("LeadScoring"):
        out.extend(_unique_in(s, "rules", "rule"))
        out.extend(_unique_in(s, "bands", "band"))
    return out


def _unique_in(s: Spec, attr: str, what: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: dict[str, SourceRange] = {}
    labels: dict[str, SourceRange] = {}
    for i, item in enumerate(getattr(s.model, attr)):
        rng = s.at(attr, i, "id")
        if item.id in seen:
            out.append(_dup(what, item.id, rng, seen[item.id]))
        else:
            seen[item.id] = rng
        label = getattr(item, "label", None)
        if what == "stage" and isinstance(label, str):
            lk = label.strip().lower()
            lrng = s.at(attr, i, "label")
            if lk in labels:
                out.append(error("GTM310", f'duplicate stage label "{label}" (HubSpot needs unique labels)',
                                 lrng, notes=(f"first used at {labels[lk]}",)))
            else:
                labels[lk] = lrng
    return out
