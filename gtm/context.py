"""Shared plumbing for commands: finding the workspace, loading it, printing diagnostics."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from compiler.diagnostics import Diagnostic, SourceCache, github_annotation, render_text, to_json
from compiler.project import WORKSPACE_FILE, Project, load_project

F = TypeVar("F", bound=Callable[..., Any])


def workspace_options(f: F) -> F:
    """``-C/--chdir`` and ``--specs`` on every command that reads specs."""
    f = click.option("--specs", "specs_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Spec directory (default: `specs:` in gtm.yaml, else ./specs).")(f)
    f = click.option("-C", "--chdir", "root", type=click.Path(file_okay=False, path_type=Path),
                     default=Path("."), show_default=True,
                     help="Start here; the workspace is the nearest directory upward holding gtm.yaml.")(f)
    return f


def find_workspace(start: Path) -> Path | None:
    """The nearest directory from ``start`` upward that holds ``gtm.yaml`` (as git finds ``.git``).

    A directory with a ``specs/`` tree but no ``gtm.yaml`` ends the search (None): it is a
    workspace missing its file, and reporting that beats planning an enclosing one.
    """
    here = start.resolve()
    for d in (here, *here.parents):
        if (d / WORKSPACE_FILE).is_file():
            return d
        if (d / "specs").is_dir():
            return None
    return None


def open_project(root: Path, specs_dir: Path | None) -> Project:
    """Load the workspace that holds ``root`` (found upward); ``root`` itself when there is none."""
    start = root.resolve()
    found = find_workspace(start)
    sd = specs_dir.resolve() if specs_dir is not None else None
    if found is None and sd is None and not (start / "specs").is_dir():
        # no workspace here or above: one diagnostic (a missing spec directory would only repeat it)
        from compiler.diagnostics import Diagnostics, SourceRange, error
        from compiler.project import display_path
        from compiler.specset import SpecSet

        where = display_path(start, start) or "."
        diag = error("GTM201", f"no {WORKSPACE_FILE} in {where} or any directory above it",
                     SourceRange(display_path(start / WORKSPACE_FILE, start), 1, 1),
                     hint="run `gtm init` to create a workspace here, or `gtm -C DIR` to use one elsewhere")
        resume_gc()
        return Project(start, None, None, SpecSet(), Diagnostics([diag]), [])
    project = load_project(found or start, sd)
    resume_gc()
    return project


def resume_gc() -> None:
    """Turn the cycle collector back on if the CLI turned it off for loading (see ``gtm.cli.main``).

    What loading built lives until exit, so it is frozen first: later collections skip it instead
    of walking it again.  Where collection was never off (tests, library use) this does nothing.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def print_diagnostics(diags: Iterable[Diagnostic], fmt: str = "text", root: Path | None = None,
                      stream: Any = None) -> None:
    items = sorted(diags, key=Diagnostic.sort_key)
    out = stream or sys.stderr
    if fmt == "json":
        click.echo(to_json(items), file=out)
        return
    if fmt == "github":
        for d in items:
            click.echo(github_annotation(d), file=out)
        return
    if not items:
        return
    sources = SourceCache()
    for d in items:
        click.echo(render_text(d, sources), file=out)
        click.echo("", file=out)


def summarize(diags: Iterable[Diagnostic]) -> str:
    items = list(diags)
    e = sum(1 for d in items if d.is_error)
    w = len(items) - e
    return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"
