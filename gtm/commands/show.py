"""``gtm show PLANFILE``: render a saved plan again without re-planning."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from compiler.diagnostics import error
from compiler.plan import FORMAT_VERSION, Plan
from gtm import exitcodes
from gtm.context import print_diagnostics
from gtm.saved_plan import KIND
from gtm.views.color import color_for_stdout, no_color_option
from gtm.views.output import FORMATS, emit_plan

MAX_PLAN_BYTES = 256 * 1024 * 1024


@click.command()
@no_color_option
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def show(plan_file: Path, fmt: str) -> None:
    """Render a saved plan (from `gtm plan --out`) as text, markdown, json or github, without re-planning."""
    data = _read(plan_file)
    try:
        plan = Plan.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        _fail(f"{plan_file} is not a readable gtm plan ({type(e).__name__}: {e})")
        return
    emit_plan(plan, fmt, color_for_stdout() if fmt == "text" else False)
    sys.exit(exitcodes.OK)


def _read(path: Path) -> dict[str, object]:
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            _fail(f"{path} is larger than {MAX_PLAN_BYTES // (1024 * 1024)} MiB; not a gtm plan")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        _fail(f"cannot read plan {path}: {getattr(e, 'strerror', None) or e}")
    if not isinstance(data, dict) or (data.get("kind") not in (KIND, None)) or "changes" not in data:
        _fail(f"{path} is not a gtm plan (save one with `gtm plan --out FILE`)")
    if data.get("format_version") != FORMAT_VERSION:
        _fail(f"{path} has plan format {data.get('format_version')!r}; this gtm reads {FORMAT_VERSION}")
    return data


def _fail(msg: str) -> None:
    print_diagnostics([error("GTM610", msg)], "text")
    sys.exit(exitcodes.ERROR)
