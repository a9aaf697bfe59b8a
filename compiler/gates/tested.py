"""Phase 2 checks that scoring and tiers are pinned down by spec tests (``kind: Test``) that pass."""

from __future__ import annotations

from compiler.gates.base import Finding, GateContext, locate

SCORING_KEYS = ("score", "band", "route", "mql")


def _cases(ctx: GateContext, keys: tuple[str, ...], obj: str | None = None) -> int:
    n = 0
    for s in ctx.specs.of("Test"):
        for c in s.model.cases:
            given = c.expect.model_dump(exclude_none=True)
            if any(k in given for k in keys) and (obj is None or c.object == obj or c.company is not None):
                n += 1
    return n


def scoring_tested(ctx: GateContext) -> list[Finding]:
    out = []
    for s in ctx.specs.of("LeadScoring"):
        if not _cases(ctx, SCORING_KEYS):
            out.append(Finding("lead scoring has no spec test of score, band, route or MQL", locate(s, ("kind",)),
                               hint="add a `kind: Test` spec (e.g. specs/tests/scoring.yaml) with example contacts "
                                    "and their expected score and band; run `gtm test`"))
    return out


def tiers_tested(ctx: GateContext) -> list[Finding]:
    out = []
    for s in ctx.specs.of("Tiers"):
        if not _cases(ctx, ("tier",)):
            out.append(Finding("tiers have no spec test of the tier a record gets", locate(s, ("kind",)),
                               hint="add a `kind: Test` case per tier with a company record and `expect: {tier: …}`"))
    return out


def tests_pass(ctx: GateContext) -> list[Finding]:
    from compiler.spectest import run_tests

    if not ctx.project.ok:
        return []  # specs that do not validate cannot be evaluated; validation reports why
    own = ctx.project.workspace.ownership if ctx.project.workspace else None
    out = []
    for r in run_tests(ctx.specs, own):
        for m in r.mismatches:
            out.append(Finding(f'spec test "{r.test}" case "{r.case}": {m.field} expected {m.expected!r}, '
                               f"got {m.actual!r}", r.expect_ranges.get(m.field, r.range),
                               hint="fix the specs or the expectation; `gtm test` shows the rule-by-rule reason"))
    return out
