"""``gtm plan``: show what would change in the CRM; exit 0/1/2 with --detailed-exitcode."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from compiler.diagnostics import Diagnostic
from gtm import exitcodes
from gtm.business_impact import DEFAULT_LIMIT
from gtm.context import open_project, print_diagnostics, workspace_options
from gtm.deadline import DeadlineExceeded, deadline, deadline_message, deadline_option, limit_for
from gtm.planning import make_plan_in, open_session
from gtm.saved_plan import write_saved_plan
from gtm.views.color import color_for_stdout, no_color_option
from gtm.views.output import FORMATS, emit_plan, errors_of, normalized
from providers.base import ProviderError


def env_option(f):  # type: ignore[no-untyped-def]
    return click.option("-e", "--env", "env_name", default=None, metavar="ENV",
                        help="Environment from gtm.yaml (default: default_environment).")(f)


def impact_options(f):  # type: ignore[no-untyped-def]
    """``--no-impact`` and ``--impact-limit`` (plan and apply)."""
    f = click.option("--impact-limit", type=click.IntRange(min=1), default=DEFAULT_LIMIT, show_default=True,
                     metavar="N", help="Read at most N records per object for business impact; "
                                       "beyond that the counts are estimated from an even sample.")(f)
    return click.option("--no-impact", is_flag=True,
                        help="Skip business impact (no records are read).")(f)


@click.command()
@no_color_option
@workspace_options
@env_option
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Save the plan (with a fingerprint of the live state) for `gtm apply FILE`.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 = no changes, 1 = error, 2 = changes.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--target", "targets", multiple=True, metavar="ADDR",
              help="Limit the plan to these addresses (glob patterns allowed); repeatable.")
@impact_options
@deadline_option
def plan(root: Path, specs_dir: Path | None, env_name: str | None, out_file: Path | None,
         detailed_exitcode: bool, fmt: str, targets: tuple[str, ...], no_impact: bool, impact_limit: int,
         deadline_s: float | None) -> None:
    """Diff the specs against the live CRM and show the changes, like `terraform plan`."""
    project = open_project(root, specs_dir)
    if not project.ok:
        _fail(project.diagnostics.sorted(), fmt)
    session, sdiags = open_session(project, env_name)
    if session is None:
        _fail([*project.diagnostics, *sdiags], fmt)
    assert session is not None
    try:
        with deadline(limit_for(session.env, deadline_s)):
            p, pdiags = make_plan_in(session, targets, impact=not no_impact, impact_limit=impact_limit)
    except ProviderError as e:
        from compiler.diagnostics import error

        session.close()
        _fail([error(e.code, e.message)], fmt)
        return
    except DeadlineExceeded as e:
        from compiler.diagnostics import error

        session.close()
        _fail([error("GTM623", deadline_message(e, "plan", session.env_name),
                     hint="raise `deadline_s` for this environment in gtm.yaml or pass --deadline")], fmt)
        return
    session.close()
    diags = [*project.diagnostics, *sdiags, *pdiags]
    p.diagnostics = sorted({id(d): d for d in diags}.values(), key=Diagnostic.sort_key)
    emit_plan(normalized(p), fmt, color_for_stdout() if fmt == "text" else False)
    if errors_of(p):
        sys.exit(exitcodes.ERROR)
    if out_file is not None:
        try:
            write_saved_plan(out_file, p, project)
        except OSError as e:
            from compiler.diagnostics import error

            _fail([error("GTM614", f"cannot write the saved plan to {out_file}: {e.strerror or e}")], fmt)
        if fmt == "text":
            click.echo(f"\nSaved the plan to {out_file}. Apply exactly this plan with: gtm apply {out_file}\n"
                       f"Show it again with: gtm show {out_file}", err=True)
    if detailed_exitcode and p.has_changes:
        sys.exit(exitcodes.CHANGES)
    sys.exit(exitcodes.OK)


def _fail(diags: list[Diagnostic], fmt: str) -> None:
    """No plan: the diagnostics in ``fmt`` (Markdown as a PR comment on stdout, like a plan)."""
    if fmt == "markdown":
        from gtm.views.markdown import render_no_plan_markdown

        click.echo(render_no_plan_markdown(sorted(diags, key=Diagnostic.sort_key)))
        sys.exit(exitcodes.ERROR)
    print_diagnostics(diags, "json" if fmt == "json" else ("github" if fmt == "github" else "text"),
                      stream=sys.stdout if fmt in ("json", "github") else None)
    sys.exit(exitcodes.ERROR)
