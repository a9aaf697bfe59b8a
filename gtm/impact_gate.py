"""Impact limits (``impact_limits`` in gtm.yaml): a plan that moves too many records needs ``--allow-impact``."""

from __future__ import annotations

from compiler.diagnostics import Diagnostic, error, warning
from compiler.plan import Plan
from compiler.workspace import ImpactLimits


def limits_for(workspace: object, env: object) -> ImpactLimits | None:
    """The environment's ``impact_limits``, else the workspace's."""
    own = getattr(env, "impact_limits", None)
    return own if own is not None else getattr(workspace, "impact_limits", None)


def exceeded(plan: Plan, limits: ImpactLimits) -> list[str]:
    """One sentence per limit the plan's business impact goes over."""
    totals = {b.object: b.total for b in plan.impact.basis}
    out: list[str] = []
    seen: set[str] = set()
    for c in plan.changes:
        for e in c.impact.effects if c.impact else []:
            if e.target in seen:
                continue
            seen.add(e.target)
            approx = "≈" if e.estimated else ""
            if limits.max_records is not None and e.changed > limits.max_records:
                out.append(f"{e.label} changes for {approx}{e.changed:,} {e.object} (limit {limits.max_records:,})")
            total = totals.get(e.object) or 0
            if limits.max_percent is not None and total and 100 * e.changed / total > limits.max_percent:
                out.append(f"{e.label} changes for {approx}{100 * e.changed / total:.1f}% of {e.object} "
                           f"(limit {limits.max_percent:g}%)")
            if limits.max_enrolled is not None and e.kind == "membership" and e.workload \
                    and e.entered > limits.max_enrolled:
                out.append(f"{e.label} newly enrols {approx}{e.entered:,} {e.object} "
                           f"(limit {limits.max_enrolled:,})")
    return out


def mark(plan: Plan, limits: ImpactLimits | None) -> list[Diagnostic]:
    """Record the exceeded limits on the plan; a warning per limit (the plan itself is fine to show)."""
    if limits is None or not plan.changes:
        return []
    if plan.impact.status != "computed":
        plan.impact.exceeded = ["impact limits are set but the impact was not computed"]
        return [warning("GTM653", f"impact limits are set for environment \"{plan.environment}\" but the "
                                  f"impact was not computed ({plan.impact.reason or plan.impact.status})",
                        hint="apply needs --allow-impact, or plan with impact")]
    plan.impact.exceeded = exceeded(plan, limits)
    return [warning("GTM652", f"impact limit exceeded: {x}", hint="apply needs --allow-impact")
            for x in plan.impact.exceeded]


def gate(plan: Plan, allow_impact: bool) -> list[Diagnostic]:
    """The error that stops ``gtm apply`` when the plan exceeds an impact limit without --allow-impact."""
    if not plan.impact.exceeded or allow_impact or not plan.changes:
        return []
    code = "GTM653" if plan.impact.status != "computed" else "GTM652"
    return [error(code, f"the plan exceeds the impact limits of environment \"{plan.environment}\"; "
                        "nothing was applied", notes=tuple(plan.impact.exceeded),
                  hint="review the business impact in the plan, then re-run with --allow-impact")]
