"""Terraform-style text rendering of a plan: ``+ ~ - -/+``, nested values, the ``Plan:`` line.

Values are laid out by :mod:`gtm.views.values` (never truncated); changes are read as marked
lines by :mod:`gtm.views.plan_lines`.  ``color=True`` colours the markers with ANSI escapes
(the caller decides: a terminal, no ``--no-color``, no ``NO_COLOR``).
"""

from __future__ import annotations

from compiler.plan import Change, Plan
from gtm.views import impact as impact_view
from gtm.views.color import paint
from gtm.views.plan_lines import Line, change_lines

LEGEND = "  + create   ~ update in place   - destroy   -/+ replace"


def text_line(ln: Line, color: bool = False) -> str:
    """A line as the text plan prints it: resource lines at column 2; attribute lines with their
    marker in the column-6 gutter and their text indented two spaces a level from column 8."""
    mark = " " if ln.echo else ln.marker
    if ln.depth < 0:
        if mark == "#":
            return "  " + paint("# " + ln.text, "#", color)
        return "  " + paint(mark, mark, color) + " " + ln.text
    pad = "  " * ln.depth
    if mark == "#":
        return "      " + paint("# " + pad + ln.text, "#", color)
    return "      " + paint(mark, mark, color) + " " + pad + ln.text


def render_change(c: Change, color: bool = False) -> list[str]:
    return [*(text_line(ln, color) for ln in change_lines(c)), ""]


def plan_head(plan: Plan) -> str:
    return f'gtm plan for environment "{plan.environment}" (provider: {plan.provider})'


def render_plan(plan: Plan, color: bool = False) -> str:
    head = plan_head(plan)
    if not plan.changes:
        return f"{head}\n\nNo changes. The CRM matches the specs.\n"
    out = [head, "", "gtm will perform these actions:", "", LEGEND, ""]
    for c in plan.changes:
        out.extend(render_change(c, color))
    blocked = plan.needs_allow_destroy
    if blocked:
        out.append(f"! {len(blocked)} change(s) destroy data or run in a protected environment; "
                   "apply needs --allow-destroy.")
    out.extend(impact_view.plan_lines(plan))
    out.append(plan.summary_line())
    return "\n".join(out) + "\n"


def render_refused(plan: Plan, errors: int) -> str:
    """What a plan that cannot be applied prints instead of its body: the counts, not the changes."""
    c = plan.counts
    return (f"{plan_head(plan)}\n\n"
            f"The plan cannot be applied: {errors} error{'s' if errors != 1 else ''} (listed below).\n"
            f"Without them it would make {len(plan.changes)} change(s): {c['add']} to add, "
            f"{c['change']} to change, {c['destroy']} to destroy.\n")
