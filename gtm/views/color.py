"""Colour for terminals: on when stdout is a terminal, off with ``--no-color`` or ``NO_COLOR``.

Follows https://no-color.org: any non-empty ``NO_COLOR`` turns colour off.  Plans saved, piped
or compared (``gtm show``) are plain text.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
META_KEY = "gtm.no_color"

_STYLE: dict[str, dict[str, Any]] = {
    "+": {"fg": "green"},
    "-": {"fg": "red"},
    "~": {"fg": "yellow"},
    "-/+": {"fg": "magenta"},
    "#": {"dim": True},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
}


def paint(text: str, kind: str, on: bool) -> str:
    """``text`` styled for ``kind`` (a plan marker or a severity) when ``on``."""
    style = _STYLE.get(kind)
    if not on or not style or not text.strip():
        return text
    return click.style(text, **style)


def use_color(no_color: bool = False, stream: IO[str] | None = None) -> bool:
    """Colour only on a terminal, and never when ``--no-color`` or ``NO_COLOR`` says so."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    s = stream if stream is not None else sys.stdout
    try:
        return bool(s.isatty())
    except (AttributeError, ValueError):
        return False


def color_for_stdout() -> bool:
    """Colour for the running command's stdout, honouring ``--no-color`` (before or after the command)."""
    ctx = click.get_current_context(silent=True)
    no_color = bool(ctx is not None and ctx.meta.get(META_KEY))
    return use_color(no_color, sys.stdout)


def _set_no_color(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[META_KEY] = True
    return value


def no_color_option(f: F) -> F:
    """``--no-color`` on a command (``gtm --no-color CMD`` works as well)."""
    return click.option("--no-color", is_flag=True, expose_value=False, callback=_set_no_color,
                        help="No colour in output (also off when NO_COLOR is set or output is not a terminal).")(f)
