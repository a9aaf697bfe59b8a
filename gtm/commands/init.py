"""``gtm init``: scaffold gtm.yaml and a starter spec tree in an empty directory."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gtm import exitcodes
from gtm.scaffold import FILES


@click.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="Workspace name (a lower-case slug; default: the directory name).")
def init(directory: Path, name: str | None) -> None:
    """Create gtm.yaml and a starter specs/ tree that validates and plans."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        click.echo(f"error[GTM614]: cannot create {directory}: {e.strerror or e}", err=True)
        sys.exit(exitcodes.ERROR)
    from gtm.context import find_workspace

    outer = find_workspace(directory.resolve().parent)
    if outer is not None and not (directory / "gtm.yaml").exists():
        click.echo(f"error: {directory} is inside the workspace {outer}; gtm init would nest a second one there. "
                   "Run gtm commands from anywhere inside it (or use -C DIR).", err=True)
        sys.exit(exitcodes.ERROR)
    if (directory / "gtm.yaml").exists():
        click.echo(f"error: {directory / 'gtm.yaml'} already exists; nothing written", err=True)
        sys.exit(exitcodes.ERROR)
    slug = name or "".join(ch if ch.isalnum() else "-" for ch in directory.resolve().name.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "gtm-workspace"
    written = []
    for rel, text in FILES.items():
        p = directory / rel
        if p.exists():
            continue
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text.replace("{name}", slug), encoding="utf-8")
        except OSError as e:
            click.echo(f"error[GTM614]: cannot write {p}: {e.strerror or e}", err=True)
            sys.exit(exitcodes.ERROR)
        written.append(rel)
    import json

    from compiler.schema import all_schemas

    try:
        (directory / "schemas").mkdir(exist_ok=True)
        for name, schema in all_schemas().items():
            (directory / "schemas" / f"{name}.json").write_text(json.dumps(schema, indent=2) + "\n",
                                                                encoding="utf-8")
    except OSError as e:
        click.echo(f"error[GTM614]: cannot write schemas: {e.strerror or e}", err=True)
        sys.exit(exitcodes.ERROR)
    written.append("schemas/")
    click.echo(f"Created {', '.join(written)} in {directory}.\nNext: gtm validate && gtm plan")
