"""Markdown for pull-request comments: the plan (with the gate checklist) and the gate report.

The plan comment starts with the hidden marker ``<!-- gtm-plan -->`` (the sticky-comment
tooling finds the comment by it), then, in the order a reviewer reads: the title with the
environment, destructive changes with their record counts, a summary by business object,
the gate checklist, and per-resource detail in collapsible ``<details>`` sections.  It never
exceeds ``limit`` characters (default 60,000, under GitHub's 65,536): detail sections that
do not fit are left out and a notice says how many and how to see the whole plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

from compiler.diagnostics import Diagnostic
from compiler.gates.report import PHASE_TITLES, CheckResult, GateReport, phase_span
from compiler.plan import SYMBOLS, Change, Plan
from gtm.views.plan_lines import Line, change_lines

MARKER = "<!-- gtm-plan -->"
GITHUB_COMMENT_LIMIT = 65_536
DEFAULT_LIMIT = 60_000
MAX_DESTRUCTIVE_LISTED = 20
MAX_FAILURES_LISTED = 20
#: business objects in reading order: (Change.origin, heading)
ORIGINS: tuple[tuple[str, str], ...] = (
    ("Tiers", "Tiers"),
    ("LeadScoring", "Lead scoring"),
    ("Pipeline", "Pipeline"),
    ("SLA", "SLAs"),
    ("UTMConvention", "UTM"),
    ("Sequence", "Sequences"),
    ("AlertRule", "Alerts"),
    ("workspace", "Property groups"),
    ("unmanaged", "Not from a spec"),
)
_ORIGIN_NAMES = dict(ORIGINS)
_MD_MARK = {"~": "!"}
_VERBS = {"create": "create", "update": "update in place", "delete": "destroy", "replace": "replace"}


def origin_name(origin: str) -> str:
    return _ORIGIN_NAMES.get(origin, origin)


def _text(s: str) -> str:
    """Escape free text for Markdown: no stray HTML, no accidental table cells."""
    return escape(s, quote=False).replace("|", "\\|")


def _records(n: int) -> str:
    return f"{n:,} record{'s' if n != 1 else ''}"


# --------------------------------------------------------------------------- gate checklist


def _where(d: Diagnostic) -> str:
    return f"`{d.range}` " if d.range is not None else ""


def _failure_lines(diags: tuple[Diagnostic, ...] | list[Diagnostic], indent: str = "  ",
                   show_code: bool = False) -> list[str]:
    """One bullet per diagnostic; a hint is shown once for a run of failures sharing it."""
    out: list[str] = []
    shown = list(diags[:MAX_FAILURES_LISTED])
    for i, d in enumerate(shown):
        code = f"**{d.code}** {d.severity.value}: " if show_code else ""
        out.append(f"{indent}- {_where(d)}{code}{_text(d.summary)}")
        for note in d.notes:
            out.append(f"{indent}  <br>{_text(note)}")
        nxt = shown[i + 1] if i + 1 < len(shown) else None
        if d.hint and (nxt is None or nxt.hint != d.hint):
            out.append(f"{indent}  <br>_Fix:_ {escape(d.hint, quote=False)}")
    if len(diags) > MAX_FAILURES_LISTED:
        out.append(f"{indent}- … and {len(diags) - MAX_FAILURES_LISTED} more")
    return out


def _check_line(r: CheckResult) -> list[str]:
    box = "x" if r.passed else " "
    tag = " _(custom)_" if r.custom else ""
    lines = [f"- [{box}] `{r.code}` {_text(r.title)}{tag}"]
    if not r.passed:
        lines.extend(_failure_lines(r.diagnostics))
    return lines


def render_gate_markdown(report: GateReport, heading_level: int = 4) -> str:
    """The gate checklist: a status line, then ``[x]``/``[ ]`` per check grouped by phase."""
    h = "#" * heading_level
    status = "✅ **Gate passed**" if report.passed else "❌ **Gate failed**"
    detail = report.summary_line().split(": ", 1)[-1].rstrip(".")
    source = f" · {_text(report.phase_source)}" if report.phase_source else ""
    out = [f"{status}: {detail}{source}", ""]
    errors = [d for d in report.validation if d.is_error]
    out.append(f"{h} Specs")
    out.append("")
    if errors:
        out.append(f"- [ ] specs load and validate ({len(errors)} error{'s' if len(errors) != 1 else ''})")
        out.extend(_failure_lines(errors))
    else:
        out.append("- [x] specs load and validate")
    for phase, results in report.by_phase().items():
        out.append("")
        out.append(f"{h} Phase {phase} · {PHASE_TITLES.get(phase, '')}")
        out.append("")
        for r in results:
            out.extend(_check_line(r))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- plan


def impact_markdown(plan: Plan) -> list[str]:
    from gtm.views.impact import markdown_lines

    return markdown_lines(plan)


def _title(plan: Plan) -> str:
    extra = ", protected" if plan.protected else ""
    return f"## gtm plan · `{plan.environment}` ({plan.provider}{extra})"


def _destructive(plan: Plan) -> list[str]:
    bad = [c for c in plan.changes if c.destructive]
    if not bad:
        return []
    records = sum(c.impact.records for c in bad if c.impact)
    head = f"> **⚠️ {len(bad)} destructive change{'s' if len(bad) != 1 else ''}**"
    if records:
        head += f", touching {_records(records)}"
    out = ["> [!CAUTION]", head + ":"]
    for c in bad[:MAX_DESTRUCTIVE_LISTED]:
        line = f"> - `{SYMBOLS[c.action]}` **{_VERBS[c.action]}** `{c.address}` ({origin_name(c.origin)})"
        if c.impact is not None and (c.impact.records or c.impact.detail):
            line += f" — {_records(c.impact.records)}"
            if c.impact.detail:
                line += f": {_text(c.impact.detail)}"
        out.append(line)
    if len(bad) > MAX_DESTRUCTIVE_LISTED:
        out.append(f"> - … and {len(bad) - MAX_DESTRUCTIVE_LISTED} more destructive changes")
    blocked = plan.needs_allow_destroy
    if blocked:
        out.append(f"> `gtm apply` needs `--allow-destroy` for {len(blocked)} of them.")
    return [*out, ""]


def _summary_table(plan: Plan) -> list[str]:
    rows: dict[str, dict[str, int]] = {}
    for c in plan.changes:
        row = rows.setdefault(c.origin, {"create": 0, "update": 0, "delete": 0, "replace": 0, "records": 0})
        row[c.action] += 1
        row["records"] += c.impact.records if c.impact else 0
    order = [o for o, _ in ORIGINS] + sorted(o for o in rows if o not in _ORIGIN_NAMES)
    out = ["### Summary by business object", "",
           "| Business object | + create | ~ update | - destroy | -/+ replace | Records affected |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for o in order:
        if o in rows:
            r = rows[o]
            out.append(f"| {_text(origin_name(o))} | {r['create']} | {r['update']} | {r['delete']} | "
                       f"{r['replace']} | {r['records']:,} |")
    return [*out, ""]


def render_change_markdown(c: Change) -> str:
    """One resource as a collapsible section with its attribute diff."""
    where = f" · `{c.after.source}`" if c.after is not None and c.after.source is not None else ""
    summary = (f"<code>{escape(SYMBOLS[c.action])} {escape(c.address)}</code> — {_VERBS[c.action]} · "
               f"{escape(origin_name(c.origin))}{where}")
    out = [f"<details><summary>{summary}</summary>", ""]
    notes: list[str] = []
    if c.impact is not None and (c.impact.records or c.impact.detail):
        notes.append(f"**Impact:** {_records(c.impact.records)}" + (f" — {_text(c.impact.detail)}"
                                                                   if c.impact.detail else ""))
    for m in c.moves:
        notes.append(f"**Moves** {_records(m.records)}: `{m.property}` "
                     f"{_text(m.from_value)} → {_text(m.to_value)}")
    if c.needs_allow_destroy:
        notes.append(f"**Needs `--allow-destroy`:** {_text('; '.join(c.reasons))}")
    out.extend(f"- {n}" for n in notes)
    if notes:
        out.append("")
    out += diff_block([ln for ln in change_lines(c) if ln.marker != "#" or ln.depth >= 0])
    out += ["", "</details>", ""]
    return "\n".join(out) + "\n"


def md_line(ln: Line, parent: str = " ") -> str:
    """A plan line in a ``diff`` block: its marker in column 0 (``~`` as ``!``, so GitHub colours it)."""
    mark = parent if ln.echo else ln.marker
    mark = _MD_MARK.get(mark, mark)
    pad = "  " * (ln.depth + 1)
    if mark == "#":
        return f"#{pad[1:]} {ln.text}" if ln.depth >= 0 else f"# {ln.text}"
    return f"{mark}{pad[1:] if ln.depth >= 0 else ''} {ln.text}"


def diff_block(lines: list[Line]) -> list[str]:
    """Lines as a fenced ``diff`` block; every line of an added or removed block carries its marker."""
    body: list[str] = []
    parent = " "
    for ln in lines:
        if not ln.echo:
            parent = ln.marker
        if ln.pair is not None:  # before and after on lines of their own, so the difference shows
            path, before, after = ln.pair
            body += [md_line(Line("-", ln.depth, f"{path}: {before}")),
                     md_line(Line("+", ln.depth, f"{path}: {after}"))]
            continue
        body.append(md_line(ln, parent))
    longest = max((len(m) for m in re.findall(r"`+", "\n".join(body))), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}diff", *body, fence]


def _grouped_sections(plan: Plan) -> Iterator[str]:
    """Detail sections grouped by business object (in reading order), each group under a heading;
    made one at a time, so a capped comment renders only what it can show."""
    groups: dict[str, list[Change]] = {}
    for c in plan.changes:
        groups.setdefault(c.origin, []).append(c)
    order = [o for o, _ in ORIGINS if o in groups] + sorted(o for o in groups if o not in _ORIGIN_NAMES)
    for o in order:
        for i, c in enumerate(groups[o]):
            head = f"#### {_text(origin_name(o))}\n\n" if i == 0 else ""
            yield head + render_change_markdown(c)


def _truncation_notice(plan: Plan, shown: int, limit: int) -> str:
    total = len(plan.changes)
    left = total - shown
    return ("\n> [!WARNING]\n"
            f"> **Truncated:** {left:,} of {total:,} changes are not shown, to keep this comment under "
            f"{limit:,} characters (GitHub allows {GITHUB_COMMENT_LIMIT:,}).\n"
            f"> See the full plan with `gtm plan -e {plan.environment}` "
            f"(or `gtm plan -e {plan.environment} --format json`).\n")


def render_no_plan_markdown(diags: list[Diagnostic]) -> str:
    """The PR comment when no plan could be made (the specs or gtm.yaml do not load, the CRM
    cannot be read): the marker, the verdict and the diagnostics, each at its file:line:col."""
    errors = [d for d in diags if d.is_error]
    warnings = [d for d in diags if not d.is_error]
    n = len(errors)
    lines = [MARKER, "## gtm plan", "",
             f"❌ **No plan: {n} error{'s' if n != 1 else ''}** (listed below); fix them and plan again.", "",
             "### Diagnostics", "", *_failure_lines(errors + warnings, indent="", show_code=True), ""]
    return "\n".join(lines)


def render_plan_markdown(plan: Plan, gate: GateReport | None = None, limit: int = DEFAULT_LIMIT) -> str:
    """The plan as a PR comment, at most ``limit`` characters long."""
    head: list[str] = [MARKER, _title(plan), "", f"**{plan.summary_line()}**", ""]
    if not plan.changes:
        head += ["No changes. The CRM matches the specs.", ""]
    else:
        head += _destructive(plan)
        head += _summary_table(plan)
        head += impact_markdown(plan)
    if gate is not None:
        head += [f"### Quality gates ({phase_span(gate.phases)})", "", render_gate_markdown(gate)]
    warnings = [d for d in plan.diagnostics if not d.is_error]
    errors = [d for d in plan.diagnostics if d.is_error]
    if errors or warnings:
        head += ["### Diagnostics", "", *_failure_lines(errors + warnings, indent="", show_code=True), ""]
    if errors:  # nothing of this plan can be applied: the summary above and the errors, no change detail
        n = len(errors)
        head += [f"❌ **The plan cannot be applied: {n} error{'s' if n != 1 else ''}** (listed above); "
                 "fix them and plan again.", ""]
    text = "\n".join(head)
    if not plan.changes or errors:
        return _cap(text, limit, plan)
    room = limit - len(text) - len("\n### Changes\n\n")
    sections: list[str] = []
    used = 0
    for sec in _grouped_sections(plan):  # stop as soon as the whole plan cannot fit
        sections.append(sec)
        used += len(sec)
        if used > room:
            break
    if used <= room:
        return text + "\n### Changes\n\n" + "".join(sections)
    total = len(plan.changes)
    heading = "\n### Changes (truncated: the first {shown:,} of " + f"{total:,})\n\n"
    budget = limit - len(_truncation_notice(plan, 0, limit)) - len(text) - len(heading.format(shown=total))
    shown = 0
    parts: list[str] = []
    for s in sections:
        if len(s) > budget:
            break
        parts.append(s)
        budget -= len(s)
        shown += 1
    body = text + heading.format(shown=shown) + "".join(parts)
    return _cap(body + _truncation_notice(plan, shown, limit), limit, plan)


def _cap(text: str, limit: int, plan: Plan) -> str:
    """Last-resort guard: cut at a line boundary if even the header is longer than ``limit``."""
    if len(text) <= limit:
        return text
    notice = _truncation_notice(plan, 0, limit)
    cut = text[: max(limit - len(notice), 0)]
    cut = cut[: cut.rfind("\n") + 1] if "\n" in cut else cut
    return (cut + notice)[:limit]
