"""The ``gtm`` command group.  Each command lives in ``gtm/commands/<name>.py``."""

from __future__ import annotations

import gc
import os
import sys

import click

from gtm import __version__
from gtm.commands import LazyGroup

CLI_GC_THRESHOLDS = (200_000, 50, 100)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


def main() -> None:
    """Console-script entry point: never let a traceback reach the user for bad input."""
    # A short-lived CLI allocates ~10^5 long-lived objects (nodes, positions, specs) and frees
    # little; the default thresholds trigger many full collections that find nothing and make
    # load time super-linear.  Collect rarely; long-running commands (emulator) restore defaults.
    gc.set_threshold(*CLI_GC_THRESHOLDS)
    gc.freeze()
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit as e:
        from gtm.deadline import FIRED

        if FIRED["deadline"]:
            # past the deadline: do not wait at exit for worker threads still blocked in a request
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(e.code if isinstance(e.code, int) else 1)
        raise
