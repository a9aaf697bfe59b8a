"""``gtm gate``: run the phase quality gates (phases 1..N) and print a checklist; exit 1 on a failure.

N is ``--phase``, else the phase in a ``gtm/phase-N-…`` branch name (``GITHUB_HEAD_REF`` first,
then the current git branch), else every phase.  Spec errors fail the gate too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from compiler.diagnostics import SourceCache, render_text
from compiler.gates import PHASE_TITLES, GateReport, Planner, choose_phase, phase_span, run_gates
from compiler.gates.report import CheckResult
from gtm import exitcodes
from gtm.context import open_project, print_diagnostics, workspace_options

FORMATS = ["text", "json", "markdown", "github"]


@click.command()
@workspace_options
@click.option("--phase", type=click.IntRange(1, 4), default=None, metavar="N",
              help="Run the checks of phases 1..N (default: from a gtm/phase-N-… branch, else all).")
@click.option("-e", "--env", "env_name", default=None, metavar="ENV",
              help="Environment for the phase-4 drift check (default: default_environment).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def gate(root: Path, specs_dir: Path | None, phase: int | None, env_name: str | None, fmt: str) -> None:
    """Run the phase quality gates and print a checklist; exit 1 if a check fails."""
    project = open_project(root, specs_dir)
    choice = choose_phase(phase, cwd=project.root)
    report = run_gates(project, choice.phase, env_name, _planner(), choice.source)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, allow_nan=False))
    elif fmt == "markdown":
        from gtm.views.markdown import render_gate_markdown

        click.echo(render_gate_markdown(report), nl=False)
    elif fmt == "github":
        from gtm.views.github import annotations_for_gate

        for line in annotations_for_gate(report):
            click.echo(line)
        click.echo(report.summary_line())
    else:
        print_diagnostics(report.validation, "text")
        click.echo(render_checklist(report, project.workspace.name if project.workspace else None), nl=False)
    sys.exit(exitcodes.OK if report.passed else exitcodes.ERROR)


def _planner() -> Planner:
    """``gtm.planning.make_plan``, imported only when a command runs (it pulls in the providers)."""
    from gtm.planning import make_plan

    return make_plan


def render_checklist(report: GateReport, name: str | None = None) -> str:
    """The text checklist: ``[x]``/``[ ]`` per check, grouped by phase, failures with file:line:col."""
    sources = SourceCache()
    what = f" for {name}" if name else ""
    how = f" ({report.phase_source})" if report.phase_source else ""
    out = [f"Phase gates{what}: {phase_span(report.phases)}{how}", ""]
    errors = [d for d in report.validation if d.is_error]
    out.append("Specs")
    if errors:
        out.append(f"  [ ] specs load and validate: {len(errors)} error{'s' if len(errors) != 1 else ''} "
                   "(shown above)")
    else:
        out.append("  [x] specs load and validate")
    for phase, results in report.by_phase().items():
        out.append("")
        out.append(f"Phase {phase} · {PHASE_TITLES.get(phase, '')}")
        for r in results:
            out.extend(_check_lines(r, sources))
    out += ["", report.summary_line()]
    return "\n".join(out) + "\n"


def _check_lines(r: CheckResult, sources: SourceCache) -> list[str]:
    box = "x" if r.passed else " "
    tag = " (custom)" if r.custom else ""
    lines = [f"  [{box}] {r.code}  {r.title}{tag}"]
    for d in r.diagnostics:
        lines.extend("      " + ln for ln in render_text(d, sources).splitlines())
    return lines
