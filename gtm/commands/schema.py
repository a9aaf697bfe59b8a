"""``gtm schema``: print or write the JSON Schema of each kind and of gtm.yaml."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from compiler.models import KINDS
from compiler.schema import all_schemas
from gtm import exitcodes


@click.command()
@click.argument("kind", required=False)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one <Kind>.json per kind into this directory.")
def schema(kind: str | None, out_dir: Path | None) -> None:
    """JSON Schema for every kind (or one KIND), for editors and CI.

    Reference it from a spec with `# yaml-language-server: $schema=<file>`.
    """
    schemas = all_schemas()
    if kind is not None and kind not in schemas:
        click.echo(f"error: unknown kind {kind!r}; known: {', '.join([*KINDS, 'Workspace'])}", err=True)
        sys.exit(exitcodes.ERROR)
    selected = {kind: schemas[kind]} if kind else schemas
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for name, s in selected.items():
                (out_dir / f"{name}.json").write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")
        except OSError as e:
            click.echo(f"error[GTM614]: cannot write schemas to {out_dir}: {e.strerror or e}", err=True)
            sys.exit(exitcodes.ERROR)
        click.echo(f"wrote {len(selected)} schema file(s) to {out_dir}")
        return
    payload = selected[kind] if kind else selected
    click.echo(json.dumps(payload, indent=2))
