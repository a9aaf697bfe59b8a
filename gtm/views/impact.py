"""Rendering of business impact (the hook plan views call): lines per change, a basis line per plan."""

from __future__ import annotations

from compiler.plan import Effect, ImpactSummary, Plan, Transition


def num(n: float) -> str:
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,.2f}"


def _val(v: str | None, kind: str) -> str:
    if kind == "membership":
        return "in" if v else "out"
    return v if v is not None else "(none)"


def transition_text(t: Transition, kind: str) -> str:
    ex = f" (e.g. {', '.join(t.examples)})" if t.examples else ""
    if kind == "score":
        return f"{t.to_value} points: {num(t.records)}{ex}"
    return f"{_val(t.from_value, kind)} → {_val(t.to_value, kind)}: {num(t.records)}{ex}"


def effect_headline(e: Effect) -> str:
    """One line: ``band: hot 3 → 5 (+2 in, −0 out), warm 4 → 3 (…)`` or ``MQL 12 → 15 (+4 in, −1 out)``."""
    approx = "≈" if e.estimated else ""
    if e.kind == "score":
        return (f"{e.label}: {approx}{num(e.changed)} {e.object} change score "
                f"(mean {num(e.before.get('mean', 0))} → {num(e.after.get('mean', 0))})")
    if e.kind == "membership":
        line = (f"{e.label}: {approx}{num(e.before.get('members', 0))} → {approx}{num(e.after.get('members', 0))} "
                f"(+{num(e.entered)} in, −{num(e.left)} out)")
        if e.workload and e.entered:
            line += f"; {num(e.entered)} {e.object} newly enrolled: {e.workload}"
        return line
    parts = []
    for v in sorted(set(e.before) | set(e.after)):
        b, a = e.before.get(v, 0), e.after.get(v, 0)
        inn = sum(t.records for t in e.transitions if t.to_value == v)
        out = sum(t.records for t in e.transitions if t.from_value == v)
        if inn or out:
            parts.append(f"{v} {approx}{num(b)} → {approx}{num(a)} (+{num(inn)} in, −{num(out)} out)")
    return f"{e.label}: " + ", ".join(parts)


def change_lines(effects: list[Effect], indent: str = "  # ") -> list[str]:
    """Comment lines under a change in the text plan."""
    if not effects:
        return []
    lines = [f"{indent}business impact:"]
    for e in effects:
        lines.append(f"{indent}  {effect_headline(e)}")
        for t in e.transitions[:6]:
            lines.append(f"{indent}    {transition_text(t, e.kind)}")
        if len(e.transitions) > 6:
            lines.append(f"{indent}    … {len(e.transitions) - 6} more transitions")
    return lines


def basis_line(s: ImpactSummary) -> str | None:
    """How the impact was counted (exact or sampled), or why there is none; ``None`` when nothing to say."""
    if s.status == "skipped":
        return "Impact: not computed (--no-impact)." if s.reason == "--no-impact" else None
    if s.status == "unavailable":
        return f"Impact: not available ({s.reason})."
    if not s.basis:
        return None
    parts = []
    for b in s.basis:
        if b.exact:
            parts.append(f"{b.object}: all {num(b.total)} records")
        else:
            parts.append(f"{b.object}: sample of {num(b.read)} of {num(b.total)} records, "
                         f"±{b.margin} points at 95%")
    kind = "exact" if s.exact else "estimated"
    return f"Impact ({kind}): " + "; ".join(parts) + "."


def plan_lines(plan: Plan) -> list[str]:
    """Lines at the end of the text plan: the basis and any gtm.yaml impact limit exceeded."""
    out = []
    line = basis_line(plan.impact)
    if line:
        out.append(line)
    for x in plan.impact.exceeded:
        out.append(f"! impact limit exceeded: {x}; apply needs --allow-impact.")
    return out


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("<", "&lt;")


def markdown_lines(plan: Plan) -> list[str]:
    """``### Business impact``: one compact table per object (outcome, before → after, in, out, workload)."""
    seen: dict[str, Effect] = {}
    for c in plan.changes:
        for e in c.impact.effects if c.impact else []:
            seen.setdefault(e.target, e)
    basis = basis_line(plan.impact)
    if not seen:
        return [basis, ""] if basis and plan.impact.status != "computed" else []
    out = ["### Business impact", ""]
    if basis:
        out += [_md(basis), ""]
    for obj in sorted({e.object for e in seen.values()}):
        out += [f"**{obj.capitalize()}**", "", "| Outcome | Before → after | In | Out | Workload |",
                "| --- | --- | ---: | ---: | --- |"]
        for e in (x for x in seen.values() if x.object == obj):
            approx = "≈" if e.estimated else ""
            if e.kind == "score":
                out.append(f"| {_md(e.label)} | mean {num(e.before.get('mean', 0))} → {num(e.after.get('mean', 0))}"
                           f" | {approx}{num(e.changed)} changed | | |")
            elif e.kind == "membership":
                out.append(f"| {_md(e.label)} | {approx}{num(e.before.get('members', 0))} → "
                           f"{approx}{num(e.after.get('members', 0))} | +{num(e.entered)} | −{num(e.left)} | "
                           f"{_md(e.workload or '') if e.entered else ''} |")
            else:
                for v in sorted(set(e.before) | set(e.after)):
                    inn = sum(t.records for t in e.transitions if t.to_value == v)
                    gone = sum(t.records for t in e.transitions if t.from_value == v)
                    if inn or gone:
                        out.append(f"| {_md(e.label)} `{_md(v)}` | {approx}{num(e.before.get(v, 0))} → "
                                   f"{approx}{num(e.after.get(v, 0))} | +{num(inn)} | −{num(gone)} | |")
        out.append("")
    for x in plan.impact.exceeded:
        out += [f"> [!WARNING]\n> Impact limit exceeded: {_md(x)}; `gtm apply` needs `--allow-impact`.", ""]
    return out
