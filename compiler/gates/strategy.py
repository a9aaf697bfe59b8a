"""Phase 1 (strategy & foundation) checks: ICP, buying committee, personas, tiers."""

from __future__ import annotations

from compiler.gates.base import Finding, GateContext, join_words, locate, quoted
from compiler.gates.reach import implies, is_tautology

PERSONA_FIELDS: tuple[str, ...] = ("pains", "triggers", "objections")


def icp_present(ctx: GateContext) -> list[Finding]:
    if ctx.specs.of("ICP"):
        return []
    return [Finding("no ICP is defined, so nothing says who the specs sell to", ctx.anchor())]


def committee_covered(ctx: GateContext) -> list[Finding]:
    out: list[Finding] = []
    for s in ctx.specs.of("ICP"):
        roles = {p.role for p in s.model.personas}
        for i, role in enumerate(s.model.buying_committee):
            if role in roles:
                continue
            out.append(Finding(
                f'ICP "{s.model.id}": buying-committee role "{role}" has no persona',
                locate(s, ("buying_committee", i), ("personas",), ("id",)),
                hint=f"add a persona with `role: {role}` under personas, or drop the role from "
                     "buying_committee if it has no say in the purchase"))
    return out


def personas_complete(ctx: GateContext) -> list[Finding]:
    out: list[Finding] = []
    for s, i, p in ctx.specs.personas():
        missing = [f for f in PERSONA_FIELDS if not getattr(p, f)]
        if missing:
            out.append(Finding(f'persona "{p.id}" lists no {join_words(missing)}',
                               locate(s, ("personas", i, "id"), ("personas", i))))
    return out


def tiers_ordered(ctx: GateContext) -> list[Finding]:
    specs = ctx.specs.of("Tiers")
    if not specs:
        return [Finding("no Tiers spec defines account tiers", ctx.anchor(),
                        hint="add a Tiers spec: ordered tiers, each with a condition and a personalization")]
    out: list[Finding] = []
    for s in specs:
        tiers = s.model.tiers
        for i, t in enumerate(tiers[:-1]):
            if t.when is None:
                after = [x.id for x in tiers[i + 1:]]
                out.append(Finding(
                    f'tier "{t.id}" has no condition (a catch-all) but is not last: '
                    f'{join_words([quoted(a) for a in after], "and")} after it can never match',
                    locate(s, ("tiers", i, "id"), ("tiers", i))))
    return out


def tiers_reachable(ctx: GateContext) -> list[Finding]:
    out: list[Finding] = []
    ss = ctx.specs
    for s in ss.of("Tiers"):
        tiers = s.model.tiers
        conds = [ss.condition(s, "tiers", i, "when") for i in range(len(tiers))]
        for i, t in enumerate(tiers):
            if t.when is not None and conds[i] is None:
                continue  # the condition did not parse; validation reports it
            for j in range(i):
                earlier = tiers[j]
                if earlier.when is None or conds[j] is None:
                    continue  # a catch-all before the last tier is GTM713's finding
                if implies(conds[i], conds[j]):
                    why = ("matches every record" if is_tautology(conds[j])
                           else "already matches every record this tier matches")
                    out.append(Finding(
                        f'tier "{t.id}" is unreachable: tier "{earlier.id}" comes first and {why}',
                        locate(s, ("tiers", i, "when"), ("tiers", i, "id"), ("tiers", i)),
                        notes=(f'tier "{earlier.id}" is at {locate(s, ("tiers", j, "when"), ("tiers", j))}',
                               "first match wins")))
                    break
    return out


def tiers_personalized(ctx: GateContext) -> list[Finding]:
    out: list[Finding] = []
    for s, i, t in ctx.specs.tiers():
        if t.personalization is None:
            out.append(Finding(f'tier "{t.id}" sets no personalization',
                               locate(s, ("tiers", i, "id"), ("tiers", i))))
    return out
