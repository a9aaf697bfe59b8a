"""``gtm fmt``: rewrite spec files in the canonical layout, keeping comments; ``--check`` for CI."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from compiler.diagnostics import Diagnostic, SourceRange, error
from gtm import exitcodes
from gtm.context import print_diagnostics


def _targets(root: Path, specs_dir: Path | None, paths: tuple[Path, ...]) -> list[Path]:
    from compiler.project import load_workspace, spec_files

    if paths:
        out: list[Path] = []
        for p in paths:
            out.extend(spec_files(p) if p.is_dir() else [p])
        return out
    if specs_dir is None:
        from gtm.context import find_workspace

        root = find_workspace(root) or root  # the workspace holding the current directory, like git
        ws, _, _ = load_workspace(root)
        specs_dir = root / (ws.specs if ws is not None else "specs")
    return spec_files(specs_dir) if specs_dir.is_dir() else []


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-C", "--chdir", "root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True,
              help="Start here; the workspace is the nearest directory upward holding gtm.yaml.")
@click.option("--specs", "specs_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Spec directory (default: `specs:` in gtm.yaml, else ./specs).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change as a unified diff; write nothing.")
def fmt(paths: tuple[Path, ...], root: Path, specs_dir: Path | None, check: bool, show_diff: bool) -> None:
    """Format spec files in the canonical layout, keeping comments; --check lists files that would change."""
    from compiler.fmt import format_text
    from compiler.project import display_path
    from compiler.source import load_file

    root = root.resolve()
    files = _targets(root, specs_dir.resolve() if specs_dir else None, tuple(p.resolve() for p in paths))
    if not files:
        print_diagnostics([error("GTM014", "no .yaml spec files to format", SourceRange(str(root), 1, 1))])
        sys.exit(exitcodes.ERROR)
    diags: list[Diagnostic] = []
    changed: list[str] = []
    for f in files:
        shown = display_path(f, root)
        loaded = load_file(f, shown)  # size, encoding, binary junk: the loader's own diagnostics
        if loaded.diagnostics:
            diags.extend(loaded.diagnostics)
            continue
        text = f.read_text(encoding="utf-8")
        res = format_text(text, shown)
        if res.diagnostics:
            diags.extend(res.diagnostics)
            continue
        if res.error:
            diags.append(error("GTM660", res.error, SourceRange(shown, res.line, res.col)))
            continue
        if not res.changed:
            continue
        changed.append(shown)
        if show_diff:
            click.echo("".join(difflib.unified_diff(text.splitlines(True), res.text.splitlines(True),
                                                    f"a/{shown}", f"b/{shown}")), nl=False)
        if not check and not show_diff:
            try:
                f.write_text(res.text, encoding="utf-8")
            except OSError as e:
                diags.append(error("GTM614", f"cannot write {shown}: {e.strerror or e}", SourceRange(shown, 1, 1)))
                continue
            click.echo(f"formatted {shown}")
        elif check:
            click.echo(f"would reformat {shown}")
    print_diagnostics(diags)
    n = len(changed)
    if check or show_diff:
        click.echo(f"{n} file{'s' if n != 1 else ''} would be reformatted, {len(files) - n} already canonical.",
                   err=True)
    else:
        click.echo(f"{n} file{'s' if n != 1 else ''} reformatted, {len(files) - n} already canonical.", err=True)
    if diags or (check and changed):
        sys.exit(exitcodes.ERROR)
    sys.exit(exitcodes.OK)
