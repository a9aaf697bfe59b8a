"""The ``gtm`` command group.  Each command lives in ``gtm/commands/<name>.py``."""

from __future__ import annotations

import contextlib
import gc
import os
import sys

import click

from gtm import __version__
from gtm.commands import LazyGroup

CLI_GC_THRESHOLDS = (200_000, 50, 100)


def _chdir(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``gtm -C DIR …``: run as if started in DIR (like ``git -C``), before the subcommand parses."""
    if value is not None and not ctx.resilient_parsing:
        try:
            os.chdir(value)
        except OSError as e:
            raise click.BadParameter(f"cannot change to {value}: {e.strerror or e}") from None
    return value


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gtm")
@click.option("-C", "chdir", metavar="DIR", default=None, is_eager=True, expose_value=False, callback=_chdir,
              help="Run as if gtm was started in DIR (the workspace is found upward from there).")
@click.option("--no-color", is_flag=True, default=False,
              help="No colour in output (also when NO_COLOR is set or output is not a terminal).")
@click.pass_context
def cli(ctx: click.Context, no_color: bool) -> None:
    """Declarative GTM configuration: validate specs, plan against the CRM, apply safely.

    \b
    Typical loop:
      gtm validate            check specs offline
      gtm plan                show what would change (local provider by default)
      gtm apply               apply after review (asks, or --auto-approve)
      gtm gate --phase 2      run the phase quality gates
      gtm show plan.json      render a saved plan again (text, markdown or json)
    """
    if no_color:
        ctx.meta["gtm.no_color"] = True


def main() -> None:
    """Console-script entry point: never let a traceback reach the user for bad input."""
    # A short-lived CLI allocates ~10^6 long-lived objects (nodes, positions, specs) and frees
    # little: every collection while loading walks all of them and finds nothing (at 32k lines
    # that was a third of `gtm validate`).  Collection stays off until the workspace is loaded
    # (``gtm.context.resume_gc`` freezes what loading built, then turns it back on, collecting
    # rarely); long-running commands that load nothing (emulator) turn it on themselves.
    gc.set_threshold(*CLI_GC_THRESHOLDS)
    gc.freeze()
    gc.disable()
    _terminate_like_ctrl_c()
    try:
        try:
            rv = cli.main(standalone_mode=False)
        except click.exceptions.Abort as e:
            if isinstance(e.__cause__ or e.__context__, KeyboardInterrupt):
                _interrupted()
            click.echo("Aborted!", err=True)
            sys.exit(1)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            _interrupted()
        except OSError as e:  # what no command handles itself: stdout on a full disk (/dev/full), an I/O error
            _os_error(e)
        sys.exit(rv if isinstance(rv, int) else 0)
    except SystemExit as e:
        from gtm.deadline import FIRED
        from gtm.exitcodes import SKIP_TEARDOWN

        # past the deadline: do not wait at exit for worker threads still blocked in a request;
        # a finished command that left nothing open: do not free everything it built on the way out
        if FIRED["deadline"] or (SKIP_TEARDOWN["on"] and (e.code is None or isinstance(e.code, int))):
            code = e.code if isinstance(e.code, int) else (1 if FIRED["deadline"] else 0)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    code = code or 1
            os._exit(code)
        raise


def _terminate_like_ctrl_c() -> None:
    """SIGTERM (``timeout``, ``docker stop``, a CI runner cancelling a job, systemd) stops gtm the way
    Ctrl-C does: an apply writes "interrupted" to its journal and releases its lock on the way out.
    Python's default for SIGTERM ends the process at once, leaving the lock to be broken by hand on
    any other host."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def on_term(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)


def _os_error(e: OSError) -> None:
    """An OSError no command turned into a diagnostic — most often gtm's own output that cannot be
    written (stdout on a full disk): one line on stderr and exit 1, never a traceback.  stdout is
    pointed at /dev/null so that flushing it again at exit cannot fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    where = f" ({e.filename})" if getattr(e, "filename", None) else ""
    with contextlib.suppress(OSError):
        click.echo(f"error: gtm could not write its output or a file{where}: {e.strerror or e}", err=True)
    sys.exit(1)


def _interrupted() -> None:
    """Ctrl-C: exit 130 like a shell; an apply under way has already written "interrupted" to its journal."""
    click.echo("\ninterrupted", err=True)
    sys.exit(130)
