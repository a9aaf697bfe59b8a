"""``gtm explain``: why a record gets its tier, score, band and route, rule by rule."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from compiler.bounded import TooLarge, read_limited, strict_json_loads
from compiler.diagnostics import error
from compiler.explain import explain_record
from gtm import exitcodes
from gtm.context import open_project, print_diagnostics, workspace_options

MAX_RECORD_BYTES = 2**20



@click.command()
@click.argument("record")
@workspace_options
@click.option("--object", "obj", type=click.Choice(["contacts", "companies", "deals"]), default="contacts",
              show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Trace rules that did not match too.")
def explain(record: str, root: Path, specs_dir: Path | None, obj: str, verbose: bool) -> None:
    """Explain a RECORD (JSON of property values, or @file.json) against the specs.

    \b
    Example:
      gtm explain '{"jobtitle": "VP Operations", "hs_analytics_num_page_views": 4}'
    """
    project = open_project(root, specs_dir)
    if not project.ok:
        print_diagnostics(project.diagnostics.sorted())
        sys.exit(exitcodes.ERROR)
    try:
        if record.startswith("@"):
            text = read_limited(Path(record[1:]), MAX_RECORD_BYTES, record[1:]).decode("utf-8")
        elif len(record) > MAX_RECORD_BYTES:
            raise TooLarge("RECORD", MAX_RECORD_BYTES)
        else:
            text = record
        data = strict_json_loads(text)
    except TooLarge as e:
        print_diagnostics([error("GTM015", f"{e}", hint="a record is a JSON object of property values")])
        sys.exit(exitcodes.ERROR)
    except RecursionError:
        print_diagnostics([error("GTM016", "RECORD is nested too deeply to be a record of property values")])
        sys.exit(exitcodes.ERROR)
    except (OSError, ValueError) as e:
        click.echo(f"error: RECORD must be a JSON object of property values (or @file.json): {e}", err=True)
        sys.exit(exitcodes.ERROR)
    if not isinstance(data, dict):
        click.echo("error: RECORD must be a JSON object of property values", err=True)
        sys.exit(exitcodes.ERROR)
    ex = explain_record(project.specs, obj, data, project.workspace.ownership if project.workspace else None,
                        verbose)
    click.echo(f"{obj} record: {json.dumps(data, ensure_ascii=False)}")
    for line in ex.lines or ["(no gtm calculation applies to this object)"]:
        click.echo(line)
