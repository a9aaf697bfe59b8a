"""``gtm utm check`` and ``gtm utm build``: links against the UTMConvention spec."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO, NoReturn

import click

from compiler.bounded import TooLarge, read_stream
from compiler.diagnostics import Diagnostic, error
from compiler.models.utm import UTMConvention
from compiler.utm import build_url, check_params, check_url
from gtm import exitcodes
from gtm.context import open_project, print_diagnostics, workspace_options

MAX_LINKS_BYTES = 16 * 2**20


def _convention(root: Path, specs_dir: Path | None) -> UTMConvention:
    project = open_project(root, specs_dir)
    if not project.ok:
        print_diagnostics(project.diagnostics.sorted())
        sys.exit(exitcodes.ERROR)
    spec = project.specs.first("UTMConvention")
    if spec is None:
        click.echo("error: the specs define no UTMConvention", err=True)
        sys.exit(exitcodes.ERROR)
    model: UTMConvention = spec.model
    return model


def _fail(d: Diagnostic) -> NoReturn:
    print_diagnostics([d])
    sys.exit(exitcodes.ERROR)


@click.group()
def utm() -> None:
    """Check or build links against the UTMConvention."""


@utm.command("check")
@click.argument("urls", nargs=-1)
@workspace_options
@click.option("--file", "url_file", type=click.File("rb"), default=None,
              help=f"Read URLs from a file (- for stdin); at most {MAX_LINKS_BYTES // 2**20} MiB.")
def utm_check(urls: tuple[str, ...], root: Path, specs_dir: Path | None, url_file: BinaryIO | None) -> None:
    """Check each URL's utm_* parameters; exit 1 if any link breaks the convention."""
    conv = _convention(root, specs_dir)
    todo = list(urls)
    if url_file is not None:
        name = "stdin" if url_file.name in ("-", "<stdin>") else str(url_file.name)
        try:
            text = read_stream(url_file, MAX_LINKS_BYTES, name).decode("utf-8")
        except TooLarge as e:
            _fail(error("GTM015", f"the links file {name} holds more than {e.limit:,} bytes (the limit)",
                        hint="split it into smaller files"))
        except UnicodeDecodeError as e:
            _fail(error("GTM016", f"the links file {name} is not UTF-8 text (byte {e.start})"))
        except OSError as e:
            _fail(error("GTM013", f"cannot read the links file {name}: {e.strerror or e}"))
        todo += [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not todo:
        click.echo("error: give URLs or --file", err=True)
        sys.exit(exitcodes.ERROR)
    bad = 0
    for u in todo:
        problems = check_url(conv, u)
        if problems:
            bad += 1
            click.echo(f"✗ {u}")
            for p in problems:
                click.echo(f"    {p.message}")
        else:
            click.echo(f"✓ {u}")
    click.echo(f"{len(todo) - bad} of {len(todo)} link(s) follow the UTM convention.")
    sys.exit(exitcodes.ERROR if bad else exitcodes.OK)


@utm.command("build")
@click.argument("base_url")
@workspace_options
@click.option("--source", "utm_source", required=True)
@click.option("--medium", "utm_medium", required=True)
@click.option("--campaign", "utm_campaign", required=True)
@click.option("--term", "utm_term", default=None)
@click.option("--content", "utm_content", default=None)
def utm_build(base_url: str, root: Path, specs_dir: Path | None, **params: str | None) -> None:
    """Build a tagged link for BASE_URL, refusing values the convention does not allow."""
    conv = _convention(root, specs_dir)
    values = {k: v for k, v in params.items() if v}
    problems = check_params(conv, values)
    if problems:
        for p in problems:
            click.echo(f"error: {p.message}", err=True)
        sys.exit(exitcodes.ERROR)
    click.echo(build_url(base_url, values))
