"""``gtm import``: write spec files for what an environment's portal already holds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from compiler.diagnostics import Diagnostic, SourceRange, error, warning
from gtm import exitcodes
from gtm.context import open_project, print_diagnostics, workspace_options

HEADER = ("Imported by `gtm import -e {env}`. Adopted objects keep their live names and ids; gtm changes\n"
          "them only where this file and the portal differ (review every `gtm plan`).")


@click.command("import")
@workspace_options
@click.option("-e", "--env", "env_name", default=None, metavar="ENV",
              help="Environment from gtm.yaml to read (default: default_environment).")
@click.option("--into", "into", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory to write the spec files to (default: the workspace's spec directory).")
@click.option("--only", "only", type=click.Choice(["properties", "pipelines"]), multiple=True,
              help="Import only these (repeatable; default: everything a spec can express).")
@click.option("--dry-run", is_flag=True, help="Print the files it would write; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite spec files that exist (their declarations are re-read "
                                            "from the portal).")
def import_cmd(root: Path, specs_dir: Path | None, env_name: str | None, into: Path | None,
               only: tuple[str, ...], dry_run: bool, force: bool) -> None:
    """Write spec files (Properties, Pipeline) for what the portal holds, so a plan right after shows no changes."""
    from compiler.fmt import dump_documents
    from compiler.lowering import lower
    from compiler.project import display_path
    from gtm.deadline import provider_deadline
    from gtm.environments import make_provider, resolve
    from gtm.importing import build
    from providers.base import ProviderError

    project = open_project(root, specs_dir)
    root = project.root
    name, env, diags = resolve(project, env_name)
    if env is None:
        print_diagnostics(diags or [error("GTM201", "no gtm.yaml: nothing says which portal to read",
                                          SourceRange("gtm.yaml", 1, 1), hint="run `gtm init` first")])
        sys.exit(exitcodes.ERROR)
    spec_dir = (specs_dir.resolve() if specs_dir else
                root / (project.workspace.specs if project.workspace else "specs"))
    out_dir = into.resolve() if into is not None else spec_dir
    prefix = project.workspace.ownership.prefix if project.workspace else "gtm"
    kinds = set(only) or {"properties", "pipelines"}

    try:
        with provider_deadline("import", name, env):
            provider = make_provider(env, root, name)
            try:
                live = provider.read()
            finally:
                provider.close()
    except ProviderError as e:
        print_diagnostics([error(e.code, e.message)])
        sys.exit(exitcodes.ERROR)

    # what the specs already declare stays theirs, except in files this import will overwrite
    first = build(live.resources, prefix, kinds, set())
    targets = {(out_dir / f).resolve() for f in first.files}
    from compiler.specset import SpecSet

    kept_specs = [s for s in project.specs.specs if Path(s.doc.file).resolve() not in targets]
    kept = SpecSet(kept_specs, project.specs.conditions, prefix=prefix)
    lowered = lower(kept, project.workspace.ownership if project.workspace else None)
    skip = {r.address for r in lowered.resources} | set(lowered.adopted)
    result = build(live.resources, prefix, kinds, skip)

    texts = {f: dump_documents(docs, HEADER.format(env=name)) for f, docs in result.files.items()}
    problems = _validate(texts, kept, out_dir, root)
    if problems:
        print_diagnostics([*problems, error("GTM662", "the imported specs do not validate; nothing was written",
                                            hint="report this as a gtm bug, with the diagnostics above")])
        sys.exit(exitcodes.ERROR)
    existing = [out_dir / f for f in texts if (out_dir / f).exists()]
    if existing and not force and not dry_run:
        print_diagnostics([error("GTM661", f"{display_path(p, root)} exists; gtm import never overwrites a spec file",
                                 SourceRange(display_path(p, root), 1, 1),
                                 hint="pass --force to replace it with what the portal holds, or --into DIR")
                           for p in existing])
        sys.exit(exitcodes.ERROR)

    for f, text in texts.items():
        shown = display_path(out_dir / f, root)
        if dry_run:
            click.echo(f"# --- {shown} ({result.counts[f]}) ---")
            click.echo(text, nl=False)
            continue
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f).write_text(text, encoding="utf-8")
        except OSError as e:
            print_diagnostics([error("GTM614", f"cannot write {shown}: {e.strerror or e}")])
            sys.exit(exitcodes.ERROR)
        click.echo(f"wrote {shown} ({result.counts[f]})")
    notes: list[Diagnostic] = [warning("GTM663", f"{addr}: not imported: {why}") for addr, why in result.report]
    print_diagnostics(notes)
    if not texts:
        click.echo(f'Nothing to import: the specs already declare everything environment "{name}" holds that a '
                   "spec can express.")
    elif not dry_run:
        click.echo(f"\nReview the files, then `gtm plan -e {name}` shows no changes for them; commit them in a pull "
                   "request.")
    click.echo("Lists and workflows made by hand are not read: no spec kind expresses them.", err=True)
    sys.exit(exitcodes.OK)


def _validate(texts: dict[str, str], kept: object, out_dir: Path, root: Path) -> list[Diagnostic]:
    """The imported documents must load, parse and pass the checks next to the specs that stay."""
    from compiler.checks import run_checks
    from compiler.parse import parse_document
    from compiler.project import display_path
    from compiler.source import load_text
    from compiler.specset import SpecSet

    assert isinstance(kept, SpecSet)
    diags: list[Diagnostic] = []
    new = []
    shown = {display_path(out_dir / f, root) for f in texts}
    for f, text in texts.items():
        res = load_text(text, display_path(out_dir / f, root))
        diags.extend(res.diagnostics)
        for doc in res.documents:
            spec, pd = parse_document(doc)
            diags.extend(pd)
            if spec is not None:
                new.append(spec)
    ss = SpecSet([*kept.specs, *new], kept.conditions, prefix=kept.prefix)
    diags.extend(d for d in run_checks(ss) if d.is_error and d.range is not None and d.range.file in shown)
    return [d for d in diags if d.is_error]
