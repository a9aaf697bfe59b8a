"""The ``gtm`` command group.  Each command lives in ``gtm/commands/<name>.py``."""

from __future__ import annotations

import sys

import click

from gtm import __version__
from gtm.commands import COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gtm")
def cli() -> None:
    """Declarative GTM configuration: validate specs, plan against the CRM, apply safely.

    \b
    Typical loop:
      gtm validate            check specs offline
      gtm plan                show what would change (local provider by default)
      gtm apply               apply after review (asks, or --auto-approve)
      gtm gate --phase 2      run the phase quality gates
    """


for _cmd in COMMANDS:
    cli.add_command(_cmd)


def main() -> None:
    """Console-script entry point: never let a traceback reach the user for bad input."""
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
