"""Phase 4 (analysis) check: the live CRM matches the specs, i.e. a plan has no changes.

The plan comes from a :data:`~compiler.gates.base.Planner` that the caller passes in (the CLI
passes ``gtm.planning.make_plan``): the compiler never imports the CLI or the providers.
"""

from __future__ import annotations

from compiler.diagnostics import SourceRange
from compiler.gates.base import Finding, GateContext
from compiler.plan import Change

MAX_FINDINGS = 50


def no_drift(ctx: GateContext) -> list[Finding]:
    planner = ctx.planner
    env = ctx.environment_name
    if planner is None:
        return [Finding("cannot check drift: no planner was given (run the gate through `gtm gate`)",
                        ctx.anchor())]
    plan, diags = planner(ctx.project, env)
    if plan is None:
        errors = [d for d in diags if d.is_error] or diags
        if not errors:
            return [Finding(f'cannot plan against environment "{env}"', ctx.anchor())]
        return [Finding(f'cannot plan against environment "{env}": [{d.code}] {d.summary}',
                        d.range or ctx.anchor(), notes=d.notes, hint=d.hint) for d in errors[:MAX_FINDINGS]]
    hint = (f"run `gtm apply -e {env}` to bring {env} in line with the specs, or change the specs to match "
            f"(`gtm plan -e {env}` shows every difference)")
    out = [Finding(_describe(c, env), _where(c), hint=hint, address=c.address)
           for c in plan.changes[:MAX_FINDINGS]]
    if len(plan.changes) > MAX_FINDINGS:
        more = len(plan.changes) - MAX_FINDINGS
        out.append(Finding(f"… and {more} more differences ({plan.summary_line()})", ctx.anchor(), hint=hint))
    return out


def _describe(c: Change, env: str) -> str:
    if c.action == "create":
        return f"{c.address} is in the specs but missing from {env}"
    if c.action == "delete":
        return f"{c.address} is in {env} but no longer in the specs"
    if c.action == "replace":
        return f"{c.address} differs from the specs and must be replaced"
    paths = [a.path for a in c.attrs]
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    return f"{c.address} differs from the specs in {len(paths)} attribute{'s' if len(paths) != 1 else ''}" + (
        f": {shown}" if shown else "")


def _where(c: Change) -> SourceRange | None:
    for r in (c.after, c.before):
        if r is not None and r.source is not None:
            return r.source
    return None
