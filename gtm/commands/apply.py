"""``gtm apply``: apply a saved plan (refused if stale) or plan, show, ask, then apply."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from compiler.diagnostics import Diagnostic, error
from gtm import exitcodes, impact_gate
from gtm.applying import run_apply
from gtm.business_impact import DEFAULT_LIMIT
from gtm.commands.plan import env_option, impact_options
from gtm.context import open_project, print_diagnostics, workspace_options
from gtm.deadline import Deadline, DeadlineExceeded, deadline, deadline_message, deadline_option, limit_for
from gtm.journal import Journal
from gtm.locking import LockError, apply_lock
from gtm.planning import Session, make_plan_in, open_session
from gtm.saved_plan import check_saved_plan, read_saved_plan
from gtm.views.apply_report import Output
from gtm.views.color import color_for_stdout, no_color_option
from gtm.views.plan_text import render_plan, render_refused
from providers.base import ProviderError


@click.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@workspace_options
@env_option
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@click.option("--allow-destroy", is_flag=True,
              help="Allow deletes and changes that lose record data (required in protected environments).")
@click.option("--target", "targets", multiple=True, metavar="ADDR", help="Limit to these addresses; repeatable.")
@click.option("--allow-impact", is_flag=True,
              help="Apply a plan whose business impact exceeds the environment's impact_limits in gtm.yaml.")
@impact_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON report on stdout of what was done, per change (never asks; needs "
                   "--auto-approve or a PLAN_FILE).")
@no_color_option
@deadline_option
def apply(plan_file: Path | None, root: Path, specs_dir: Path | None, env_name: str | None, auto_approve: bool,
          allow_destroy: bool, targets: tuple[str, ...], allow_impact: bool, no_impact: bool, impact_limit: int,
          fmt: str, deadline_s: float | None) -> None:
    """Apply the changes: a saved PLAN_FILE exactly, or a fresh plan after confirmation."""
    out = Output(fmt)
    project = open_project(root, specs_dir)
    if not project.ok:
        out.fail(project.diagnostics.sorted())
    saved = None
    if plan_file is not None:
        saved, d = read_saved_plan(plan_file)
        if saved is None:
            out.fail(d)
        assert saved is not None
        env_name = env_name or saved.get("environment")
    session, sdiags = open_session(project, env_name)
    if session is None:
        out.fail([*project.diagnostics, *sdiags])
    assert session is not None
    out.environment = session.env_name
    try:
        try:
            with deadline(limit_for(session.env, deadline_s)) as clock, \
                    apply_lock(session.provider, session.env_name):
                _apply_locked(session, saved, sdiags, targets, auto_approve, allow_destroy, out, clock,
                              ImpactChoice(not no_impact, impact_limit, allow_impact))
        except LockError as e:
            out.fail([e.diagnostic])
        except DeadlineExceeded as e:
            out.fail([error("GTM623", deadline_message(e, "apply", session.env_name),
                            notes=(f"journal: {Journal.for_env(session.project.root, session.env_name).path}",),
                            hint="the apply lock was released; run `gtm apply` again (it plans from the live CRM "
                                 "and finishes the rest), raising `deadline_s` or --deadline if the portal is slow")])
    finally:
        session.close()


@dataclass(frozen=True)
class ImpactChoice:
    """Whether apply computes business impact, how many records it reads, and --allow-impact."""

    compute: bool = True
    limit: int = DEFAULT_LIMIT
    allow: bool = False


def _apply_locked(session: Session, saved: dict[str, Any] | None, sdiags: list[Diagnostic],
                  targets: tuple[str, ...], auto_approve: bool, allow_destroy: bool, out: Output,
                  clock: Deadline | None = None, impact: ImpactChoice | None = None) -> None:
    """Plan, show, confirm and apply while holding the lock (so the confirmed plan is what runs)."""
    impact = impact or ImpactChoice()
    project = session.project
    prev = Journal.previous(project.root, session.env_name)
    if prev and prev.get("status") in ("failed", "running", "interrupted"):
        click.echo(f"Note: the previous apply on \"{session.env_name}\" ended {prev.get('status')}; "
                   "planning from the live CRM to finish it.", err=True)
    try:
        plan, pdiags = make_plan_in(session, targets, impact=impact.compute, impact_limit=impact.limit)
    except ProviderError as e:
        out.fail([error(e.code, e.message)])
        return
    out.plan = plan
    errs = [d for d in [*sdiags, *pdiags] if d.is_error]
    if saved is not None and not errs:
        errs = check_saved_plan(saved, plan, session.env_name)
    warnings = [d for d in [*project.diagnostics, *sdiags, *pdiags] if not d.is_error]
    out.warnings = warnings
    if out.json:
        if errs:
            out.fail(errs)
    else:
        if errs:
            click.echo(render_refused(plan, len(errs)), nl=False)
            out.fail([*warnings, *errs])
        click.echo(render_plan(plan, color_for_stdout()), nl=False)
        print_diagnostics(warnings, "text")
    if not plan.has_changes:
        out.done("no-changes")
    refused = impact_gate.gate(plan, impact.allow)
    if refused:
        out.fail(refused)
    if saved is None and not auto_approve:
        if out.json or not sys.stdin.isatty():
            out.fail([error("GTM603", "refusing to apply without confirmation in a non-interactive run",
                            hint="review the plan and pass --auto-approve, or apply a saved plan file")])
        with clock.paused() if clock else contextlib.nullcontext():
            confirmed = click.confirm(f'Apply these changes to "{session.env_name}"?', default=False)
        if not confirmed:
            click.echo("Apply cancelled; nothing changed.")
            sys.exit(exitcodes.ERROR)
    result = run_apply(session, plan, allow_destroy)
    out.result = result
    if not out.json and out.follow_on_lines():
        click.echo("Also written, because of the changes above:")
        click.echo("\n".join(out.follow_on_lines()))
    if not result.ok:
        out.fail(result.diagnostics)
    c = plan.counts
    if not out.json:
        click.echo(f"Apply complete! Resources: {c['add']} added, {c['change']} changed, "
                   f"{c['destroy']} destroyed.")
    out.done("applied")
