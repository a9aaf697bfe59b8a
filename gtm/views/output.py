"""What ``gtm plan`` and ``gtm show`` print for a plan, in every format, from one function.

``plan`` renders the plan read back from its own JSON form (:func:`normalized`), and ``show``
renders a saved plan read from the same form, so the two print byte-identical output.  A plan
with errors cannot be applied: the text and Markdown views then print a summary instead of the
changes, and the diagnostics come last.
"""

from __future__ import annotations

import json
import sys

import click

from compiler.diagnostics import Diagnostic
from compiler.plan import Plan
from gtm.context import print_diagnostics
from gtm.views.plan_json import render_plan_json
from gtm.views.plan_text import render_plan, render_refused

FORMATS = ["text", "json", "markdown", "github"]


def normalized(plan: Plan) -> Plan:
    """The plan as its JSON form reads back: what a saved plan holds and what ``gtm show`` sees."""
    return Plan.from_dict(json.loads(json.dumps(plan.to_dict(), default=str)))


def errors_of(plan: Plan) -> list[Diagnostic]:
    return [d for d in plan.diagnostics if d.is_error]


def render_stdout(plan: Plan, fmt: str, color: bool = False) -> str:
    """Everything the plan prints on stdout in ``fmt``."""
    errors = errors_of(plan)
    if fmt == "json":
        return render_plan_json(plan)
    if fmt == "markdown":
        from gtm.views.markdown import render_plan_markdown

        return render_plan_markdown(plan) + "\n"
    if fmt == "github":
        from gtm.views.github import annotations_for_diagnostics

        return "".join(a + "\n" for a in annotations_for_diagnostics(plan.diagnostics)) + plan.summary_line() + "\n"
    return render_refused(plan, len(errors)) if errors else render_plan(plan, color)


def emit_plan(plan: Plan, fmt: str, color: bool = False, body: str | None = None) -> None:
    """Print the plan: the body on stdout (``body`` when already rendered), then (text) its diagnostics
    and any error line on stderr."""
    click.echo(render_stdout(plan, fmt, color) if body is None else body, nl=False)
    if fmt == "text":
        errors = errors_of(plan)
        print_diagnostics([d for d in plan.diagnostics if not d.is_error], "text")
        print_diagnostics(errors, "text")  # errors last, next to the verdict
        if errors:
            click.echo(f"Error: the plan has {len(errors)} error(s); nothing can be applied.", err=True)
    sys.stdout.flush()
