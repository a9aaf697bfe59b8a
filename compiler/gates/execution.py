"""Phase 3 (execution) checks: SLAs on sales routes, alerts on stage limits, sequence exits."""

from __future__ import annotations

from compiler.conditions.ast import StageDaysOverMax
from compiler.gates.base import Finding, GateContext, locate
from compiler.gates.reach import signed_nodes


def sales_routes_have_sla(ctx: GateContext) -> list[Finding]:
    ss = ctx.specs
    slas = ss.by_id("SLA")
    reported: set[str] = set()
    out: list[Finding] = []
    for s in ss.of("LeadScoring"):
        routes = set(s.model.sales_routes)
        for i, b in enumerate(s.model.bands):
            if b.route not in routes:
                continue
            if b.sla is None:
                out.append(Finding(
                    f'band "{b.id}" routes to "{b.route}", a route to sales, but names no SLA',
                    locate(s, ("bands", i, "id"), ("bands", i)),
                    hint="add `sla: <id>` to the band and an SLA spec with a response time "
                         "and on_breach actions"))
                continue
            sla = slas.get(b.sla)
            if sla is None:
                out.append(Finding(f'band "{b.id}" names SLA "{b.sla}", which is not defined',
                                   locate(s, ("bands", i, "sla"), ("bands", i)),
                                   hint="define the SLA or fix the name"))
            elif not sla.model.on_breach and b.sla not in reported:
                reported.add(b.sla)
                out.append(Finding(
                    f'SLA "{b.sla}" (for band "{b.id}") has no breach action',
                    locate(sla, ("on_breach",), ("id",)),
                    notes=(f'band "{b.id}" is at {locate(s, ("bands", i))}',),
                    hint="add on_breach actions, e.g. `[{notify: owner_manager}, "
                         "{after: 24h, set: {hs_lead_status: recycled}}]`"))
    return out


def stage_limits_alerted(ctx: GateContext) -> list[Finding]:
    ss = ctx.specs
    for a in ss.of("AlertRule"):
        if a.model.object != "deals":
            continue
        cond = ss.condition(a, "when")
        if cond is None:
            continue
        for node, positive in signed_nodes(cond):
            if isinstance(node, StageDaysOverMax) and node.value == positive:
                return []
    out: list[Finding] = []
    for s in ss.of("Pipeline"):
        for i, st in enumerate(s.model.stages):
            if st.closed in (None, False) and st.max_days is not None:
                out.append(Finding(
                    f'stage "{st.id}" allows {st.max_days} days but no alert fires when a deal stays longer',
                    locate(s, ("stages", i, "max_days"), ("stages", i)),
                    hint="add an AlertRule on deals with `when: {stage_days_over_max: true}`; "
                         "one such rule covers every stage"))
    return out


def sequences_exit(ctx: GateContext) -> list[Finding]:
    out: list[Finding] = []
    for s in ctx.specs.of("Sequence"):
        if s.model.exit_when is None:
            out.append(Finding(
                f'sequence "{s.model.id}" has no exit_when, '
                "so contacts who reply or convert keep receiving it",
                locate(s, ("id",)),
                hint="add exit_when, e.g. `{property: hs_sales_email_last_replied, known: true}`"))
    return out
