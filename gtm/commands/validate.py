"""``gtm validate``: load and check the specs offline; exit 1 on any error."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gtm import exitcodes
from gtm.context import open_project, print_diagnostics, summarize, workspace_options


@click.command()
@workspace_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
def validate(root: Path, specs_dir: Path | None, fmt: str) -> None:
    """Load and check every spec (schema, references, semantics). No network."""
    project = open_project(root, specs_dir)
    diags = project.diagnostics.sorted()
    if fmt == "json":
        print_diagnostics(diags, "json", stream=sys.stdout)
    elif fmt == "github":
        print_diagnostics(diags, "github", stream=sys.stdout)
    else:
        print_diagnostics(diags, "text")
        if project.ok:
            n = len(project.specs.specs)
            click.echo(f"Success! {n} spec{'s' if n != 1 else ''} in {len(project.files)} "
                       f"file{'s' if len(project.files) != 1 else ''} are valid ({summarize(diags)}).")
        else:
            click.echo(f"Validation failed: {summarize(diags)}.", err=True)
    exitcodes.SKIP_TEARDOWN["on"] = True  # output written, nothing open: no need to free the specs one by one
    sys.exit(exitcodes.OK if project.ok else exitcodes.ERROR)
