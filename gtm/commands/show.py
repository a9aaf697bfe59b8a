"""``gtm show PLANFILE``: render a saved plan again without re-planning."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from compiler.bounded import TooLarge, read_limited, strict_json_loads
from compiler.diagnostics import error
from compiler.plan import FORMAT_VERSION, Plan
from gtm import exitcodes
from gtm.context import print_diagnostics
from gtm.saved_plan import KIND, MAX_PLAN_BYTES, shape_problem
from gtm.views.color import color_for_stdout, no_color_option
from gtm.views.output import FORMATS, emit_plan, render_stdout

# what a plan file of the wrong shape raises while it is read into a Plan and rendered: the file is
# input like any other, so each of these is a diagnostic (GTM610), never a traceback
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, AssertionError, RecursionError)


@click.command()
@no_color_option
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def show(plan_file: Path, fmt: str) -> None:
    """Render a saved plan (from `gtm plan --out`) as text, markdown, json or github, without re-planning."""
    data = _read(plan_file)
    color = color_for_stdout() if fmt == "text" else False
    try:
        plan = Plan.from_dict(data)
        body = render_stdout(plan, fmt, color)
    except _SHAPE_ERRORS as e:
        why = "nested too deeply" if isinstance(e, RecursionError) else f"{type(e).__name__}: {str(e)[:200]}"
        _fail(f"{plan_file} is not a readable gtm plan ({why})")
    emit_plan(plan, fmt, color, body=body)
    sys.exit(exitcodes.OK)


def _read(path: Path) -> dict[str, object]:
    """The plan file's JSON object: at most MAX_PLAN_BYTES (``/dev/zero`` is refused, not read for ever),
    strict JSON (no NaN/Infinity), nesting within Python's limits."""
    data: Any = None
    try:
        data = strict_json_loads(read_limited(path, MAX_PLAN_BYTES).decode("utf-8"))
    except TooLarge:
        _fail(f"{path} is larger than {MAX_PLAN_BYTES // (1024 * 1024)} MiB; not a gtm plan", "GTM015")
    except RecursionError:
        _fail(f"{path} is nested too deeply to be a gtm plan")
    except (OSError, UnicodeDecodeError, ValueError) as e:
        _fail(f"cannot read plan {path}: {getattr(e, 'strerror', None) or e}")
    if not isinstance(data, dict) or (data.get("kind") not in (KIND, None)) or "changes" not in data:
        _fail(f"{path} is not a gtm plan (save one with `gtm plan --out FILE`)")
    if data.get("format_version") != FORMAT_VERSION:
        _fail(f"{path} has plan format {data.get('format_version')!r}; this gtm reads {FORMAT_VERSION}")
    why = shape_problem(data) if data.get("kind") == KIND else None
    if why:  # what `gtm apply FILE` would refuse is not shown as if it could be applied
        _fail(f"{path} is not a well-formed gtm saved plan: {why}")
    return data



def _fail(msg: str, code: str = "GTM610") -> NoReturn:
    print_diagnostics([error(code, msg)], "text")
    sys.exit(exitcodes.ERROR)
