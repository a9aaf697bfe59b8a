"""``gtm test``: run the spec tests (``kind: Test``) offline; exit 1 when an expectation fails."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from compiler.spectest import CaseResult, failure_diagnostics, run_tests, show_value
from gtm import exitcodes
from gtm.context import open_project, print_diagnostics, workspace_options

FORMAT_VERSION = "1.0"


def _text(results: list[CaseResult]) -> None:
    current = None
    for r in results:
        where = r.range.file if r.range else "?"
        if (where, r.test) != current:
            current = (where, r.test)
            click.echo(f"{where}  {r.test}")
        if r.passed:
            click.echo(f"  ✓ {r.case}")
            continue
        click.echo(f"  ✗ {r.case}  ({r.range})")
        width = max(len(m.field) for m in r.mismatches)
        for m in r.mismatches:
            at = r.expect_ranges.get(m.field)
            click.echo(f"      {m.field:<{width}}  - expected {show_value(m.expected)}" + (f"   ({at})" if at else ""))
            click.echo(f"      {'':<{width}}  + actual   {show_value(m.actual)}")
        click.echo("      why:")
        for line in r.explanation:
            click.echo(f"        {line}")


@click.command("test")
@workspace_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("-k", "match", default=None, metavar="TEXT", help="Run only cases whose test or case id contains TEXT.")
def test(root: Path, specs_dir: Path | None, fmt: str, match: str | None) -> None:
    """Run the spec tests (kind: Test) offline with the evaluator; exit 1 on a failed case.

    \b
    Each case gives a record and the outcomes the specs must produce (score, band, route,
    mql, tier, lifecycle, slas, sequences, alerts, properties).  Failures show the expected
    and actual values and the rule-by-rule explanation, as `gtm explain` does.
    """
    project = open_project(root, specs_dir)
    if not project.ok:
        print_diagnostics(project.diagnostics.sorted(), "json" if fmt == "json" else fmt,
                          stream=sys.stdout if fmt != "text" else None)
        sys.exit(exitcodes.ERROR)
    own = project.workspace.ownership if project.workspace else None
    results = run_tests(project.specs, own)
    if match:
        results = [r for r in results if match in r.test or match in r.case]
    failed = [r for r in results if not r.passed]
    summary = f"{len(results) - len(failed)} passed, {len(failed)} failed"
    if fmt == "json":
        click.echo(json.dumps({"format_version": FORMAT_VERSION, "passed": len(results) - len(failed),
                               "failed": len(failed), "cases": [r.to_dict() for r in results]}, indent=2))
    elif fmt == "github":
        print_diagnostics(failure_diagnostics(failed), "github", stream=sys.stdout)
        click.echo(summary)
    else:
        if not results:
            click.echo("No spec tests found: add a `kind: Test` spec (see docs/spec-tests.md).")
        _text(results)
        click.echo(summary if results else "0 passed, 0 failed")
    sys.exit(exitcodes.ERROR if failed else exitcodes.OK)
