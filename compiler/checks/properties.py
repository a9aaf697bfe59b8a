"""Checks of ``Properties`` specs: names, types, options, groups, ownership, duplicates."""

from __future__ import annotations

from compiler import catalog
from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.models.properties import FIELD_TYPES
from compiler.parse import Spec, suggest
from compiler.specset import SpecSet


def _first(here: SourceRange, first: SourceRange) -> tuple[str, ...]:
    return (f"first declared at {first}",)


def check(ss: SpecSet) -> list[Diagnostic]:
    specs = ss.of("Properties")
    if not specs:
        return []
    prefix = ss.prefix
    out: list[Diagnostic] = []
    groups: dict[tuple[str, str], SourceRange] = {}
    props: dict[tuple[str, str], SourceRange] = {}
    for s in specs:
        obj = s.model.object
        for i, g in enumerate(s.model.groups):
            rng = s.at("groups", i, "name")
            key = (obj, g.name)
            if key in groups:
                out.append(error("GTM342", f'{obj} property group "{g.name}" is declared twice', rng,
                                 notes=_first(rng, groups[key])))
                continue
            groups[key] = rng
            if g.name in {n for n, _ in catalog.groups(obj)}:
                out.append(error("GTM433", f'"{g.name}" is a HubSpot default {obj} group; use it by name in '
                                           "`group:` without declaring it", rng))
            elif not _prefixed(g.name, prefix) and not g.adopt:
                out.append(_needs_adopt("group", obj, g.name, prefix, s.at("groups", i)))
        for i, p in enumerate(s.model.properties):
            out.extend(_property(s, i, p, prefix, props))
    known_groups = {(o, n) for (o, n) in groups}
    for s in specs:
        obj = s.model.object
        defaults = {n for n, _ in catalog.groups(obj)}
        for i, p in enumerate(s.model.properties):
            if p.group is None or p.group == prefix or p.group in defaults or (obj, p.group) in known_groups:
                continue
            choices = sorted(defaults | {n for (o, n) in known_groups if o == obj} | {prefix})
            guess = suggest(p.group, choices)
            out.append(error("GTM341", f'unknown {obj} property group "{p.group}"', s.at("properties", i, "group"),
                             hint=(f'did you mean "{guess}"? ' if guess else "") +
                             "declare it under `groups:` (adopt: true if it exists) or use one of: " +
                             ", ".join(choices[:10])))
        for i, name in enumerate(s.model.removed_properties):
            rng = s.at("removed_properties", i)
            if (obj, name) in props:
                out.append(error("GTM343", f'{obj} property "{name}" is both declared and listed in '
                                           "removed_properties", rng, hint="keep one of the two"))
            elif catalog.property_def(obj, name) is not None:
                out.append(error("GTM433", f'"{name}" is a HubSpot-defined {obj} property; it cannot be deleted',
                                 rng))
    out.extend(_clashes_with_derived(ss, props))
    return out


def _prefixed(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + "_")


def _needs_adopt(what: str, obj: str, name: str, prefix: str, rng: SourceRange) -> Diagnostic:
    return error("GTM434", f'{obj} {what} "{name}" does not start with "{prefix}_", so gtm does not own it',
                 rng, hint=f"add `adopt: true` to manage it under this exact name (the plan shows what changes), "
                           f"or name it {prefix}_{name}")


def _property(s: Spec, i: int, p: object, prefix: str, seen: dict[tuple[str, str], SourceRange]
              ) -> list[Diagnostic]:
    obj = s.model.object
    name = p.name  # type: ignore[attr-defined]
    rng = s.at("properties", i, "name")
    out: list[Diagnostic] = []
    if (obj, name) in seen:
        return [error("GTM340", f'{obj} property "{name}" is declared twice', rng,
                      notes=_first(rng, seen[(obj, name)]))]
    seen[(obj, name)] = rng
    if catalog.property_def(obj, name) is not None:
        out.append(error("GTM433", f'"{name}" is a HubSpot-defined {obj} property; gtm cannot create or change it',
                         rng, hint="use it in conditions as it is, or pick another internal name"))
    elif not _prefixed(name, prefix) and not p.adopt:  # type: ignore[attr-defined]
        out.append(_needs_adopt("property", obj, name, prefix, s.at("properties", i)))
    typ, ft = p.type, p.field_type  # type: ignore[attr-defined]
    if ft not in FIELD_TYPES[typ]:
        out.append(error("GTM430", f'field_type "{ft}" does not fit type "{typ}"', s.at("properties", i, "field_type"),
                         hint="use one of: " + ", ".join(FIELD_TYPES[typ])))
    options = p.options  # type: ignore[attr-defined]
    if options and typ not in ("enumeration", "bool"):
        out.append(error("GTM431", f'a {typ} property has no options; only enumeration (and bool) properties do',
                         s.at("properties", i, "options"), hint="remove `options:` or use type: enumeration"))
    values: dict[str, int] = {}
    for j, o in enumerate(options):
        if o.value in values:
            out.append(error("GTM432", f'option value "{o.value}" appears twice in {name}',
                             s.at("properties", i, "options", j, "value"),
                             notes=(f"first at {s.at('properties', i, 'options', values[o.value], 'value')}",)))
        else:
            values[o.value] = j
    return out


def _clashes_with_derived(ss: SpecSet, declared: dict[tuple[str, str], SourceRange]) -> list[Diagnostic]:
    """A declared field with a name gtm derives from another kind (gtm_tier, gtm_lead_score…)."""
    if not any(name.startswith(ss.prefix + "_") for _, name in declared):
        return []
    from compiler.lowering import lower
    from compiler.workspace import Ownership

    others = SpecSet([s for s in ss.specs if s.kind != "Properties"], ss.conditions, prefix=ss.prefix)
    out: list[Diagnostic] = []
    try:
        derived = lower(others, Ownership(prefix=ss.prefix)).resources
    except Exception:  # lowering of specs with errors elsewhere: those errors are reported already
        return []
    for r in derived:
        if r.type == "property" and (r.object, r.name) in declared:
            out.append(error("GTM340", f'{r.object} property "{r.name}" is one gtm derives from {r.origin}',
                             declared[(str(r.object), r.name)], notes=(f"derived from {r.source}",) if r.source
                             else (), hint="pick another name"))
    return out
