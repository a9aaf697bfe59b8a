"""Phase 2 (pipeline building) checks: stages, probabilities, scoring, bands, UTM, sequences, trust."""

from __future__ import annotations

import re

from compiler import catalog
from compiler.conditions.ast import IcpRef, Leaf, PersonaRef, walk
from compiler.gates.base import Finding, GateContext, join_words, locate, quoted
from compiler.gates.reach import signed_nodes
from compiler.gates.trust import bridge, trust_violations
from compiler.lowering import lower
from compiler.parse import Spec, suggest

UTM_REQUIRED: tuple[str, ...] = ("utm_source", "utm_medium", "utm_campaign")
INF = float("inf")


def stage_criteria(ctx: GateContext) -> list[Finding]:
    """Every stage needs entry criteria; open stages need exit criteria (deals never leave a closed one)."""
    out: list[Finding] = []
    for s in ctx.specs.of("Pipeline"):
        for i, st in enumerate(s.model.stages):
            missing = []
            if not st.entry:
                missing.append("entry")
            if st.closed in (None, False) and not st.exit:
                missing.append("exit")
            if missing:
                out.append(Finding(
                    f'stage "{st.id}" of pipeline "{s.model.id}" has no {join_words(missing, "or")} criteria',
                    locate(s, ("stages", i, "id"), ("stages", i))))
    return out


def probabilities_rise(ctx: GateContext) -> list[Finding]:
    pipelines = [s for s in ctx.specs.of("Pipeline") if s.model.object == "deals"]  # tickets have none
    if not pipelines:
        return [Finding("no Pipeline spec defines deal stages", ctx.anchor(),
                        hint="add a Pipeline spec with open stages, a closed-won and a closed-lost stage")]
    out: list[Finding] = []
    for s in pipelines:
        out.extend(_pipeline_probabilities(s))
    return out


def _pipeline_probabilities(s: Spec) -> list[Finding]:
    out: list[Finding] = []
    stages = s.model.stages
    pid = s.model.id
    for outcome, want in (("won", 1.0), ("lost", 0.0)):
        found = [(i, st) for i, st in enumerate(stages) if st.closed == outcome]
        if not found:
            out.append(Finding(f'pipeline "{pid}" has no closed-{outcome} stage', locate(s, ("stages",)),
                               hint=f"add a stage with `closed: {outcome}` and probability {want}"))
        for i, st in found:
            if st.probability is not None and st.probability != want:
                out.append(Finding(
                    f'closed-{outcome} stage "{st.id}" has probability {st.probability}, not {want}',
                    locate(s, ("stages", i, "probability"), ("stages", i)),
                    hint=f"set probability: {want}"))
    prev: tuple[int, float, str] | None = None
    for i, st in enumerate(stages):
        if st.closed is not None or st.probability is None:
            continue
        if prev is not None and st.probability < prev[1]:
            out.append(Finding(
                f'stage "{st.id}" has probability {st.probability}, lower than {prev[1]} '
                f'of the stage before it ("{prev[2]}")',
                locate(s, ("stages", i, "probability"), ("stages", i)),
                hint="order open stages so that win probability never falls as a deal advances"))
        if prev is None or st.probability >= prev[1]:
            prev = (i, st.probability, st.id)
    return out


def scoring_references(ctx: GateContext) -> list[Finding]:
    ss = ctx.specs
    scorings = ss.of("LeadScoring")
    if not scorings:
        return []
    personas = {p.id for _, _, p in ss.personas()}
    icps = set(ss.by_id("ICP"))
    created = _created_properties(ctx)
    reported = _reported_unknown(ctx)
    out: list[Finding] = []
    for s in scorings:
        obj = s.model.object
        for i, rule in enumerate(s.model.rules):
            cond = ss.condition(s, "rules", i, "when")
            if cond is None:
                continue
            for node in walk(cond):
                if isinstance(node, Leaf) and _line_of(node) in reported.get(node.property, set()):
                    continue  # validation's GTM307 already names this leaf: one diagnostic per defect
                if isinstance(node, Leaf) and not _known(obj, node.property, created):
                    guess = suggest(node.property, _property_names(obj, created))
                    out.append(Finding(
                        f'rule "{rule.id}" uses {obj} property "{node.property}", '
                        "which the portal does not have and gtm does not create",
                        node.range or locate(s, ("rules", i, "when")),
                        notes=(f'did you mean "{guess}"?',) if guess else (),
                        hint="fix the property name, or create the property in the portal "
                             "before scoring on it"))
                elif isinstance(node, PersonaRef) and node.persona != "any" and node.persona not in personas:
                    guess = suggest(node.persona, sorted(personas))
                    out.append(Finding(f'rule "{rule.id}" names unknown persona "{node.persona}"',
                                       node.range or locate(s, ("rules", i, "when")),
                                       notes=(f'did you mean "{guess}"?',) if guess else (),
                                       hint="name a persona defined in an ICP, or `any`"))
                elif isinstance(node, IcpRef) and node.icp not in icps:
                    out.append(Finding(f'rule "{rule.id}" names unknown ICP "{node.icp}"',
                                       node.range or locate(s, ("rules", i, "when")),
                                       hint="name an ICP defined in the specs"))
    return out


def _line_of(node: Leaf) -> tuple[str, int] | None:
    return (node.range.file, node.range.line) if node.range is not None else None


def _reported_unknown(ctx: GateContext) -> dict[str, set[tuple[str, int] | None]]:
    """Property name -> the (file, line) of each GTM307 ("property does not exist") that loading
    the specs reported; the gate shows those under "specs load and validate" and GTM722 skips them."""
    out: dict[str, set[tuple[str, int] | None]] = {}
    for d in ctx.project.diagnostics.sorted():
        if d.code != "GTM307" or d.range is None:
            continue
        for name in re.findall(r'property "([^"]+)"', d.summary):
            out.setdefault(name, set()).add((d.range.file, d.range.line))
    return out


def _created_properties(ctx: GateContext) -> dict[str, set[str]] | str:
    """Properties gtm itself creates (``gtm_tier``, ``gtm_lead_score``, UTM touch properties…).

    Lowering needs valid specs; with spec errors (which fail the gate anyway) every name with
    gtm's prefix is given the benefit of the doubt, so the prefix is returned instead.
    """
    ws = ctx.project.workspace
    own = ws.ownership if ws is not None else None
    if not ctx.project.ok:
        return (own.prefix if own is not None else "gtm") + "_"
    out: dict[str, set[str]] = {}
    for r in lower(ctx.specs, own).resources:
        if r.type == "property" and r.object is not None:
            out.setdefault(r.object, set()).add(r.name)
    return out


def _known(obj: str, name: str, created: dict[str, set[str]] | str) -> bool:
    if catalog.known_property(obj, name):
        return True
    return name.startswith(created) if isinstance(created, str) else name in created.get(obj, set())


def _property_names(obj: str, created: dict[str, set[str]] | str) -> list[str]:
    ours = sorted(created.get(obj, set())) if isinstance(created, dict) else []
    return catalog.property_names(obj) + ours


def bands_cover(ctx: GateContext) -> list[Finding]:
    scorings = ctx.specs.of("LeadScoring")
    if not scorings:
        return [Finding("no LeadScoring spec defines score bands", ctx.anchor(),
                        hint="add a LeadScoring spec whose bands cover the whole score scale")]
    out: list[Finding] = []
    for s in scorings:
        out.extend(_band_findings(s))
    return out


def _band_findings(s: Spec) -> list[Finding]:
    bands = s.model.bands
    spans: list[tuple[float, float, int]] = []
    out: list[Finding] = []
    for i, b in enumerate(bands):
        lo = -INF if b.min is None else float(b.min)
        hi = INF if b.max is None else float(b.max)
        if lo > hi:
            out.append(Finding(f'band "{b.id}" is empty: min {b.min} is greater than max {b.max}',
                               locate(s, ("bands", i))))
            continue
        spans.append((lo, hi, i))
    spans.sort()
    if not spans:
        return out
    first_lo, _, first = spans[0]
    if first_lo != -INF:
        out.append(Finding(
            f"scores below {int(first_lo)} fall in no band", locate(s, ("bands", first, "min")),
            hint=f'drop "min" from band "{bands[first].id}" so it covers the bottom of the scale'))
    _, last_hi, last = spans[-1]
    if last_hi != INF:
        out.append(Finding(
            f"scores above {int(last_hi)} fall in no band", locate(s, ("bands", last, "max")),
            hint=f'drop "max" from band "{bands[last].id}" so it covers the top of the scale'))
    top = spans[0]
    for cur in spans[1:]:
        lo, hi, i = cur
        if lo <= top[1]:
            out.append(Finding(
                f'band "{bands[i].id}" ({_span(lo, hi)}) overlaps '
                f'band "{bands[top[2]].id}" ({_span(top[0], top[1])})',
                locate(s, ("bands", i)), hint="make each score fall in exactly one band"))
        elif lo > top[1] + 1:
            out.append(Finding(
                f'scores {int(top[1]) + 1}..{int(lo) - 1} fall in no band '
                f'(between "{bands[top[2]].id}" and "{bands[i].id}")',
                locate(s, ("bands", i)), hint="widen a neighbouring band so the scale has no gap"))
        if hi > top[1]:
            top = cur
    return out


def _span(lo: float, hi: float) -> str:
    a = "…" if lo == -INF else str(int(lo))
    b = "…" if hi == INF else str(int(hi))
    return f"{a}..{b}"


def utm_covered(ctx: GateContext) -> list[Finding]:
    specs = ctx.specs.of("UTMConvention")
    if not specs:
        return [Finding("no UTMConvention spec defines how campaigns are tagged", ctx.anchor(),
                        hint="add a UTMConvention covering utm_source, utm_medium and utm_campaign")]
    out: list[Finding] = []
    for s in specs:
        params = s.model.params
        for p in UTM_REQUIRED:
            rule = params.get(p)
            if rule is None:
                out.append(Finding(f"the UTM convention does not cover {p}", s.at("params", key=True),
                                   hint=f"add {p} under params with `allowed:` values or a `pattern:`"))
            elif not rule.allowed and not rule.pattern:
                out.append(Finding(f"{p} has neither allowed values nor a pattern, so any value passes",
                                   locate(s, ("params", p)),
                                   hint="list the allowed values or give a pattern"))
    return out


def personas_sequenced(ctx: GateContext) -> list[Finding]:
    ss = ctx.specs
    covered: set[str] = set()
    generic: list[str] = []
    for s in ss.of("Sequence"):
        cond = ss.condition(s, "audience")
        if cond is None:
            continue
        for node, positive in signed_nodes(cond):
            if isinstance(node, PersonaRef) and positive:
                if node.persona == "any":
                    generic.append(s.model.id)
                covered.add(node.persona)
    out: list[Finding] = []
    for s, i, p in ss.personas():
        if p.id in covered:
            continue
        notes = (f"sequence {join_words([quoted(g) for g in generic], 'and')} targets {{persona: any}}; "
                 "the gate wants one that speaks to this persona by name",) if generic else ()
        out.append(Finding(
            f'persona "{p.id}" has no sequence', locate(s, ("personas", i, "id"), ("personas", i)),
            notes=notes,
            hint=f"add a Sequence whose audience names it, e.g. `audience: {{persona: {p.id}}}`"))
    return out


def trust_respected(ctx: GateContext) -> list[Finding]:
    out: list[Finding] = []
    for s in ctx.specs.of("Sequence"):
        m = s.model
        for v in trust_violations(m.start_trust, [st.ask for st in m.steps]):
            steps = bridge(v.standing, v.needed)
            earn = (f"add earlier steps that ask for {join_words(steps, 'then')}" if steps
                    else "add earlier steps")
            out.append(Finding(
                f'sequence "{m.id}": {v.describe()}',
                locate(s, ("steps", v.index, "ask"), ("steps", v.index)),
                hint=f"{earn}, or raise start_trust if this audience already trusts you at level "
                     f"{v.needed - 1}"))
    return out
