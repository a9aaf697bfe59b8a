"""``gtm unlock``: break a stale apply lock left by a killed process."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gtm import exitcodes
from gtm.commands.plan import env_option
from gtm.context import open_project, print_diagnostics, workspace_options
from gtm.deadline import provider_deadline
from gtm.environments import make_provider, resolve
from providers.base import ProviderError


@click.command()
@workspace_options
@env_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def unlock(root: Path, specs_dir: Path | None, env_name: str | None, yes: bool) -> None:
    """Break the apply lock of an environment (only when the apply holding it is dead)."""
    project = open_project(root, specs_dir)
    name, env, diags = resolve(project, env_name)
    if env is None:
        print_diagnostics(diags)
        sys.exit(exitcodes.ERROR)
    if not yes and (not sys.stdin.isatty() or not click.confirm(
            f'Break the apply lock on "{name}"? Only do this when no apply is running.', default=False)):
        click.echo("Lock left in place (pass --yes to break it).", err=True)
        sys.exit(exitcodes.ERROR)
    try:
        with provider_deadline("unlock", name, env):
            provider = make_provider(env, project.root, name)
            try:
                holder = provider.break_lock()
            finally:
                provider.close()
    except ProviderError as e:
        click.echo(f"error[{e.code}]: {e.message}", err=True)
        sys.exit(exitcodes.ERROR)
    if holder:
        click.echo(f'Broke the lock on "{name}" held by {holder.get("user", "?")} on {holder.get("host", "?")} '
                   f'(pid {holder.get("pid", "?")}).')
    else:
        click.echo(f'No lock was held on "{name}".')
